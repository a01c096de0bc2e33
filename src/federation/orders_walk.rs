//! Every order a search finds, page by page, for exports: one worldwide page after another
//! (each merged across regions like a connection page, keyset-paged by the search's sort), as a
//! stream, so an export of tens of thousands of orders holds one page at a time.
//!
//! Each page has a budget of one call per region (it is one merged page, every region asked
//! once), and every page after the first waits for the caller's rate ([`OrderWalk::pace`]); a
//! search finding more than the walk may hold is refused on its first page; a region that fails
//! ends the walk with its error — an export is complete or visibly broken, never silently short.
//! Walk pages bypass the cache (a long export would fill it with pages nobody reads again).

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use futures::Stream;
use supportgraph_adapters::AdapterError;
use supportgraph_adapters::model::{Order, OrderQuery, Region};
use supportgraph_adapters::ports::OrderBackend;

use super::call_budget::CallBudget;
use super::orders::list_worldwide;
use crate::cache::Cache;

/// The orders of one page of a walk (the order-status systems answer at most 500 per call,
/// and a page asks each region for one more than it keeps).
pub const WALK_PAGE: u32 = 499;

/// What a walk asks.
#[derive(Clone)]
pub struct OrderWalk {
    /// The order-status instances.
    pub backends: BTreeMap<Region, Arc<dyn OrderBackend>>,
    /// The cache pages go through.
    pub cache: Arc<Cache>,
    /// How long a page is cached.
    pub ttl: Duration,
    /// The caller's customer numbers per region.
    pub scope: BTreeMap<Region, Vec<String>>,
    /// The search (its `after` is where the walk starts).
    pub query: OrderQuery,
    /// The most orders the walk yields; a search that finds more is refused on its first page.
    pub max_orders: usize,
    /// Called before every page after the first, with the page's calls: waits for (or
    /// refuses) the caller's rate, so a long walk goes at the pace its caller may.
    pub pace: Pace,
}

/// What paces a walk's pages (see [`OrderWalk::pace`]).
pub type Pace = Arc<
    dyn Fn(u32) -> futures::future::BoxFuture<'static, Result<(), crate::error::GatewayError>>
        + Send
        + Sync,
>;

/// Why a walk stopped short.
#[derive(Debug, thiserror::Error)]
pub enum WalkError {
    /// A region could not answer a page.
    #[error("{0}")]
    Region(AdapterError),
    /// The search finds more orders than one export may hold.
    #[error("the search finds more than {0} orders; narrow it")]
    TooMany(usize),
    /// The caller's rate would not allow the next page in time.
    #[error("the caller's rate limit stopped the walk")]
    Paced(crate::error::GatewayError),
}

impl OrderWalk {
    /// The walk's pages, in the search's sort.
    pub fn pages(self) -> impl Stream<Item = Result<Vec<Order>, WalkError>> + Send + 'static {
        futures::stream::unfold(Some((self, 0usize)), |state| async move {
            let (mut walk, yielded) = state?;
            let calls = walk.scope.len() as u32;
            if yielded > 0
                && let Err(refused) = (walk.pace)(calls).await
            {
                return Some((Err(WalkError::Paced(refused)), None));
            }
            let budget = CallBudget::new(calls);
            let page = list_worldwide(
                &walk.backends,
                &walk.cache,
                walk.ttl,
                &walk.scope,
                &walk.query,
                WALK_PAGE,
                &budget,
            )
            .await;
            if let Some(failure) = page.failures.into_iter().next() {
                return Some((Err(WalkError::Region(failure.error)), None));
            }
            // The regions' totals say on the first page whether the search fits at all.
            if yielded == 0 && page.total_count > walk.max_orders as u64 {
                return Some((Err(WalkError::TooMany(walk.max_orders)), None));
            }
            let yielded = yielded + page.orders.len();
            if yielded > walk.max_orders {
                return Some((Err(WalkError::TooMany(walk.max_orders)), None));
            }
            let next = match (page.has_next_page, page.orders.last()) {
                (true, Some(last)) => {
                    walk.query.after = Some(last.sort_key(walk.query.sort));
                    Some((walk, yielded))
                }
                _ => None,
            };
            Some((Ok(page.orders), next))
        })
    }
}
