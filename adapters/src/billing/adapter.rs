//! [`BillingBackend`] over HTTP against one billing instance.
//!
//! Reads (listings, batches, statements, PDFs) are retried by the client; an invoice action is
//! sent once. Every identifier is checked by its type before a request is built, and every answer
//! against what was asked: the customer numbers, the search's filters and order, the document
//! numbers, the period, the status an action leads to.

use async_trait::async_trait;

use super::search_params::{to_params, value_fits};
use super::wire::{
    MAX_LIMIT, WireActionRequest, WireCreditNoteBatch, WireInvoice, WireInvoiceBatch,
    WireInvoiceList, WireRefusal, WireStatement,
};
use crate::AdapterError;
use crate::client::{BackendClient, Fetched};
use crate::model::{
    CreditNote, CustomerNumber, DocumentNumber, FreeText, Invoice, InvoiceAction, InvoicePage,
    InvoiceQuery, InvoiceRefusal, InvoiceStatus, OrderNumber, Region, Statement, StatementPeriod,
};
use crate::ports::{BillingBackend, BillingDocument, MAX_PDF_BYTES};
use crate::resilience::BreakerReport;

/// What every PDF starts with.
const PDF_MAGIC: &[u8] = b"%PDF-";

/// The billing adapter for one region.
#[derive(Debug, Clone)]
pub struct HttpBillingBackend {
    client: BackendClient,
    region: Region,
}

impl HttpBillingBackend {
    /// An adapter for the instance of `region` reached through `client`.
    pub fn new(client: BackendClient, region: Region) -> Self {
        Self { client, region }
    }

    fn invoices(&self, invoices: Vec<WireInvoice>) -> Result<Vec<Invoice>, AdapterError> {
        invoices
            .into_iter()
            .map(|i| {
                i.into_model(self.region)
                    .map_err(|detail| self.client.contract_violation(detail))
            })
            .collect()
    }

    /// Refuses, unsent, a query the contract cannot carry.
    fn check_query(&self, query: &InvoiceQuery) -> Result<(), AdapterError> {
        if query.customer_numbers.is_empty() {
            return Err(self
                .client
                .refuse("customer numbers", "at least one is needed"));
        }
        self.client
            .check::<CustomerNumber>("customer number", &query.customer_numbers)?;
        if query.limit == 0 || query.limit > MAX_LIMIT {
            return Err(self.client.refuse(
                "limit",
                format!("{} is not between 1 and {MAX_LIMIT}", query.limit),
            ));
        }
        let f = &query.filters;
        self.client
            .check::<DocumentNumber>("invoice number", &f.invoice_number)?;
        self.client
            .check::<OrderNumber>("order number", &f.order_number)?;
        self.client
            .check::<FreeText>("purchase-order number", &f.po_number)?;
        if let Some(after) = &query.after {
            if after.sort != query.sort {
                return Err(self
                    .client
                    .refuse("afterKey", "a key of another sort than the listing's"));
            }
            if !value_fits(query.sort.field, &after.value) {
                return Err(self
                    .client
                    .refuse("afterKey", "a value of another kind than the sort's field"));
            }
            self.client
                .check::<DocumentNumber>("invoice number of afterKey", [&after.invoice_number])?;
        }
        Ok(())
    }

    /// Passes `found` through if each one's number (`number_of`) was asked for.
    fn only_numbers_asked<T>(
        &self,
        found: Vec<T>,
        asked: &[String],
        number_of: impl Fn(&T) -> &str,
    ) -> Result<Vec<T>, AdapterError> {
        match found
            .iter()
            .find(|f| !asked.iter().any(|a| a == number_of(f)))
        {
            None => Ok(found),
            Some(stray) => Err(self.client.contract_violation(format!(
                "answered document {}, which was not asked for",
                number_of(stray)
            ))),
        }
    }
}

/// The status `action` leads to, whatever it leads from.
fn status_after(action: InvoiceAction) -> InvoiceStatus {
    match action {
        InvoiceAction::StartReview => InvoiceStatus::InReview,
        InvoiceAction::Approve => InvoiceStatus::Approved,
        InvoiceAction::Dispute => InvoiceStatus::Disputed,
    }
}

