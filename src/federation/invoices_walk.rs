//! Every invoice a search finds, page by page, for downloads: one worldwide page after another
//! (each merged across regions like an `invoices` connection page, keyset-paged by the search's
//! sort), as a stream, so a spreadsheet of tens of thousands of invoices holds one page at a time.
//!
//! It walks as [`super::orders_walk`] does: each page has a budget of one call per region, every
//! page after the first waits for the caller's rate ([`InvoiceWalk::pace`]), a search finding
//! more than the walk may hold is refused on its first page, and a region that fails ends the
//! walk with its error — a download is complete or visibly broken, never silently short. Pages
//! bypass the cache when the walk's `ttl` is zero (a long download would fill it with pages
//! nobody reads again).

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use futures::Stream;
use supportgraph_adapters::AdapterError;
use supportgraph_adapters::model::{Invoice, InvoiceQuery, Region};
use supportgraph_adapters::ports::BillingBackend;

use super::billing::list_invoices_worldwide;
use super::call_budget::CallBudget;
use super::orders_walk::Pace;
use crate::cache::Cache;

/// The invoices of one page of a walk (the billing systems answer at most 500 per call, and a
/// page asks each region for one more than it keeps).
pub const WALK_PAGE: u32 = 499;

/// What a walk asks.
#[derive(Clone)]
pub struct InvoiceWalk {
    /// The billing instances.
    pub backends: BTreeMap<Region, Arc<dyn BillingBackend>>,
    /// The cache pages go through.
    pub cache: Arc<Cache>,
    /// How long a page is cached (zero: not at all).
    pub ttl: Duration,
    /// The caller's customer numbers per region.
    pub scope: BTreeMap<Region, Vec<String>>,
    /// The search (its `after` is where the walk starts).
    pub query: InvoiceQuery,
    /// The invoices of one page ([`WALK_PAGE`] in downloads).
    pub page: u32,
    /// The most invoices the walk yields; a search that finds more is refused on its first page.
    pub max_invoices: usize,
    /// Called before every page after the first, with the page's calls: waits for (or refuses)
    /// the caller's rate, so a long walk goes at the pace its caller may.
    pub pace: Pace,
}

/// Why a walk stopped short.
#[derive(Debug, thiserror::Error)]
pub enum InvoiceWalkError {
    /// A region could not answer a page.
    #[error("{0}")]
    Region(AdapterError),
    /// The search finds more invoices than one download may hold.
    #[error("the search finds more than {0} invoices; narrow it")]
    TooMany(usize),
    /// The caller's rate would not allow the next page in time.
    #[error("the caller's rate limit stopped the walk")]
    Paced(crate::error::GatewayError),
}

