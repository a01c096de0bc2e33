//! `guestOrderStatus`: the seed's guest access to Order Status — one order, looked up by order
//! number plus customer number, with basic status, dates and the carrier link only. No prices,
//! lines, addresses or contacts. Limited per client address before any backend is called, and
//! per customer number across all addresses once lookups for it keep failing, so order numbers
//! cannot be guessed from many machines.

use std::sync::Arc;

use async_graphql::{Context, Object, Result};
use supportgraph_adapters::model::{self, CustomerNumber, OrderNumber};

use super::tracking::Shipment;
use super::types::{OrderStatus, OrderStatusEvent, status_events};
use crate::app::App;
use crate::auth::Caller;
use crate::countries::Tool;
use crate::error::GatewayError;
use crate::federation::orders::{OrderBatcher, OrderLookup, find_order};
use crate::graphql::common::failures::unavailable;
use crate::graphql::common::input::identifier;
use crate::graphql::common::scalars::Date;

/// The basic status of one order, as shown to a guest.
pub struct GuestOrderStatus(model::Order);

/// The basic status of one order, as shown to a guest: no prices, lines, addresses or contacts.
#[Object]
impl GuestOrderStatus {
    /// The vendor's order number.
    async fn order_number(&self) -> &str {
        &self.0.order_number
    }

    /// Current status.
    async fn status(&self) -> OrderStatus {
        self.0.status.into()
    }

    /// Day the order was placed.
    async fn order_date(&self) -> Date {
        Date(self.0.order_date)
    }

    /// Every status the order went through, oldest first.
    async fn status_history(&self) -> Vec<OrderStatusEvent> {
        status_events(&self.0)
    }

    /// Shipments so far, with the carrier's tracking link.
    async fn shipments(&self) -> Vec<GuestShipment> {
        self.0
            .shipments
            .iter()
            .cloned()
            .map(|s| GuestShipment(Shipment(s)))
            .collect()
    }
}

/// A shipment as shown to a guest: carrier, tracking and dates, without the order lines.
pub struct GuestShipment(Shipment);

/// A shipment as shown to a guest: carrier, tracking and dates, without the order lines.
#[Object]
impl GuestShipment {
    /// The carrier's name.
    async fn carrier_name(&self, ctx: &Context<'_>) -> Result<String> {
        self.0.carrier_name_in(ctx)
    }

    /// The carrier's tracking number.
    async fn tracking_number(&self) -> &str {
        &self.0.0.tracking_number
    }

    /// The carrier's tracking page; null when the carrier has no online tracking.
    async fn tracking_url(&self, ctx: &Context<'_>) -> Result<Option<String>> {
        self.0.tracking_url_in(ctx)
    }

    /// Day the shipment left the vendor.
    async fn shipped_date(&self) -> Date {
        Date(self.0.0.shipped_on)
    }

    /// Day it was delivered; null while on its way.
    async fn delivered_date(&self) -> Option<Date> {
        self.0.0.delivered_on.map(Date)
    }
}

/// Guest query fields.
#[derive(Default)]
pub struct GuestQuery;

#[Object]
impl GuestQuery {
    /// Basic status of one order for anyone who knows its order number and customer number; no
    /// sign-in needed. `NOT_FOUND` unless both match the same order. Limited per client address,
    /// and per customer number after repeated failed lookups (`RATE_LIMITED`).
    async fn guest_order_status(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The vendor's order number.")] order_number: String,
        #[graphql(desc = "The customer number that placed the order.")] customer_number: String,
    ) -> Result<Option<GuestOrderStatus>> {
        // A place in the request's batch first: whatever ends this lookup early gives it up.
        let ticket = ctx.data::<OrderBatcher>()?.ticket();
        let app = ctx.data::<Arc<App>>()?;
        let caller = ctx.data::<Caller>()?;
        app.guest_limiter.check(caller.client_ip()).await?;
        let order_number: OrderNumber = identifier("orderNumber", &order_number)?;
        let customer_number: CustomerNumber = identifier("customerNumber", &customer_number)?;
        let (order_number, customer_number) = (order_number.as_str(), customer_number.as_str());
        // A guest has no profile: ask every region, and accept only the order whose customer
        // number matches and whose country offers Order Status.
        let scope = app
            .order_backends
            .keys()
            .map(|region| (*region, vec![customer_number.to_owned()]))
            .collect();
        // Counted as a failed lookup for the customer number unless it finds the order.
        let attempt = app.guest_limiter.customer_attempt(customer_number).await?;
        match find_order(ticket, &scope, order_number).await {
            OrderLookup::Found(order)
                if app
                    .countries
                    .snapshot()
                    .get(&order.country)
                    .is_some_and(|c| c.has(Tool::OrderStatus)) =>
            {
                Ok(Some(GuestOrderStatus(*order)))
            }
            OrderLookup::Found(_) | OrderLookup::NotFound => {
                attempt.failed();
                Err(GatewayError::NotFound.into())
            }
            OrderLookup::Unavailable(failures) => Err(unavailable(ctx, &failures)),
        }
    }
}
