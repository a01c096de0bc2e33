//! `replyToInquiry` and `closeInquiry`: the customer's side of an inquiry's thread.
//!
//! The inquiry is found among the caller's customer numbers authorised for Inquiries first (one
//! of another company is `NOT_FOUND`, and nothing is sent). A reply is checked whole — its text
//! and every file — before anything is uploaded, like a submission. Both honour
//! `Idempotency-Key`.

use std::sync::Arc;
use std::time::Duration;

use async_graphql::{Context, InputObject, Object, Result, SimpleObject, Upload};
use serde::Serialize;
use supportgraph_adapters::model::{self, InquiryNumber, InquiryRefusal, check_message};

use super::attachments::{FileSummary, check_files, upload_all};
use super::scope::{find_inquiry, inquiry_scope};
use super::types::Inquiry;
use crate::app::App;
use crate::auth::Caller;
use crate::error::GatewayError;
use crate::federation::call_budget::CallBudget;
use crate::graphql::common::idempotency::{self, IdempotencyKey, Step};
use crate::graphql::common::input::identifier;
use crate::graphql::common::outcome::{Outcome, UserError, UserErrorCode};

/// A reply to the support team.
#[derive(InputObject)]
pub struct ReplyToInquiryInput {
    /// The inquiry's tracking number.
    pub tracking_number: String,
    /// Your message: 1 to 10,000 characters.
    pub message: String,
    /// Documents (multipart request), as for `submitInquiry`.
    pub attachments: Option<Vec<Upload>>,
}

/// The result of `replyToInquiry` and `closeInquiry`.
#[derive(SimpleObject)]
pub struct InquiryPayload {
    /// The inquiry as it is afterwards; null when refused.
    pub inquiry: Option<Inquiry>,
    /// Why it was refused; empty on success.
    pub user_errors: Vec<UserError>,
}

fn payload(outcome: Outcome<model::Inquiry>) -> InquiryPayload {
    let (inquiry, user_errors) = outcome.into_parts(Inquiry);
    InquiryPayload {
        inquiry,
        user_errors,
    }
}

fn not_found(number: &str) -> Outcome<model::Inquiry> {
    Outcome::refused(
        "trackingNumber",
        UserErrorCode::NotFound,
        format!(
            "none of the customer numbers you are authorised for with Inquiries has an inquiry {number}"
        ),
    )
}

fn refusal_outcome(refusal: InquiryRefusal, number: &str) -> Outcome<model::Inquiry> {
    match refusal {
        InquiryRefusal::UnknownInquiry => not_found(number),
        InquiryRefusal::Closed => Outcome::refused(
            "trackingNumber",
            UserErrorCode::InquiryClosed,
            format!("inquiry {number} is closed: submit a new inquiry instead"),
        ),
        InquiryRefusal::UnknownAttachment => Outcome::refused(
            "attachments",
            UserErrorCode::InvalidAttachment,
            "the support system did not take an attachment; send the reply again",
        ),
    }
}

/// The caller's inquiry `number`, or `None`.
async fn caller_inquiry(
    ctx: &Context<'_>,
    number: &InquiryNumber,
) -> Result<Option<model::Inquiry>, GatewayError> {
    let app = ctx
        .data::<Arc<App>>()
        .map_err(|e| GatewayError::internal(e.message))?;
    let budget = ctx
        .data::<Arc<CallBudget>>()
        .map_err(|e| GatewayError::internal(e.message))?;
    let scope = inquiry_scope(ctx, None).await?;
    find_inquiry(app, budget, &scope.customers, number.as_str()).await
}

#[derive(Serialize)]
struct ReplyFingerprint<'a> {
    tracking_number: &'a str,
    message: &'a str,
    files: Vec<FileSummary>,
}

/// The customer's side of the thread.
#[derive(Default)]
pub struct ReplyMutation;

