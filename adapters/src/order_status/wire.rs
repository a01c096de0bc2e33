//! The order-status wire format and its translation into [`crate::model`].

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::model::{
    Address, Money, Order, OrderChange, OrderLine, OrderParty, OrderStatus, ProductKind, Region,
    Shipment, StatusChange,
};

/// The backend's status codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(as = Status)]
pub enum WireStatus {
    /// Received.
    #[serde(rename = "RCV")]
    Received,
    /// In process.
    #[serde(rename = "INP")]
    InProcess,
    /// Back-ordered.
    #[serde(rename = "BKO")]
    Backordered,
    /// Partially shipped.
    #[serde(rename = "PSH")]
    PartiallyShipped,
    /// Shipped.
    #[serde(rename = "SHP")]
    Shipped,
    /// Delivered.
    #[serde(rename = "DLV")]
    Delivered,
    /// Cancelled.
    #[serde(rename = "CAN")]
    Cancelled,
}

impl WireStatus {
    /// The code as it appears on the wire (and in the `status` query parameter).
    pub fn code(self) -> &'static str {
        match self {
            Self::Received => "RCV",
            Self::InProcess => "INP",
            Self::Backordered => "BKO",
            Self::PartiallyShipped => "PSH",
            Self::Shipped => "SHP",
            Self::Delivered => "DLV",
            Self::Cancelled => "CAN",
        }
    }

    /// Parses a wire code.
    pub fn from_code(code: &str) -> Option<Self> {
        serde_json::from_value(serde_json::Value::String(code.to_owned())).ok()
    }
}

impl From<WireStatus> for OrderStatus {
    fn from(s: WireStatus) -> Self {
        match s {
            WireStatus::Received => Self::Received,
            WireStatus::InProcess => Self::InProcess,
            WireStatus::Backordered => Self::Backordered,
            WireStatus::PartiallyShipped => Self::PartiallyShipped,
            WireStatus::Shipped => Self::Shipped,
            WireStatus::Delivered => Self::Delivered,
            WireStatus::Cancelled => Self::Cancelled,
        }
    }
}

impl From<OrderStatus> for WireStatus {
    fn from(s: OrderStatus) -> Self {
        match s {
            OrderStatus::Received => Self::Received,
            OrderStatus::InProcess => Self::InProcess,
            OrderStatus::Backordered => Self::Backordered,
            OrderStatus::PartiallyShipped => Self::PartiallyShipped,
            OrderStatus::Shipped => Self::Shipped,
            OrderStatus::Delivered => Self::Delivered,
            OrderStatus::Cancelled => Self::Cancelled,
        }
    }
}

/// `HW` or `SW`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(as = ProductType)]
pub enum WireProductType {
    /// Hardware.
    #[serde(rename = "HW")]
    Hardware,
    /// Software.
    #[serde(rename = "SW")]
    Software,
}

/// One status event.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = Event)]
pub struct WireEvent {
    /// Status entered.
    pub code: WireStatus,
    /// When, RFC 3339.
    #[serde(deserialize_with = "crate::wire_dates::timestamp")]
    pub timestamp: DateTime<Utc>,
}

/// One order line.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = Line)]
pub struct WireLine {
    /// Line position.
    pub line_no: u32,
    /// Part number.
    pub part_no: String,
    /// Description.
    pub description: String,
    /// HW or SW.
    pub product_type: WireProductType,
    /// Quantity.
    pub qty: u32,
    /// Unit price as a decimal string in the order's currency.
    #[serde(with = "rust_decimal::serde::str")]
    #[schema(value_type = String, example = "1250.00")]
    pub unit_price: Decimal,
}

/// One shipment.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = Shipment)]
pub struct WireShipment {
    /// Carrier code.
    pub carrier: String,
    /// Tracking number.
    pub tracking_no: String,
    /// Ship date, `YYYY-MM-DD`.
    #[serde(deserialize_with = "crate::wire_dates::date")]
    pub ship_date: NaiveDate,
    /// Delivery date, `YYYY-MM-DD`, or null.
    #[serde(default, deserialize_with = "crate::wire_dates::optional_date")]
    pub delivery_date: Option<NaiveDate>,
    /// Lines in this shipment.
    pub line_nos: Vec<u32>,
}

/// One order.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = Order)]
pub struct WireOrder {
    /// Order number.
    pub order_no: String,
    /// Customer number.
    pub cust_no: String,
    /// Country of the customer number.
    pub ctry: String,
    /// Order date, `YYYY-MM-DD`.
    #[serde(deserialize_with = "crate::wire_dates::date")]
    pub order_date: NaiveDate,
    /// Current status.
    pub status_code: WireStatus,
    /// Purchase-order reference.
    pub po_number: Option<String>,
    /// Currency of every price in the order.
    pub currency: String,
    /// Status timeline, oldest first.
    pub events: Vec<WireEvent>,
    /// Lines.
    pub lines: Vec<WireLine>,
    /// Shipments.
    pub shipments: Vec<WireShipment>,
    /// Where it is delivered (absent from older records).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ship_to: Option<WireParty>,
    /// Who is invoiced (absent from older records).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bill_to: Option<WireParty>,
    /// The promised delivery day, `YYYY-MM-DD` (absent when none was promised).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::wire_dates::optional_date"
    )]
    pub expected_delivery_date: Option<NaiveDate>,
}

