//! Worldwide orders: merging, paging, concurrency, partial failure, input checks.

use std::collections::HashSet;

use serde_json::{Value, json};
use supportgraph_adapters::model::{Region, Tool};
use supportgraph_adapters::order_status::sandbox::generate;
use supportgraph_adapters::sandbox::FaultSpec;

use crate::helpers::{
    GLOBEX_USER, IBERIA_USER, NORTHWIND_USER, TestApp, authorized_customers, spawn_app,
    spawn_app_with,
};

const ORDERS_PAGE: &str = r#"
query Orders($first: Int, $after: String, $filter: OrderFilter) {
  orders(first: $first, after: $after, filter: $filter) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { orderNumber customerNumber region orderDate status } }
  }
}"#;

/// Every order of the customer numbers the user is authorised for (optionally only some),
/// straight from the demo data the sandbox serves: the ground truth to compare the gateway with.
fn expected_orders(app: &TestApp, user_id: &str, only: Option<&[&str]>) -> Vec<(String, String)> {
    let customers: HashSet<&str> = authorized_customers(user_id, Tool::OrderStatus)
        .into_iter()
        .filter(|c| only.is_none_or(|only| only.contains(c)))
        .collect();
    let mut orders: Vec<(String, String)> = Region::ALL
        .into_iter()
        .flat_map(|r| generate(app.settings.sandbox.seed, r))
        .filter(|o| customers.contains(o.cust_no.as_str()))
        .map(|o| (o.order_date.to_string(), o.order_no))
        .collect();
    orders.sort_by(|a, b| b.cmp(a));
    orders
}

/// Pages through `orders` with `first` per page, returning every node in the order received.
async fn page_through(app: &TestApp, user: &str, first: i64, filter: Value) -> (Vec<Value>, u64) {
    let mut after: Option<String> = None;
    let mut nodes = Vec::new();
    let mut total = None;
    for page in 0.. {
        assert!(page < 100, "paging does not end");
        let answer = app
            .graphql_as(
                user,
                ORDERS_PAGE,
                json!({ "first": first, "after": after, "filter": filter }),
            )
            .await;
        let orders = &answer.assert_ok()["orders"];
        let count = orders["totalCount"].as_u64().expect("totalCount");
        assert_eq!(
            *total.get_or_insert(count),
            count,
            "totalCount is stable across pages"
        );
        assert_eq!(
            orders["pageInfo"]["hasPreviousPage"],
            json!(after.is_some())
        );
        let edges = orders["edges"].as_array().expect("edges");
        assert!(edges.len() <= first as usize);
        nodes.extend(edges.iter().map(|e| e["node"].clone()));
        if !orders["pageInfo"]["hasNextPage"]
            .as_bool()
            .expect("hasNextPage")
        {
            break;
        }
        assert_eq!(
            edges.len(),
            first as usize,
            "only the last page may be short"
        );
        after = Some(
            orders["pageInfo"]["endCursor"]
                .as_str()
                .expect("endCursor")
                .to_owned(),
        );
    }
    (nodes, total.unwrap_or(0))
}

fn date_and_number(nodes: &[Value]) -> Vec<(String, String)> {
    nodes
        .iter()
        .map(|n| {
            (
                n["orderDate"].as_str().expect("orderDate").to_owned(),
                n["orderNumber"].as_str().expect("orderNumber").to_owned(),
            )
        })
        .collect()
}

#[tokio::test]
async fn orders_from_two_regions_are_merged_newest_first() {
    let app = spawn_app().await;
    let customers = ["1000101", "4400201"];
    let (nodes, total) = page_through(
        &app,
        GLOBEX_USER,
        100,
        json!({ "customerNumbers": customers }),
    )
    .await;

    let regions: HashSet<&str> = nodes.iter().filter_map(|n| n["region"].as_str()).collect();
    assert_eq!(regions, HashSet::from(["AMERICAS", "EMEA"]));
    let expected = expected_orders(&app, GLOBEX_USER, Some(&customers));
    assert_eq!(
        date_and_number(&nodes),
        expected,
        "merged in listing order, nothing missing"
    );
    assert_eq!(total as usize, expected.len());
}

#[tokio::test]
async fn paging_through_every_page_returns_each_order_exactly_once() {
    let app = spawn_app().await;
    let (nodes, total) = page_through(&app, GLOBEX_USER, 37, Value::Null).await;

    let seen = date_and_number(&nodes);
    let unique: HashSet<&(String, String)> = seen.iter().collect();
    assert_eq!(unique.len(), seen.len(), "no order appears twice");
    let expected = expected_orders(&app, GLOBEX_USER, None);
    assert!(
        expected.len() >= 200,
        "the multinational has at least 200 orders"
    );
    assert_eq!(seen, expected);
    assert_eq!(total as usize, expected.len());
    let regions: HashSet<&str> = nodes.iter().filter_map(|n| n["region"].as_str()).collect();
    assert_eq!(
        regions.len(),
        3,
        "the multinational's orders span every region"
    );
}

