//! Orders, their lines, status timeline and shipments, as every order-status instance reports them.

use serde::{Deserialize, Serialize};

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;

use super::{Address, Money, Region};

/// Where an order is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum OrderStatus {
    /// The order was received and is being checked.
    Received,
    /// The order is being processed (configured, built, picked).
    InProcess,
    /// At least one product is waiting for stock.
    Backordered,
    /// Some of the order's products have shipped.
    PartiallyShipped,
    /// Every product has shipped.
    Shipped,
    /// Every product has been delivered.
    Delivered,
    /// The order was cancelled.
    Cancelled,
}

/// Whether a product is hardware or software.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ProductKind {
    /// A machine, part or feature.
    Hardware,
    /// A licence, subscription or software support.
    Software,
}

/// One entry in an order's status timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusChange {
    /// The status entered.
    pub status: OrderStatus,
    /// When it was entered.
    pub at: DateTime<Utc>,
}

/// One ordered product.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderLine {
    /// Position of the line in the order, from 1.
    pub line_number: u32,
    /// The vendor's product (part) number.
    pub product_code: String,
    /// Human-readable product description.
    pub description: String,
    /// Hardware or software.
    pub kind: ProductKind,
    /// Units ordered.
    pub quantity: u32,
    /// Price of one unit.
    pub unit_price: Money,
}

/// One parcel or freight shipment of an order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shipment {
    /// The carrier's code, a key of `config/carriers.toml` (e.g. `UPS`).
    pub carrier_code: String,
    /// The carrier's tracking (consignment) number, as the carrier writes it.
    pub tracking_number: String,
    /// Day the shipment left the vendor.
    pub shipped_on: NaiveDate,
    /// Day the shipment was delivered, when it has been.
    pub delivered_on: Option<NaiveDate>,
    /// The order lines travelling in this shipment.
    pub line_numbers: Vec<u32>,
}

/// A hardware and/or software order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Order {
    /// The vendor's order number, unique worldwide.
    pub order_number: String,
    /// The customer number that placed the order.
    pub customer_number: String,
    /// ISO country of the customer number.
    pub country: String,
    /// The region whose order-status instance holds the order.
    pub region: Region,
    /// Day the order was placed.
    pub order_date: NaiveDate,
    /// The customer's purchase-order reference, when given.
    pub purchase_order_number: Option<String>,
    /// Current status.
    pub status: OrderStatus,
    /// Every status the order went through, oldest first.
    pub status_history: Vec<StatusChange>,
    /// The ordered products.
    pub lines: Vec<OrderLine>,
    /// Shipments so far.
    pub shipments: Vec<Shipment>,
    /// ISO 4217 currency of the order's prices.
    pub currency: String,
    /// Where the order is delivered, when the backend says.
    pub ship_to: Option<OrderParty>,
    /// Who is invoiced, when the backend says.
    pub bill_to: Option<OrderParty>,
    /// The day delivery is expected (promised), when known.
    pub expected_delivery: Option<NaiveDate>,
}

/// A named party of an order at an address (ship-to, bill-to).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderParty {
    /// The company or person.
    pub name: String,
    /// Where.
    pub address: Address,
}

impl Order {
    /// The day the last product was delivered, once every product has been (the latest of the
    /// shipments' delivery days); `None` before.
    pub fn delivered_on(&self) -> Option<NaiveDate> {
        if self.status != OrderStatus::Delivered {
            return None;
        }
        self.shipments.iter().filter_map(|s| s.delivered_on).max()
    }

    /// Whether the order is late on `today`: its expected delivery day has passed and it has
    /// been neither delivered nor cancelled.
    pub fn is_delayed(&self, today: NaiveDate) -> bool {
        !matches!(self.status, OrderStatus::Delivered | OrderStatus::Cancelled)
            && self.expected_delivery.is_some_and(|day| day < today)
    }

    /// The order's value: the sum of quantity times unit price over every line, or `None` when
    /// it does not fit in a [`Decimal`] (about 7.9 × 10²⁸), as with a backend sending absurd
    /// prices. The adapters refuse such orders when they decode them, so every order the gateway
    /// meets has a total.
    pub fn checked_total(&self) -> Option<Money> {
        let amount = self.lines.iter().try_fold(Decimal::ZERO, |sum, line| {
            line.unit_price
                .amount
                .checked_mul(Decimal::from(line.quantity))?
                .checked_add(sum)
        })?;
        Some(Money::new(amount, self.currency.clone()))
    }

    /// The order's value, as [`checked_total`](Self::checked_total) computes it.
    ///
    /// Never panics: an order whose total does not fit never comes out of an adapter, and for
    /// one built by hand the amount saturates at the largest (or smallest) decimal instead.
    pub fn total(&self) -> Money {
        self.checked_total().unwrap_or_else(|| {
            let amount = self.lines.iter().fold(Decimal::ZERO, |sum, line| {
                let value = line
                    .unit_price
                    .amount
                    .saturating_mul(Decimal::from(line.quantity));
                sum.saturating_add(value)
            });
            Money::new(amount, self.currency.clone())
        })
    }
}

/// One page of orders from one order-status instance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderPage {
    /// The orders, in listing order ([`OrderSortKey`](super::OrderSortKey)).
    pub orders: Vec<Order>,
    /// How many orders match the query's filters, ignoring `after` and `limit`.
    pub total_count: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn order(lines: &[(u32, Decimal)]) -> Order {
        Order {
            order_number: "244002010001".into(),
            customer_number: "4400201".into(),
            country: "ES".into(),
            region: Region::Emea,
            order_date: NaiveDate::from_ymd_opt(2026, 10, 2).expect("a date"),
            purchase_order_number: None,
            status: OrderStatus::Received,
            status_history: Vec::new(),
            lines: lines
                .iter()
                .enumerate()
                .map(|(i, (quantity, price))| OrderLine {
                    line_number: u32::try_from(i + 1).expect("few lines"),
                    product_code: "9105-22A".into(),
                    description: "Rack server".into(),
                    kind: ProductKind::Hardware,
                    quantity: *quantity,
                    unit_price: Money::new(*price, "EUR"),
                })
                .collect(),
            shipments: Vec::new(),
            currency: "EUR".into(),
            ship_to: None,
            bill_to: None,
            expected_delivery: None,
        }
    }

    #[test]
    fn the_total_is_quantity_times_price_over_every_line() {
        let o = order(&[
            (2, Decimal::new(4_462_000, 2)),
            (32, Decimal::new(327_520, 2)),
        ]);
        let total = o.checked_total().expect("fits");
        assert_eq!(total, Money::new(Decimal::new(19_404_640, 2), "EUR"));
        assert_eq!(o.total(), total);
        assert_eq!(order(&[]).total().amount, Decimal::ZERO);
    }

    #[test]
    fn a_total_that_does_not_fit_is_none_and_never_panics() {
        let product = order(&[(2, Decimal::MAX)]);
        assert_eq!(product.checked_total(), None);
        assert_eq!(product.total().amount, Decimal::MAX);

        let sum = order(&[(1, Decimal::MAX), (1, Decimal::MAX)]);
        assert_eq!(sum.checked_total(), None);
        assert_eq!(sum.total().amount, Decimal::MAX);

        let negative = order(&[(u32::MAX, Decimal::MIN)]);
        assert_eq!(negative.checked_total(), None);
        assert_eq!(negative.total().amount, Decimal::MIN);
    }
}
