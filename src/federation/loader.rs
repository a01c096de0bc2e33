//! Batching lookups by order number with async-graphql's DataLoader: every `order`, `node` and
//! `guestOrderStatus` field resolved in one request becomes at most one batch call per region,
//! however many of them the query asks for.
//!
//! Each key carries the customer numbers its caller may see, and the loader drops any order
//! outside them, so scope is enforced where the data arrives. A region's failure is the value of
//! that region's keys only, so one region down never fails another region's lookups.

use std::collections::{BTreeMap, HashMap};
use std::convert::Infallible;
use std::sync::Arc;

use async_graphql::dataloader::Loader;
use futures::future::join_all;
use supportgraph_adapters::AdapterError;
use supportgraph_adapters::model::{Order, Region};
use supportgraph_adapters::ports::OrderBackend;

/// The most order numbers in one backend batch call.
const MAX_BATCH: usize = 100;

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

/// Loads orders by number from the regional order-status instances.
pub struct OrderLoader {
    backends: BTreeMap<Region, Arc<dyn OrderBackend>>,
}

impl OrderLoader {
    /// A loader over these regional instances.
    pub fn new(backends: BTreeMap<Region, Arc<dyn OrderBackend>>) -> Self {
        Self { backends }
    }

    async fn fetch_region(
        &self,
        region: Region,
        numbers: Vec<String>,
    ) -> (Region, Result<Vec<Order>, AdapterError>) {
        let Some(backend) = self.backends.get(&region) else {
            let error = AdapterError::Transport {
                backend: format!("order-status/{region}"),
                detail: "no instance is configured for this region".to_owned(),
            };
            return (region, Err(error));
        };
        let mut found = Vec::new();
        for chunk in numbers.chunks(MAX_BATCH) {
            match backend.orders_by_number(chunk).await {
                Ok(orders) => found.extend(orders),
                Err(error) => return (region, Err(error)),
            }
        }
        (region, Ok(found))
    }
}

impl Loader<OrderRef> for OrderLoader {
    /// `Ok(order)` when found within the key's customer numbers; absent when not found; the
    /// region's error when it could not answer.
    type Value = Result<Order, AdapterError>;
    type Error = Infallible;

    async fn load(&self, keys: &[OrderRef]) -> Result<HashMap<OrderRef, Self::Value>, Self::Error> {
        let mut numbers_by_region: BTreeMap<Region, Vec<String>> = BTreeMap::new();
        for key in keys {
            let numbers = numbers_by_region.entry(key.region).or_default();
            if !numbers.contains(&key.order_number) {
                numbers.push(key.order_number.clone());
            }
        }
        let answers: BTreeMap<Region, Result<Vec<Order>, AdapterError>> = join_all(
            numbers_by_region
                .into_iter()
                .map(|(region, numbers)| self.fetch_region(region, numbers)),
        )
        .await
        .into_iter()
        .collect();

        let mut values = HashMap::new();
        for key in keys {
            match answers.get(&key.region) {
                Some(Ok(orders)) => {
                    let visible = orders.iter().find(|o| {
                        o.order_number == key.order_number
                            && key.customers.contains(&o.customer_number)
                    });
                    if let Some(order) = visible {
                        values.insert(key.clone(), Ok(order.clone()));
                    }
                }
                Some(Err(error)) => {
                    values.insert(key.clone(), Err(error.clone()));
                }
                None => {}
            }
        }
        Ok(values)
    }
}