#[tokio::test]
async fn single_country_companies_see_only_their_own_orders() {
    let app = spawn_app().await;
    for (user, customers) in [
        (NORTHWIND_USER, vec!["1000201", "1000202"]),
        (IBERIA_USER, vec!["4400301"]),
    ] {
        let (nodes, total) = page_through(&app, user, 100, Value::Null).await;
        assert!(total >= 200, "{user} has at least 200 orders");
        assert!(
            nodes
                .iter()
                .all(|n| customers.contains(&n["customerNumber"].as_str().expect("customer"))),
            "{user} sees only its own customer numbers"
        );
        assert_eq!(date_and_number(&nodes), expected_orders(&app, user, None));
    }
}

#[tokio::test]
async fn regions_are_asked_concurrently() {
    let app = spawn_app_with(|s| {
        for region in ["americas", "emea", "ap"] {
            let spec = FaultSpec {
                latency_ms: 100,
                error_rate: 0.0,
                ..FaultSpec::default()
            };
            s.sandbox
                .faults
                .insert(format!("order-status/{region}"), spec);
        }
    })
    .await;
    app.sandbox.reset_stats();

    app.graphql_as(GLOBEX_USER, ORDERS_PAGE, json!({ "first": 10 }))
        .await
        .assert_ok();

    let stats = app.sandbox.stats();
    for region in ["americas", "emea", "ap"] {
        assert_eq!(stats.instances[&format!("order-status/{region}")].calls, 1);
    }
    assert_eq!(
        stats.max_concurrent_calls, 3,
        "all three regions were in flight at once (each answers after 100 ms)"
    );
}

#[tokio::test]
async fn a_failing_region_gives_partial_data_and_a_backend_error_with_its_path() {
    let app = spawn_app_with(|s| {
        let spec = FaultSpec {
            latency_ms: 0,
            error_rate: 1.0,
            ..FaultSpec::default()
        };
        s.sandbox.faults.insert("order-status/emea".into(), spec);
    })
    .await;
    let answer = app
        .graphql_as(GLOBEX_USER, ORDERS_PAGE, json!({ "first": 100 }))
        .await;

    assert_eq!(answer.status, 200);
    assert_eq!(answer.error_codes(), ["BACKEND_UNAVAILABLE"]);
    let error = &answer.body["errors"][0];
    assert_eq!(error["path"], json!(["orders"]));
    assert_eq!(error["extensions"]["backend"], "order-status/emea");
    assert_eq!(error["extensions"]["region"], "emea");
    assert!(
        !answer.body.to_string().contains("injected"),
        "the backend's own message never reaches the caller"
    );
    let edges = answer.body["data"]["orders"]["edges"]
        .as_array()
        .expect("partial data");
    assert_eq!(edges.len(), 100);
    assert!(edges.iter().all(|e| e["node"]["region"] != "EMEA"));
}

#[tokio::test]
async fn every_region_failing_gives_null_orders_and_one_error_per_region() {
    let app = spawn_app().await;
    for region in ["americas", "emea", "ap"] {
        let spec = FaultSpec {
            latency_ms: 0,
            error_rate: 1.0,
            ..FaultSpec::default()
        };
        app.sandbox
            .set_fault(&format!("order-status/{region}"), spec)
            .expect("a known instance");
    }
    let answer = app.graphql_as(GLOBEX_USER, ORDERS_PAGE, Value::Null).await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.body["data"]["orders"], Value::Null);
    assert_eq!(answer.error_codes(), ["BACKEND_UNAVAILABLE"; 3]);
}

#[tokio::test]
async fn a_region_slower_than_its_timeout_is_reported_unavailable() {
    let app = spawn_app_with(|s| {
        s.backends.order_status.timeout_ms = 200;
        let spec = FaultSpec {
            latency_ms: 2_000,
            error_rate: 0.0,
            ..FaultSpec::default()
        };
        s.sandbox.faults.insert("order-status/ap".into(), spec);
    })
    .await;
    let answer = app
        .graphql_as(GLOBEX_USER, ORDERS_PAGE, json!({ "first": 5 }))
        .await;
    assert_eq!(answer.error_codes(), ["BACKEND_UNAVAILABLE"]);
    assert_eq!(answer.body["errors"][0]["extensions"]["region"], "ap");
    assert_eq!(
        answer.body["data"]["orders"]["edges"]
            .as_array()
            .map(Vec::len),
        Some(5)
    );
}

#[tokio::test]
async fn filters_narrow_the_list_by_status_and_date() {
    let app = spawn_app().await;
    let filter = json!({
        "statuses": ["DELIVERED"],
        "orderedFrom": "2026-01-01",
        "orderedTo": "2026-06-30"
    });
    let (nodes, total) = page_through(&app, GLOBEX_USER, 100, filter).await;
    assert!(total > 0);
    assert_eq!(nodes.len() as u64, total);
    for node in &nodes {
        assert_eq!(node["status"], "DELIVERED");
        let date = node["orderDate"].as_str().expect("date");
        assert!(("2026-01-01"..="2026-06-30").contains(&date), "{date}");
    }
}

