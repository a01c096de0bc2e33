//! Worldwide orders: one concurrent call per region holding the caller's customer numbers, merged
//! into one listing in the search's sort with keyset paging that is stable across regions; and
//! lookups by order number, batched per request.
//!
//! Each region is asked for `first + 1` orders after the cursor's key, with every filter (each
//! instance answers them all, and its adapter checks that each order it returns matches and comes
//! in order); the merged list's first `first` orders are the page, and a surplus means there is a
//! next page. Because every region sorts by the same total key ([`OrderSortKey`]), no order is
//! skipped or repeated between pages, whatever the sort.
//!
//! [`OrderSortKey`]: supportgraph_adapters::model::OrderSortKey

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use futures::future::BoxFuture;
use supportgraph_adapters::AdapterError;
use supportgraph_adapters::model::{Order, OrderQuery, Region};
use supportgraph_adapters::ports::OrderBackend;

use super::batcher::{Batcher, Ticket};
use super::call_budget::CallBudget;
use super::fan_out::{RegionFailure, backend_of, merge_regions, shared_call};
use super::loader::{InstanceLoader, Lookup};
use crate::cache::{Cache, CacheKey, Namespace};

/// What a region without a configured order-status instance fails with.
const NOT_CONFIGURED: &str = "no instance is configured for this region";

/// The name of a region's order-status instance, for budgets, caches and errors.
fn instance(region: Region) -> String {
    supportgraph_adapters::order_status::instance_name(region).to_owned()
}

/// A merged page of orders.
#[derive(Debug, Clone, Default)]
pub struct WorldwidePage {
    /// At most `first` orders, newest first.
    pub orders: Vec<Order>,
    /// Whether more orders follow the last one.
    pub has_next_page: bool,
    /// Matching orders over every region that answered.
    pub total_count: u64,
    /// Regions that did not answer; their orders are missing from the page.
    pub failures: Vec<RegionFailure>,
}

/// The cache key of one region's page: the region's instance, the filters, and the customer
/// numbers asked about — the caller's authorised scope in that region — whose namespaces a
/// change to their orders bumps.
fn page_key(region: Region, query: &OrderQuery, ttl: Duration) -> CacheKey {
    let arguments = format!(
        "filters={:?};sort={:?};after={:?};limit={}",
        query.filters, query.sort, query.after, query.limit
    );
    CacheKey::new(
        instance(region),
        "list_orders",
        arguments,
        query.customer_numbers.clone(),
        query
            .customer_numbers
            .iter()
            .map(|c| Namespace::new("orders", c.clone()))
            .collect(),
        ttl,
    )
}

/// Lists one page of orders over every region in `scope`, concurrently, each region's page
/// through the cache for `ttl`.
///
/// `template` carries the filters and the `after` key; its customer numbers and limit are set per
/// region here.
#[tracing::instrument(name = "federation", skip_all, fields(otel.kind = "internal", otel.name = "orders.list"))]
pub async fn list_worldwide(
    backends: &BTreeMap<Region, Arc<dyn OrderBackend>>,
    cache: &Cache,
    ttl: Duration,
    scope: &BTreeMap<Region, Vec<String>>,
    template: &OrderQuery,
    first: u32,
    budget: &CallBudget,
) -> WorldwidePage {
    let ask = |region: Region, customers: Vec<String>, limit: u32| async move {
        let query = OrderQuery {
            customer_numbers: customers,
            limit,
            ..template.clone()
        };
        let name = instance(region);
        let backend = backend_of(backends, &region, &name, NOT_CONFIGURED)?;
        let key = page_key(region, &query, ttl);
        shared_call(cache, &key, budget, &name, backend.list_orders(&query)).await
    };
    let merged = merge_regions(scope, first, ask, |order: &Order| {
        order.sort_key(template.sort)
    })
    .await;
    WorldwidePage {
        orders: merged.items,
        has_next_page: merged.has_next_page,
        total_count: merged.total_count,
        failures: merged.failures,
    }
}

