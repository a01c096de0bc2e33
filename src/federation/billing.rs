//! Invoices and credit notes worldwide: one concurrent call per region holding the caller's
//! customer numbers, merged into one listing in the search's sort with keyset paging that is
//! stable across regions; lookups by document number, batched per request; and the billing
//! documents' link to the installed inventory (reconciliation), one inventory call per system
//! for a whole page of invoices.
//!
//! The merge works as `federation::orders` does: each region is asked for `first + 1` invoices
//! after the cursor's key with every filter (each instance answers them all, and its adapter
//! checks each answer), and the merged list's first `first` are the page. Because every region
//! sorts by the same total key ([`InvoiceSortKey`]), nothing is skipped or repeated between pages.
//!
//! [`InvoiceSortKey`]: supportgraph_adapters::model::InvoiceSortKey

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use futures::future::BoxFuture;
use supportgraph_adapters::AdapterError;
use supportgraph_adapters::model::{CreditNote, Invoice, InvoiceQuery, Region};
use supportgraph_adapters::ports::BillingBackend;

use super::batcher::{Batcher, Ticket};
use super::call_budget::CallBudget;
use super::fan_out::{RegionFailure, backend_of, merge_regions, shared_call};
use super::loader::{InstanceLoader, Lookup};
use crate::cache::{Cache, CacheKey, Namespace};

/// What a region without a configured billing instance fails with.
const NOT_CONFIGURED: &str = "no billing instance is configured for this region";

/// The name of a region's billing instance, for budgets, caches and errors.
pub fn instance(region: Region) -> String {
    supportgraph_adapters::billing::instance_name(region).to_owned()
}

/// The cache namespace of a customer number's billing documents: an action on one of its
/// invoices bumps it, so no page shows the invoice as it was.
pub fn namespace(customer_number: &str) -> Namespace {
    Namespace::new("billing", customer_number.to_owned())
}

/// A merged page of invoices.
#[derive(Debug, Clone, Default)]
pub struct InvoicesPage {
    /// At most `first` invoices, in the search's sort.
    pub invoices: Vec<Invoice>,
    /// Whether more invoices follow the last one.
    pub has_next_page: bool,
    /// Matching invoices over every region that answered.
    pub total_count: u64,
    /// Regions that did not answer; their invoices are missing from the page.
    pub failures: Vec<RegionFailure>,
}

/// The cache key of one region's page: the instance, the search, and the customer numbers asked
/// about (the caller's authorised scope in that region), whose namespaces an action bumps.
fn page_key(region: Region, query: &InvoiceQuery, ttl: Duration) -> CacheKey {
    let arguments = format!(
        "filters={:?};sort={:?};after={:?};limit={}",
        query.filters, query.sort, query.after, query.limit
    );
    CacheKey::new(
        instance(region),
        "list_invoices",
        arguments,
        query.customer_numbers.clone(),
        query
            .customer_numbers
            .iter()
            .map(|c| namespace(c))
            .collect(),
        ttl,
    )
}

/// Lists one page of invoices over every region in `scope`, concurrently, each region's page
/// through the cache for `ttl`. `template` carries the filters, the sort and the `after` key.
#[tracing::instrument(name = "federation", skip_all, fields(otel.kind = "internal", otel.name = "billing.list_invoices"))]
pub async fn list_invoices_worldwide(
    backends: &BTreeMap<Region, Arc<dyn BillingBackend>>,
    cache: &Cache,
    ttl: Duration,
    scope: &BTreeMap<Region, Vec<String>>,
    template: &InvoiceQuery,
    first: u32,
    budget: &CallBudget,
) -> InvoicesPage {
    let ask = |region: Region, customers: Vec<String>, limit: u32| async move {
        let query = InvoiceQuery {
            customer_numbers: customers,
            limit,
            ..template.clone()
        };
        let name = instance(region);
        let backend = backend_of(backends, &region, &name, NOT_CONFIGURED)?;
        let key = page_key(region, &query, ttl);
        shared_call(cache, &key, budget, &name, backend.list_invoices(&query)).await
    };
    let merged = merge_regions(scope, first, ask, |invoice: &Invoice| {
        invoice.sort_key(template.sort)
    })
    .await;
    InvoicesPage {
        invoices: merged.items,
        has_next_page: merged.has_next_page,
        total_count: merged.total_count,
        failures: merged.failures,
    }
}

