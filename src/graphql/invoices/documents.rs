//! Links to billing documents' PDF copies (`Invoice.imageUrl`, `CreditNote.imageUrl`): signed,
//! short-lived URLs on the gateway (`/documents/invoices/{number}.pdf`,
//! `/documents/credit-notes/{number}.pdf`) that work without a token, for the user they were
//! made for. The route (`http::documents`) checks that user's authorisation again when a link is
//! used, so a link outlives nothing its user was not still allowed.

use async_graphql::{Context, Result};
use supportgraph_adapters::model;

use crate::graphql::common::links::signed_url;

/// The route's path of an invoice's PDF.
pub fn invoice_path(invoice_number: &str) -> String {
    format!("/documents/invoices/{invoice_number}.pdf")
}

/// The route's path of a credit note's PDF.
pub fn credit_note_path(credit_note_number: &str) -> String {
    format!("/documents/credit-notes/{credit_note_number}.pdf")
}

/// A signed link to `path` for the caller, naming the document's customer number.
fn signed(ctx: &Context<'_>, path: &str, customer_number: &str) -> Result<String> {
    Ok(signed_url(ctx, path, &[("customer", customer_number)])?.url)
}

/// The link to `invoice`'s PDF, for the caller.
pub fn invoice_link(ctx: &Context<'_>, invoice: &model::Invoice) -> Result<String> {
    signed(
        ctx,
        &invoice_path(&invoice.invoice_number),
        &invoice.customer_number,
    )
}

/// The link to `note`'s PDF, for the caller.
pub fn credit_note_link(ctx: &Context<'_>, note: &model::CreditNote) -> Result<String> {
    signed(
        ctx,
        &credit_note_path(&note.credit_note_number),
        &note.customer_number,
    )
}
