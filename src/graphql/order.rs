//! The `Order` type and everything hanging off it.

use std::sync::Arc;

use async_graphql::{Context, Enum, ID, Object, Result, SimpleObject};
use supportgraph_adapters::model;

use super::global_id::GlobalId;
use super::scalars::{Date, DateTime, Money, PageInfo};
use crate::app::App;

/// Where an order is in its life.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "supportgraph_adapters::model::OrderStatus")]
pub enum OrderStatus {
    /// Received and being checked.
    Received,
    /// Being processed (configured, built, picked).
    InProcess,
    /// At least one product is waiting for stock.
    Backordered,
    /// Some products have shipped.
    PartiallyShipped,
    /// Every product has shipped.
    Shipped,
    /// Every product has been delivered.
    Delivered,
    /// Cancelled.
    Cancelled,
}

/// Hardware or software.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "supportgraph_adapters::model::ProductKind")]
pub enum ProductKind {
    /// A machine, part or feature.
    Hardware,
    /// A licence, subscription or software support.
    Software,
}

/// A region of the vendor's systems.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "supportgraph_adapters::model::Region")]
pub enum Region {
    /// North, Central and South America.
    Americas,
    /// Europe, the Middle East and Africa.
    Emea,
    /// Asia Pacific.
    Ap,
}

/// One entry of an order's status timeline.
#[derive(SimpleObject)]
pub struct OrderStatusEvent {
    /// The status entered.
    pub status: OrderStatus,
    /// When it was entered (UTC).
    pub at: DateTime,
}

/// An order's status timeline, oldest first.
pub fn status_events(order: &model::Order) -> Vec<OrderStatusEvent> {
    order
        .status_history
        .iter()
        .map(|e| OrderStatusEvent {
            status: e.status.into(),
            at: DateTime(e.at),
        })
        .collect()
}

/// One ordered product.
#[derive(SimpleObject)]
pub struct OrderLine {
    /// Position of the line in the order, from 1.
    pub line_number: u32,
    /// The vendor's product (part) number.
    pub product_code: String,
    /// Product description.
    pub description: String,
    /// Hardware or software.
    pub kind: ProductKind,
    /// Units ordered.
    pub quantity: u32,
    /// Price of one unit.
    pub unit_price: Money,
}

/// One shipment of an order.
pub struct Shipment(pub model::Shipment);

impl Shipment {
    /// The carrier's display name from the carrier directory, or its code.
    pub fn carrier_name_in(&self, ctx: &Context<'_>) -> Result<String> {
        let app = ctx.data::<Arc<App>>()?;
        Ok(app
            .carriers
            .get(&self.0.carrier_code)
            .map_or_else(|| self.0.carrier_code.clone(), |c| c.name.clone()))
    }

    /// The carrier's tracking page for this shipment, if the carrier tracks online.
    pub fn tracking_url_in(&self, ctx: &Context<'_>) -> Result<Option<String>> {
        let app = ctx.data::<Arc<App>>()?;
        Ok(app
            .carriers
            .tracking_url(&self.0.carrier_code, &self.0.tracking_number))
    }
}

/// One parcel or freight shipment of an order, with a link to the carrier's tracking page.
#[Object]
impl Shipment {
    /// The carrier's code, e.g. `UPS`.
    async fn carrier_code(&self) -> &str {
        &self.0.carrier_code
    }

    /// The carrier's name (the code when the carrier is not in our directory).
    async fn carrier_name(&self, ctx: &Context<'_>) -> Result<String> {
        self.carrier_name_in(ctx)
    }

    /// The carrier's tracking number, as the carrier writes it.
    async fn tracking_number(&self) -> &str {
        &self.0.tracking_number
    }

    /// The carrier's tracking page for this shipment; null when the carrier has no online
    /// tracking.
    async fn tracking_url(&self, ctx: &Context<'_>) -> Result<Option<String>> {
        self.tracking_url_in(ctx)
    }

    /// Day the shipment left the vendor.
    async fn shipped_date(&self) -> Date {
        Date(self.0.shipped_on)
    }

