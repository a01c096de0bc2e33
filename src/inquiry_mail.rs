//! The e-mails the gateway writes about an inquiry: the acknowledgment when it is submitted and
//! the notice when the support team answers. Both go to the inquiry's contact, in the contact's
//! language (the profile's, unless the form changed it), from the templates of
//! [`crate::mail_templates`], with a link to the inquiry's page on the portal (`portal.base_url`).
//!
//! A message the mail service refuses for good (a 4xx, or one the adapter would not send) is
//! [`GatewayError::Internal`], logged here; a passing failure keeps its own error, so callers
//! try again only when that can help.
//!
//! Each message has an idempotency key derived from what it is about (the tracking number, the
//! answer's message ID), so a repeated send — a retried mutation, two gateway instances reading
//! the same change — reaches the contact once.

use chrono::{DateTime, Utc};
use serde::Serialize;
use supportgraph_adapters::model::{Inquiry, InquiryMessage, MailMessage, MailReceipt};

use supportgraph_adapters::error::AdapterError;

use crate::app::App;
use crate::error::GatewayError;
use crate::mail_templates::{MailTemplate, RenderedMail};

/// What the templates may use.
#[derive(Serialize)]
struct MailContext<'a> {
    name: &'a str,
    subject: &'a str,
    customer_number: &'a str,
    tracking_number: &'a str,
    due_by: String,
    time_zone: &'a str,
    routed_to_person: bool,
    channel: &'a str,
    link: String,
    message: &'a str,
}

/// `at` as the customer's wall clock in `inquiry`'s country (`2026-11-23 23:59`), and the zone's
/// name; UTC when the country is not in the directory.
fn local_time(app: &App, inquiry: &Inquiry, at: DateTime<Utc>) -> (String, &'static str) {
    match app.countries.snapshot().get(&inquiry.country) {
        Some(country) => (
            at.with_timezone(&country.time_zone)
                .format("%Y-%m-%d %H:%M")
                .to_string(),
            country.time_zone_name(),
        ),
        None => (at.format("%Y-%m-%d %H:%M").to_string(), "UTC"),
    }
}

fn render(
    app: &App,
    template: MailTemplate,
    inquiry: &Inquiry,
    message: &str,
) -> Result<RenderedMail, GatewayError> {
    let (due_by, time_zone) = local_time(app, inquiry, inquiry.response_due_by);
    let channel = match inquiry.contact.preferred_channel {
        supportgraph_adapters::model::ContactChannel::Email => "EMAIL",
        supportgraph_adapters::model::ContactChannel::Phone => "PHONE",
    };
    let context = MailContext {
        name: &inquiry.contact.name,
        subject: &inquiry.subject,
        customer_number: &inquiry.customer_number,
        tracking_number: &inquiry.tracking_number,
        due_by,
        time_zone,
        routed_to_person: inquiry.routed_to_person,
        channel,
        link: app.settings.portal.inquiry_link(&inquiry.tracking_number),
        message,
    };
    app.mail_templates
        .render(template, &inquiry.contact.language, context)
        .map_err(GatewayError::internal)
}

async fn send(
    app: &App,
    rendered: RenderedMail,
    inquiry: &Inquiry,
    key: &str,
) -> Result<MailReceipt, GatewayError> {
    let mail = MailMessage {
        to: vec![inquiry.contact.email.clone()],
        subject: rendered.subject,
        text_body: rendered.body,
        attachments: Vec::new(),
    };
    app.mail.send(&mail, key).await.map_err(|error| {
        if is_refused_for_good(&error) {
            // Sending the same message again would be refused again: the caller passes it.
            tracing::error!(%error, key, "the mail service refuses this message");
            GatewayError::Internal
        } else {
            GatewayError::from_adapter(&error, None)
        }
    })
}

/// Whether the mail service refused the message itself (it was never sent, or the service
/// answered 4xx other than 408 and 429), so trying again cannot help — unlike a timeout, an
/// outage or an open breaker.
fn is_refused_for_good(error: &AdapterError) -> bool {
    match error {
        AdapterError::InvalidRequest { .. } => true,
        AdapterError::Status { status, .. } => {
            (400..500).contains(status) && !matches!(status, 408 | 429)
        }
        _ => false,
    }
}

/// The idempotency key of `inquiry`'s acknowledgment.
pub fn acknowledgment_key(tracking_number: &str) -> String {
    format!("inquiry-ack-{tracking_number}")
}

/// The idempotency key of the notice of support's answer `message_id`.
pub fn answer_key(tracking_number: &str, message_id: &str) -> String {
    format!("inquiry-answer-{tracking_number}-{message_id}")
}

/// Sends "we received your inquiry": its tracking number, when an answer is due (the customer's
/// local time) and the link.
pub async fn send_acknowledgment(
    app: &App,
    inquiry: &Inquiry,
) -> Result<MailReceipt, GatewayError> {
    let rendered = render(app, MailTemplate::InquiryAcknowledgment, inquiry, "")?;
    send(
        app,
        rendered,
        inquiry,
        &acknowledgment_key(&inquiry.tracking_number),
    )
    .await
}

/// Sends "your inquiry has an answer": support's message `answer` and the link.
pub async fn send_answer(
    app: &App,
    inquiry: &Inquiry,
    answer: &InquiryMessage,
) -> Result<MailReceipt, GatewayError> {
    let rendered = render(app, MailTemplate::InquiryAnswer, inquiry, &answer.body)?;
    send(
        app,
        rendered,
        inquiry,
        &answer_key(&inquiry.tracking_number, &answer.id),
    )
    .await
}