#[tokio::test]
async fn bad_arguments_are_refused_before_any_backend_call() {
    let app = spawn_app().await;
    app.sandbox.reset_stats();
    let cases = [
        json!({ "first": 0 }),
        json!({ "first": 101 }),
        json!({ "first": -5 }),
        json!({ "after": "not-a-cursor" }),
        json!({ "filter": { "orderedFrom": "2026-05-01", "orderedTo": "2026-04-01" } }),
        json!({ "filter": { "orderedFrom": "01/05/2026" } }),
    ];
    for variables in cases {
        let answer = app
            .graphql_as(GLOBEX_USER, ORDERS_PAGE, variables.clone())
            .await;
        assert!(
            answer.body["errors"].is_array() && answer.body["data"]["orders"].is_null(),
            "{variables} is refused: {}",
            answer.body
        );
        assert_eq!(answer.error_codes(), ["BAD_USER_INPUT"], "{variables}");
    }
    let calls = app.backend_calls();
    assert_eq!(calls, 0, "no backend was called for a bad request");
}

#[tokio::test]
async fn a_customer_number_of_another_company_is_forbidden_in_the_filter() {
    let app = spawn_app().await;
    let answer = app
        .graphql_as(
            GLOBEX_USER,
            ORDERS_PAGE,
            json!({ "filter": { "customerNumbers": ["4400301"] } }),
        )
        .await;
    assert_eq!(answer.error_codes(), ["FORBIDDEN"]);
    assert!(answer.body["data"]["orders"].is_null());
}

#[tokio::test]
async fn an_order_is_found_by_number_only_by_its_own_company() {
    let app = spawn_app().await;
    let iberia_order = generate(app.settings.sandbox.seed, Region::Emea)
        .into_iter()
        .find(|o| o.cust_no == "4400301")
        .expect("Iberia has orders");
    let query = "query($n: String!) { order(orderNumber: $n) { orderNumber customerNumber total { amount currency } lines { quantity unitPrice { amount } } } }";
    let own = app
        .graphql_as(IBERIA_USER, query, json!({ "n": iberia_order.order_no }))
        .await;
    let order = &own.assert_ok()["order"];
    assert_eq!(order["customerNumber"], "4400301");
    assert_eq!(order["total"]["currency"], "EUR");

    let foreign = app
        .graphql_as(GLOBEX_USER, query, json!({ "n": iberia_order.order_no }))
        .await;
    assert_eq!(foreign.error_codes(), ["NOT_FOUND"]);
    assert!(foreign.body["data"]["order"].is_null());
    assert!(!foreign.body.to_string().contains("4400301"));
}

#[tokio::test]
async fn me_reports_the_user_and_the_tools_of_their_country() {
    let app = spawn_app().await;
    let query = "{ me { userId name country features } }";
    let us = app.graphql_as(GLOBEX_USER, query, Value::Null).await;
    let me = &us.assert_ok()["me"];
    assert_eq!(me["userId"], GLOBEX_USER);
    assert_eq!(me["country"], "US");
    let features = me["features"].as_array().expect("features");
    assert!(features.contains(&json!("ORDER_STATUS")));
    assert!(!features.contains(&json!("SERVICES_ASSISTANT")));

    let es = app.graphql_as(IBERIA_USER, query, Value::Null).await;
    assert!(
        es.assert_ok()["me"]["features"]
            .as_array()
            .expect("features")
            .contains(&json!("SERVICES_ASSISTANT"))
    );
}

#[tokio::test]
async fn an_order_lookup_with_a_region_down_says_unavailable_rather_than_not_found() {
    let app = spawn_app().await;
    let spec = FaultSpec {
        latency_ms: 0,
        error_rate: 1.0,
        ..FaultSpec::default()
    };
    app.sandbox
        .set_fault("order-status/ap", spec)
        .expect("known");
    let query = "query($n: String!) { order(orderNumber: $n) { orderNumber } }";
    let missing = app
        .graphql_as(GLOBEX_USER, query, json!({ "n": "999999999" }))
        .await;
    assert_eq!(missing.error_codes(), ["BACKEND_UNAVAILABLE"]);
    assert_eq!(missing.body["errors"][0]["path"], json!(["order"]));

    let us_order = generate(app.settings.sandbox.seed, Region::Americas)
        .into_iter()
        .find(|o| o.cust_no == "1000101")
        .expect("an order");
    let found = app
        .graphql_as(GLOBEX_USER, query, json!({ "n": us_order.order_no }))
        .await;
    assert_eq!(
        found.assert_ok()["order"]["orderNumber"],
        json!(us_order.order_no)
    );
}

#[tokio::test]
async fn an_empty_customer_filter_is_bad_input() {
    let app = spawn_app().await;
    let answer = app
        .graphql_as(
            GLOBEX_USER,
            ORDERS_PAGE,
            json!({ "filter": { "customerNumbers": [] } }),
        )
        .await;
    assert_eq!(answer.error_codes(), ["BAD_USER_INPUT"]);
}
