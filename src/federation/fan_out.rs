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
use supportgraph_adapters::model::Region;

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
/// region, its customer numbers and the limit, and answers the region's items and total), and
/// merges the answers by `sort_key`: because every region sorts by the same total key, the
/// first `first` are the page and a surplus means there is a next one.
pub async fn merge_regions<T, K, Ask, Fut>(
    scope: &BTreeMap<Region, Vec<String>>,
    first: u32,
    ask: Ask,
    sort_key: impl Fn(&T) -> K,
) -> MergedPage<T>
where
    K: Ord,
    Ask: Fn(Region, Vec<String>, u32) -> Fut,
    Fut: Future<Output = Result<(Vec<T>, u64), AdapterError>>,
{
    let calls = scope.iter().map(|(region, customers)| {
        let answer = ask(*region, customers.clone(), first.saturating_add(1));
        async move { (*region, answer.await) }
    });
    let mut page = MergedPage {
        items: Vec::new(),
        has_next_page: false,
        total_count: 0,
        failures: Vec::new(),
    };
    for (region, result) in futures::future::join_all(calls).await {
        match result {
            Ok((items, total)) => {
                // Counts come from the backends: absurd ones must not overflow the sum.
                page.total_count = page.total_count.saturating_add(total);
                page.items.extend(items);
            }
            Err(error) => page.failures.push(RegionFailure { region, error }),
        }
    }
    page.items.sort_by_key(|item| sort_key(item));
    page.has_next_page = page.items.len() > first as usize;
    page.items.truncate(first as usize);
    page
}
