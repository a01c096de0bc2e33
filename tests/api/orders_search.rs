//! The extended order search: every filter and sort, alone and combined, against the sandbox's
//! demo data — the expected orders are computed here from the data the sandbox serves, with this
//! file's own reading of each condition, never with the gateway's — and paging through a sorted,
//! multi-region result returns every order exactly once, in order.

use std::collections::HashSet;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde_json::{Value, json};
use supportgraph_adapters::model::{Region, Tool};
use supportgraph_adapters::order_status::sandbox::generate;

use crate::helpers::{GLOBEX_USER, TestApp, authorized_customers, spawn_app_with};

/// A gateway whose rate limit leaves room for paging through everything eight times.
async fn spawn_app() -> TestApp {
    spawn_app_with(|s| {
        s.limits.rate_burst = 100_000;
        s.limits.rate_per_second = 10_000;
    })
    .await
}

const SEARCH: &str = r#"
query($filter: OrderFilter, $sort: OrderSortInput, $first: Int, $after: String) {
  orders(filter: $filter, sort: $sort, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node {
      orderNumber country status orderDate shipDate total { amount currency }
      expectedDeliveryDate deliveredDate isDelayed
      shipTo { name address { street city postalCode country } }
      billTo { name address { country } }
      lines { productCode kind quantity unitPrice { amount } }
      shipments { carrierCode carrierName trackingNumber trackingUrl }
    } }
  }
}"#;

/// One demo order as this test reads the sandbox's data.
struct Demo {
    number: String,
    country: String,
    status: &'static str,
    ordered: NaiveDate,
    shipped: Option<NaiveDate>,
    total: Decimal,
    po: Option<String>,
    /// (product code, description, hardware?)
    lines: Vec<(String, String, bool)>,
}

fn status_name(code: &str) -> &'static str {
    match code {
        "\"RCV\"" => "RECEIVED",
        "\"INP\"" => "IN_PROCESS",
        "\"BKO\"" => "BACKORDERED",
        "\"PSH\"" => "PARTIALLY_SHIPPED",
        "\"SHP\"" => "SHIPPED",
        "\"DLV\"" => "DELIVERED",
        _ => "CANCELLED",
    }
}

/// Avery's orders, from the sandbox's own data.
fn averys_orders(app: &TestApp) -> Vec<Demo> {
    let customers: HashSet<&str> = authorized_customers(GLOBEX_USER, Tool::OrderStatus)
        .into_iter()
        .collect();
    Region::ALL
        .into_iter()
        .flat_map(|r| generate(app.settings.sandbox.seed, r))
        .filter(|o| customers.contains(o.cust_no.as_str()))
        .map(|o| Demo {
            status: status_name(&serde_json::to_string(&o.status_code).expect("code")),
            shipped: o.shipments.iter().map(|s| s.ship_date).min(),
            total: o
                .lines
                .iter()
                .map(|l| l.unit_price * Decimal::from(l.qty))
                .sum(),
            lines: o
                .lines
                .iter()
                .map(|l| {
                    let hardware =
                        serde_json::to_string(&l.product_type).expect("type") == "\"HW\"";
                    (l.part_no.clone(), l.description.clone(), hardware)
                })
                .collect(),
            number: o.order_no,
            country: o.ctry,
            ordered: o.order_date,
            po: o.po_number,
        })
        .collect()
}

/// Every order the gateway lists for a search, over all pages of `first`.
async fn search(app: &TestApp, filter: &Value, sort: &Value, first: u32) -> Vec<Value> {
    let mut after: Option<String> = None;
    let mut nodes = Vec::new();
    for _ in 0..200 {
        let answer = app
            .graphql_as(
                GLOBEX_USER,
                SEARCH,
                json!({ "filter": filter, "sort": sort, "first": first, "after": after }),
            )
            .await;
        let orders = &answer.assert_ok()["orders"];
        nodes.extend(
            orders["edges"]
                .as_array()
                .expect("edges")
                .iter()
                .map(|e| e["node"].clone()),
        );
        if orders["pageInfo"]["hasNextPage"] != json!(true) {
            assert_eq!(orders["totalCount"].as_u64(), Some(nodes.len() as u64));
            return nodes;
        }
        after = orders["pageInfo"]["endCursor"].as_str().map(str::to_owned);
    }
    panic!("paging does not end");
}

fn numbers(nodes: &[Value]) -> Vec<String> {
    nodes
        .iter()
        .map(|n| n["orderNumber"].as_str().expect("number").to_owned())
        .collect()
}

