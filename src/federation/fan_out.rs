//! What every tool's fan-out shares: the instance a call goes to, one call per instance through
//! the cache and within the request's backend-call budget, the instances that could not answer,
//! and the merge of regional pages sorted by one total key ([`merge_regions`], for orders and
//! invoices alike).
//!
//! A tool's own file (`orders`, `billing`, `inventory`, ...) decides which instances a question
//! touches and what it asks them; this file makes sure every tool asks them the same way, so the
//! budget, the cache and a missing instance behave alike whichever tool is asking.

use std::collections::BTreeMap;
use std::future::Future;
use std::sync::Arc;

use serde::Serialize;
use serde::de::DeserializeOwned;
use supportgraph_adapters::AdapterError;
use supportgraph_adapters::model::{Invoice, InvoicePage, Order, OrderPage, Region};

use super::call_budget::CallBudget;
use crate::cache::{Cache, CacheKey};

/// One region (or the system serving it) that could not answer.
#[derive(Debug, Clone)]
pub struct RegionFailure {
    /// The region.
    pub region: Region,
    /// What went wrong (for logs; callers see only the backend's name).
    pub error: AdapterError,
}

/// The backend configured for `instance`, or the error of an instance the gateway has none for
/// (`backend` names it, `detail` says what is missing).
pub fn backend_of<'a, K: Ord, B: ?Sized>(
    backends: &'a BTreeMap<K, Arc<B>>,
    instance: &K,
    backend: &str,
    detail: &str,
) -> Result<&'a Arc<B>, AdapterError> {
    backends
        .get(instance)
        .ok_or_else(|| AdapterError::Transport {
            backend: backend.to_owned(),
            detail: detail.to_owned(),
        })
}

/// One instance's answer through the cache: the request's budget pays for `call` only when the
/// cache cannot answer (see [`CallBudget::reserve`]).
pub async fn cached_call<T>(
    cache: &Cache,
    key: &CacheKey,
    budget: &CallBudget,
    backend: &str,
    call: impl Future<Output = Result<T, AdapterError>>,
) -> Result<T, AdapterError>
where
    T: Serialize + DeserializeOwned + Clone + Send + Sync + 'static,
{
    let unit = budget.reserve(backend)?;
    cache.get_or_load(key, unit.run(call)).await
}

/// [`cached_call`], with the answer shared with the cache rather than copied out of it (see
/// [`Cache::get_or_load_shared`]).
pub async fn shared_call<T>(
    cache: &Cache,
    key: &CacheKey,
    budget: &CallBudget,
    backend: &str,
    call: impl Future<Output = Result<T, AdapterError>>,
) -> Result<Arc<T>, AdapterError>
where
    T: Serialize + DeserializeOwned + Send + Sync + 'static,
{
    let unit = budget.reserve(backend)?;
    cache.get_or_load_shared(key, unit.run(call)).await
}

/// One region's page of a listing, as [`merge_regions`] reads it.
pub trait RegionPage: Send + Sync + 'static {
    /// What the listing lists.
    type Item: Clone;
    /// The page's items, in the listing's order.
    fn items(&self) -> &[Self::Item];
    /// The page's items, taken out of it.
    fn into_items(self) -> Vec<Self::Item>;
    /// How many items match in the region, ignoring paging.
    fn total_count(&self) -> u64;
}

impl RegionPage for OrderPage {
    type Item = Order;
    fn items(&self) -> &[Order] {
        &self.orders
    }
    fn into_items(self) -> Vec<Order> {
        self.orders
    }
    fn total_count(&self) -> u64 {
        self.total_count
    }
}

impl RegionPage for InvoicePage {
    type Item = Invoice;
    fn items(&self) -> &[Invoice] {
        &self.invoices
    }
    fn into_items(self) -> Vec<Invoice> {
        self.invoices
    }
    fn total_count(&self) -> u64 {
        self.total_count
    }
}

/// Where the items of one region's page are taken from for the merged page.
enum Source<P: RegionPage> {
    /// The page was this request's alone (not cached): its items are moved out.
    Owned(Vec<Option<P::Item>>),
    /// The page is shared with the cache: the items kept are copied.
    Shared(Arc<P>),
}

impl<P: RegionPage> Source<P> {
    fn new(page: Arc<P>) -> Self {
        match Arc::try_unwrap(page) {
            Ok(page) => Self::Owned(page.into_items().into_iter().map(Some).collect()),
            Err(shared) => Self::Shared(shared),
        }
    }

    /// The item at `index`; each index is taken once.
    fn take(&mut self, index: usize) -> Option<P::Item> {
        match self {
            Self::Owned(items) => items.get_mut(index)?.take(),
            Self::Shared(page) => page.items().get(index).cloned(),
        }
    }
}

/// One page merged from every region of a scope: the first `first` items in the listing's order.
#[derive(Debug, Clone)]
pub struct MergedPage<T> {
    /// At most `first` items, in the listing's order.
    pub items: Vec<T>,
    /// Whether more items follow the last one.
    pub has_next_page: bool,
    /// Matching items over every region that answered.
    pub total_count: u64,
    /// Regions that did not answer; their items are missing from the page.
    pub failures: Vec<RegionFailure>,
}