#[Object]
impl ReplyMutation {
    /// Adds your message, with documents if any (multipart, as for `submitInquiry`), to one of
    /// your company's inquiries. An ANSWERED inquiry goes back to IN_PROGRESS; a CLOSED one
    /// takes no reply (`INQUIRY_CLOSED`). Honours `Idempotency-Key`.
    async fn reply_to_inquiry(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The inquiry, your message and any documents.")]
        input: ReplyToInquiryInput,
    ) -> Result<InquiryPayload> {
        let app = ctx.data::<Arc<App>>()?;
        let caller = ctx.data::<Caller>()?;
        let user_id = caller.principal()?.user_id.clone();
        let profile = caller.profile(&app.profiles).await?;
        let number: InquiryNumber = identifier("input.trackingNumber", &input.tracking_number)?;
        let message = input.message.trim().to_owned();
        if let Err(error) = check_message(&message) {
            return Ok(payload(Outcome::refused(
                "message",
                UserErrorCode::InvalidRequest,
                error.to_string(),
            )));
        }
        let uploads = input.attachments.as_deref().unwrap_or_default();
        let files = match check_files(ctx, uploads, &app.settings.inquiries).await? {
            Ok(files) => files,
            Err(refusal) => {
                return Ok(payload(Outcome::refused(
                    "attachments",
                    refusal.code,
                    refusal.message,
                )));
            }
        };
        let Some(inquiry) = caller_inquiry(ctx, &number).await? else {
            return Ok(payload(not_found(number.as_str())));
        };
        if inquiry.status == model::InquiryStatus::Closed {
            return Ok(payload(refusal_outcome(
                InquiryRefusal::Closed,
                number.as_str(),
            )));
        }
        let fingerprint = ReplyFingerprint {
            tracking_number: number.as_str(),
            message: &message,
            files: files.iter().map(|f| f.summary.clone()).collect(),
        };
        let support = &app.settings.backends.support;
        let wait = Duration::from_millis(
            support.transfer_timeout_ms * files.len() as u64 + support.timeout_ms,
        );
        let fingerprint = serde_json::to_string(&fingerprint).map_err(GatewayError::internal)?;
        let author = profile.name.clone();
        let write_app = Arc::clone(app);
        let outcome = idempotency::once(
            app,
            ctx.data_opt::<IdempotencyKey>(),
            &user_id,
            "replyToInquiry",
            &fingerprint,
            wait,
            async move {
                Ok(Step::write(async move {
                    let customer = inquiry.customer_number.clone();
                    let stored = upload_all(write_app.support.as_ref(), &customer, files).await?;
                    let ids: Vec<String> = stored.into_iter().map(|a| a.id).collect();
                    let answer = write_app
                        .support
                        .reply(&inquiry.tracking_number, &customer, &author, &message, &ids)
                        .await
                        .map_err(|e| GatewayError::from_adapter(&e, None))?;
                    Ok(match answer {
                        Ok(inquiry) => Outcome::Done(inquiry),
                        Err(refusal) => refusal_outcome(refusal, &inquiry.tracking_number),
                    })
                }))
            },
        )
        .await?;
        Ok(payload(outcome))
    }

    /// Closes one of your company's inquiries: nothing more can be added to it. Closing a
    /// closed inquiry answers it unchanged. Honours `Idempotency-Key`.
    async fn close_inquiry(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The inquiry's tracking number.")] tracking_number: String,
    ) -> Result<InquiryPayload> {
        let app = ctx.data::<Arc<App>>()?;
        let user_id = ctx.data::<Caller>()?.principal()?.user_id.clone();
        let number: InquiryNumber = identifier("trackingNumber", &tracking_number)?;
        let Some(inquiry) = caller_inquiry(ctx, &number).await? else {
            return Ok(payload(not_found(number.as_str())));
        };
        let write_app = Arc::clone(app);
        let outcome = idempotency::once(
            app,
            ctx.data_opt::<IdempotencyKey>(),
            &user_id,
            "closeInquiry",
            &number.as_str(),
            Duration::from_millis(app.settings.backends.support.timeout_ms),
            async move {
                Ok(Step::write(async move {
                    let answer = write_app
                        .support
                        .close(&inquiry.tracking_number, &inquiry.customer_number)
                        .await
                        .map_err(|e| GatewayError::from_adapter(&e, None))?;
                    Ok(match answer {
                        Ok(inquiry) => Outcome::Done(inquiry),
                        Err(refusal) => refusal_outcome(refusal, &inquiry.tracking_number),
                    })
                }))
            },
        )
        .await?;
        Ok(payload(outcome))
    }
}