/// A named party at an address.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = Party)]
pub struct WireParty {
    /// Company or person.
    pub name: String,
    /// Street and number.
    pub street: String,
    /// City.
    pub city: String,
    /// Postal code.
    pub postal_code: String,
    /// ISO country.
    pub country: String,
}

impl From<WireParty> for OrderParty {
    fn from(p: WireParty) -> Self {
        Self {
            name: p.name,
            address: Address {
                street: p.street,
                city: p.city,
                postal_code: p.postal_code,
                country: p.country,
            },
        }
    }
}

/// The answer to a list call.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = OrderList)]
pub struct WireOrderList {
    /// The page of orders.
    pub orders: Vec<WireOrder>,
    /// Matches ignoring `afterKey` and `limit`.
    pub total_count: u64,
}

/// The answer to a batch call.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(as = OrderBatch)]
pub struct WireOrderBatch {
    /// The orders found.
    pub orders: Vec<WireOrder>,
}

/// The most orders one list call may ask for (`limit`).
pub const MAX_LIMIT: u32 = 500;

/// One entry of the change feed (`GET v1/orders/changes`).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = Change)]
pub struct WireChange {
    /// Its position in the instance's feed.
    pub seq: u64,
    /// The order that changed.
    pub order_no: String,
    /// Its customer number.
    pub cust_no: String,
    /// The status it entered.
    pub status_code: WireStatus,
    /// When, RFC 3339.
    #[serde(deserialize_with = "crate::wire_dates::timestamp")]
    pub at: DateTime<Utc>,
}

impl WireChange {
    /// The change as `region`'s instance recorded it.
    pub fn into_model(self, region: Region) -> OrderChange {
        OrderChange {
            seq: self.seq,
            region,
            order_number: self.order_no,
            customer_number: self.cust_no,
            status: self.status_code.into(),
            at: self.at,
        }
    }
}

/// The answer to a feed call.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(as = ChangeFeed)]
pub struct WireChangeFeed {
    /// The changes after `since`, oldest first.
    pub changes: Vec<WireChange>,
    /// The position to ask from next time.
    pub next: u64,
}

/// The body of `POST v1/orders/{orderNo}/watchers`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(as = WatchRequest)]
pub struct WireWatchRequest {
    /// Who to e-mail.
    pub email: String,
}

/// The answer to a watcher's registration (201 when added, 200 when already watching).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = Watch)]
pub struct WireWatch {
    /// The order watched.
    pub order_no: String,
    /// Who is e-mailed.
    pub email: String,
    /// Whether this call added the watcher.
    pub created: bool,
}

impl WireOrder {
    /// Translates the order into the model, checking what serde cannot: the currency, and that the
    /// order's total fits in a decimal (see [`Order::checked_total`]).
    pub fn into_model(self, region: Region) -> Result<Order, String> {
        if self.currency.len() != 3 || !self.currency.bytes().all(|b| b.is_ascii_uppercase()) {
            return Err(format!(
                "order {}: currency {:?} is not ISO 4217",
                self.order_no, self.currency
            ));
        }
        let currency = self.currency;
        let lines = self
            .lines
            .into_iter()
            .map(|l| OrderLine {
                line_number: l.line_no,
                product_code: l.part_no,
                description: l.description,
                kind: match l.product_type {
                    WireProductType::Hardware => ProductKind::Hardware,
                    WireProductType::Software => ProductKind::Software,
                },
                quantity: l.qty,
                unit_price: Money::new(l.unit_price, currency.clone()),
            })
            .collect();
        let order = Order {
            order_number: self.order_no,
            customer_number: self.cust_no,
            country: self.ctry,
            region,
            order_date: self.order_date,
            purchase_order_number: self.po_number,
            status: self.status_code.into(),
            status_history: self
                .events
                .into_iter()
                .map(|e| StatusChange {
                    status: e.code.into(),
                    at: e.timestamp,
                })
                .collect(),
            lines,
            shipments: self
                .shipments
                .into_iter()
                .map(|s| Shipment {
                    carrier_code: s.carrier,
                    tracking_number: s.tracking_no,
                    shipped_on: s.ship_date,
                    delivered_on: s.delivery_date,
                    line_numbers: s.line_nos,
                })
                .collect(),
            currency,
            ship_to: self.ship_to.map(OrderParty::from),
            bill_to: self.bill_to.map(OrderParty::from),
            expected_delivery: self.expected_delivery_date,
        };
        // Computed once here so that an absurd price or quantity refuses the answer instead of
        // overflowing (and panicking) wherever the total is read later.
        if order.checked_total().is_none() {
            return Err(format!(
                "order {}: quantity times unit price, summed over its lines, does not fit in a decimal",
                order.order_number
            ));
        }
        Ok(order)
    }
}
