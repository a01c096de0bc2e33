//! The billing simulator: deterministic invoices, credit notes and payments for every demo
//! customer number of one region, served with the contract of the real instances.
//!
//! The demo data follows the demo orders and installed machines of the same seed (see `invoices`
//! and `history`), so what a user sees in invoices matches what they see in orders and
//! inventory — up to the serial numbers planted to be questioned. The books then live: the
//! invoice actions and `POST admin/invoices/{invoiceNo}/payments` change them, so they sit behind
//! a lock, read by the listings and statements and written by an action or a payment.
//!
//! Here: the instance, its listing and batch lookups; `documents` (statements, PDFs, actions and
//! payments); `ledger` (the books and what is computed from them); `invoices`, `history` and
//! `serials` (the demo data); `pdf` (the printed copies).

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Json, Router};
use serde::Deserialize;
use utoipa::{IntoParams, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::search_params::from_params;
use super::wire::{
    MAX_LIMIT, WireCreditNote, WireCreditNoteBatch, WireInvoice, WireInvoiceBatch, WireInvoiceList,
};
use crate::model::{InvoiceSortKey, Order, Region};
use crate::order_status;
use crate::ports::LOOKUP_BATCH;
use crate::sandbox::SeededRng;
use crate::sandbox::demo;
use crate::sandbox::openapi::{Refusal, SANDBOX_TAG_DESCRIPTION};
use crate::sandbox::respond::split;

mod documents;
mod history;
mod invoices;
mod ledger;
mod pdf;
mod serials;

pub use ledger::{Account, Ledger, Payment};

use invoices::document_number;

/// Every demo document held by `region`'s instance: the invoices, credit notes and payments of
/// each demo customer number of the region, each list by number.
pub fn generate(seed: u64, region: Region) -> Ledger {
    let orders: Vec<Order> = order_status::sandbox::generate(seed, region)
        .into_iter()
        .filter_map(|order| order.into_model(region).ok())
        .collect();
    let installed = serials::installed(seed, region);
    let mut ledger = Ledger::default();
    for account in demo::accounts()
        .iter()
        .filter(|a| demo::region_of(a.country) == Some(region))
    {
        let mut rng = SeededRng::new(seed, &format!("billing:{}", account.customer_number));
        let machines = installed
            .get(account.customer_number)
            .map_or(&[][..], Vec::as_slice);
        let (mut issued, unmatched) =
            invoices::issue_all(&mut rng, account, region, &orders, machines);
        let (credit_notes, payments) = history::settle(&mut rng, &mut issued, &unmatched, region);
        ledger.invoices.extend(issued);
        ledger.credit_notes.extend(credit_notes);
        ledger.payments.extend(payments);
    }
    ledger
        .invoices
        .sort_by(|a, b| a.invoice_number.cmp(&b.invoice_number));
    ledger
        .credit_notes
        .sort_by(|a, b| a.credit_note_number.cmp(&b.credit_note_number));
    ledger
        .payments
        .sort_by(|a, b| a.payment_number.cmp(&b.payment_number));
    ledger
}

/// The customer numbers `region`'s instance bills, with their company's name.
fn accounts(region: Region) -> HashMap<String, (Account, &'static str)> {
    demo::companies()
        .into_iter()
        .flat_map(|company| company.accounts.into_iter().map(move |a| (a, company.name)))
        .filter(|(a, _)| demo::region_of(a.country) == Some(region))
        .map(|(a, company)| {
            let account = Account {
                customer_number: a.customer_number.to_owned(),
                country: a.country.to_owned(),
                currency: demo::currency_of(a.country).to_owned(),
            };
            (a.customer_number.to_owned(), (account, company))
        })
        .collect()
}

/// One running instance: its region, the customer numbers it bills, its books.
struct Instance {
    region: Region,
    accounts: HashMap<String, (Account, &'static str)>,
    /// Positions of the invoices in the ledger by number (invoices are never added or removed).
    index: HashMap<String, usize>,
    ledger: RwLock<Ledger>,
}

impl Instance {
    /// The books, for reading. A handler never panics holding the lock, so a poisoned lock still
    /// holds consistent books.
    fn read(&self) -> RwLockReadGuard<'_, Ledger> {
        self.ledger.read().unwrap_or_else(PoisonError::into_inner)
    }

    /// The books, for a change.
    fn write(&self) -> RwLockWriteGuard<'_, Ledger> {
        self.ledger.write().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The instance's routes, serving `region`'s demo documents.
pub fn router(seed: u64, region: Region) -> Router {
    let ledger = generate(seed, region);
    let instance = Instance {
        region,
        accounts: accounts(region),
        index: ledger.index(),
        ledger: RwLock::new(ledger),
    };
    let (routes, _) = routes().split_for_parts();
    routes.with_state(Arc::new(instance))
}

/// The contract every billing instance offers (see [`crate::sandbox::openapi`]).
pub fn openapi() -> utoipa::openapi::OpenApi {
    routes().into_openapi()
}

/// What the contract says of itself.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Billing",
        description = "What a regional billing system must offer to be federated: its customers' \
            invoices listed with filters, sorts and keyset pages and looked up in batches, credit \
            notes looked up in batches, a customer number's statement of a month, the printed \
            copies (PDF) of invoices and credit notes, and the actions of an invoice's review \
            (start review, approve, dispute). One instance per region (Americas, EMEA, \
            Asia-Pacific), each at the base URL set in `[backends.billing]`; paths are relative to \
            it. Amounts are decimal strings in the document's currency. A document of another \
            customer number than the path's is answered as an unknown one. Refusals are \
            `{\"error\": CODE}`."
    ),
    tags(
        (name = "invoices", description = "Invoices, credit notes and statements of one region's customers."),
        (name = "sandbox", description = SANDBOX_TAG_DESCRIPTION)
    )
)]
struct ApiDoc;