impl InvoiceWalk {
    /// The walk's pages, in the search's sort.
    pub fn pages(
        self,
    ) -> impl Stream<Item = Result<Vec<Invoice>, InvoiceWalkError>> + Send + 'static {
        futures::stream::unfold(Some((self, 0usize)), |state| async move {
            let (mut walk, yielded) = state?;
            let calls = walk.scope.len() as u32;
            if yielded > 0
                && let Err(refused) = (walk.pace)(calls).await
            {
                return Some((Err(InvoiceWalkError::Paced(refused)), None));
            }
            let budget = CallBudget::new(calls);
            let page = list_invoices_worldwide(
                &walk.backends,
                &walk.cache,
                walk.ttl,
                &walk.scope,
                &walk.query,
                walk.page.clamp(1, WALK_PAGE),
                &budget,
            )
            .await;
            if let Some(failure) = page.failures.into_iter().next() {
                return Some((Err(InvoiceWalkError::Region(failure.error)), None));
            }
            // The regions' totals say on the first page whether the search fits at all.
            if yielded == 0 && page.total_count > walk.max_invoices as u64 {
                return Some((Err(InvoiceWalkError::TooMany(walk.max_invoices)), None));
            }
            let yielded = yielded + page.invoices.len();
            if yielded > walk.max_invoices {
                return Some((Err(InvoiceWalkError::TooMany(walk.max_invoices)), None));
            }
            let next = match (page.has_next_page, page.invoices.last()) {
                (true, Some(last)) => {
                    walk.query.after = Some(last.sort_key(walk.query.sort));
                    Some((walk, yielded))
                }
                _ => None,
            };
            Some((Ok(page.invoices), next))
        })
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU32, Ordering};

    use async_trait::async_trait;
    use chrono::{NaiveDate, TimeZone, Utc};
    use futures::StreamExt;
    use rust_decimal::Decimal;
    use supportgraph_adapters::model::{
        CreditNote, InvoiceAction, InvoicePage, InvoiceRefusal, InvoiceStatus, Statement,
        StatementPeriod,
    };
    use supportgraph_adapters::ports::BillingDocument;

    use super::*;
    use crate::settings::Settings;

    /// A billing instance answering searches from a list, as the real ones do.
    struct Books(Region, Vec<Invoice>);

    fn invoice(region: Region, n: u32) -> Invoice {
        let day = NaiveDate::from_ymd_opt(2026, 10, 1 + n % 28).expect("a day");
        Invoice {
            invoice_number: format!("IN{}0000{n:04}", region as u8 + 1),
            customer_number: "1000101".into(),
            country: "US".into(),
            region,
            order_number: None,
            po_number: None,
            invoice_date: day,
            due_date: day,
            currency: "USD".into(),
            status: InvoiceStatus::Open,
            dispute_reason: None,
            lines: Vec::new(),
            subtotal: Decimal::new(i64::from(n) * 100, 2),
            tax_total: Decimal::ZERO,
            total: Decimal::new(i64::from(n) * 100, 2),
            updated_at: Utc
                .with_ymd_and_hms(2026, 10, 1, 0, 0, 0)
                .single()
                .expect("a time"),
        }
    }

    #[async_trait]
    impl BillingBackend for Books {
        fn instance(&self) -> &str {
            "billing/test"
        }
        fn region(&self) -> Region {
            self.0
        }
        async fn list_invoices(&self, query: &InvoiceQuery) -> Result<InvoicePage, AdapterError> {
            let mut found: Vec<Invoice> = self.1.clone();
            found.sort_by_key(|i| i.sort_key(query.sort));
            let total_count = found.len() as u64;
            let invoices = found
                .into_iter()
                .filter(|i| {
                    query
                        .after
                        .as_ref()
                        .is_none_or(|a| i.sort_key(query.sort) > *a)
                })
                .take(query.limit as usize)
                .collect();
            Ok(InvoicePage {
                invoices,
                total_count,
            })
        }
        async fn invoices_by_number(&self, _: &[String]) -> Result<Vec<Invoice>, AdapterError> {
            Ok(Vec::new())
        }
        async fn credit_notes_by_number(
            &self,
            _: &[String],
        ) -> Result<Vec<CreditNote>, AdapterError> {
            Ok(Vec::new())
        }
        async fn statement(
            &self,
            _: &str,
            _: StatementPeriod,
        ) -> Result<Option<Statement>, AdapterError> {
            Ok(None)
        }
        async fn document_pdf(
            &self,
            _: &str,
            _: &BillingDocument,
        ) -> Result<Option<Vec<u8>>, AdapterError> {
            Ok(None)
        }
        async fn act_on_invoice(
            &self,
            _: &str,
            _: &str,
            _: InvoiceAction,
            _: Option<&str>,
        ) -> Result<Result<Invoice, InvoiceRefusal>, AdapterError> {
            Ok(Err(InvoiceRefusal::UnknownInvoice))
        }
    }

    fn walk(max_invoices: usize, paced: Arc<AtomicU32>) -> InvoiceWalk {
        let settings = Settings::load_without_env(None).expect("the defaults load");
        let mut backends: BTreeMap<Region, Arc<dyn BillingBackend>> = BTreeMap::new();
        let mut scope = BTreeMap::new();
        for (region, count) in [(Region::Americas, 4), (Region::Emea, 3)] {
            let books = (0..count).map(|n| invoice(region, n)).collect();
            backends.insert(region, Arc::new(Books(region, books)));
            scope.insert(region, vec!["1000101".to_owned()]);
        }
        InvoiceWalk {
            backends,
            cache: Arc::new(Cache::new(&settings.cache, &settings.redis).expect("a cache")),
            ttl: Duration::ZERO,
            scope,
            query: InvoiceQuery::default(),
            page: 3,
            max_invoices,
            pace: Arc::new(move |_| {
                paced.fetch_add(1, Ordering::SeqCst);
                Box::pin(async { Ok(()) })
            }),
        }
    }

    #[tokio::test]
    async fn a_walk_yields_every_invoice_of_every_region_once_in_order_page_by_page() {
        let paced = Arc::new(AtomicU32::new(0));
        let pages: Vec<Vec<Invoice>> = walk(100, paced.clone())
            .pages()
            .map(|page| page.expect("a page"))
            .collect()
            .await;
        assert_eq!(
            pages.iter().map(Vec::len).collect::<Vec<_>>(),
            [3, 3, 1],
            "pages of three"
        );
        let keys: Vec<_> = pages
            .iter()
            .flatten()
            .map(|i| i.sort_key(InvoiceQuery::default().sort))
            .collect();
        assert!(keys.windows(2).all(|w| w[0] < w[1]), "in order, none twice");
        assert_eq!(
            paced.load(Ordering::SeqCst),
            2,
            "every page after the first"
        );
    }

    #[tokio::test]
    async fn a_search_larger_than_the_walk_may_hold_is_refused_on_its_first_page() {
        let first = Box::pin(walk(5, Arc::new(AtomicU32::new(0))).pages())
            .next()
            .await;
        assert!(matches!(first, Some(Err(InvoiceWalkError::TooMany(5)))));
    }
}