fn day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("a date")
}

type Condition = Box<dyn Fn(&Demo) -> bool>;

#[tokio::test]
async fn each_filter_alone_and_combined_lists_exactly_the_matching_orders() {
    let app = spawn_app().await;
    let orders = averys_orders(&app);
    let some_po = orders
        .iter()
        .find_map(|o| o.po.clone())
        .expect("an order with a PO");
    let po_lower = some_po.to_lowercase();
    let cases: Vec<(Value, Condition)> = vec![
        (
            json!({ "shippedFrom": "2026-11-01", "shippedTo": "2026-11-15" }),
            Box::new(|o: &Demo| {
                o.shipped
                    .is_some_and(|d| d >= day("2026-11-01") && d <= day("2026-11-15"))
            }),
        ),
        (
            json!({ "countries": ["ES", "JP"] }),
            Box::new(|o: &Demo| o.country == "ES" || o.country == "JP"),
        ),
        (
            json!({ "product": { "kind": "SOFTWARE" } }),
            Box::new(|o: &Demo| o.lines.iter().any(|l| !l.2)),
        ),
        (
            json!({ "product": { "machineType": "9105" } }),
            Box::new(|o: &Demo| o.lines.iter().any(|l| l.0.starts_with("9105-"))),
        ),
        (
            json!({ "product": { "model": "L3A" } }),
            Box::new(|o: &Demo| o.lines.iter().any(|l| l.0.ends_with("-L3A"))),
        ),
        (
            json!({ "product": { "description": "TAPE" } }),
            Box::new(|o: &Demo| o.lines.iter().any(|l| l.1.to_lowercase().contains("tape"))),
        ),
        (
            json!({ "purchaseOrderNumber": po_lower }),
            Box::new(move |o: &Demo| o.po.as_deref() == Some(some_po.as_str())),
        ),
        (
            json!({ "text": "licence" }),
            Box::new(|o: &Demo| {
                o.lines
                    .iter()
                    .any(|l| l.1.to_lowercase().contains("licence"))
                    || o.po.as_deref().is_some_and(|p| p.contains("licence"))
            }),
        ),
        (
            json!({ "text": "0100" }),
            Box::new(|o: &Demo| {
                o.number.contains("0100") || o.po.as_deref().is_some_and(|p| p.contains("0100"))
            }),
        ),
        (
            json!({
                "countries": ["ES", "DE", "FR"],
                "product": { "kind": "HARDWARE", "description": "server" },
                "orderedFrom": "2026-06-01",
                "statuses": ["DELIVERED"]
            }),
            Box::new(|o: &Demo| {
                ["ES", "DE", "FR"].contains(&o.country.as_str())
                    && o.lines
                        .iter()
                        .any(|l| l.2 && l.1.to_lowercase().contains("server"))
                    && o.ordered >= day("2026-06-01")
                    && o.status == "DELIVERED"
            }),
        ),
    ];
    for (filter, keep) in cases {
        let mut expected: Vec<String> = orders
            .iter()
            .filter(|o| keep(o))
            .map(|o| o.number.clone())
            .collect();
        assert!(
            !expected.is_empty(),
            "the demo data has orders for {filter}"
        );
        assert!(expected.len() < orders.len(), "{filter} narrows");
        let mut listed = numbers(&search(&app, &filter, &Value::Null, 40).await);
        expected.sort();
        listed.sort();
        assert_eq!(listed, expected, "{filter}");
    }
}

