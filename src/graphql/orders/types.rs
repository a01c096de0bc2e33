//! The `Order` type and everything hanging off it, and the connection that lists orders.

use async_graphql::{Enum, ID, Object, SimpleObject};
use chrono::Utc;
use supportgraph_adapters::model;

use super::tracking::Shipment;
use crate::graphql::common::connection::PageInfo;
use crate::graphql::common::domain::{Address, ProductKind, Region};
use crate::graphql::common::exclusions::ExcludedCustomer;
use crate::graphql::common::global_id::GlobalId;
use crate::graphql::common::scalars::{Date, DateTime, Money};

/// Where an order is in its life.
#[derive(Enum, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[graphql(remote = "supportgraph_adapters::model::OrderStatus")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
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

    /// Where the order is delivered, when its order-status system says.
    async fn ship_to(&self) -> Option<OrderParty> {
        self.0.ship_to.as_ref().map(OrderParty::from)
    }

    /// Who is invoiced, when its order-status system says.
    async fn bill_to(&self) -> Option<OrderParty> {
        self.0.bill_to.as_ref().map(OrderParty::from)
    }

    /// The day the first shipment left, once anything has shipped.
    async fn ship_date(&self) -> Option<Date> {
        self.0.ship_date().map(Date)
    }

    /// The day delivery is expected (as promised), when known.
    async fn expected_delivery_date(&self) -> Option<Date> {
        self.0.expected_delivery.map(Date)
    }

    /// The day the last product was delivered, once the whole order has been.
    async fn delivered_date(&self) -> Option<Date> {
        self.0.delivered_on().map(Date)
    }

    /// Whether the order is late: its expected delivery day has passed (in UTC) and it has
    /// been neither delivered nor cancelled.
    async fn is_delayed(&self) -> bool {
        self.0.is_delayed(Utc::now().date_naive())
    }
}

/// A named party of an order at an address (ship-to, bill-to).
#[derive(SimpleObject)]
pub struct OrderParty {
    /// The company or person.
    pub name: String,
    /// Where.
    pub address: Address,
}

impl From<&model::OrderParty> for OrderParty {
    fn from(p: &model::OrderParty) -> Self {
        Self {
            name: p.name.clone(),
            address: Address::from(&p.address),
        }
    }
}

/// An order in a connection, with the listing's sort its cursor is for.
pub struct OrderEdge {
    /// The listing's sort.
    pub sort: model::OrderSort,
    /// The order.
    pub node: Order,
}

impl OrderEdge {
    /// The cursor of this order's position (written only when asked for: most clients never
    /// read an edge's cursor, only `pageInfo.endCursor`).
    pub fn cursor_text(&self) -> String {
        super::cursor::encode_order(&self.node.0.sort_key(self.sort))
    }
}

/// An order in a connection.
#[Object]
impl OrderEdge {
    /// Opaque cursor of this order's position; pass as `after` to continue after it.
    async fn cursor(&self) -> String {
        self.cursor_text()
    }

    /// The order.
    async fn node(&self) -> &Order {
        &self.node
    }
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