/// The outcome of looking one order up by number.
#[derive(Debug, Clone)]
pub enum OrderLookup {
    /// Found in one of the caller's customer numbers.
    Found(Box<Order>),
    /// No region in scope holds it for the caller's customer numbers.
    NotFound,
    /// Not found among the regions that answered, but some did not answer.
    Unavailable(Vec<RegionFailure>),
}

/// Looks `order_number` up in every region of `scope` through the request's loader (so every
/// lookup in one query shares one batch call per region); an order of a customer number outside
/// the scope is treated as not found.
#[tracing::instrument(name = "federation", skip_all, fields(otel.kind = "internal", otel.name = "orders.find_order"))]
pub async fn find_order(
    ticket: OrderTicket,
    scope: &BTreeMap<Region, Vec<String>>,
    order_number: &str,
) -> OrderLookup {
    let regions: Vec<Region> = scope.keys().copied().collect();
    let keys = scope
        .iter()
        .map(|(region, customers)| OrderRef {
            region: *region,
            customers: customers.clone().into(),
            order_number: order_number.to_owned(),
        })
        .collect();
    // One lookup, asked in every region at once: it joins the request's batch as one.
    let outcomes = ticket.load_many(keys).await;
    let mut failures = Vec::new();
    for (region, outcome) in regions.into_iter().zip(outcomes) {
        match outcome {
            Some(Ok(order)) => return OrderLookup::Found(Box::new(order)),
            Some(Err(error)) => failures.push(RegionFailure { region, error }),
            None => {}
        }
    }
    if failures.is_empty() {
        OrderLookup::NotFound
    } else {
        OrderLookup::Unavailable(failures)
    }
}

/// One request's lookups by order number, batched (see [`super::batcher`]).
pub type OrderBatcher = Batcher<OrderRef, OrderLoader>;

/// One request's second round of `order` lookups, batched apart: those not found among the
/// caller's authorised customer numbers, asked again among the others to explain the refusal.
pub struct ExplainBatcher(pub OrderBatcher);

/// A lookup field's place in the order-number batch.
pub type OrderTicket = Ticket<OrderRef, OrderLoader>;

/// One order to look up: where, by which number, and for whom.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct OrderRef {
    /// The region whose order-status instance to ask.
    pub region: Region,
    /// The customer numbers the caller may see in that region.
    pub customers: Arc<[String]>,
    /// The order number.
    pub order_number: String,
}

/// Loads orders by number from the regional order-status instances (see [`super::loader`]).
pub type OrderLoader = InstanceLoader<OrderRef>;

impl Lookup for OrderRef {
    type Instance = Region;
    type Backend = dyn OrderBackend;
    type Value = Order;

    const NOT_CONFIGURED: &'static str = NOT_CONFIGURED;

    fn instance_name(region: Region) -> String {
        instance(region)
    }

    fn instance(&self) -> Region {
        self.region
    }

    fn id(&self) -> &str {
        &self.order_number
    }

    fn call<'a>(
        backend: &'a dyn OrderBackend,
        numbers: &'a [String],
    ) -> BoxFuture<'a, Result<Vec<Order>, AdapterError>> {
        backend.orders_by_number(numbers)
    }

    fn answers(&self, order: &Order) -> bool {
        order.order_number == self.order_number && self.customers.contains(&order.customer_number)
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        /// Two callers whose authorised customer numbers in a region differ never share a page
        /// entry, whatever else their queries have in common.
        #[test]
        fn callers_with_different_scopes_get_different_page_keys(
            a in proptest::collection::btree_set("[0-9]{7}", 1..5),
            b in proptest::collection::btree_set("[0-9]{7}", 1..5),
            limit in 1u32..200,
        ) {
            let query = |customers: &std::collections::BTreeSet<String>| OrderQuery {
                customer_numbers: customers.iter().cloned().collect(),
                limit,
                ..OrderQuery::default()
            };
            let ttl = Duration::from_secs(1);
            let key_a = page_key(Region::Emea, &query(&a), ttl).render("p", "T", &vec![0; a.len()]);
            let key_b = page_key(Region::Emea, &query(&b), ttl).render("p", "T", &vec![0; b.len()]);
            prop_assert_eq!(a == b, key_a == key_b);
        }
    }
}
