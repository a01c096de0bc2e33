//! `forwardInvoice`: send an electronic copy of an invoice — its PDF, attached — to someone else
//! through the vendor's mail service.
//!
//! The invoice is found among the caller's customer numbers authorised for Invoices first (one
//! of another company is `NOT_FOUND`, and nothing is sent); its PDF comes from its region's
//! billing system. The mutation honours `Idempotency-Key`, and the mail service is given a key
//! derived from it, so a retried request sends one message.

use std::sync::Arc;
use std::time::Duration;

use async_graphql::{Context, InputObject, Object, Result, SimpleObject};
use supportgraph_adapters::model::{
    DocumentNumber, EmailAddress, FreeText, MailAttachment, MailMessage,
};
use supportgraph_adapters::ports::BillingDocument;

use super::query::billing_scope;
use crate::app::App;
use crate::auth::Caller;
use crate::countries::Tool;
use crate::error::GatewayError;
use crate::federation::billing::{DocumentLookup, InvoiceBatcher, find_invoice};
use crate::graphql::common::idempotency::{self, IdempotencyKey, Step};
use crate::graphql::common::input::identifier;
use crate::graphql::common::outcome::{Outcome, UserError, UserErrorCode};

/// The longest message to go with a forwarded invoice.
const MAX_MESSAGE: usize = 2_000;

/// Which invoice to send to whom.
#[derive(InputObject)]
pub struct ForwardInvoiceInput {
    /// The billing system's invoice number.
    pub invoice_number: String,
    /// Who receives the copy (anyone: a colleague in accounts payable, a shared mailbox).
    pub recipient_email: String,
    /// A message to go with it (at most 2,000 characters).
    pub message: Option<String>,
}

/// The result of `forwardInvoice`.
#[derive(SimpleObject)]
pub struct ForwardInvoicePayload {
    /// The mail service's message ID; null when refused.
    pub message_id: Option<String>,
    /// Why it was refused; empty on success.
    pub user_errors: Vec<UserError>,
}

async fn forward(
    ctx: &Context<'_>,
    app: &Arc<App>,
    input: &ForwardInvoiceInput,
    mail_key: String,
) -> Result<Step<Outcome<String>>, GatewayError> {
    let Ok(to) = input.recipient_email.trim().parse::<EmailAddress>() else {
        return Ok(Step::Answer(Outcome::refused(
            "recipientEmail",
            UserErrorCode::InvalidEmail,
            "this is not an e-mail address the mail service can write to",
        )));
    };
    let message = input
        .message
        .as_deref()
        .unwrap_or_default()
        .trim()
        .to_owned();
    if message.chars().count() > MAX_MESSAGE || FreeText::check(&message).is_err() {
        return Ok(Step::Answer(Outcome::refused(
            "message",
            UserErrorCode::InvalidRequest,
            format!("a message is at most {MAX_MESSAGE} characters, without control characters"),
        )));
    }
    let number: DocumentNumber = identifier("input.invoiceNumber", &input.invoice_number)?;
    let ticket = ctx
        .data::<InvoiceBatcher>()
        .map_err(|e| GatewayError::internal(e.message))?
        .ticket();
    let scope = billing_scope(ctx, Tool::Invoices, None).await?;
    let invoice = match find_invoice(ticket, &scope.by_region, number.as_str()).await {
        DocumentLookup::Found(invoice) => *invoice,
        DocumentLookup::NotFound => {
            return Ok(Step::Answer(Outcome::refused(
                "invoiceNumber",
                UserErrorCode::NotFound,
                format!(
                    "none of the customer numbers you are authorised for has an invoice {}",
                    number.as_str()
                ),
            )));
        }
        DocumentLookup::Unavailable(failures) => {
            let failure = failures
                .first()
                .ok_or_else(|| GatewayError::internal("an unavailable lookup without a failure"))?;
            return Err(GatewayError::from_adapter(
                &failure.error,
                Some(failure.region),
            ));
        }
    };
    let region = invoice.region;
    let backend = app
        .billing_backends
        .get(&region)
        .ok_or_else(|| GatewayError::internal("a region in scope has no billing instance"))?;
    let pdf = backend
        .document_pdf(
            &invoice.customer_number,
            &BillingDocument::Invoice(invoice.invoice_number.clone()),
        )
        .await
        .map_err(|e| GatewayError::from_adapter(&e, Some(region)))?;
    let Some(pdf) = pdf else {
        return Ok(Step::Answer(Outcome::refused(
            "invoiceNumber",
            UserErrorCode::NotFound,
            "the billing system has no copy of this invoice to send",
        )));
    };
    let mut text = format!(
        "Invoice {} of customer number {}, issued {} and due {}: {} {}. The PDF copy is attached.\n",
        invoice.invoice_number,
        invoice.customer_number,
        invoice.invoice_date,
        invoice.due_date,
        invoice.total,
        invoice.currency
    );
    if !message.is_empty() {
        text = format!("{message}\n\n{text}");
    }
    let mail = MailMessage {
        to: vec![to],
        subject: format!("Invoice {}", invoice.invoice_number),
        text_body: text,
        attachments: vec![MailAttachment {
            filename: format!("{}.pdf", invoice.invoice_number),
            content_type: "application/pdf".to_owned(),
            bytes: pdf,
        }],
    };
    let mail_backend = Arc::clone(&app.mail);
    Ok(Step::write(async move {
        let receipt = mail_backend
            .send(&mail, &mail_key)
            .await
            .map_err(|e| GatewayError::from_adapter(&e, None))?;
        Ok(Outcome::Done(receipt.message_id))
    }))
}

/// The forwarding mutation.
#[derive(Default)]
pub struct ForwardMutation;

#[Object]
impl ForwardMutation {
    /// E-mails a copy of one of your company's invoices — its PDF, attached — to
    /// `recipientEmail`, with an optional message. The invoice must be on a customer number you
    /// are authorised for with Invoices; any other is a `NOT_FOUND` user error. Send an
    /// `Idempotency-Key` header so a retry sends one e-mail.
    async fn forward_invoice(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The invoice, the recipient and an optional message.")]
        input: ForwardInvoiceInput,
    ) -> Result<ForwardInvoicePayload> {
        let app = ctx.data::<Arc<App>>()?;
        let caller = ctx.data::<Caller>()?;
        let user_id = caller.principal()?.user_id.clone();
        let key = ctx.data_opt::<IdempotencyKey>();
        let mail_key = idempotency::backend_key("invoice", &[&user_id], key)?;
        let fingerprint = (
            input.invoice_number.trim().to_owned(),
            input.recipient_email.trim().to_ascii_lowercase(),
            input.message.clone(),
        );
        let wait = Duration::from_millis(
            app.settings.backends.billing.timeout_ms + app.settings.backends.mail.timeout_ms,
        );
        let outcome = idempotency::once(
            app,
            key,
            &user_id,
            "forwardInvoice",
            &fingerprint,
            wait,
            forward(ctx, app, &input, mail_key),
        )
        .await?;
        let (message_id, user_errors) = outcome.into_parts(|id| id);
        Ok(ForwardInvoicePayload {
            message_id,
            user_errors,
        })
    }
}
