//! The review of an invoice: `startInvoiceReview`, `approveInvoice` and `disputeInvoice`.
//!
//! The invoice is found among the caller's customer numbers authorised for Invoices first — so
//! an invoice that does not exist and one of another company are the same `NOT_FOUND` user
//! error, and nothing reaches the billing system for either. The billing system then decides
//! whether the step is allowed from the invoice's status (the table is
//! `model::InvoiceStatus::after`, mirrored in the schema's description of `InvoiceStatus`); a
//! step it refuses is an `INVALID_TRANSITION` user error, never a top-level error. The step
//! clears the cached invoice pages of the customer number. Every step honours `Idempotency-Key`.

use std::sync::Arc;
use std::time::Duration;

use async_graphql::{Context, InputObject, Object, Result, SimpleObject};
use supportgraph_adapters::model::{
    self, DocumentNumber, FreeText, InvoiceAction, InvoiceRefusal, MAX_DISPUTE_REASON,
};

use super::query::billing_scope;
use super::types::{Invoice, InvoiceStatus};
use crate::app::App;
use crate::auth::Caller;
use crate::countries::Tool;
use crate::error::GatewayError;
use crate::federation::billing::{DocumentLookup, InvoiceBatcher, find_invoice, namespace};
use crate::graphql::common::idempotency::{self, IdempotencyKey, Step};
use crate::graphql::common::input::identifier;
use crate::graphql::common::outcome::{Outcome, UserError, UserErrorCode};

/// Which invoice.
#[derive(InputObject)]
pub struct InvoiceReviewInput {
    /// The billing system's invoice number: one of your company's, on a customer number you are
    /// authorised for with Invoices.
    pub invoice_number: String,
}

/// Which invoice to dispute, and why.
#[derive(InputObject)]
pub struct DisputeInvoiceInput {
    /// The billing system's invoice number.
    pub invoice_number: String,
    /// Why you dispute it: 1 to 1,000 characters, for the vendor's billing team.
    pub reason: String,
}

/// The result of a review step.
#[derive(SimpleObject)]
pub struct InvoiceReviewPayload {
    /// The invoice as it is now; null when refused.
    pub invoice: Option<Invoice>,
    /// Why it was refused; empty on success.
    pub user_errors: Vec<UserError>,
}

impl InvoiceReviewPayload {
    fn of(outcome: Outcome<model::Invoice>) -> Self {
        let (invoice, user_errors) = outcome.into_parts(Invoice::single);
        Self {
            invoice,
            user_errors,
        }
    }
}

fn status_name(status: model::InvoiceStatus) -> &'static str {
    match InvoiceStatus::from(status) {
        InvoiceStatus::Open => "OPEN",
        InvoiceStatus::InReview => "IN_REVIEW",
        InvoiceStatus::Approved => "APPROVED",
        InvoiceStatus::Disputed => "DISPUTED",
        InvoiceStatus::Paid => "PAID",
    }
}

fn step_name(action: InvoiceAction) -> &'static str {
    match action {
        InvoiceAction::StartReview => "start the review of",
        InvoiceAction::Approve => "approve",
        InvoiceAction::Dispute => "dispute",
    }
}

fn invalid_transition(
    action: InvoiceAction,
    status: model::InvoiceStatus,
) -> Outcome<model::Invoice> {
    Outcome::refused(
        "invoiceNumber",
        UserErrorCode::InvalidTransition,
        format!(
            "you cannot {} an invoice that is {}",
            step_name(action),
            status_name(status)
        ),
    )
}