/// Asks every region of `scope` at once for `first + 1` items after the same key (`ask` gets the
/// region, its customer numbers and the limit, and answers the region's page), and merges the
/// answers by `sort_key`: because every region sorts by the same total key, the first `first`
/// are the page and a surplus means there is a next one.
///
/// Each item's key is computed once, the items are sorted as (key, page, position) triples, and
/// only the `first` items kept are moved (or, from a cached page, copied) into the result.
pub async fn merge_regions<P, K, Ask, Fut>(
    scope: &BTreeMap<Region, Vec<String>>,
    first: u32,
    ask: Ask,
    sort_key: impl Fn(&P::Item) -> K,
) -> MergedPage<P::Item>
where
    P: RegionPage,
    K: Ord,
    Ask: Fn(Region, Vec<String>, u32) -> Fut,
    Fut: Future<Output = Result<Arc<P>, AdapterError>>,
{
    let calls = scope.iter().map(|(region, customers)| {
        let answer = ask(*region, customers.clone(), first.saturating_add(1));
        async move { (*region, answer.await) }
    });
    let mut pages = Vec::new();
    let mut failures = Vec::new();
    let mut total_count: u64 = 0;
    for (region, result) in futures::future::join_all(calls).await {
        match result {
            // Counts come from the backends: absurd ones must not overflow the sum.
            Ok(page) => {
                total_count = total_count.saturating_add(page.total_count());
                pages.push(page);
            }
            Err(error) => failures.push(RegionFailure { region, error }),
        }
    }
    let mut order: Vec<(K, usize, usize)> = pages
        .iter()
        .enumerate()
        .flat_map(|(page, answer)| {
            let sort_key = &sort_key;
            answer
                .items()
                .iter()
                .enumerate()
                .map(move |(index, item)| (sort_key(item), page, index))
        })
        .collect();
    // Stable, so equal keys keep the regions' own order, as before.
    order.sort_by(|a, b| a.0.cmp(&b.0));
    let has_next_page = order.len() > first as usize;
    order.truncate(first as usize);
    let mut sources: Vec<Source<P>> = pages.into_iter().map(Source::new).collect();
    let items = order
        .into_iter()
        .filter_map(|(_, page, index)| sources.get_mut(page)?.take(index))
        .collect();
    MergedPage {
        items,
        has_next_page,
        total_count,
        failures,
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use super::*;

    /// A region's page of numbers, listed smallest first.
    #[derive(Debug, PartialEq)]
    struct Numbers(Vec<u32>);

    impl RegionPage for Numbers {
        type Item = u32;
        fn items(&self) -> &[u32] {
            &self.0
        }
        fn into_items(self) -> Vec<u32> {
            self.0
        }
        fn total_count(&self) -> u64 {
            self.0.len() as u64 * 10
        }
    }

    fn scope(regions: &[Region]) -> BTreeMap<Region, Vec<String>> {
        regions
            .iter()
            .map(|r| (*r, vec!["1000001".to_owned()]))
            .collect()
    }

    #[tokio::test]
    async fn the_page_is_the_first_items_over_every_region_and_a_shared_page_is_left_whole() {
        // The Americas page stands for one the cache holds: the merge must copy from it and
        // leave it as it was; the others are the request's own and are moved from.
        let cached = Arc::new(Numbers(vec![2, 5, 8, 11]));
        let pages = Mutex::new(BTreeMap::from([
            (Region::Americas, Arc::clone(&cached)),
            (Region::Emea, Arc::new(Numbers(vec![1, 6, 9, 12]))),
            (Region::Ap, Arc::new(Numbers(vec![3, 4, 7, 10]))),
        ]));
        let asked = Mutex::new(Vec::new());
        let ask = |region: Region, _customers: Vec<String>, limit: u32| {
            asked.lock().unwrap().push(limit);
            let page = pages.lock().unwrap().remove(&region).unwrap();
            async move { Ok::<_, AdapterError>(page) }
        };
        let merged = merge_regions(
            &scope(&[Region::Americas, Region::Emea, Region::Ap]),
            3,
            ask,
            |n: &u32| *n,
        )
        .await;
        assert_eq!(merged.items, vec![1, 2, 3]);
        assert!(merged.has_next_page);
        assert_eq!(merged.total_count, 120);
        assert!(merged.failures.is_empty());
        assert_eq!(*asked.lock().unwrap(), vec![4, 4, 4]);
        assert_eq!(*cached, Numbers(vec![2, 5, 8, 11]));
    }

    #[tokio::test]
    async fn a_region_that_fails_is_reported_and_the_others_still_make_the_page() {
        let ask = |region: Region, _customers: Vec<String>, _limit: u32| async move {
            match region {
                Region::Emea => Err(AdapterError::Transport {
                    backend: "order-status-emea".to_owned(),
                    detail: "down".to_owned(),
                }),
                _ => Ok(Arc::new(Numbers(vec![4, 9]))),
            }
        };
        let merged = merge_regions(
            &scope(&[Region::Americas, Region::Emea]),
            5,
            ask,
            |n: &u32| *n,
        )
        .await;
        assert_eq!(merged.items, vec![4, 9]);
        assert!(!merged.has_next_page);
        assert_eq!(merged.failures.len(), 1);
        assert_eq!(merged.failures[0].region, Region::Emea);
    }
}
