//! DataLoader batching: backend calls per query do not grow with the number of items asked for.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};
use supportgraph_adapters::model::{Region, Tool};
use supportgraph_adapters::order_status::sandbox::generate;

use crate::helpers::{GLOBEX_USER, TestApp, authorized_customers, spawn_app_with};

/// `(region, customer, order number)` of `n` of Avery's visible orders, spread over the regions.
fn visible_orders(app: &TestApp, n: usize) -> Vec<(Region, String, String)> {
    let customers = authorized_customers(GLOBEX_USER, Tool::OrderStatus);
    let per_region: Vec<Vec<(Region, String, String)>> = Region::ALL
        .into_iter()
        .map(|region| {
            generate(app.settings.sandbox.seed, region)
                .into_iter()
                .filter(|o| customers.contains(&o.cust_no.as_str()))
                .map(|o| (region, o.cust_no, o.order_no))
                .collect()
        })
        .collect();
    (0..n).map(|i| per_region[i % 3][i / 3].clone()).collect()
}

fn id(region: Region, customer: &str, number: &str) -> String {
    let json = json!({ "t": "order", "r": region.as_str(), "c": customer, "n": number });
    URL_SAFE_NO_PAD.encode(format!("sg1:{json}"))
}

fn order_status_calls(app: &TestApp) -> u64 {
    [
        "order-status/americas",
        "order-status/emea",
        "order-status/ap",
    ]
    .iter()
    .map(|i| app.sandbox.stats().instances[*i].calls)
    .sum()
}

/// Runs `query` and returns how many order-status calls it made.
async fn calls_for(app: &TestApp, query: String) -> u64 {
    let before = order_status_calls(app);
    let answer = app.graphql_as(GLOBEX_USER, &query, Value::Null).await;
    answer.assert_ok();
    order_status_calls(app) - before
}

/// A gateway without the orders cache, whose limits admit hundreds of lookups in one query.
async fn fresh() -> TestApp {
    spawn_app_with(|s| {
        s.cache.orders_ttl_seconds = 0;
        s.graphql.max_complexity = 100_000;
        s.limits.max_root_fields = 1_000;
        s.limits.max_backend_calls = 1_000;
        s.limits.rate_burst = 10_000;
    })
    .await
}

/// Order-status calls per regional instance.
fn calls_per_region(app: &TestApp) -> Vec<u64> {
    Region::ALL
        .iter()
        .map(|r| app.sandbox.stats().instances[&format!("order-status/{r}")].calls)
        .collect()
}

#[tokio::test]
async fn three_hundred_order_lookups_cost_at_most_three_calls_per_region() {
    let app = fresh().await;
    // Every order Avery may see, as many times as it takes to make 300 aliases.
    let customers = authorized_customers(GLOBEX_USER, Tool::OrderStatus);
    let all: Vec<(Region, String, String)> = Region::ALL
        .into_iter()
        .flat_map(|region| {
            generate(app.settings.sandbox.seed, region)
                .into_iter()
                .filter(|o| customers.contains(&o.cust_no.as_str()))
                .map(move |o| (region, o.cust_no, o.order_no))
        })
        .collect();
    let fields: String = all
        .iter()
        .cycle()
        .take(300)
        .enumerate()
        .map(|(i, (_, _, number))| {
            format!("o{i}: order(orderNumber: \"{number}\") {{ orderNumber }} ")
        })
        .collect();
    let before = calls_per_region(&app);
    let answer = app
        .graphql_as(GLOBEX_USER, &format!("{{ {fields} }}"), Value::Null)
        .await;
    let data = answer.assert_ok();
    assert_eq!(data.as_object().map(|o| o.len()), Some(300));
    let after = calls_per_region(&app);
    for (region, (a, b)) in Region::ALL.iter().zip(after.iter().zip(&before)) {
        // However the 300 spread over the regions: never more than ceil(300 / 100) per region.
        assert!(a - b <= 3, "{region}: {} calls", a - b);
        assert!(a - b >= 1, "{region} was asked");
    }
}

#[tokio::test]
async fn fifty_nodes_cost_the_same_backend_calls_as_five() {
    let app = fresh().await;
    let query = |n: usize| {
        let fields: String = visible_orders(&app, n)
            .iter()
            .enumerate()
            .map(|(i, (r, c, o))| {
                format!("n{i}: node(id: \"{}\") {{ ... on Order {{ orderNumber lines {{ quantity }} }} }} ", id(*r, c, o))
            })
            .collect();
        format!("{{ {fields} }}")
    };
    let five = calls_for(&app, query(5)).await;
    let fifty = calls_for(&app, query(50)).await;
    assert_eq!(five, 3, "one batch call per region");
    assert_eq!(fifty, five);
}

#[tokio::test]
async fn thirty_order_lookups_cost_the_same_backend_calls_as_three() {
    let app = fresh().await;
    let query = |n: usize| {
        let fields: String = visible_orders(&app, n)
            .iter()
            .enumerate()
            .map(|(i, (_, _, o))| format!("o{i}: order(orderNumber: \"{o}\") {{ orderNumber }} "))
            .collect();
        format!("{{ {fields} }}")
    };
    let three = calls_for(&app, query(3)).await;
    let thirty = calls_for(&app, query(30)).await;
    assert_eq!(three, 3);
    assert_eq!(thirty, three);
}

#[tokio::test]
async fn a_page_of_fifty_orders_and_their_lines_costs_what_a_page_of_five_does() {
    let app = fresh().await;
    let page = |n: usize| {
        format!(
            "{{ orders(first: {n}) {{ edges {{ node {{ orderNumber lines {{ productCode quantity }} shipments {{ trackingUrl }} }} }} }} }}"
        )
    };
    let five = calls_for(&app, page(5)).await;
    let fifty = calls_for(&app, page(50)).await;
    assert_eq!(five, 3);
    assert_eq!(fifty, five);
}

#[tokio::test]
async fn one_region_down_fails_only_that_regions_lookups_in_a_batch() {
    let app = fresh().await;
    let spec = supportgraph_adapters::sandbox::FaultSpec {
        error_rate: 1.0,
        ..Default::default()
    };
    app.sandbox
        .set_fault("order-status/ap", spec)
        .expect("known");
    let orders = visible_orders(&app, 3);
    let fields: String = orders
        .iter()
        .enumerate()
        .map(|(i, (r, c, o))| format!("n{i}: node(id: \"{}\") {{ id }} ", id(*r, c, o)))
        .collect();
    let answer = app
        .graphql_as(GLOBEX_USER, &format!("{{ {fields} }}"), Value::Null)
        .await;
    for (i, (region, _, _)) in orders.iter().enumerate() {
        let value = &answer.body["data"][format!("n{i}")];
        assert_eq!(value.is_null(), *region == Region::Ap, "n{i} in {region}");
    }
    assert_eq!(answer.error_codes(), ["BACKEND_UNAVAILABLE"]);
}
