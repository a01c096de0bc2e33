//! The search half of the order-status contract: how an [`OrderQuery`] travels as query
//! parameters of `GET v1/orders`, written by the adapter and read by the simulator from this one
//! definition, so the two cannot drift apart.
//!
//! `customers=A,B&limit=N` always; then, when set: `status=SHP,DLV`, `from`/`to` (order date),
//! `shippedFrom`/`shippedTo` (first shipment's date), `country=DE,FR`, `productType=HW|SW`,
//! `machineType`, `model`, `description`, `po`, `q` (free text), `delayed=true|false` with
//! `asOf=YYYY-MM-DD` (late on that day: expected delivery passed, neither delivered nor
//! cancelled), `sort=orderDate|shipDate|
//! status|total` with `direction=asc|desc` (default `orderDate`, `desc`), and `afterKey=VALUE~
//! ORDERNO`, where VALUE is the order's value in the sorted field: a date `YYYY-MM-DD` (or `-` for
//! an order not shipped yet), a status code, or a total's decimal amount.

use std::collections::HashMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::wire::WireStatus;
use crate::model::{
    DelayCondition, OrderFilters, OrderQuery, OrderSort, OrderSortField, OrderSortKey,
    ProductFilter, ProductKind, SortDirection, SortValue,
};

fn join<'a>(items: impl IntoIterator<Item = &'a str>) -> String {
    items.into_iter().collect::<Vec<_>>().join(",")
}

fn field_name(field: OrderSortField) -> &'static str {
    match field {
        OrderSortField::OrderDate => "orderDate",
        OrderSortField::ShipDate => "shipDate",
        OrderSortField::Status => "status",
        OrderSortField::Total => "total",
    }
}

fn value_text(value: &SortValue) -> String {
    match value {
        SortValue::OrderDate(day) | SortValue::ShipDate(Some(day)) => day.to_string(),
        SortValue::ShipDate(None) => "-".to_owned(),
        SortValue::Status(status) => WireStatus::from(*status).code().to_owned(),
        SortValue::Total(amount) => amount.to_string(),
    }
}

/// Formats a keyset position as the `afterKey` parameter.
pub fn format_after_key(key: &OrderSortKey) -> String {
    format!("{}~{}", value_text(&key.value), key.order_number)
}

/// Parses an `afterKey` parameter of a listing sorted by `sort`.
pub fn parse_after_key(text: &str, sort: OrderSort) -> Option<OrderSortKey> {
    let (value, number) = text.rsplit_once('~')?;
    let date = || NaiveDate::parse_from_str(value, "%Y-%m-%d").ok();
    let value = match sort.field {
        OrderSortField::OrderDate => SortValue::OrderDate(date()?),
        OrderSortField::ShipDate if value == "-" => SortValue::ShipDate(None),
        OrderSortField::ShipDate => SortValue::ShipDate(Some(date()?)),
        OrderSortField::Status => SortValue::Status(WireStatus::from_code(value)?.into()),
        OrderSortField::Total => SortValue::Total(value.parse::<Decimal>().ok()?),
    };
    Some(OrderSortKey {
        sort,
        value,
        order_number: number.to_owned(),
    })
}

/// The query parameters of `query`.
pub fn to_params(query: &OrderQuery) -> Vec<(&'static str, String)> {
    let f = &query.filters;
    let mut params = vec![
        (
            "customers",
            join(query.customer_numbers.iter().map(String::as_str)),
        ),
        ("limit", query.limit.to_string()),
    ];
    let mut put = |name: &'static str, value: Option<String>| {
        if let Some(value) = value {
            params.push((name, value));
        }
    };
    put(
        "status",
        (!f.statuses.is_empty())
            .then(|| join(f.statuses.iter().map(|s| WireStatus::from(*s).code()))),
    );
    put("from", f.ordered_from.map(|d| d.to_string()));
    put("to", f.ordered_to.map(|d| d.to_string()));
    put("shippedFrom", f.shipped_from.map(|d| d.to_string()));
    put("shippedTo", f.shipped_to.map(|d| d.to_string()));
    put(
        "country",
        (!f.countries.is_empty()).then(|| join(f.countries.iter().map(String::as_str))),
    );
    put(
        "productType",
        f.product.kind.map(|k| {
            match k {
                ProductKind::Hardware => "HW",
                ProductKind::Software => "SW",
            }
            .to_owned()
        }),
    );
    put("machineType", f.product.machine_type.clone());
    put("model", f.product.model.clone());
    put("description", f.product.description.clone());
    put("po", f.purchase_order_number.clone());
    put("q", f.text.clone());
    if let Some(delay) = f.delay {
        put("delayed", Some(delay.delayed.to_string()));
        put("asOf", Some(delay.on.to_string()));
    }
    if query.sort != OrderSort::default() {
        put("sort", Some(field_name(query.sort.field).to_owned()));
        let direction = match query.sort.direction {
            SortDirection::Ascending => "asc",
            SortDirection::Descending => "desc",
        };
        put("direction", Some(direction.to_owned()));
    }
    put("afterKey", query.after.as_ref().map(format_after_key));
    params
}

