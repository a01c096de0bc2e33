//! The columns of an order report: which a user may choose, their headers, and each order's
//! cells — the one mapping the report's rows, its exports (CSV, XLSX, the printable page) and its
//! e-mailed attachment share.

use async_graphql::Enum;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use supportgraph_adapters::model::{Order, OrderStatus, Region};

use crate::exports::{Cell, Column, ColumnKind, Row, Table};

/// A column of an order report.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Hash, Debug, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum OrderReportColumn {
    /// The order number.
    OrderNumber,
    /// The customer number that placed it.
    CustomerNumber,
    /// The customer number's country.
    Country,
    /// The region whose system holds it.
    Region,
    /// The day it was placed.
    OrderDate,
    /// Its status.
    Status,
    /// The customer's purchase-order reference.
    PurchaseOrderNumber,
    /// The day its first shipment left.
    ShipDate,
    /// The day delivery is expected.
    ExpectedDeliveryDate,
    /// The day it was delivered in full.
    DeliveredDate,
    /// Whether it is late.
    Delayed,
    /// Its value.
    Total,
    /// The currency of its value.
    Currency,
    /// Its products: quantity × product code, one per line.
    Products,
    /// Its shipments' carriers and tracking numbers.
    TrackingNumbers,
    /// Where it is delivered.
    ShipTo,
}

/// The columns of a report that names none, and of the standard reports.
pub const DEFAULT_COLUMNS: [OrderReportColumn; 9] = [
    OrderReportColumn::OrderNumber,
    OrderReportColumn::CustomerNumber,
    OrderReportColumn::Country,
    OrderReportColumn::OrderDate,
    OrderReportColumn::Status,
    OrderReportColumn::ExpectedDeliveryDate,
    OrderReportColumn::Delayed,
    OrderReportColumn::Total,
    OrderReportColumn::Currency,
];

impl OrderReportColumn {
    fn header(self) -> &'static str {
        match self {
            Self::OrderNumber => "Order number",
            Self::CustomerNumber => "Customer number",
            Self::Country => "Country",
            Self::Region => "Region",
            Self::OrderDate => "Order date",
            Self::Status => "Status",
            Self::PurchaseOrderNumber => "Purchase order",
            Self::ShipDate => "Ship date",
            Self::ExpectedDeliveryDate => "Expected delivery",
            Self::DeliveredDate => "Delivered",
            Self::Delayed => "Delayed",
            Self::Total => "Total",
            Self::Currency => "Currency",
            Self::Products => "Products",
            Self::TrackingNumbers => "Tracking numbers",
            Self::ShipTo => "Ship to",
        }
    }

    fn kind(self) -> ColumnKind {
        match self {
            Self::OrderDate | Self::ShipDate | Self::ExpectedDeliveryDate | Self::DeliveredDate => {
                ColumnKind::Date
            }
            Self::Delayed => ColumnKind::Bool,
            Self::Total => ColumnKind::Decimal,
            Self::OrderNumber
            | Self::CustomerNumber
            | Self::Country
            | Self::Region
            | Self::Status
            | Self::PurchaseOrderNumber
            | Self::Currency
            | Self::Products
            | Self::TrackingNumbers
            | Self::ShipTo => ColumnKind::Text,
        }
    }

    /// This column's cell of `order`, as of `today` (for `Delayed`).
    fn cell(self, order: &Order, today: NaiveDate) -> Cell {
        match self {
            Self::OrderNumber => Cell::Text(order.order_number.clone()),
            Self::CustomerNumber => Cell::Text(order.customer_number.clone()),
            Self::Country => Cell::Text(order.country.clone()),
            Self::Region => Cell::Text(region_name(order.region).to_owned()),
            Self::OrderDate => Cell::Date(order.order_date),
            Self::Status => Cell::Text(status_name(order.status).to_owned()),
            Self::PurchaseOrderNumber => order.purchase_order_number.clone().into(),
            Self::ShipDate => order.ship_date().into(),
            Self::ExpectedDeliveryDate => order.expected_delivery.into(),
            Self::DeliveredDate => order.delivered_on().into(),
            Self::Delayed => Cell::Bool(order.is_delayed(today)),
            Self::Total => Cell::Decimal(order.total().amount),
            Self::Currency => Cell::Text(order.currency.clone()),
            Self::Products => Cell::Text(
                order
                    .lines
                    .iter()
                    .map(|l| format!("{} × {}", l.quantity, l.product_code))
                    .collect::<Vec<_>>()
                    .join("; "),
            ),
            Self::TrackingNumbers => Cell::Text(
                order
                    .shipments
                    .iter()
                    .map(|s| format!("{} {}", s.carrier_code, s.tracking_number))
                    .collect::<Vec<_>>()
                    .join("; "),
            ),
            Self::ShipTo => order.ship_to.as_ref().map_or(Cell::Empty, |p| {
                Cell::Text(format!(
                    "{}, {}, {} {}, {}",
                    p.name,
                    p.address.street,
                    p.address.postal_code,
                    p.address.city,
                    p.address.country
                ))
            }),
        }
    }
}

fn region_name(region: Region) -> &'static str {
    match region {
        Region::Americas => "AMERICAS",
        Region::Emea => "EMEA",
        Region::Ap => "AP",
    }
}

/// A status as the schema names it.
pub fn status_name(status: OrderStatus) -> &'static str {
    match status {
        OrderStatus::Received => "RECEIVED",
        OrderStatus::InProcess => "IN_PROCESS",
        OrderStatus::Backordered => "BACKORDERED",
        OrderStatus::PartiallyShipped => "PARTIALLY_SHIPPED",
        OrderStatus::Shipped => "SHIPPED",
        OrderStatus::Delivered => "DELIVERED",
        OrderStatus::Cancelled => "CANCELLED",
    }
}

/// The export table of a report titled `title` with `columns`.
pub fn table(title: &str, columns: &[OrderReportColumn]) -> Table {
    Table {
        title: title.to_owned(),
        columns: columns
            .iter()
            .map(|c| Column::new(c.header(), c.kind()))
            .collect(),
    }
}

/// `order`'s row in a report with `columns`.
pub fn row(order: &Order, columns: &[OrderReportColumn], today: NaiveDate) -> Row {
    columns.iter().map(|c| c.cell(order, today)).collect()
}

/// Pages of orders as pages of rows with `columns`, as of `today`: what the export writers read.
pub fn rows<S>(
    pages: S,
    columns: Vec<OrderReportColumn>,
    today: NaiveDate,
) -> impl futures::Stream<Item = Result<Vec<Row>, crate::exports::ExportError>> + Send + 'static
where
    S: futures::Stream<Item = Result<Vec<Order>, crate::federation::orders_walk::WalkError>>
        + Send
        + 'static,
{
    use futures::StreamExt;
    pages.map(move |page| {
        page.map(|orders| orders.iter().map(|o| row(o, &columns, today)).collect())
            .map_err(crate::exports::ExportError::upstream)
    })
}
