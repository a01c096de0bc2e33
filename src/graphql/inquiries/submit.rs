//! `submitInquiry` and `contactRepresentative`: a new inquiry, with its documents, its
//! acknowledgment e-mail and its due date.
//!
//! Everything is checked before anything is sent: the text, the contact, the customer number
//! (the caller's, authorised for Inquiries), the category (it must exist in the customer
//! number's country), and every file (count, size, type by its bytes). A refusal is a
//! `userErrors` entry and nothing of the submission is stored. Then, as one write that finishes
//! even if the client goes away: the files are streamed to the support system, the inquiry is
//! created with `responseDueBy` (the end of the next business day in the customer number's
//! country), and the acknowledgment goes to the contact. Both mutations honour
//! `Idempotency-Key`: a retried submission creates one inquiry and sends one e-mail.

use std::sync::Arc;
use std::time::Duration;

use async_graphql::{Context, InputObject, Object, Result, SimpleObject, Upload};
use chrono::Utc;
use serde::{Deserialize, Serialize};
use supportgraph_adapters::model::{
    self, CustomerNumber, InquiryContact, NewInquiry, check_description, check_subject,
};

use super::attachments::{CheckedFile, FileSummary, check_files, upload_all};
use super::contact::{InquiryContactInput, contact_of};
use super::form::category_available;
use super::types::{ContactChannel, Inquiry, InquiryCategory};
use crate::app::App;
use crate::auth::Caller;
use crate::countries::Tool;
use crate::error::GatewayError;
use crate::federation::scope::ToolScope;
use crate::graphql::common::idempotency::{self, IdempotencyKey, Step};
use crate::graphql::common::input::identifier;
use crate::graphql::common::outcome::{Outcome, UserError, UserErrorCode};

/// A new inquiry.
#[derive(InputObject)]
pub struct SubmitInquiryInput {
    /// What it is about: one of the categories there are in the customer number's country
    /// (`inquiryForm.customerNumbers.categories`).
    pub category: InquiryCategory,
    /// The subject: 1 to 200 characters.
    pub subject: String,
    /// What you would like to know: 1 to 10,000 characters.
    pub description: String,
    /// The customer number it is about (yours, authorised for Inquiries).
    pub customer_number: String,
    /// How to reach you; the profile's details for what is left out.
    pub contact: Option<InquiryContactInput>,
    /// Documents (multipart request): at most 5 files of 10 MiB each by default — PDF, PNG,
    /// JPEG, plain text, CSV, XLSX or DOCX, judged by their content.
    pub attachments: Option<Vec<Upload>>,
}

/// A request to be contacted by a representative.
#[derive(InputObject)]
pub struct ContactRepresentativeInput {
    /// What it is about: 1 to 200 characters (the inquiry's subject).
    pub topic: String,
    /// Your message: 1 to 10,000 characters.
    pub message: String,
    /// By e-mail or by telephone.
    pub preferred_channel: ContactChannel,
    /// The number to call (the profile's when left out; needed for PHONE).
    pub phone: Option<String>,
    /// The customer number it is about (yours, authorised for Inquiries). When left out: the
    /// first customer number you are authorised for in your own country, or else the first you
    /// are authorised for at all — the one the answer names.
    pub customer_number: Option<String>,
}

/// The result of `submitInquiry` and `contactRepresentative`.
#[derive(SimpleObject)]
pub struct SubmitInquiryPayload {
    /// The inquiry as recorded (SUBMITTED, with its tracking number and `responseDueBy`); null
    /// when refused.
    pub inquiry: Option<Inquiry>,
    /// Whether the acknowledgment e-mail went out now (when the mail service could not take it,
    /// the gateway keeps trying in the background).
    pub acknowledgment_sent: bool,
    /// Why it was refused; empty on success.
    pub user_errors: Vec<UserError>,
}

/// What a submission came to; recorded for `Idempotency-Key` replays.
#[derive(Clone, Serialize, Deserialize)]
struct Submitted {
    inquiry: model::Inquiry,
    acknowledgment_sent: bool,
}

/// A submission, from either mutation, before its checks.
struct Submission {
    category: model::InquiryCategory,
    subject: String,
    description: String,
    customer_number: Option<String>,
    contact: InquiryContactInput,
    routed_to_person: bool,
}

/// What identifies a submission for `Idempotency-Key`: everything sent, files by their hash.
#[derive(Serialize)]
struct Fingerprint<'a> {
    category: model::InquiryCategory,
    subject: &'a str,
    description: &'a str,
    customer_number: &'a str,
    contact: &'a InquiryContact,
    routed_to_person: bool,
    files: Vec<FileSummary>,
}

/// What the checks of a submission came to: ready to send, or refused.
type Checked = Result<(NewInquiry, Vec<CheckedFile>), UserError>;

fn refused(field: &str, code: UserErrorCode, message: impl Into<String>) -> Checked {
    Err(UserError::new(field, code, message))
}

