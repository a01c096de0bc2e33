//! [`OrderBackend`] over HTTP against one order-status instance.

use async_trait::async_trait;

use super::wire::{WireOrder, WireOrderBatch, WireOrderList, WireStatus, format_after_key};
use crate::AdapterError;
use crate::client::BackendClient;
use crate::model::{CustomerNumber, Order, OrderNumber, OrderPage, OrderQuery, Region};
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
        let mut params = vec![
            ("customers", join(&query.customer_numbers)),
            ("limit", query.limit.to_string()),
        ];
        if !query.statuses.is_empty() {
            let codes = query.statuses.iter().map(|s| WireStatus::from(*s).code());
            params.push(("status", join(codes)));
        }
        if let Some(from) = query.ordered_from {
            params.push(("from", from.to_string()));
        }
        if let Some(to) = query.ordered_to {
            params.push(("to", to.to_string()));
        }
        if let Some(after) = &query.after {
            params.push(("afterKey", format_after_key(after)));
        }
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
}