/// Reads a listing's query parameters back into a query; the message says what is wrong.
pub fn from_params(params: &HashMap<String, String>) -> Result<OrderQuery, String> {
    let get = |name: &str| {
        params
            .get(name)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    };
    let list = |name: &str| -> Vec<String> {
        get(name)
            .map(|v| v.split(',').map(|s| s.trim().to_owned()).collect())
            .unwrap_or_default()
    };
    let date = |name: &str| -> Result<Option<NaiveDate>, String> {
        get(name)
            .map(|v| NaiveDate::parse_from_str(v, "%Y-%m-%d"))
            .transpose()
            .map_err(|_| format!("{name} must be YYYY-MM-DD"))
    };
    let limit = get("limit")
        .and_then(|v| v.parse::<u32>().ok())
        .ok_or("limit is required: a number")?;
    let mut statuses = Vec::new();
    for code in list("status") {
        let status = WireStatus::from_code(&code).ok_or(format!("unknown status code {code}"))?;
        statuses.push(status.into());
    }
    let kind = match get("productType") {
        None => None,
        Some("HW") => Some(ProductKind::Hardware),
        Some("SW") => Some(ProductKind::Software),
        Some(other) => return Err(format!("productType {other} is not HW or SW")),
    };
    let field = match get("sort") {
        None | Some("orderDate") => OrderSortField::OrderDate,
        Some("shipDate") => OrderSortField::ShipDate,
        Some("status") => OrderSortField::Status,
        Some("total") => OrderSortField::Total,
        Some(other) => return Err(format!("unknown sort {other}")),
    };
    let direction = match get("direction") {
        None | Some("desc") => SortDirection::Descending,
        Some("asc") => SortDirection::Ascending,
        Some(other) => return Err(format!("unknown direction {other}")),
    };
    let sort = OrderSort { field, direction };
    let after = match get("afterKey") {
        None => None,
        Some(text) => {
            Some(parse_after_key(text, sort).ok_or("afterKey must be VALUE~ORDERNO for the sort")?)
        }
    };
    let text = |name: &str| get(name).map(str::to_owned);
    let delay = match (get("delayed"), date("asOf")?) {
        (None, None) => None,
        (Some(flag), Some(on)) => Some(DelayCondition {
            delayed: flag.parse().map_err(|_| "delayed must be true or false")?,
            on,
        }),
        _ => return Err("delayed and asOf go together".to_owned()),
    };
    Ok(OrderQuery {
        customer_numbers: list("customers"),
        filters: OrderFilters {
            statuses,
            ordered_from: date("from")?,
            ordered_to: date("to")?,
            shipped_from: date("shippedFrom")?,
            shipped_to: date("shippedTo")?,
            countries: list("country"),
            product: ProductFilter {
                kind,
                machine_type: text("machineType"),
                model: text("model"),
                description: text("description"),
            },
            purchase_order_number: text("po"),
            text: text("q"),
            delay,
        },
        sort,
        after,
        limit,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_query_survives_the_trip_through_parameters() {
        let day = NaiveDate::from_ymd_opt(2026, 10, 3).expect("a date");
        for field in [
            OrderSortField::OrderDate,
            OrderSortField::ShipDate,
            OrderSortField::Status,
            OrderSortField::Total,
        ] {
            let sort = OrderSort {
                field,
                direction: SortDirection::Ascending,
            };
            let value = match field {
                OrderSortField::OrderDate => SortValue::OrderDate(day),
                OrderSortField::ShipDate => SortValue::ShipDate(None),
                OrderSortField::Status => SortValue::Status(crate::model::OrderStatus::Shipped),
                OrderSortField::Total => SortValue::Total(Decimal::new(123_456, 2)),
            };
            let query = OrderQuery {
                customer_numbers: vec!["4400201".into(), "4900301".into()],
                filters: OrderFilters {
                    statuses: vec![crate::model::OrderStatus::Delivered],
                    ordered_from: Some(day),
                    shipped_to: Some(day),
                    countries: vec!["ES".into()],
                    product: ProductFilter {
                        kind: Some(ProductKind::Software),
                        machine_type: Some("5765".into()),
                        model: Some("DB2".into()),
                        description: Some("licence".into()),
                    },
                    purchase_order_number: Some("PO-1".into()),
                    text: Some("server".into()),
                    delay: Some(DelayCondition {
                        delayed: true,
                        on: day,
                    }),
                    ..OrderFilters::default()
                },
                sort,
                after: Some(OrderSortKey {
                    sort,
                    value,
                    order_number: "244002010017".into(),
                }),
                limit: 21,
            };
            let params: HashMap<String, String> = to_params(&query)
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v))
                .collect();
            assert_eq!(from_params(&params), Ok(query));
        }
    }
}