    /// Day it was delivered; null while on its way.
    async fn delivered_date(&self) -> Option<Date> {
        self.0.delivered_on.map(Date)
    }

    /// The order lines in this shipment.
    async fn line_numbers(&self) -> &[u32] {
        &self.0.line_numbers
    }
}

/// A hardware and/or software order.
pub struct Order(pub model::Order);

/// A hardware and/or software order, from the order-status system of its region.
#[Object]
impl Order {
    /// Opaque global ID; `node(id:)` fetches the order again.
    pub async fn id(&self) -> ID {
        ID(GlobalId::Order {
            region: self.0.region,
            customer_number: self.0.customer_number.clone(),
            order_number: self.0.order_number.clone(),
        }
        .encode())
    }

    /// The vendor's order number.
    async fn order_number(&self) -> &str {
        &self.0.order_number
    }

    /// The customer number that placed the order.
    async fn customer_number(&self) -> &str {
        &self.0.customer_number
    }

    /// ISO 3166-1 alpha-2 country of the customer number.
    async fn country(&self) -> &str {
        &self.0.country
    }

    /// The region whose order-status system holds the order.
    async fn region(&self) -> Region {
        self.0.region.into()
    }

    /// Day the order was placed.
    async fn order_date(&self) -> Date {
        Date(self.0.order_date)
    }

    /// The customer's purchase-order reference, when given.
    async fn purchase_order_number(&self) -> Option<&str> {
        self.0.purchase_order_number.as_deref()
    }

    /// Current status.
    async fn status(&self) -> OrderStatus {
        self.0.status.into()
    }

    /// Every status the order went through, oldest first.
    async fn status_history(&self) -> Vec<OrderStatusEvent> {
        status_events(&self.0)
    }

    /// The ordered products.
    async fn lines(&self) -> Vec<OrderLine> {
        self.0
            .lines
            .iter()
            .map(|l| OrderLine {
                line_number: l.line_number,
                product_code: l.product_code.clone(),
                description: l.description.clone(),
                kind: l.kind.into(),
                quantity: l.quantity,
                unit_price: l.unit_price.clone().into(),
            })
            .collect()
    }

    /// The order's value: quantity times unit price over every line.
    async fn total(&self) -> Money {
        self.0.total().into()
    }

    /// Shipments so far, each with its carrier tracking link.
    async fn shipments(&self) -> Vec<Shipment> {
        self.0.shipments.iter().cloned().map(Shipment).collect()
    }
}

/// An order in a connection.
#[derive(SimpleObject)]
pub struct OrderEdge {
    /// Opaque cursor of this order's position; pass as `after` to continue after it.
    pub cursor: String,
    /// The order.
    pub node: Order,
}

/// Why one of the caller's customer numbers is missing from a list.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "crate::federation::scope::ExclusionReason")]
pub enum ExclusionReason {
    /// The tool does not exist in the customer number's country.
    FeatureNotAvailable,
    /// The customer number's country is not served by this gateway.
    UnknownCountry,
    /// You have not asked for access to this tool on this customer number.
    NotAuthorized,
    /// Your request for access awaits your customer administrator's decision.
    AuthorizationPending,
    /// Your request for access was refused.
    AuthorizationDenied,
    /// The country has no online inventory: ask with `submitInquiry` (category INVENTORY).
    InventoryByInquiry,
}

/// A customer number of the caller's company left out of a list.
#[derive(SimpleObject)]
pub struct ExcludedCustomer {
    /// The customer number.
    pub customer_number: String,
    /// Why it was left out.
    pub reason: ExclusionReason,
}

/// A page of orders, newest first, over every region holding the caller's customer numbers.
#[derive(SimpleObject)]
pub struct OrderConnection {
    /// The orders of this page.
    pub edges: Vec<OrderEdge>,
    /// Paging information.
    pub page_info: PageInfo,
    /// Orders matching the filter over every region that answered.
    pub total_count: u64,
    /// The caller's customer numbers left out of this list, and why.
    pub excluded_customers: Vec<ExcludedCustomer>,
}
