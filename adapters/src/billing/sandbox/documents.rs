//! The simulator's handlers for one customer number's documents: its statement of a month, the
//! printed copy of an invoice or a credit note, the actions of an invoice's review — and the
//! simulator's own payment of an approved invoice.
//!
//! A document of another customer number is answered 404, as an unknown one is: the path's
//! customer number is the one the gateway authorised, and the system holds the same line.

use std::sync::Arc;

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::Utc;

use super::super::wire::{WireActionRequest, WireInvoice, WireRefusal, WireStatement, WireStatus};
use super::{Instance, bad_request, pdf};
use crate::model::{InvoiceRefusal, StatementPeriod};
use crate::sandbox::demo;
use crate::sandbox::openapi::{Pdf, Refusal};
use crate::sandbox::respond::refuse_json;

/// A customer number's statement of a month.
///
/// The balance owed before the month, the month's invoices, credit notes and payments by date
/// then reference with the running balance, and the balance after.
#[utoipa::path(
    get,
    path = "/v1/customers/{cust_no}/statements/{period}",
    operation_id = "statement",
    tag = "invoices",
    params(
        ("cust_no" = String, Path, description = "The customer number the gateway authorised."),
        ("period" = String, Path, description = "The month, `YYYY-MM`.", pattern = r"^\d{4}-\d{2}$")
    ),
    responses(
        (status = 200, description = "The statement.", body = WireStatement),
        (status = 400, description = "`BAD_REQUEST` with a `message`: the period is not `YYYY-MM`.", body = Refusal),
        (status = 404, description = "`UNKNOWN_CUSTOMER`: not a customer number of this instance.", body = Refusal)
    )
)]
pub(super) async fn statement(
    State(instance): State<Arc<Instance>>,
    Path((cust_no, period)): Path<(String, String)>,
) -> Response {
    let Some(period) = StatementPeriod::parse(&period) else {
        return bad_request("the period must be YYYY-MM".into());
    };
    let Some((account, _)) = instance.accounts.get(&cust_no) else {
        return refuse_json(StatusCode::NOT_FOUND, "UNKNOWN_CUSTOMER");
    };
    let ledger = instance.read();
    match ledger.statement(account, instance.region, period) {
        Some(statement) => Json(WireStatement::from(&statement)).into_response(),
        None => bad_request("the period must be YYYY-MM".into()),
    }
}

fn pdf_response(bytes: Vec<u8>) -> Response {
    ([(header::CONTENT_TYPE, "application/pdf")], bytes).into_response()
}

fn unknown_document() -> Response {
    refuse_json(StatusCode::NOT_FOUND, "UNKNOWN_DOCUMENT")
}

/// The printed copy of an invoice.
#[utoipa::path(
    get,
    path = "/v1/customers/{cust_no}/invoices/{invoice_no}/pdf",
    operation_id = "invoicePdf",
    tag = "invoices",
    params(("cust_no" = String, Path, description = "The customer number the gateway authorised."), ("invoice_no" = String, Path, description = "The invoice number.")),
    responses(
        (status = 200, description = "The PDF.", content_type = "application/pdf", body = inline(Pdf)),
        (status = 404, description = "`UNKNOWN_DOCUMENT`: no such invoice of this customer number.", body = Refusal)
    )
)]
pub(super) async fn invoice_pdf(
    State(instance): State<Arc<Instance>>,
    Path((cust_no, invoice_no)): Path<(String, String)>,
) -> Response {
    let Some((_, company)) = instance.accounts.get(&cust_no) else {
        return unknown_document();
    };
    let ledger = instance.read();
    let invoice = instance
        .index
        .get(&invoice_no)
        .and_then(|at| ledger.invoices.get(*at))
        .filter(|i| i.customer_number == cust_no);
    match invoice {
        Some(invoice) => pdf_response(pdf::invoice_pdf(invoice, company)),
        None => unknown_document(),
    }
}

/// The printed copy of a credit note.
#[utoipa::path(
    get,
    path = "/v1/customers/{cust_no}/credit-notes/{credit_note_no}/pdf",
    operation_id = "creditNotePdf",
    tag = "invoices",
    params(("cust_no" = String, Path, description = "The customer number the gateway authorised."), ("credit_note_no" = String, Path, description = "The credit-note number.")),
    responses(
        (status = 200, description = "The PDF.", content_type = "application/pdf", body = inline(Pdf)),
        (status = 404, description = "`UNKNOWN_DOCUMENT`: no such credit note of this customer number.", body = Refusal)
    )
)]
pub(super) async fn credit_note_pdf(
    State(instance): State<Arc<Instance>>,
    Path((cust_no, credit_note_no)): Path<(String, String)>,
) -> Response {
    let Some((_, company)) = instance.accounts.get(&cust_no) else {
        return unknown_document();
    };
    let ledger = instance.read();
    let note = ledger
        .credit_notes
        .iter()
        .find(|n| n.credit_note_number == credit_note_no && n.customer_number == cust_no);
    match note {
        Some(note) => pdf_response(pdf::credit_note_pdf(note, company)),
        None => unknown_document(),
    }
}

