//! The billing system: invoices, credit notes, payments and account statements, one instance per
//! region (americas, emea, ap), JSON over HTTP with batch endpoints.
//!
//! Its contract, documented by `fixtures/billing/` (amounts are decimal strings in the document's
//! currency, with at most as many decimals as the currency has — USD and EUR 2, JPY 0; dates
//! `YYYY-MM-DD`; refusals `{"error": CODE}`):
//! - `GET v1/invoices?customers=A,B&limit=N` (`limit` 1 to 500, `wire::MAX_LIMIT`) lists the
//!   invoices of those customer numbers matching the optional `number`, `issuedFrom`,
//!   `issuedTo`, `dueFrom`, `dueTo` (days, inclusive), `status=OPEN,IN_REVIEW,...`, `totalMin`,
//!   `totalMax` (decimal strings), `po` and `order`, sorted by `sort=INVOICE_DATE|DUE_DATE|TOTAL`
//!   and `direction=ASC|DESC` (default `INVOICE_DATE`, `DESC`), ties broken by invoice number in
//!   the sort's direction; the keyset `afterValue` (the previous page's last value in the sorted
//!   field) with `afterNumber` (its invoice number) continues after that invoice (see
//!   `search_params`). It answers `{"invoices": [WireInvoice], "totalCount": n}`, `totalCount`
//!   counting every match, ignoring the keyset and `limit`.
//! - `GET v1/invoices/batch?ids=A,B` answers `{"invoices": [...]}`, `GET
//!   v1/credit-notes/batch?ids=A,B` answers `{"creditNotes": [...]}`: absent numbers are omitted;
//!   more than [`LOOKUP_BATCH`](crate::ports::LOOKUP_BATCH) ids is a 400.
//! - `GET v1/customers/{custNo}/statements/{YYYY-MM}` answers the customer number's statement of
//!   that month, or 404 `{"error": "UNKNOWN_CUSTOMER"}` for a customer number the instance does
//!   not bill. The opening balance is every movement (invoice `+total`, credit note `-amount`,
//!   payment `-amount`) dated before the month; the month's lines come by date then reference,
//!   each with the balance after it; the closing balance is the last line's (the opening one
//!   when the month has none). An invoice's line carries its due day, a payment's and a credit
//!   note's the invoice they apply to (`appliesTo`).
//! - `GET v1/customers/{custNo}/invoices/{invoiceNo}/pdf` and
//!   `GET v1/customers/{custNo}/credit-notes/{creditNoteNo}/pdf` answer the document's printed
//!   copy (`application/pdf`, starting `%PDF-`, at most
//!   [`MAX_PDF_BYTES`](crate::ports::MAX_PDF_BYTES)), or 404 — for a document of another
//!   customer number too.
//! - `POST v1/customers/{custNo}/invoices/{invoiceNo}/actions`
//!   `{"action": "START_REVIEW" | "APPROVE" | "DISPUTE", "reason": "..."}` moves the invoice
//!   along its review as [`InvoiceStatus::after`](crate::model::InvoiceStatus::after) allows
//!   and answers it (200, `updatedAt` moved on). Refusals: 404 `UNKNOWN_INVOICE` (no such invoice
//!   of that customer number), 409 `{"error": "INVALID_TRANSITION", "status": "<current>"}`, 422
//!   `REASON_REQUIRED` (a dispute whose reason is missing, blank or longer than
//!   [`MAX_DISPUTE_REASON`](crate::model::MAX_DISPUTE_REASON) characters). A dispute's reason
//!   stays on the invoice once the review resumes.
//! - The simulator adds `POST admin/invoices/{invoiceNo}/payments` (not part of the real
//!   contract): it pays an APPROVED invoice in full, less its credit notes, with a payment dated
//!   the demo's today, and answers the invoice, now PAID (200); 404 `UNKNOWN_INVOICE`, 409
//!   `INVALID_TRANSITION` for any other status.
//!
//! The documents: `WireInvoice` `{invoiceNo, custNo, ctry, orderNo?, poNo?, issued, due,
//! currency, status, disputeReason?, lines: [{lineNo, partNo, description, serialNo?, qty,
//! unitPrice, tax, lineTotal}], subtotal, taxTotal, total, updatedAt}`, where each line's total is
//! `qty × unitPrice + tax`, `subtotal` the sum of `qty × unitPrice`, `taxTotal` the sum of the
//! taxes and `total` their sum; `WireCreditNote` `{creditNoteNo, custNo, ctry, invoiceNo, issued,
//! currency, amount, reason}`; `WireStatement` `{custNo, ctry, period, from, to, currency,
//! openingBalance, lines: [{kind: INV|CRN|PAY, date, ref, appliesTo?, amount, balance, due?}],
//! closingBalance}`. Document numbers are [`DocumentNumber`](crate::model::DocumentNumber)s.
//!
//! The adapter refuses, as a contract violation, any answer whose sums do not add up, whose
//! amounts carry more decimals than their currency, whose identifiers fail their types, or that
//! is not what was asked (another customer number, a search's non-matches, an order other than the
//! search's, another period): the gateway shows these amounts to people who pay them.
//!
//! Here: `wire` (the format and its translation), `amounts` (currencies' decimals, tax rounding,
//! the checks of every sum), `search_params` (the listing's parameters, read and written from one
//! definition), `adapter` (the [`BillingBackend`](crate::ports::BillingBackend) over HTTP),
//! [`sandbox`] (the simulator).

mod adapter;
mod amounts;
pub mod sandbox;
mod search_params;
mod wire;

pub use adapter::HttpBillingBackend;

use crate::model::Region;

/// The name of `region`'s instance, e.g. `billing/emea`: in errors, cache keys, call budgets,
/// fault settings and the sandbox's paths.
pub const fn instance_name(region: Region) -> &'static str {
    match region {
        Region::Americas => "billing/americas",
        Region::Emea => "billing/emea",
        Region::Ap => "billing/ap",
    }
}
