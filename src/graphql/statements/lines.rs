//! A statement's lines as the schema shows them, with the document behind each line (the
//! invoice or the credit note) and the connection that lists them.
//!
//! The documents of one page are fetched together, on first use: the first line of a page that
//! asks for its `document` looks up every invoice and credit note of the page at once — one
//! `invoices_by_number` and one `credit_notes_by_number` call to the statement's billing
//! instance — and every other line of the page reads that answer. The invoices found share one
//! inventory lookup too (`Invoice.reconciliation`), as a page of `invoices` does.

use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::dataloader::Loader;
use async_graphql::{Context, ID, Object, Result, SimpleObject, Union};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use supportgraph_adapters::AdapterError;
use supportgraph_adapters::model::{self, Region, StatementLineKind as Kind};
use tokio::sync::OnceCell;

use super::types::{StatementLineKind, StatementTotals, money};
use crate::app::App;
use crate::federation::billing::{CreditNoteLoader, CreditNoteRef, InvoiceLoader, InvoiceRef};
use crate::federation::call_budget::CallBudget;
use crate::federation::fan_out::RegionFailure;
use crate::federation::loader::{InstanceLoader, Lookup};
use crate::graphql::common::connection::PageInfo;
use crate::graphql::common::failures::report_failures;
use crate::graphql::common::scalars::{Date, Money};
use crate::graphql::invoices::types::PageInventory;
use crate::graphql::invoices::{CreditNote, Invoice};

/// The document a statement line is about.
#[derive(Union)]
pub enum StatementDocument {
    /// The invoice of an `INVOICE` line.
    Invoice(Invoice),
    /// The credit note of a `CREDIT_NOTE` line.
    CreditNote(CreditNote),
}

/// What one page's documents came to.
struct Found {
    invoices: HashMap<String, model::Invoice>,
    inventory: Arc<PageInventory>,
    credit_notes: HashMap<String, model::CreditNote>,
}

/// The documents of one page of lines, looked up once, on first use.
pub struct PageDocuments {
    region: Region,
    customer_number: String,
    invoice_numbers: Vec<String>,
    credit_note_numbers: Vec<String>,
    found: OnceCell<Found>,
}

impl PageDocuments {
    /// The documents of `lines` of `customer_number`'s statement in `region`, not looked up yet.
    pub fn new<'a>(
        region: Region,
        customer_number: &str,
        lines: impl IntoIterator<Item = &'a model::StatementLine>,
    ) -> Arc<Self> {
        let (mut invoice_numbers, mut credit_note_numbers) = (Vec::new(), Vec::new());
        for line in lines {
            match line.kind {
                Kind::Invoice => invoice_numbers.push(line.reference.clone()),
                Kind::CreditNote => credit_note_numbers.push(line.reference.clone()),
                Kind::Payment => {}
            }
        }
        for numbers in [&mut invoice_numbers, &mut credit_note_numbers] {
            numbers.sort();
            numbers.dedup();
        }
        Arc::new(Self {
            region,
            customer_number: customer_number.to_owned(),
            invoice_numbers,
            credit_note_numbers,
            found: OnceCell::new(),
        })
    }

    /// The page's documents, looking them all up the first time (and reporting a failure once).
    async fn get(&self, ctx: &Context<'_>) -> Result<&Found> {
        self.found
            .get_or_try_init(|| async {
                let app = ctx.data::<Arc<App>>()?;
                let budget = ctx.data::<Arc<CallBudget>>()?;
                let customers: Arc<[String]> = vec![self.customer_number.clone()].into();
                let invoice_keys: Vec<InvoiceRef> = self
                    .invoice_numbers
                    .iter()
                    .map(|n| InvoiceRef {
                        region: self.region,
                        customers: customers.clone(),
                        invoice_number: n.clone(),
                    })
                    .collect();
                let note_keys: Vec<CreditNoteRef> = self
                    .credit_note_numbers
                    .iter()
                    .map(|n| CreditNoteRef {
                        region: self.region,
                        customers: customers.clone(),
                        credit_note_number: n.clone(),
                    })
                    .collect();
                let invoice_loader =
                    InvoiceLoader::new(app.billing_backends.clone(), budget.clone());
                let note_loader =
                    CreditNoteLoader::new(app.billing_backends.clone(), budget.clone());
                let (invoices, notes) = futures::join!(
                    load_all(&invoice_loader, &invoice_keys),
                    load_all(&note_loader, &note_keys),
                );
                let mut failures = Vec::new();
                let invoices = found_by_number(invoices, self.region, &mut failures, |i| {
                    i.invoice_number.clone()
                });
                let credit_notes = found_by_number(notes, self.region, &mut failures, |n| {
                    n.credit_note_number.clone()
                });
                report_failures(ctx, &failures);
                let inventory = PageInventory::new(invoices.values().cloned().collect());
                Ok::<_, async_graphql::Error>(Found {
                    invoices,
                    inventory,
                    credit_notes,
                })
            })
            .await
    }
}