/// The customer number a representative request is about when none is named.
fn default_customer(scope: &ToolScope, profile: &model::UserProfile) -> Option<String> {
    let authorised: Vec<&String> = scope.by_region.values().flatten().collect();
    profile
        .customers
        .iter()
        .find(|c| c.country == profile.country && authorised.contains(&&c.customer_number))
        .map(|c| c.customer_number.clone())
        .or_else(|| authorised.first().map(|n| (*n).clone()))
}

async fn submit(
    ctx: &Context<'_>,
    submission: Submission,
    uploads: &[Upload],
) -> Result<SubmitInquiryPayload> {
    let app = ctx.data::<Arc<App>>()?;
    let caller = ctx.data::<Caller>()?;
    let user_id = caller.principal()?.user_id.clone();
    let key = ctx.data_opt::<IdempotencyKey>();
    let profile = caller.profile(&app.profiles).await?;
    let subject = submission.subject.trim().to_owned();
    let description = submission.description.trim().to_owned();
    let subject_field = if submission.routed_to_person {
        "topic"
    } else {
        "subject"
    };
    let text_field = if submission.routed_to_person {
        "message"
    } else {
        "description"
    };
    let checks = async {
        if let Err(error) = check_subject(&subject) {
            return Ok(refused(
                subject_field,
                UserErrorCode::InvalidRequest,
                error.to_string(),
            ));
        }
        if let Err(error) = check_description(&description) {
            let message = error.to_string().replace("description", text_field);
            return Ok(refused(text_field, UserErrorCode::InvalidRequest, message));
        }
        let contact = match contact_of(&submission.contact, profile) {
            Ok(contact) => contact,
            Err((field, message)) => {
                return Ok(refused(&field, UserErrorCode::InvalidContact, message));
            }
        };
        let customer_number = match &submission.customer_number {
            Some(number) => {
                let number: CustomerNumber = identifier("input.customerNumber", number)?;
                let requested = [number.as_str().to_owned()];
                ToolScope::for_tool(
                    Tool::Inquiries,
                    profile,
                    &app.countries.snapshot(),
                    Some(&requested),
                )?;
                requested[0].clone()
            }
            None => {
                let scope =
                    ToolScope::for_tool(Tool::Inquiries, profile, &app.countries.snapshot(), None)?;
                match default_customer(&scope, profile) {
                    Some(number) => number,
                    None => return Err(scope.empty_error(Tool::Inquiries, &profile.country)),
                }
            }
        };
        let country_code = profile
            .customer(&customer_number)
            .map(|c| c.country.clone())
            .ok_or_else(|| GatewayError::internal("a customer number in scope has no account"))?;
        let countries = app.countries.snapshot();
        let country = countries
            .get(&country_code)
            .ok_or_else(|| GatewayError::internal("a customer number in scope has no country"))?;
        if !category_available(country, submission.category) {
            return Ok(refused(
                "category",
                UserErrorCode::FeatureNotAvailable,
                format!(
                    "there are no {} inquiries in {}: pick one of inquiryForm's categories",
                    submission.category.code(),
                    country.name
                ),
            ));
        }
        let files: Vec<CheckedFile> =
            match check_files(ctx, uploads, &app.settings.inquiries).await? {
                Ok(files) => files,
                Err(refusal) => return Ok(refused("attachments", refusal.code, refusal.message)),
            };
        let now = Utc::now();
        let new = NewInquiry {
            category: submission.category,
            customer_number: customer_number.clone(),
            country: country_code,
            subject: subject.clone(),
            description: description.clone(),
            response_due_by: country.response_due_by(now),
            submitted_by: user_id.clone(),
            contact,
            routed_to_person: submission.routed_to_person,
            attachment_ids: Vec::new(),
        };
        Ok(Ok((new, files)))
    };
    let checked: Checked = checks.await?;
    let (new, files) = match checked {
        Ok(ready) => ready,
        Err(refusal) => {
            return Ok(SubmitInquiryPayload {
                inquiry: None,
                acknowledgment_sent: false,
                user_errors: vec![refusal],
            });
        }
    };
    let fingerprint = serde_json::to_string(&Fingerprint {
        category: new.category,
        subject: &new.subject,
        description: &new.description,
        customer_number: &new.customer_number,
        contact: &new.contact,
        routed_to_person: new.routed_to_person,
        files: files.iter().map(|f| f.summary.clone()).collect(),
    })
    .map_err(GatewayError::internal)?;
    let keyed = key.is_some();
    let create_key = idempotency::backend_key("inquiry", &[&user_id], key)?;
    let backends = &app.settings.backends;
    let wait = Duration::from_millis(
        backends.support.transfer_timeout_ms * files.len() as u64
            + backends.support.timeout_ms
            + backends.mail.timeout_ms,
    );
    let operation = if new.routed_to_person {
        "contactRepresentative"
    } else {
        "submitInquiry"
    };
    let app_for_write = Arc::clone(app);
    let outcome = idempotency::once(
        app,
        key,
        &user_id,
        operation,
        &fingerprint,
        wait,
        async move {
            Ok(Step::write(write(
                app_for_write,
                new,
                files,
                create_key,
                keyed,
            )))
        },
    )
    .await?;
    let (submitted, user_errors) = outcome.into_parts(|s: Submitted| s);
    Ok(SubmitInquiryPayload {
        acknowledgment_sent: submitted.as_ref().is_some_and(|s| s.acknowledgment_sent),
        inquiry: submitted.map(|s| Inquiry(s.inquiry)),
        user_errors,
    })
}