#[tokio::test]
async fn every_sort_pages_through_every_region_in_order_and_each_order_once() {
    let app = spawn_app().await;
    let orders = averys_orders(&app);
    let regions: HashSet<char> = orders
        .iter()
        .filter_map(|o| o.number.chars().next())
        .collect();
    assert!(regions.len() > 1, "several regions");
    for field in ["ORDER_DATE", "SHIP_DATE", "STATUS", "TOTAL"] {
        for direction in ["ASCENDING", "DESCENDING"] {
            let sort = json!({ "field": field, "direction": direction });
            let listed = search(&app, &Value::Null, &sort, 23).await;
            let got = numbers(&listed);
            let unique: HashSet<&String> = got.iter().collect();
            assert_eq!(unique.len(), got.len(), "{sort}: an order twice");
            assert_eq!(got.len(), orders.len(), "{sort}: every order");

            let rank = |status: &str| {
                [
                    "RECEIVED",
                    "IN_PROCESS",
                    "BACKORDERED",
                    "PARTIALLY_SHIPPED",
                    "SHIPPED",
                    "DELIVERED",
                    "CANCELLED",
                ]
                .iter()
                .position(|s| *s == status)
                .expect("a status")
            };
            let mut expected: Vec<&Demo> = orders.iter().collect();
            let descending = direction == "DESCENDING";
            expected.sort_by(|a, b| {
                let natural = match field {
                    "ORDER_DATE" => a.ordered.cmp(&b.ordered),
                    "SHIP_DATE" => match (a.shipped, b.shipped) {
                        (Some(x), Some(y)) => x.cmp(&y),
                        (None, None) => std::cmp::Ordering::Equal,
                        // Not shipped yet: last in either direction (undone by the flip below).
                        (None, Some(_)) => {
                            if descending {
                                std::cmp::Ordering::Less
                            } else {
                                std::cmp::Ordering::Greater
                            }
                        }
                        (Some(_), None) => {
                            if descending {
                                std::cmp::Ordering::Greater
                            } else {
                                std::cmp::Ordering::Less
                            }
                        }
                    },
                    "STATUS" => rank(a.status).cmp(&rank(b.status)),
                    _ => a.total.cmp(&b.total),
                }
                .then_with(|| a.number.cmp(&b.number));
                if descending {
                    natural.reverse()
                } else {
                    natural
                }
            });
            let expected: Vec<String> = expected.iter().map(|o| o.number.clone()).collect();
            assert_eq!(got, expected, "{sort}");
        }
    }
}

#[tokio::test]
async fn an_order_shows_its_parties_dates_and_whether_it_is_late() {
    let app = spawn_app().await;
    let today = chrono::Utc::now().date_naive();
    let listed = search(&app, &Value::Null, &Value::Null, 100).await;
    let delayed: Vec<&Value> = listed.iter().filter(|o| o["isDelayed"] == true).collect();
    assert!(!delayed.is_empty(), "the demo data has late orders");
    for order in &listed {
        let late = order["expectedDeliveryDate"]
            .as_str()
            .is_some_and(|d| day(d) < today)
            && !["DELIVERED", "CANCELLED"].contains(&order["status"].as_str().expect("status"));
        assert_eq!(order["isDelayed"], late, "{order}");
        assert_eq!(
            order["deliveredDate"].is_null(),
            order["status"] != "DELIVERED",
            "{order}"
        );
        assert!(order["shipTo"]["address"]["city"].is_string(), "{order}");
        assert_eq!(order["billTo"]["address"]["country"], order["country"]);
        for shipment in order["shipments"].as_array().expect("shipments") {
            assert!(shipment["trackingNumber"].is_string());
        }
    }
    // The `delayed` filter lists exactly the late ones.
    let mut filtered = numbers(&search(&app, &json!({ "delayed": true }), &Value::Null, 50).await);
    let mut expected = numbers(&delayed.into_iter().cloned().collect::<Vec<_>>());
    filtered.sort();
    expected.sort();
    assert_eq!(filtered, expected);
}

#[tokio::test]
async fn bad_searches_are_refused_before_any_backend_call() {
    let app = spawn_app().await;
    let first = app
        .graphql_as(GLOBEX_USER, SEARCH, json!({ "first": 2 }))
        .await;
    let cursor = first.assert_ok()["orders"]["pageInfo"]["endCursor"].clone();
    let before = app.backend_calls();
    for (variables, field) in [
        (json!({ "filter": { "text": "x" } }), "filter.text"),
        (
            json!({ "filter": { "countries": ["Spain"] } }),
            "filter.countries",
        ),
        (
            json!({ "filter": { "product": { "machineType": "91 05" } } }),
            "filter.product.machineType",
        ),
        (
            json!({ "filter": { "shippedFrom": "2026-11-02", "shippedTo": "2026-11-01" } }),
            "filter.shippedFrom",
        ),
        (
            json!({ "sort": { "field": "TOTAL" }, "after": cursor }),
            "after",
        ),
    ] {
        let answer = app.graphql_as(GLOBEX_USER, SEARCH, variables.clone()).await;
        assert_eq!(answer.error_codes(), ["BAD_USER_INPUT"], "{variables}");
        assert_eq!(
            answer.body["errors"][0]["extensions"]["field"], field,
            "{variables}"
        );
    }
    assert_eq!(app.backend_calls(), before);
}
