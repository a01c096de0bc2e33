use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::*;
use crate::model::{Money, OrderLine, Region, Shipment};

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 10, d).expect("a date")
}

fn order(number: &str, ordered: u32, shipped: Option<u32>, price: i64) -> Order {
    Order {
        order_number: number.into(),
        customer_number: "4400201".into(),
        country: "ES".into(),
        region: Region::Emea,
        order_date: day(ordered),
        purchase_order_number: Some("PO-448120".into()),
        status: OrderStatus::InProcess,
        status_history: Vec::new(),
        lines: vec![OrderLine {
            line_number: 1,
            product_code: "9105-22A".into(),
            description: "Rack server 2U".into(),
            kind: ProductKind::Hardware,
            quantity: 1,
            unit_price: Money::new(Decimal::new(price, 0), "EUR"),
        }],
        shipments: shipped
            .map(|d| Shipment {
                carrier_code: "DHL".into(),
                tracking_number: "1234567890".into(),
                shipped_on: day(d),
                delivered_on: None,
                line_numbers: vec![1],
            })
            .into_iter()
            .collect(),
        currency: "EUR".into(),
        ship_to: None,
        bill_to: None,
        expected_delivery: None,
    }
}

fn listed(orders: &[Order], field: OrderSortField, direction: SortDirection) -> Vec<String> {
    let sort = OrderSort { field, direction };
    let mut keys: Vec<OrderSortKey> = orders.iter().map(|o| o.sort_key(sort)).collect();
    keys.sort();
    keys.into_iter().map(|k| k.order_number).collect()
}

#[test]
fn the_default_sort_is_newest_first_with_ties_by_order_number_descending() {
    let orders = [
        order("200000000001", 2, None, 10),
        order("200000000002", 2, None, 10),
        order("200000000003", 1, None, 10),
    ];
    let sort = OrderSort::default();
    let mut keys: Vec<OrderSortKey> = orders.iter().map(|o| o.sort_key(sort)).collect();
    keys.sort();
    let numbers: Vec<&str> = keys.iter().map(|k| k.order_number.as_str()).collect();
    assert_eq!(numbers, ["200000000002", "200000000001", "200000000003"]);
}

#[test]
fn orders_not_shipped_come_last_in_both_directions() {
    let orders = [
        order("200000000001", 1, None, 10),
        order("200000000002", 1, Some(5), 10),
        order("200000000003", 1, Some(3), 10),
    ];
    assert_eq!(
        listed(&orders, OrderSortField::ShipDate, SortDirection::Ascending),
        ["200000000003", "200000000002", "200000000001"]
    );
    assert_eq!(
        listed(&orders, OrderSortField::ShipDate, SortDirection::Descending),
        ["200000000002", "200000000003", "200000000001"]
    );
}

#[test]
fn totals_sort_by_amount() {
    let orders = [
        order("200000000001", 1, None, 300),
        order("200000000002", 1, None, 100),
        order("200000000003", 1, None, 200),
    ];
    assert_eq!(
        listed(&orders, OrderSortField::Total, SortDirection::Ascending),
        ["200000000002", "200000000003", "200000000001"]
    );
}

#[test]
fn each_filter_narrows_and_product_conditions_meet_on_one_line() {
    let o = order("244002010017", 2, Some(6), 10);
    let all = OrderFilters::default();
    assert!(all.matches(&o));
    let with = |f: fn(&mut OrderFilters)| {
        let mut filters = OrderFilters::default();
        f(&mut filters);
        filters.matches(&o)
    };
    assert!(with(|f| f.shipped_from = Some(day(6))));
    assert!(!with(|f| f.shipped_from = Some(day(7))));
    assert!(with(|f| f.countries = vec!["ES".into()]));
    assert!(!with(|f| f.countries = vec!["DE".into()]));
    assert!(with(|f| f.product.machine_type = Some("9105".into())));
    assert!(with(|f| f.product.model = Some("22a".into())));
    assert!(!with(|f| {
        f.product.machine_type = Some("9105".into());
        f.product.kind = Some(ProductKind::Software);
    }));
    assert!(with(|f| f.product.description = Some("rack".into())));
    assert!(with(|f| f.purchase_order_number = Some("po-448120".into())));
    assert!(!with(|f| f.purchase_order_number = Some("PO-4481".into())));
    assert!(with(|f| f.text = Some("4481".into())));
    assert!(with(|f| f.text = Some("2010017".into())));
    assert!(with(|f| f.text = Some("SERVER".into())));
    assert!(!with(|f| f.text = Some("tape".into())));
    let unshipped = order("244002010018", 2, None, 10);
    let shipped_by = OrderFilters {
        shipped_to: Some(day(30)),
        ..OrderFilters::default()
    };
    assert!(!shipped_by.matches(&unshipped));
}