/// The write: upload the files, create the inquiry, acknowledge it.
async fn write(
    app: Arc<App>,
    mut new: NewInquiry,
    files: Vec<CheckedFile>,
    create_key: String,
    keyed: bool,
) -> Result<Outcome<Submitted>, GatewayError> {
    // A retry after an attempt that uploaded (and perhaps created) sends that attempt's body.
    // (Without an Idempotency-Key the create key is new each time: nothing to keep.)
    let prepared = match keyed {
        true => app.prepared_inquiries.load(&create_key).await,
        false => None,
    };
    match prepared {
        Some(prepared) => new = prepared,
        None => {
            let stored = upload_all(app.support.as_ref(), &new.customer_number, files).await?;
            new.attachment_ids = stored.into_iter().map(|a| a.id).collect();
            if keyed {
                app.prepared_inquiries.save(&create_key, &new).await;
            }
        }
    }
    let inquiry = app
        .support
        .create_inquiry(&new, &create_key)
        .await
        .map_err(|e| GatewayError::from_adapter(&e, None))?;
    let acknowledgment_sent = match crate::inquiry_mail::send_acknowledgment(&app, &inquiry).await {
        Ok(_) => true,
        Err(error) => {
            tracing::warn!(error = ?error, tracking_number = %inquiry.tracking_number, "acknowledgment not sent; retrying in the background");
            retry_acknowledgment(Arc::clone(&app), inquiry.clone());
            false
        }
    };
    Ok(Outcome::Done(Submitted {
        inquiry,
        acknowledgment_sent,
    }))
}

/// Keeps trying to send an acknowledgment the mail service could not take (its key makes a
/// repeat harmless): after 5 s, 30 s, 2 min and 10 min.
fn retry_acknowledgment(app: Arc<App>, inquiry: model::Inquiry) {
    tokio::spawn(async move {
        for seconds in [5, 30, 120, 600] {
            tokio::time::sleep(Duration::from_secs(seconds)).await;
            match crate::inquiry_mail::send_acknowledgment(&app, &inquiry).await {
                Ok(_) => return,
                Err(error) => {
                    tracing::warn!(error = ?error, tracking_number = %inquiry.tracking_number, "acknowledgment still not sent")
                }
            }
        }
        tracing::error!(tracking_number = %inquiry.tracking_number, "acknowledgment given up");
    });
}

/// Submitting inquiries.
#[derive(Default)]
pub struct SubmitMutation;

#[Object]
impl SubmitMutation {
    /// Submits an inquiry to the support team, with documents if any (send them as a
    /// multipart request, with a `graphql-require-preflight` header). Answers the inquiry with
    /// its tracking number and `responseDueBy` — the end of the next business day in the
    /// customer number's country — and e-mails the acknowledgment, with a link to the inquiry,
    /// to the contact. Category INVENTORY is how inventory questions are asked where there is
    /// no online inventory. Send an `Idempotency-Key` header so a retry creates one inquiry.
    async fn submit_inquiry(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The inquiry: what it is about, the message, how to reach you, any documents."
        )]
        input: SubmitInquiryInput,
    ) -> Result<SubmitInquiryPayload> {
        let submission = Submission {
            category: input.category.into(),
            subject: input.subject,
            description: input.description,
            customer_number: Some(input.customer_number),
            contact: input.contact.unwrap_or_default(),
            routed_to_person: false,
        };
        submit(
            ctx,
            submission,
            input.attachments.as_deref().unwrap_or_default(),
        )
        .await
    }

    /// "We are here to help": asks for a representative to contact you by e-mail or telephone.
    /// Recorded as an inquiry (category OTHER, routed to a person) with the same tracking
    /// number, acknowledgment and due date as any other. Honours `Idempotency-Key`.
    async fn contact_representative(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The topic, your message and how to reach you.")]
        input: ContactRepresentativeInput,
    ) -> Result<SubmitInquiryPayload> {
        let submission = Submission {
            category: model::InquiryCategory::Other,
            subject: input.topic,
            description: input.message,
            customer_number: input.customer_number,
            contact: InquiryContactInput {
                phone: input.phone,
                preferred_channel: Some(input.preferred_channel),
                ..InquiryContactInput::default()
            },
            routed_to_person: true,
        };
        submit(ctx, submission, &[]).await
    }
}