/// Every key's answer from one batch load (no call when there are no keys).
async fn load_all<K: Lookup>(
    loader: &InstanceLoader<K>,
    keys: &[K],
) -> Vec<Result<K::Value, AdapterError>> {
    if keys.is_empty() {
        return Vec::new();
    }
    match Loader::load(loader, keys).await {
        Ok(found) => found.into_values().collect(),
        Err(never) => match never {},
    }
}

/// The documents found, by number; the first failure (the instance's) added to `failures`.
fn found_by_number<T>(
    answers: Vec<Result<T, AdapterError>>,
    region: Region,
    failures: &mut Vec<RegionFailure>,
    number: impl Fn(&T) -> String,
) -> HashMap<String, T> {
    let mut found = HashMap::new();
    let mut failed = false;
    for answer in answers {
        match answer {
            Ok(document) => {
                found.insert(number(&document), document);
            }
            Err(error) if !failed => {
                failed = true;
                failures.push(RegionFailure { region, error });
            }
            Err(_) => {}
        }
    }
    found
}

/// One movement on an account statement.
pub struct StatementLine {
    /// The line.
    pub line: model::StatementLine,
    /// The statement's currency.
    pub currency: Arc<str>,
    /// The statement's customer number.
    pub customer_number: Arc<str>,
    /// Its page's documents (shared by every line of the page).
    pub documents: Arc<PageDocuments>,
}

/// One movement on an account statement: an invoice, a credit note or a payment, with the
/// balance owed after it.
#[Object]
impl StatementLine {
    /// A stable ID of the line: its customer number and reference.
    async fn id(&self) -> ID {
        ID(URL_SAFE_NO_PAD.encode(format!(
            "statement-line:{}:{}",
            self.customer_number, self.line.reference
        )))
    }

    /// What it is.
    async fn kind(&self) -> StatementLineKind {
        self.line.kind.into()
    }

    /// The day it was booked.
    async fn date(&self) -> Date {
        Date(self.line.date)
    }

    /// The invoice, credit-note or payment number.
    async fn reference(&self) -> &str {
        &self.line.reference
    }

    /// The invoice a credit note or a payment is for.
    async fn applies_to(&self) -> Option<&str> {
        self.line.applies_to.as_deref()
    }

    /// How it changes the balance owed, signed as on the statement: positive for an invoice,
    /// negative for a credit note or a payment.
    async fn amount(&self) -> Money {
        money(self.line.amount, &self.currency)
    }

    /// The balance owed after this line, as on the statement (the running balance).
    async fn balance(&self) -> Money {
        money(self.line.balance, &self.currency)
    }

    /// The day payment is due, for an invoice.
    async fn due_date(&self) -> Option<Date> {
        self.line.due_date.map(Date)
    }

    /// The invoice or credit note itself (null for a payment). The documents of a whole page
    /// are fetched at once; null, with an error with the path, when the billing system could not
    /// answer.
    async fn document(&self, ctx: &Context<'_>) -> Result<Option<StatementDocument>> {
        if self.line.kind == Kind::Payment {
            return Ok(None);
        }
        let found = self.documents.get(ctx).await?;
        Ok(match self.line.kind {
            Kind::Invoice => found.invoices.get(&self.line.reference).map(|invoice| {
                StatementDocument::Invoice(Invoice {
                    invoice: invoice.clone(),
                    inventory: found.inventory.clone(),
                })
            }),
            Kind::CreditNote => found
                .credit_notes
                .get(&self.line.reference)
                .map(|note| StatementDocument::CreditNote(CreditNote(note.clone()))),
            Kind::Payment => None,
        })
    }
}

/// A statement line in a connection.
#[derive(SimpleObject)]
pub struct StatementLineEdge {
    /// Where this line is, for `after`.
    pub cursor: String,
    /// The line.
    pub node: StatementLine,
}

/// A page of a statement's lines.
#[derive(SimpleObject)]
pub struct StatementLineConnection {
    /// The lines of this page.
    pub edges: Vec<StatementLineEdge>,
    /// Where the page is in the listing.
    pub page_info: PageInfo,
    /// How many lines match the filter.
    pub total_count: u64,
    /// The whole statement's invoices, credit notes and payments, each summed as a positive
    /// amount (whatever the filter).
    pub totals: StatementTotals,
    /// The whole statement's balance owed before its first line.
    pub opening_balance: Money,
    /// The whole statement's balance owed after its last line.
    pub closing_balance: Money,
}