/// Finds the invoice, then asks its region's billing instance to take the step.
async fn review(
    ctx: &Context<'_>,
    app: &Arc<App>,
    number: DocumentNumber,
    action: InvoiceAction,
    reason: Option<String>,
) -> Result<Step<Outcome<model::Invoice>>, GatewayError> {
    let ticket = ctx
        .data::<InvoiceBatcher>()
        .map_err(|e| GatewayError::internal(e.message))?
        .ticket();
    let scope = billing_scope(ctx, Tool::Invoices, None).await?;
    let not_found = || {
        Outcome::refused(
            "invoiceNumber",
            UserErrorCode::NotFound,
            format!(
                "none of the customer numbers you are authorised for has an invoice {}",
                number.as_str()
            ),
        )
    };
    let invoice = match find_invoice(ticket, &scope.by_region, number.as_str()).await {
        DocumentLookup::Found(invoice) => *invoice,
        DocumentLookup::NotFound => return Ok(Step::Answer(not_found())),
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
        .cloned()
        .ok_or_else(|| GatewayError::internal("a region in scope has no billing instance"))?;
    let app = Arc::clone(app);
    let refused_not_found = not_found();
    Ok(Step::write(async move {
        let answer = backend
            .act_on_invoice(
                &invoice.customer_number,
                &invoice.invoice_number,
                action,
                reason.as_deref(),
            )
            .await
            .map_err(|e| GatewayError::from_adapter(&e, Some(region)))?;
        app.cache
            .invalidate(&namespace(&invoice.customer_number))
            .await;
        Ok(match answer {
            Ok(invoice) => Outcome::Done(invoice),
            Err(InvoiceRefusal::UnknownInvoice) => refused_not_found,
            Err(InvoiceRefusal::InvalidTransition { status }) => invalid_transition(action, status),
            Err(InvoiceRefusal::ReasonRequired) => Outcome::refused(
                "reason",
                UserErrorCode::ReasonRequired,
                "the billing system needs a reason for a dispute",
            ),
        })
    }))
}

/// Runs one review step for the caller, once per `Idempotency-Key`.
async fn run(
    ctx: &Context<'_>,
    operation: &'static str,
    invoice_number: &str,
    action: InvoiceAction,
    reason: Option<String>,
) -> Result<InvoiceReviewPayload> {
    let app = ctx.data::<Arc<App>>()?;
    let caller = ctx.data::<Caller>()?;
    let user_id = caller.principal()?.user_id.clone();
    let number: DocumentNumber = identifier("input.invoiceNumber", invoice_number)?;
    let fingerprint = (number.as_str().to_owned(), reason.clone());
    let wait = Duration::from_millis(app.settings.backends.billing.timeout_ms);
    let outcome = idempotency::once(
        app,
        ctx.data_opt::<IdempotencyKey>(),
        &user_id,
        operation,
        &fingerprint,
        wait,
        review(ctx, app, number.clone(), action, reason),
    )
    .await?;
    Ok(InvoiceReviewPayload::of(outcome))
}

/// Mutations of the invoice review.
#[derive(Default)]
pub struct ReviewMutation;

#[Object]
impl ReviewMutation {
    /// Starts the review of an OPEN invoice, or resumes it after a dispute (DISPUTED): the
    /// invoice becomes IN_REVIEW. Any other status is an `INVALID_TRANSITION` user error.
    async fn start_invoice_review(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The invoice to review.")] input: InvoiceReviewInput,
    ) -> Result<InvoiceReviewPayload> {
        run(
            ctx,
            "startInvoiceReview",
            &input.invoice_number,
            InvoiceAction::StartReview,
            None,
        )
        .await
    }

    /// Approves an invoice IN_REVIEW for payment: it becomes APPROVED (and PAID when the billing
    /// system receives the payment). Any other status is an `INVALID_TRANSITION` user error.
    async fn approve_invoice(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The invoice to approve.")] input: InvoiceReviewInput,
    ) -> Result<InvoiceReviewPayload> {
        run(
            ctx,
            "approveInvoice",
            &input.invoice_number,
            InvoiceAction::Approve,
            None,
        )
        .await
    }

    /// Disputes an invoice IN_REVIEW, with a reason: it becomes DISPUTED until the review
    /// resumes (`startInvoiceReview`). Any other status is an `INVALID_TRANSITION` user error;
    /// a blank or overlong reason `REASON_REQUIRED`.
    async fn dispute_invoice(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The invoice to dispute, and why.")] input: DisputeInvoiceInput,
    ) -> Result<InvoiceReviewPayload> {
        let reason = input.reason.trim().to_owned();
        if reason.is_empty()
            || reason.chars().count() > MAX_DISPUTE_REASON
            || FreeText::check(&reason).is_err()
        {
            return Ok(InvoiceReviewPayload::of(Outcome::refused(
                "reason",
                UserErrorCode::ReasonRequired,
                format!(
                    "say why in 1 to {MAX_DISPUTE_REASON} characters, without control characters"
                ),
            )));
        }
        run(
            ctx,
            "disputeInvoice",
            &input.invoice_number,
            InvoiceAction::Dispute,
            Some(reason),
        )
        .await
    }
}