/// One invoice to look up by number: in which region, for whom.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct InvoiceRef {
    /// The region to ask.
    pub region: Region,
    /// The customer numbers the caller may see there.
    pub customers: Arc<[String]>,
    /// The invoice number.
    pub invoice_number: String,
}

impl Lookup for InvoiceRef {
    type Instance = Region;
    type Backend = dyn BillingBackend;
    type Value = Invoice;

    const NOT_CONFIGURED: &'static str = NOT_CONFIGURED;

    fn instance_name(region: Region) -> String {
        instance(region)
    }

    fn instance(&self) -> Region {
        self.region
    }

    fn id(&self) -> &str {
        &self.invoice_number
    }

    fn call<'a>(
        backend: &'a dyn BillingBackend,
        numbers: &'a [String],
    ) -> BoxFuture<'a, Result<Vec<Invoice>, AdapterError>> {
        backend.invoices_by_number(numbers)
    }

    fn answers(&self, invoice: &Invoice) -> bool {
        invoice.invoice_number == self.invoice_number
            && self.customers.contains(&invoice.customer_number)
    }
}

/// One credit note to look up by number: in which region, for whom.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CreditNoteRef {
    /// The region to ask.
    pub region: Region,
    /// The customer numbers the caller may see there.
    pub customers: Arc<[String]>,
    /// The credit-note number.
    pub credit_note_number: String,
}

impl Lookup for CreditNoteRef {
    type Instance = Region;
    type Backend = dyn BillingBackend;
    type Value = CreditNote;

    const NOT_CONFIGURED: &'static str = NOT_CONFIGURED;

    fn instance_name(region: Region) -> String {
        instance(region)
    }

    fn instance(&self) -> Region {
        self.region
    }

    fn id(&self) -> &str {
        &self.credit_note_number
    }

    fn call<'a>(
        backend: &'a dyn BillingBackend,
        numbers: &'a [String],
    ) -> BoxFuture<'a, Result<Vec<CreditNote>, AdapterError>> {
        backend.credit_notes_by_number(numbers)
    }

    fn answers(&self, note: &CreditNote) -> bool {
        note.credit_note_number == self.credit_note_number
            && self.customers.contains(&note.customer_number)
    }
}

/// Loads invoices by number from the regional billing instances.
pub type InvoiceLoader = InstanceLoader<InvoiceRef>;

/// One request's lookups of invoices by number, batched (see [`super::batcher`]).
pub type InvoiceBatcher = Batcher<InvoiceRef, InvoiceLoader>;

/// A lookup field's place in the invoice batch.
pub type InvoiceTicket = Ticket<InvoiceRef, InvoiceLoader>;

/// Loads credit notes by number from the regional billing instances.
pub type CreditNoteLoader = InstanceLoader<CreditNoteRef>;

/// The outcome of looking one document up by number in every region of a scope.
#[derive(Debug, Clone)]
pub enum DocumentLookup<T> {
    /// Found in one of the caller's customer numbers.
    Found(Box<T>),
    /// No region in scope holds it for the caller's customer numbers.
    NotFound,
    /// Not found among the regions that answered, but some did not answer.
    Unavailable(Vec<RegionFailure>),
}

/// Looks `invoice_number` up in every region of `scope` through the request's batch.
#[tracing::instrument(name = "federation", skip_all, fields(otel.kind = "internal", otel.name = "billing.find_invoice"))]
pub async fn find_invoice(
    ticket: InvoiceTicket,
    scope: &BTreeMap<Region, Vec<String>>,
    invoice_number: &str,
) -> DocumentLookup<Invoice> {
    let keys: Vec<InvoiceRef> = scope
        .iter()
        .map(|(region, customers)| InvoiceRef {
            region: *region,
            customers: customers.clone().into(),
            invoice_number: invoice_number.to_owned(),
        })
        .collect();
    let regions: Vec<Region> = keys.iter().map(|k| k.region).collect();
    let answers = ticket.load_many(keys).await;
    let mut failures = Vec::new();
    for (region, answer) in regions.into_iter().zip(answers) {
        match answer {
            Some(Ok(invoice)) => return DocumentLookup::Found(Box::new(invoice)),
            Some(Err(error)) => failures.push(RegionFailure { region, error }),
            None => {}
        }
    }
    if failures.is_empty() {
        DocumentLookup::NotFound
    } else {
        DocumentLookup::Unavailable(failures)
    }
}