#[async_trait]
impl BillingBackend for HttpBillingBackend {
    fn instance(&self) -> &str {
        self.client.name()
    }

    fn region(&self) -> Region {
        self.region
    }

    fn breakers(&self) -> Vec<BreakerReport> {
        self.client.breakers()
    }

    async fn list_invoices(&self, query: &InvoiceQuery) -> Result<InvoicePage, AdapterError> {
        self.check_query(query)?;
        let list: WireInvoiceList = self
            .client
            .get_json("list_invoices", "v1/invoices", &to_params(query))
            .await?;
        let invoices = self.client.only_asked(
            self.invoices(list.invoices)?,
            &query.customer_numbers,
            |i| &i.customer_number,
        )?;
        if invoices.len() > query.limit as usize {
            return Err(self.client.contract_violation(format!(
                "asked for at most {} invoices, got {}",
                query.limit,
                invoices.len()
            )));
        }
        if invoices.len() as u64 > list.total_count {
            return Err(self.client.contract_violation(format!(
                "{} invoices out of a total of {}",
                invoices.len(),
                list.total_count
            )));
        }
        // Every invoice must match the search and come in the sort's order after the key: an
        // answer that does not would make the gateway's merge skip or repeat invoices.
        let mut previous = query.after.clone();
        for invoice in &invoices {
            if !query.filters.matches(invoice) {
                return Err(self.client.contract_violation(format!(
                    "invoice {} does not match the search",
                    invoice.invoice_number
                )));
            }
            let key = invoice.sort_key(query.sort);
            if previous.as_ref().is_some_and(|p| *p >= key) {
                return Err(self.client.contract_violation(format!(
                    "invoice {} is out of the sort's order",
                    invoice.invoice_number
                )));
            }
            previous = Some(key);
        }
        Ok(InvoicePage {
            invoices,
            total_count: list.total_count,
        })
    }

    async fn invoices_by_number(
        &self,
        invoice_numbers: &[String],
    ) -> Result<Vec<Invoice>, AdapterError> {
        if invoice_numbers.is_empty() {
            return Ok(Vec::new());
        }
        self.client
            .check_batch::<DocumentNumber>("invoice number", invoice_numbers)?;
        let batch: WireInvoiceBatch = self
            .client
            .get_json(
                "invoices_by_number",
                "v1/invoices/batch",
                &[("ids", invoice_numbers.join(","))],
            )
            .await?;
        let invoices = self.invoices(batch.invoices)?;
        self.only_numbers_asked(invoices, invoice_numbers, |i| &i.invoice_number)
    }

    async fn credit_notes_by_number(
        &self,
        credit_note_numbers: &[String],
    ) -> Result<Vec<CreditNote>, AdapterError> {
        if credit_note_numbers.is_empty() {
            return Ok(Vec::new());
        }
        self.client
            .check_batch::<DocumentNumber>("credit-note number", credit_note_numbers)?;
        let batch: WireCreditNoteBatch = self
            .client
            .get_json(
                "credit_notes_by_number",
                "v1/credit-notes/batch",
                &[("ids", credit_note_numbers.join(","))],
            )
            .await?;
        let notes = batch
            .credit_notes
            .into_iter()
            .map(|n| {
                n.into_model(self.region)
                    .map_err(|detail| self.client.contract_violation(detail))
            })
            .collect::<Result<Vec<_>, _>>()?;
        self.only_numbers_asked(notes, credit_note_numbers, |n| &n.credit_note_number)
    }

    async fn statement(
        &self,
        customer_number: &str,
        period: StatementPeriod,
    ) -> Result<Option<Statement>, AdapterError> {
        self.client
            .check::<CustomerNumber>("customer number", [customer_number])?;
        if !(1..=9999).contains(&period.year) || period.first_day().is_none() {
            return Err(self
                .client
                .refuse("period", "not a month of years 1 to 9999"));
        }
        let path = format!("v1/customers/{customer_number}/statements/{period}");
        let wire: WireStatement = match self
            .client
            .get_json_or_not_found("statement", &path, &[])
            .await?
        {
            Fetched::Found(wire) => wire,
            Fetched::NotFound => return Ok(None),
        };
        let statement = wire
            .into_model(self.region)
            .map_err(|detail| self.client.contract_violation(detail))?;
        if statement.customer_number != customer_number
            || StatementPeriod::of(statement.period_start) != period
        {
            return Err(self.client.contract_violation(format!(
                "asked for the statement of {customer_number} for {period}, got {}'s for {}",
                statement.customer_number,
                StatementPeriod::of(statement.period_start)
            )));
        }
        Ok(Some(statement))
    }

