//! [`OrderBackend`] over HTTP against one order-status instance.

use async_trait::async_trait;

use super::search_params::to_params;
use super::wire::{WireOrder, WireOrderBatch, WireOrderList};
use crate::AdapterError;
use crate::client::BackendClient;
use crate::model::{
    ChangeFeed, CustomerNumber, EmailAddress, Order, OrderNumber, OrderPage, OrderQuery,
    OrderWatch, Region, WatchRefusal,
};
use crate::ports::OrderBackend;
use crate::resilience::BreakerReport;

/// The order-status adapter for one region.
#[derive(Debug, Clone)]
pub struct HttpOrderBackend {
    client: BackendClient,
    region: Region,
}

impl HttpOrderBackend {
    /// An adapter for the instance of `region` reached through `client`.
    pub fn new(client: BackendClient, region: Region) -> Self {
        Self { client, region }
    }

    /// The client, for the live half of the contract (`live`).
    pub(super) fn client(&self) -> &BackendClient {
        &self.client
    }

    fn to_model(&self, orders: Vec<WireOrder>) -> Result<Vec<Order>, AdapterError> {
        orders
            .into_iter()
            .map(|o| {
                o.into_model(self.region)
                    .map_err(|detail| self.client.contract_violation(detail))
            })
            .collect()
    }
}

fn join(items: impl IntoIterator<Item = impl AsRef<str>>) -> String {
    items
        .into_iter()
        .map(|s| s.as_ref().to_owned())
        .collect::<Vec<_>>()
        .join(",")
}

#[async_trait]
impl OrderBackend for HttpOrderBackend {
    fn instance(&self) -> &str {
        self.client.name()
    }

    fn region(&self) -> Region {
        self.region
    }

    fn breakers(&self) -> Vec<BreakerReport> {
        self.client.breakers()
    }

    async fn list_orders(&self, query: &OrderQuery) -> Result<OrderPage, AdapterError> {
        self.client
            .check::<CustomerNumber>("customer number", &query.customer_numbers)?;
        if let Some(after) = &query.after {
            self.client
                .check::<OrderNumber>("order number of afterKey", [&after.order_number])?;
        }
        if let Some(after) = &query.after
            && after.sort != query.sort
        {
            return Err(self
                .client
                .refuse("afterKey", "a key of another sort than the listing's"));
        }
        let params = to_params(query);
        let list: WireOrderList = self
            .client
            .get_json("list_orders", "v1/orders", &params)
            .await?;
        let orders =
            self.client
                .only_asked(self.to_model(list.orders)?, &query.customer_numbers, |o| {
                    &o.customer_number
                })?;
        if orders.len() > query.limit as usize {
            return Err(self.client.contract_violation(format!(
                "asked for at most {} orders, got {}",
                query.limit,
                orders.len()
            )));
        }
        // Every order must match the search and come in the sort's order after the key: an
        // answer that does not would make the merge skip or repeat orders.
        let mut previous = query.after.clone();
        for order in &orders {
            if !query.filters.matches(order) {
                return Err(self.client.contract_violation(format!(
                    "order {} does not match the search",
                    order.order_number
                )));
            }
            let key = order.sort_key(query.sort);
            if previous.as_ref().is_some_and(|p| *p >= key) {
                return Err(self.client.contract_violation(format!(
                    "order {} is out of the sort's order",
                    order.order_number
                )));
            }
            previous = Some(key);
        }
        Ok(OrderPage {
            orders,
            total_count: list.total_count,
        })
    }

    async fn orders_by_number(&self, order_numbers: &[String]) -> Result<Vec<Order>, AdapterError> {
        if order_numbers.is_empty() {
            return Ok(Vec::new());
        }
        self.client
            .check_batch::<OrderNumber>("order number", order_numbers)?;
        let batch: WireOrderBatch = self
            .client
            .get_json(
                "orders_by_number",
                "v1/orders/batch",
                &[("ids", join(order_numbers))],
            )
            .await?;
        self.to_model(batch.orders)
    }

    async fn status_changes(&self, since: Option<u64>) -> Result<ChangeFeed, AdapterError> {
        super::live::status_changes(self, since).await
    }

    async fn watch_order(
        &self,
        order_number: &str,
        email: &EmailAddress,
    ) -> Result<Result<OrderWatch, WatchRefusal>, AdapterError> {
        super::live::watch_order(self, order_number, email).await
    }
}
