//! Searching orders: the filters every order-status instance answers, the sorts it lists in, and
//! the keyset position that pages through a sorted listing.
//!
//! One definition serves both sides of the port: the simulator filters and sorts with it, the
//! adapter checks every answer against it (an order that does not match, or comes out of order,
//! is the backend breaking its contract), and the gateway merges the regions' pages by the same
//! key, so a cursor stays valid across regions whatever the sort.

use std::cmp::Ordering;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::{Order, OrderStatus, ProductKind};

/// What a listing is sorted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum OrderSortField {
    /// The day the order was placed.
    OrderDate,
    /// The day its first shipment left; orders not shipped yet come last either way.
    ShipDate,
    /// Its status, in the order of an order's life (received first, cancelled last).
    Status,
    /// Its value in its own currency (amounts in different currencies are not converted).
    Total,
}

/// Which way a listing is sorted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum SortDirection {
    /// Smallest (earliest) first.
    Ascending,
    /// Largest (latest) first.
    Descending,
}

/// A listing's order: a field and a direction; ties are broken by order number, in the same
/// direction, so the order is total.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct OrderSort {
    /// The field.
    pub field: OrderSortField,
    /// The direction.
    pub direction: SortDirection,
}

impl Default for OrderSort {
    /// Newest first.
    fn default() -> Self {
        Self {
            field: OrderSortField::OrderDate,
            direction: SortDirection::Descending,
        }
    }
}

/// An order's value in the field a listing is sorted by.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum SortValue {
    /// The order date.
    OrderDate(NaiveDate),
    /// The first shipment's day, `None` before anything shipped.
    ShipDate(Option<NaiveDate>),
    /// The status.
    Status(OrderStatus),
    /// The total's amount.
    Total(Decimal),
}

impl SortValue {
    /// Compares two values of one field, smallest first; a missing ship date is greater than
    /// any (see [`OrderSortKey`] for where it goes).
    fn natural(&self, other: &Self) -> Ordering {
        match (self, other) {
            (Self::OrderDate(a), Self::OrderDate(b)) => a.cmp(b),
            (Self::ShipDate(a), Self::ShipDate(b)) => match (a, b) {
                (Some(a), Some(b)) => a.cmp(b),
                (None, None) => Ordering::Equal,
                (None, Some(_)) => Ordering::Greater,
                (Some(_), None) => Ordering::Less,
            },
            (Self::Status(a), Self::Status(b)) => a.rank().cmp(&b.rank()),
            (Self::Total(a), Self::Total(b)) => a.cmp(b),
            // Values of different fields never meet in one listing; any fixed order will do.
            (a, b) => a.field_rank().cmp(&b.field_rank()),
        }
    }

    fn field_rank(&self) -> u8 {
        match self {
            Self::OrderDate(_) => 0,
            Self::ShipDate(_) => 1,
            Self::Status(_) => 2,
            Self::Total(_) => 3,
        }
    }

    /// Whether this is a missing ship date (listed last in either direction).
    fn is_missing(&self) -> bool {
        matches!(self, Self::ShipDate(None))
    }
}

/// The position of an order in a sorted listing, used for keyset paging: the sort, the order's
/// value in it, and the order number (unique worldwide), so the key is a total order across
/// every region.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct OrderSortKey {
    /// The listing's sort.
    pub sort: OrderSort,
    /// The order's value in the sorted field.
    pub value: SortValue,
    /// The order number.
    pub order_number: String,
}

impl Ord for OrderSortKey {
    /// `Less` means "listed earlier". Orders not shipped yet are listed after every shipped one
    /// in both directions of a ship-date sort.
    fn cmp(&self, other: &Self) -> Ordering {
        let flip = |ordering: Ordering| match self.sort.direction {
            SortDirection::Ascending => ordering,
            SortDirection::Descending => ordering.reverse(),
        };
        self.sort
            .cmp(&other.sort)
            .then_with(
                || match (self.value.is_missing(), other.value.is_missing()) {
                    (true, false) => Ordering::Greater,
                    (false, true) => Ordering::Less,
                    _ => flip(self.value.natural(&other.value)),
                },
            )
            .then_with(|| flip(self.order_number.cmp(&other.order_number)))
    }
}

