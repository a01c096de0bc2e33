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
use crate::sandbox::respond::refuse_json;

/// `GET v1/customers/{custNo}/statements/{period}`.
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

/// `GET v1/customers/{custNo}/invoices/{invoiceNo}/pdf`.
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

/// `GET v1/customers/{custNo}/credit-notes/{creditNoteNo}/pdf`.
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

/// `POST v1/customers/{custNo}/invoices/{invoiceNo}/actions`.
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

/// `POST admin/invoices/{invoiceNo}/payments` (the simulator's own): pays an approved invoice
/// today.
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
