//! Lookups by order number and by serial number, for the request's [`Batcher`]s: every
//! `order`, `node`, `guestOrderStatus` and `inventoryItem` field resolved in one request becomes
//! at most one batch call per region (or system) per 100 keys, however many the query asks for.
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
use supportgraph_adapters::model::{InventoryItem, Order, Region};
use supportgraph_adapters::ports::{InventoryBackend, OrderBackend};

use super::batcher::{Batcher, Ticket};
use super::call_budget::CallBudget;
use crate::countries::InventorySystem;

/// One request's lookups by order number, batched (see [`super::batcher`]).
pub type OrderBatcher = Batcher<OrderRef, OrderLoader>;

/// One request's lookups by serial number, batched.
pub type InventoryBatcher = Batcher<SerialRef, InventoryLoader>;

/// One request's second round of `order` lookups, batched apart: those not found among the
/// caller's authorised customer numbers, asked again among the others to explain the refusal.
pub struct ExplainBatcher(pub OrderBatcher);

/// A lookup field's place in the order-number batch.
pub type OrderTicket = Ticket<OrderRef, OrderLoader>;

/// A lookup field's place in the serial-number batch.
pub type InventoryTicket = Ticket<SerialRef, InventoryLoader>;

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
    budget: Arc<CallBudget>,
}

impl OrderLoader {
    /// A loader over these regional instances, spending the request's `budget`.
    pub fn new(backends: BTreeMap<Region, Arc<dyn OrderBackend>>, budget: Arc<CallBudget>) -> Self {
        Self { backends, budget }
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
        let name = format!("order-status/{region}");
        for chunk in numbers.chunks(MAX_BATCH) {
            match self
                .budget
                .spend(&name, backend.orders_by_number(chunk))
                .await
            {
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

/// One inventory item to look up by serial number: in which system, for whom.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SerialRef {
    /// The system to ask.
    pub system: InventorySystem,
    /// The customer numbers the caller may see in that system.
    pub customers: Arc<[String]>,
    /// The serial number.
    pub serial_number: String,
}

/// Loads inventory items by serial number: one batch call per system per query.
pub struct InventoryLoader {
    backends: BTreeMap<InventorySystem, Arc<dyn InventoryBackend>>,
    budget: Arc<CallBudget>,
}

impl InventoryLoader {
    /// A loader over these inventory systems, spending the request's `budget`.
    pub fn new(
        backends: BTreeMap<InventorySystem, Arc<dyn InventoryBackend>>,
        budget: Arc<CallBudget>,
    ) -> Self {
        Self { backends, budget }
    }
}

impl Loader<SerialRef> for InventoryLoader {
    /// `Ok(item)` when found within the key's customer numbers; absent when not found; the
    /// system's error when it could not answer.
    type Value = Result<InventoryItem, AdapterError>;
    type Error = Infallible;

    async fn load(
        &self,
        keys: &[SerialRef],
    ) -> Result<HashMap<SerialRef, Self::Value>, Self::Error> {
        let mut serials: BTreeMap<InventorySystem, Vec<String>> = BTreeMap::new();
        for key in keys {
            let list = serials.entry(key.system).or_default();
            if !list.contains(&key.serial_number) {
                list.push(key.serial_number.clone());
            }
        }
        let calls = serials.into_iter().map(|(system, serials)| {
            let backend = self.backends.get(&system).cloned();
            let budget = &self.budget;
            async move {
                let name = format!("{system:?}");
                let result = match backend {
                    Some(backend) => {
                        let mut found = Vec::new();
                        let mut failed = None;
                        for chunk in serials.chunks(MAX_BATCH) {
                            match budget.spend(&name, backend.items_by_serial(chunk)).await {
                                Ok(items) => found.extend(items),
                                Err(error) => {
                                    failed = Some(error);
                                    break;
                                }
                            }
                        }
                        failed.map_or(Ok(found), Err)
                    }
                    None => Err(AdapterError::Transport {
                        backend: format!("{system:?}"),
                        detail: "no such inventory system is configured".to_owned(),
                    }),
                };
                (system, result)
            }
        });
        let answers: BTreeMap<InventorySystem, Result<Vec<InventoryItem>, AdapterError>> =
            join_all(calls).await.into_iter().collect();
        let mut values = HashMap::new();
        for key in keys {
            match answers.get(&key.system) {
                Some(Ok(items)) => {
                    if let Some(item) = items.iter().find(|i| {
                        i.serial_number == key.serial_number
                            && key.customers.contains(&i.customer_number)
                    }) {
                        values.insert(key.clone(), Ok(item.clone()));
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