    async fn document_pdf(
        &self,
        customer_number: &str,
        document: &BillingDocument,
    ) -> Result<Option<Vec<u8>>, AdapterError> {
        self.client
            .check::<CustomerNumber>("customer number", [customer_number])?;
        let (folder, number) = match document {
            BillingDocument::Invoice(number) => ("invoices", number),
            BillingDocument::CreditNote(number) => ("credit-notes", number),
        };
        self.client
            .check::<DocumentNumber>("document number", [number])?;
        let path = format!("v1/customers/{customer_number}/{folder}/{number}/pdf");
        let body = match self
            .client
            .get_bytes("document_pdf", &path, &[], "application/pdf")
            .await?
        {
            Fetched::Found(body) => body,
            Fetched::NotFound => return Ok(None),
        };
        if body.len() > MAX_PDF_BYTES {
            return Err(self.client.contract_violation(format!(
                "a PDF of {} bytes, more than the {MAX_PDF_BYTES} allowed",
                body.len()
            )));
        }
        if !body.starts_with(PDF_MAGIC) {
            return Err(self
                .client
                .contract_violation("the document is not a PDF (no %PDF- header)"));
        }
        Ok(Some(body.to_vec()))
    }

    async fn act_on_invoice(
        &self,
        customer_number: &str,
        invoice_number: &str,
        action: InvoiceAction,
        reason: Option<&str>,
    ) -> Result<Result<Invoice, InvoiceRefusal>, AdapterError> {
        self.client
            .check::<CustomerNumber>("customer number", [customer_number])?;
        self.client
            .check::<DocumentNumber>("invoice number", [invoice_number])?;
        self.client.check::<FreeText>("reason", reason)?;
        let body = serde_json::to_vec(&WireActionRequest {
            action: action.into(),
            reason: reason.map(str::to_owned),
        })
        .map_err(|e| self.client.refuse("action", e))?;
        let path = format!("v1/customers/{customer_number}/invoices/{invoice_number}/actions");
        let (status, answer) = self
            .client
            .post_bytes("act_on_invoice", &path, "application/json", body)
            .await?;
        match status {
            200..=299 => {
                let wire: WireInvoice = serde_json::from_slice(&answer)
                    .map_err(|e| self.client.contract_violation(e.to_string()))?;
                let invoice = wire
                    .into_model(self.region)
                    .map_err(|detail| self.client.contract_violation(detail))?;
                if invoice.invoice_number != invoice_number
                    || invoice.customer_number != customer_number
                {
                    return Err(self
                        .client
                        .contract_violation("the invoice answered is not the one acted on"));
                }
                if invoice.status != status_after(action) {
                    return Err(self.client.contract_violation(format!(
                        "after {action:?} the invoice is {:?}",
                        invoice.status
                    )));
                }
                Ok(Ok(invoice))
            }
            400..=499 => {
                let refusal: WireRefusal = serde_json::from_slice(&answer)
                    .map_err(|e| self.client.contract_violation(e.to_string()))?;
                let refused = match (refusal.error.as_str(), refusal.status) {
                    ("UNKNOWN_INVOICE", _) => InvoiceRefusal::UnknownInvoice,
                    ("INVALID_TRANSITION", Some(now)) => {
                        InvoiceRefusal::InvalidTransition { status: now.into() }
                    }
                    ("REASON_REQUIRED", _) => InvoiceRefusal::ReasonRequired,
                    ("INVALID_TRANSITION", None) => {
                        return Err(self
                            .client
                            .contract_violation("INVALID_TRANSITION without the status"));
                    }
                    (code, _) => {
                        return Err(self.client.contract_violation(format!(
                            "unknown refusal code {:?}",
                            crate::model::ids::clip(code)
                        )));
                    }
                };
                Ok(Err(refused))
            }
            _ => Err(self.client.status_error(status)),
        }
    }
}
