//! The order-status instances' answers: a list page, a batch, the change feed and a watcher's
//! registration, decoded and checked by the real adapter ([`HttpOrderBackend`]) from a stub
//! answering the input (see `supportgraph_fuzz::stub`).
//!
//! Input: `CALL STATUS [filtered] [americas|emea|ap]`, header lines, a blank line, the body. CALL
//! is one of `list_orders`, `orders_by_number`, `status_changes`, `watch_order`; `filtered` lists
//! with the contract test's query (filters and an after-key), else with none.
//!
//! Checked: no panic, and every order that decodes has a total (reading it cannot overflow).

#![no_main]

use std::sync::LazyLock;

use chrono::NaiveDate;
use libfuzzer_sys::fuzz_target;
use supportgraph_adapters::model::{
    EmailAddress, Order, OrderFilters, OrderQuery, OrderSort, OrderSortKey, OrderStatus, Region,
    SortValue,
};
use supportgraph_adapters::order_status::HttpOrderBackend;
use supportgraph_adapters::ports::OrderBackend;
use supportgraph_fuzz::stub::{Exchange, Stub};

const CALLS: [&str; 4] = [
    "list_orders",
    "orders_by_number",
    "status_changes",
    "watch_order",
];

static STUB: LazyLock<Stub> = LazyLock::new(Stub::start);

/// The query of `adapters/tests/contracts/order_status.rs`, which `list_orders.json` answers.
fn filtered() -> OrderQuery {
    OrderQuery {
        customer_numbers: vec!["4400201".into(), "4400202".into()],
        filters: OrderFilters {
            statuses: vec![OrderStatus::Delivered, OrderStatus::Received],
            ordered_from: NaiveDate::from_ymd_opt(2026, 1, 1),
            ..OrderFilters::default()
        },
        sort: OrderSort::default(),
        after: Some(OrderSortKey {
            sort: OrderSort::default(),
            value: SortValue::OrderDate(NaiveDate::from_ymd_opt(2026, 10, 3).expect("a date")),
            order_number: "244002010020".into(),
        }),
        limit: 21,
    }
}

fn unfiltered() -> OrderQuery {
    OrderQuery {
        customer_numbers: vec!["4400201".into(), "4400202".into(), "1000101".into()],
        limit: 100,
        ..OrderQuery::default()
    }
}

fn assert_totals(orders: &[Order]) {
    for order in orders {
        assert!(
            order.checked_total().is_some(),
            "order {} was decoded with a total that does not fit",
            order.order_number
        );
        let _ = order.total();
    }
}

fuzz_target!(|data: &[u8]| {
    let stub = &*STUB;
    let exchange = Exchange::parse(data, &CALLS, "application/json");
    let words: Vec<String> = (2..4).map(|n| exchange.word(n)).collect();
    let region = match words
        .iter()
        .find_map(|w| Region::ALL.iter().find(|r| r.as_str() == w))
    {
        Some(region) => *region,
        None => Region::Emea,
    };
    let name = format!("order-status/{}", region.as_str());
    let backend = HttpOrderBackend::new(stub.client(&name), region);
    let answer = &exchange.answer;
    match CALLS[exchange.call] {
        "list_orders" => {
            let query = if words.iter().any(|w| w == "filtered") {
                filtered()
            } else {
                unfiltered()
            };
            if let Ok(page) = stub.run(answer, backend.list_orders(&query)) {
                assert_totals(&page.orders);
            }
        }
        "orders_by_number" => {
            let numbers = ["244002010017".to_owned(), "110001010001".to_owned()];
            if let Ok(orders) = stub.run(answer, backend.orders_by_number(&numbers)) {
                assert_totals(&orders);
            }
        }
        "status_changes" => {
            let _ = stub.run(answer, backend.status_changes(Some(41)));
            let _ = stub.run(answer, backend.status_changes(None));
        }
        _ => {
            let email: EmailAddress = "avery.stone@globex.example".parse().expect("valid");
            let _ = stub.run(answer, backend.watch_order("244002010017", &email));
        }
    }
});