/// Every route with its description: the served router and the contract come from this one list.
fn routes() -> OpenApiRouter<Arc<Instance>> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(list_invoices))
        .routes(routes!(invoices_by_number))
        .routes(routes!(credit_notes_by_number))
        .routes(routes!(documents::statement))
        .routes(routes!(documents::invoice_pdf))
        .routes(routes!(documents::credit_note_pdf))
        .routes(routes!(documents::act))
        .routes(routes!(documents::pay))
}

fn bad_request(message: String) -> Response {
    let body = Json(serde_json::json!({ "error": "BAD_REQUEST", "message": message }));
    (StatusCode::BAD_REQUEST, body).into_response()
}

/// Lists customers' invoices, one keyset page at a time.
#[utoipa::path(
    get,
    path = "/v1/invoices",
    operation_id = "listInvoices",
    tag = "invoices",
    params(
        ("customers" = String, Query, description = "Comma-separated customer numbers (at least one)."),
        ("limit" = u32, Query, description = "Invoices per page, 1 to 500.", minimum = 1, maximum = 500),
        ("sort" = Option<String>, Query, description = "`INVOICE_DATE` (default), `DUE_DATE` or `TOTAL`; ties by invoice number."),
        ("direction" = Option<String>, Query, description = "`DESC` (default) or `ASC`."),
        ("number" = Option<String>, Query, description = "Invoice number, exactly."),
        ("issuedFrom" = Option<String>, Query, format = Date, description = "Issued on or after, `YYYY-MM-DD`."),
        ("issuedTo" = Option<String>, Query, format = Date, description = "Issued on or before, `YYYY-MM-DD`."),
        ("dueFrom" = Option<String>, Query, format = Date, description = "Due on or after, `YYYY-MM-DD`."),
        ("dueTo" = Option<String>, Query, format = Date, description = "Due on or before, `YYYY-MM-DD`."),
        ("status" = Option<String>, Query, description = "Comma-separated statuses (`OPEN`, `IN_REVIEW`, `APPROVED`, `DISPUTED`, `PAID`)."),
        ("totalMin" = Option<String>, Query, description = "Total at least, a decimal string."),
        ("totalMax" = Option<String>, Query, description = "Total at most, a decimal string."),
        ("po" = Option<String>, Query, description = "Purchase-order reference, exactly."),
        ("order" = Option<String>, Query, description = "Order number, exactly."),
        ("afterValue" = Option<String>, Query, description = "With `afterNumber`, the keyset position to continue after: the previous page's last invoice's value in the sorted field (a day `YYYY-MM-DD`, or a decimal amount for `TOTAL`)."),
        ("afterNumber" = Option<String>, Query, description = "With `afterValue`: that invoice's number.")
    ),
    responses(
        (status = 200, description = "One page of invoices, sorted, with the number of matches.", body = WireInvoiceList),
        (status = 400, description = "`BAD_REQUEST` with a `message`: no customer number, a limit out of range, or a parameter that does not parse.", body = Refusal)
    )
)]
async fn list_invoices(
    State(instance): State<Arc<Instance>>,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    let query = match from_params(&params) {
        Ok(query) => query,
        Err(message) => return bad_request(message),
    };
    if query.customer_numbers.is_empty() {
        return bad_request("customers must name at least one customer number".into());
    }
    if query.limit == 0 || query.limit > MAX_LIMIT {
        return bad_request(format!("limit must be between 1 and {MAX_LIMIT}"));
    }
    let customers: HashSet<&str> = query.customer_numbers.iter().map(String::as_str).collect();
    let ledger = instance.read();
    let mut matching: Vec<(InvoiceSortKey, usize)> = ledger
        .invoices
        .iter()
        .enumerate()
        .filter(|(_, i)| customers.contains(i.customer_number.as_str()))
        .filter(|(_, i)| query.filters.matches(i))
        .map(|(at, i)| (i.sort_key(query.sort), at))
        .collect();
    matching.sort_by(|a, b| a.0.cmp(&b.0));
    let total_count = matching.len() as u64;
    let invoices = matching
        .into_iter()
        .filter(|(key, _)| query.after.as_ref().is_none_or(|after| key > after))
        .take(query.limit as usize)
        .filter_map(|(_, at)| ledger.invoices.get(at).map(WireInvoice::from))
        .collect();
    Json(WireInvoiceList {
        invoices,
        total_count,
    })
    .into_response()
}