impl PartialOrd for OrderSortKey {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Conditions on an order's products: one line must meet every condition set.
#[derive(Debug, Clone, PartialEq, Eq, Default, Hash, Serialize, Deserialize)]
pub struct ProductFilter {
    /// Hardware or software.
    pub kind: Option<ProductKind>,
    /// The machine type: the product code before its dash (`9105` of `9105-22A`).
    pub machine_type: Option<String>,
    /// The model: the product code after its dash (`22A` of `9105-22A`).
    pub model: Option<String>,
    /// Text the product's description contains, in any case.
    pub description: Option<String>,
}

impl ProductFilter {
    /// Whether any condition is set.
    pub fn is_set(&self) -> bool {
        self.kind.is_some()
            || self.machine_type.is_some()
            || self.model.is_some()
            || self.description.is_some()
    }
}

/// Which orders to list, besides whose: every condition that is set must hold.
#[derive(Debug, Clone, PartialEq, Eq, Default, Hash, Serialize, Deserialize)]
pub struct OrderFilters {
    /// In one of these statuses; empty means any.
    pub statuses: Vec<OrderStatus>,
    /// Placed on or after this day.
    pub ordered_from: Option<NaiveDate>,
    /// Placed on or before this day.
    pub ordered_to: Option<NaiveDate>,
    /// First shipped on or after this day (orders not shipped yet do not match).
    pub shipped_from: Option<NaiveDate>,
    /// First shipped on or before this day (orders not shipped yet do not match).
    pub shipped_to: Option<NaiveDate>,
    /// Of a customer number registered in one of these ISO countries; empty means any.
    pub countries: Vec<String>,
    /// With a product line meeting these conditions.
    pub product: ProductFilter,
    /// With this purchase-order reference (any case).
    pub purchase_order_number: Option<String>,
    /// Text the order number, the purchase-order reference or a product's description
    /// contains, in any case.
    pub text: Option<String>,
    /// Late (or not) on a given day: see [`Order::is_delayed`].
    pub delay: Option<DelayCondition>,
}

/// Whether an order is late on a day ([`Order::is_delayed`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct DelayCondition {
    /// Late (`true`) or not late (`false`).
    pub delayed: bool,
    /// On this day.
    pub on: NaiveDate,
}

fn contains(haystack: &str, needle: &str) -> bool {
    haystack.to_lowercase().contains(&needle.to_lowercase())
}

fn within(day: Option<NaiveDate>, from: Option<NaiveDate>, to: Option<NaiveDate>) -> bool {
    if from.is_none() && to.is_none() {
        return true;
    }
    day.is_some_and(|d| from.is_none_or(|f| d >= f) && to.is_none_or(|t| d <= t))
}

impl OrderFilters {
    /// Whether `order` meets every condition that is set.
    pub fn matches(&self, order: &Order) -> bool {
        let product = &self.product;
        let line_matches = |line: &super::OrderLine| {
            let (machine_type, model) = line
                .product_code
                .split_once('-')
                .unwrap_or((line.product_code.as_str(), ""));
            product.kind.is_none_or(|k| k == line.kind)
                && product
                    .machine_type
                    .as_deref()
                    .is_none_or(|t| t.eq_ignore_ascii_case(machine_type))
                && product
                    .model
                    .as_deref()
                    .is_none_or(|m| m.eq_ignore_ascii_case(model))
                && product
                    .description
                    .as_deref()
                    .is_none_or(|d| contains(&line.description, d))
        };
        (self.statuses.is_empty() || self.statuses.contains(&order.status))
            && within(Some(order.order_date), self.ordered_from, self.ordered_to)
            && within(order.ship_date(), self.shipped_from, self.shipped_to)
            && (self.countries.is_empty() || self.countries.contains(&order.country))
            && (!product.is_set() || order.lines.iter().any(line_matches))
            && self.purchase_order_number.as_deref().is_none_or(|po| {
                order
                    .purchase_order_number
                    .as_deref()
                    .is_some_and(|own| own.eq_ignore_ascii_case(po))
            })
            && self.text.as_deref().is_none_or(|text| {
                contains(&order.order_number, text)
                    || order
                        .purchase_order_number
                        .as_deref()
                        .is_some_and(|po| contains(po, text))
                    || order.lines.iter().any(|l| contains(&l.description, text))
            })
            && self
                .delay
                .is_none_or(|d| order.is_delayed(d.on) == d.delayed)
    }
}

impl OrderStatus {
    /// The status's place in an order's life, for sorting: received first, cancelled last.
    pub fn rank(self) -> u8 {
        match self {
            Self::Received => 0,
            Self::InProcess => 1,
            Self::Backordered => 2,
            Self::PartiallyShipped => 3,
            Self::Shipped => 4,
            Self::Delivered => 5,
            Self::Cancelled => 6,
        }
    }
}

impl Order {
    /// The day the order's first shipment left, if anything has shipped.
    pub fn ship_date(&self) -> Option<NaiveDate> {
        self.shipments.iter().map(|s| s.shipped_on).min()
    }

    /// The order's position in a listing sorted by `sort`.
    pub fn sort_key(&self, sort: OrderSort) -> OrderSortKey {
        let value = match sort.field {
            OrderSortField::OrderDate => SortValue::OrderDate(self.order_date),
            OrderSortField::ShipDate => SortValue::ShipDate(self.ship_date()),
            OrderSortField::Status => SortValue::Status(self.status),
            OrderSortField::Total => SortValue::Total(self.total().amount),
        };
        OrderSortKey {
            sort,
            value,
            order_number: self.order_number.clone(),
        }
    }
}

/// What to list from one order-status instance.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct OrderQuery {
    /// Only orders of these customer numbers; never empty when sent to a backend.
    pub customer_numbers: Vec<String>,
    /// Which orders.
    pub filters: OrderFilters,
    /// In which order.
    pub sort: OrderSort,
    /// Only orders listed after this key (keyset paging); its sort is `sort`.
    pub after: Option<OrderSortKey>,
    /// At most this many orders.
    pub limit: u32,
}

#[cfg(test)]
#[path = "order_search_tests.rs"]
mod tests;
