//! `invoiceExport` and `statementExport`: an invoice search or a statement as a spreadsheet — a
//! signed, short-lived link to download it (`/exports/invoices.{csv,xlsx}`,
//! `/exports/statement-lines.{csv,xlsx}`, served by `http::billing_exports`), working without a
//! token for the link's life.
//!
//! Both fields check everything first — the search or the period is valid, the caller is
//! authorised for Invoices or Statements on what it names — so a bad request fails here, not at
//! the download; the route checks the same again when the link is used, against the user's
//! authorisation as it is then. [`invoice_search`] is how a link carries an invoice search;
//! [`columns`] the files' columns and rows, shared by every download.

pub(crate) mod columns;
pub(crate) mod invoice_search;

use async_graphql::{Context, Enum, Object, Result, SimpleObject};
use chrono::Utc;

use crate::auth::Caller;
use crate::countries::Tool;
use crate::exports::ExportFormat;
use crate::graphql::common::links::signed_url;
use crate::graphql::common::scalars::DateTime;
use crate::graphql::invoices::filter::{InvoiceFilter, InvoiceSortInput};
use crate::graphql::invoices::query::billing_scope;
use crate::graphql::statements::args::{check_customer, check_period};

/// The file formats billing documents download in.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Debug)]
pub enum BillingExportFormat {
    /// Comma-separated values (RFC 4180).
    Csv,
    /// An Excel workbook.
    Xlsx,
}

impl From<BillingExportFormat> for ExportFormat {
    fn from(format: BillingExportFormat) -> Self {
        match format {
            BillingExportFormat::Csv => Self::Csv,
            BillingExportFormat::Xlsx => Self::Xlsx,
        }
    }
}

/// The download route of invoice searches, in `format`.
pub fn invoices_path(format: BillingExportFormat) -> &'static str {
    match format {
        BillingExportFormat::Csv => "/exports/invoices.csv",
        BillingExportFormat::Xlsx => "/exports/invoices.xlsx",
    }
}

/// The download route of statements' lines, in `format`.
pub fn statement_lines_path(format: BillingExportFormat) -> &'static str {
    match format {
        BillingExportFormat::Csv => "/exports/statement-lines.csv",
        BillingExportFormat::Xlsx => "/exports/statement-lines.xlsx",
    }
}

/// A link to download a file.
#[derive(SimpleObject)]
pub struct ExportLink {
    /// The file's URL: works without a token until `expiresAt`, for you only (your access is
    /// checked again when it is used).
    pub url: String,
    /// When the link stops working.
    pub expires_at: DateTime,
}

/// A signed link to `path` with `params`, for the caller.
fn link(ctx: &Context<'_>, path: &str, params: &[(&str, &str)]) -> Result<ExportLink> {
    let signed = signed_url(ctx, path, params)?;
    Ok(ExportLink {
        url: signed.url,
        expires_at: DateTime(signed.expires_at),
    })
}

/// The fields that hand out download links for billing documents.
#[derive(Default)]
pub struct BillingExportQuery;

#[Object]
impl BillingExportQuery {
    /// A short-lived link to download the invoices a search finds — every page, across every
    /// region — as CSV or XLSX (`links.lifetime_seconds`, 5 minutes by default). The search is
    /// checked now, as `invoices` checks it; the `reconciliation` filter is not available in
    /// downloads.
    async fn invoice_export(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which invoices (all of yours when left out).")] filter: Option<
            InvoiceFilter,
        >,
        #[graphql(desc = "In which order (newest first when left out).")] sort: Option<
            InvoiceSortInput,
        >,
        #[graphql(desc = "The file's format.")] format: BillingExportFormat,
    ) -> Result<ExportLink> {
        ctx.data::<Caller>()?.principal()?;
        let filter = filter.unwrap_or_default();
        let search = invoice_search::check(&filter, sort)?;
        billing_scope(ctx, Tool::Invoices, search.customer_numbers.as_deref()).await?;
        let encoded = invoice_search::encode(&filter, sort)?;
        link(ctx, invoices_path(format), &[("search", encoded.as_str())])
    }

    /// A short-lived link to download one of your statements' lines — each with its date, kind,
    /// reference, amount and running balance — as CSV or XLSX.
    async fn statement_export(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The statement's customer number (yours, authorised for Statements).")]
        customer_number: String,
        #[graphql(desc = "The statement's month, `YYYY-MM`: this month or an earlier one.")]
        period: String,
        #[graphql(desc = "The file's format.")] format: BillingExportFormat,
    ) -> Result<ExportLink> {
        ctx.data::<Caller>()?.principal()?;
        let customer = check_customer("customerNumber", &customer_number)?;
        let period = check_period("period", &period, Utc::now().date_naive())?;
        billing_scope(ctx, Tool::Statements, Some(std::slice::from_ref(&customer))).await?;
        let period = period.to_string();
        link(
            ctx,
            statement_lines_path(format),
            &[("customer", customer.as_str()), ("period", period.as_str())],
        )
    }
}