/// The query of a batch lookup.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct BatchParams {
    /// Comma-separated document numbers, 1 to 100.
    ids: String,
}

/// The numbers a batch asks for; `None` for a batch of none or too many.
fn batch(params: Result<Query<BatchParams>, QueryRejection>) -> Option<HashSet<String>> {
    let Query(params) = params.ok()?;
    let ids: HashSet<String> = split(&params.ids).map(str::to_owned).collect();
    (!ids.is_empty() && ids.len() <= LOOKUP_BATCH).then_some(ids)
}

fn bad_batch() -> Response {
    bad_request(format!(
        "ids must name 1 to {LOOKUP_BATCH} document numbers"
    ))
}

/// Looks up invoices by number; unknown numbers are left out.
#[utoipa::path(
    get,
    path = "/v1/invoices/batch",
    operation_id = "invoicesByNumber",
    tag = "invoices",
    params(BatchParams),
    responses(
        (status = 200, description = "The invoices found, by number.", body = WireInvoiceBatch),
        (status = 400, description = "`BAD_REQUEST` with a `message`: no `ids`, or more than 100.", body = Refusal)
    )
)]
async fn invoices_by_number(
    State(instance): State<Arc<Instance>>,
    params: Result<Query<BatchParams>, QueryRejection>,
) -> Response {
    let Some(ids) = batch(params) else {
        return bad_batch();
    };
    let ledger = instance.read();
    let mut positions: Vec<usize> = ids
        .iter()
        .filter_map(|id| instance.index.get(id).copied())
        .collect();
    positions.sort_unstable();
    let invoices = positions
        .into_iter()
        .filter_map(|at| ledger.invoices.get(at).map(WireInvoice::from))
        .collect();
    Json(WireInvoiceBatch { invoices }).into_response()
}

/// Looks up credit notes by number; unknown numbers are left out.
#[utoipa::path(
    get,
    path = "/v1/credit-notes/batch",
    operation_id = "creditNotesByNumber",
    tag = "invoices",
    params(BatchParams),
    responses(
        (status = 200, description = "The credit notes found, by number.", body = WireCreditNoteBatch),
        (status = 400, description = "`BAD_REQUEST` with a `message`: no `ids`, or more than 100.", body = Refusal)
    )
)]
async fn credit_notes_by_number(
    State(instance): State<Arc<Instance>>,
    params: Result<Query<BatchParams>, QueryRejection>,
) -> Response {
    let Some(ids) = batch(params) else {
        return bad_batch();
    };
    let ledger = instance.read();
    let credit_notes = ledger
        .credit_notes
        .iter()
        .filter(|n| ids.contains(&n.credit_note_number))
        .map(WireCreditNote::from)
        .collect();
    Json(WireCreditNoteBatch { credit_notes }).into_response()
}