/// How the simulator refuses an action or a payment.
fn refusal(refused: InvoiceRefusal) -> Response {
    match refused {
        InvoiceRefusal::UnknownInvoice => refuse_json(StatusCode::NOT_FOUND, "UNKNOWN_INVOICE"),
        InvoiceRefusal::ReasonRequired => {
            refuse_json(StatusCode::UNPROCESSABLE_ENTITY, "REASON_REQUIRED")
        }
        InvoiceRefusal::InvalidTransition { status } => {
            let body = WireRefusal {
                error: "INVALID_TRANSITION".to_owned(),
                status: Some(WireStatus::from(status)),
            };
            (StatusCode::CONFLICT, Json(body)).into_response()
        }
    }
}

/// Takes a step of an invoice's review.
///
/// `START_REVIEW` (open or disputed → in review), `APPROVE` (in review → approved) or `DISPUTE`
/// (in review → disputed, with a reason).
#[utoipa::path(
    post,
    path = "/v1/customers/{cust_no}/invoices/{invoice_no}/actions",
    operation_id = "invoiceAction",
    tag = "invoices",
    params(("cust_no" = String, Path, description = "The customer number the gateway authorised."), ("invoice_no" = String, Path, description = "The invoice number.")),
    request_body = WireActionRequest,
    responses(
        (status = 200, description = "The invoice after the step.", body = WireInvoice),
        (status = 400, description = "`BAD_REQUEST` with a `message`: the body is not `{\"action\", \"reason\"}`.", body = Refusal),
        (status = 404, description = "`UNKNOWN_INVOICE`: no such invoice of this customer number.", body = Refusal),
        (status = 409, description = "`INVALID_TRANSITION`: not allowed from the invoice's `status`.", body = WireRefusal),
        (status = 422, description = "`REASON_REQUIRED`: a dispute without a reason.", body = Refusal)
    )
)]
pub(super) async fn act(
    State(instance): State<Arc<Instance>>,
    Path((cust_no, invoice_no)): Path<(String, String)>,
    body: Result<Json<WireActionRequest>, JsonRejection>,
) -> Response {
    let Ok(Json(request)) = body else {
        return bad_request("the body must be {\"action\", \"reason\"}".into());
    };
    let mut ledger = instance.write();
    let at = instance.index.get(&invoice_no).copied().filter(|at| {
        ledger
            .invoices
            .get(*at)
            .is_some_and(|i| i.customer_number == cust_no)
    });
    let Some(at) = at else {
        return refusal(InvoiceRefusal::UnknownInvoice);
    };
    match ledger.act(
        at,
        request.action.into(),
        request.reason.as_deref(),
        Utc::now(),
    ) {
        Ok(invoice) => Json(WireInvoice::from(&invoice)).into_response(),
        Err(refused) => refusal(refused),
    }
}

/// Pays an approved invoice today.
#[utoipa::path(
    post,
    path = "/admin/invoices/{invoice_no}/payments",
    operation_id = "payInvoice",
    tag = "sandbox",
    params(("invoice_no" = String, Path, description = "The invoice number.")),
    responses(
        (status = 200, description = "The invoice, paid.", body = WireInvoice),
        (status = 404, description = "`UNKNOWN_INVOICE`.", body = Refusal),
        (status = 409, description = "`INVALID_TRANSITION`: the invoice is not approved.", body = WireRefusal)
    )
)]
pub(super) async fn pay(
    State(instance): State<Arc<Instance>>,
    Path(invoice_no): Path<String>,
) -> Response {
    let Some(at) = instance.index.get(&invoice_no).copied() else {
        return refusal(InvoiceRefusal::UnknownInvoice);
    };
    let mut ledger = instance.write();
    match ledger.pay(at, demo::today(), Utc::now(), instance.region) {
        Ok(invoice) => Json(WireInvoice::from(&invoice)).into_response(),
        Err(refused) => refusal(refused),
    }
}
