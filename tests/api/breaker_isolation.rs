//! No company's requests can open a circuit breaker the others depend on. Company A's user floods
//! the gateway with over-long and malformed identifiers, and the shared backend adapters are
//! handed requests whose URL cannot be built; afterwards every breaker is closed and company B's
//! orders, inventory and node lookups answer as if nothing happened.
//!
//! The breakers are made as sensitive as they go (4 failed calls of 4 open one for a minute), so
//! a single miscounted failure per operation would show.

use std::sync::Arc;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use futures::future::join_all;
use serde_json::{Value, json};
use supportgraph::app::App;
use supportgraph::settings::Settings;
use supportgraph::startup::Application;
use supportgraph_adapters::AdapterError;
use supportgraph_adapters::model::{InventoryChange, OrderQuery, Region, Tool};
use supportgraph_adapters::resilience::{BreakerReport, BreakerState};

use crate::helpers::{GLOBEX_USER, IBERIA_USER, NORTHWIND_USER, TestApp};

/// A gateway like `spawn_app`'s, keeping its shared state so the test can read every breaker.
async fn spawn() -> (TestApp, Arc<App>) {
    let mut settings = Settings::load_without_env(None).expect("the shipped default settings load");
    settings.server.port = 0;
    // Every call reaches a backend: no cache to hide a failing breaker behind.
    settings.cache.orders_ttl_seconds = 0;
    settings.cache.inventory_ttl_seconds = 0;
    settings.cache.profile_ttl_seconds = 0;
    settings.resilience.breaker_window = 4;
    settings.resilience.breaker_min_calls = 4;
    settings.resilience.breaker_open_ms = 60_000;
    // The flood must reach the resolvers: rate limits are another defence, tested elsewhere.
    settings.limits.rate_burst = 1_000_000;
    settings.limits.rate_per_second = 1_000_000;
    settings.guest.lookups_per_minute = 100_000;
    settings.guest.failed_lookups_per_customer_per_minute = 100_000;
    let application = Application::build(settings.clone())
        .await
        .expect("the gateway builds");
    let address = format!("http://127.0.0.1:{}", application.port());
    let sandbox = application.sandbox().expect("the sandbox is embedded");
    let app = application.app();
    tokio::spawn(application.run_until_stopped());
    let test_app = TestApp {
        address,
        sandbox,
        settings,
        http: reqwest::Client::new(),
    };
    (test_app, app)
}

/// Every breaker of every backend the gateway uses, one per (instance, operation) called so far.
fn breakers(app: &App) -> Vec<BreakerReport> {
    let mut all: Vec<BreakerReport> = app
        .order_backends
        .values()
        .flat_map(|b| b.breakers())
        .collect();
    all.extend(app.inventory_backends.values().flat_map(|b| b.breakers()));
    all.extend(app.registration.breakers());
    all
}

fn assert_all_closed(app: &App, when: &str) {
    let reports = breakers(app);
    let not_closed: Vec<&BreakerReport> = reports
        .iter()
        .filter(|r| r.state != BreakerState::Closed)
        .collect();
    assert!(not_closed.is_empty(), "{when}: {not_closed:?}");
}

fn global_id(json: Value) -> String {
    URL_SAFE_NO_PAD.encode(format!("sg1:{json}"))
}

/// One of company A's poisoned requests, by index: every kind of over-long or malformed
/// identifier, aimed at every backend instance the issue saw opened.
fn poisoned(i: usize) -> (Option<&'static str>, &'static str, Value) {
    let long_digits = "9".repeat(66_000 + i);
    let long_serial = "7".repeat(66_000 + i);
    match i % 10 {
        0 => (
            Some(GLOBEX_USER),
            "query($v: String!) { order(orderNumber: $v) { orderNumber } }",
            json!({ "v": long_digits }),
        ),
        1 => (
            Some(GLOBEX_USER),
            "query($id: ID!) { node(id: $id) { id } }",
            json!({ "id": global_id(json!({ "t": "order", "r": "americas", "c": "1000101", "n": long_digits })) }),
        ),
        2 => (
            Some(GLOBEX_USER),
            "query($id: ID!) { node(id: $id) { id } }",
            json!({ "id": global_id(json!({ "t": "order", "r": "emea", "c": "4400201", "n": long_digits })) }),
        ),
        3 => (
            Some(GLOBEX_USER),
            "query($v: String!) { inventoryItem(customerNumber: \"1000101\", serialNumber: $v) { serialNumber } }",
            json!({ "v": long_serial }),
        ),
        4 => (
            Some(GLOBEX_USER),
            "query($v: String!) { inventoryItem(customerNumber: \"4900301\", serialNumber: $v) { serialNumber } }",
            json!({ "v": long_serial }),
        ),
        5 => (
            Some(GLOBEX_USER),
            "query($id: ID!) { node(id: $id) { id } }",
            json!({ "id": global_id(json!({ "t": "inventoryItem", "c": "4900301", "s": long_serial })) }),
        ),
        6 => (
            Some(GLOBEX_USER),
            "query($v: [String!]) { orders(filter: { customerNumbers: $v }) { totalCount } }",
            json!({ "v": [long_digits] }),
        ),
        7 => (
            Some(GLOBEX_USER),
            "query($v: String) { inventory(filter: { serialNumber: $v }) { totalCount } }",
            json!({ "v": long_serial }),
        ),
        8 => (
            Some(GLOBEX_USER),
            "mutation($i: InventoryChangeInput!) { requestServiceChange(input: $i) { userErrors { code } } }",
            json!({ "i": { "customerNumber": "4900301", "serialNumber": long_serial, "change": "MOVED", "details": "x\u{1}" } }),
        ),
        _ => (
            None,
            "query($v: String!) { guestOrderStatus(orderNumber: $v, customerNumber: \"1000101\") { status } }",
            json!({ "v": long_digits }),
        ),
    }
}

/// Requests whose backend URL cannot be built, or that fail their types, handed straight to the
/// adapters the gateway shares between every company — what would happen if anything ever got
/// past the edge checks. Each is refused before it is sent.
async fn unbuildable_requests(app: &App) {
    let long = "9".repeat(66_000);
    // Valid customer numbers, but so many that the URL is longer than any server takes.
    let too_many: Vec<String> = (0..1_200)
        .map(|i| format!("{:07}", 1_000_000 + i))
        .collect();
    for _ in 0..20 {
        let mut refusals: Vec<Result<(), AdapterError>> = Vec::new();
        for backend in app.order_backends.values() {
            refusals.push(
                backend
                    .orders_by_number(std::slice::from_ref(&long))
                    .await
                    .map(drop),
            );
            refusals.push(
                backend
                    .orders_by_number(&["244002010001,244003010001".into()])
                    .await
                    .map(drop),
            );
            let query = OrderQuery {
                customer_numbers: too_many.clone(),
                limit: 10,
                ..OrderQuery::default()
            };
            refusals.push(backend.list_orders(&query).await.map(drop));
        }
        for backend in app.inventory_backends.values() {
            refusals.push(backend.items(&too_many).await.map(drop));
            refusals.push(
                backend
                    .items_by_serial(std::slice::from_ref(&long))
                    .await
                    .map(drop),
            );
            refusals.push(
                backend
                    .request_change("4900301", "70101001", InventoryChange::Moved, "x\u{0}y")
                    .await
                    .map(drop),
            );
        }
        let registration = &app.registration;
        refusals.push(registration.user_profile(&long).await.map(drop));
        refusals.push(
            registration
                .request_tool_authorization(GLOBEX_USER, Tool::Invoices, "1000102", "x\u{1}")
                .await
                .map(drop),
        );
        for refusal in refusals {
            match refusal {
                Err(AdapterError::InvalidRequest { detail, .. }) => {
                    assert!(
                        detail.len() < 1_000,
                        "the detail is clipped: {} bytes",
                        detail.len()
                    );
                }
                other => panic!("refused before it was sent, got {other:?}"),
            }
        }
    }
}

/// Company B's everyday requests: orders, inventory and node lookups on every instance the
/// issue saw opened (order-status americas and emea, US inventory, the EU Services Assistant).
async fn company_b_works(test_app: &TestApp) {
    let seed = test_app.settings.sandbox.seed;
    for (user, customer, region) in [
        (NORTHWIND_USER, "1000201", Region::Americas),
        (IBERIA_USER, "4400301", Region::Emea),
    ] {
        let orders = test_app
            .graphql_as(
                user,
                "{ orders(first: 3) { totalCount edges { node { id orderNumber } } } }",
                Value::Null,
            )
            .await;
        let data = orders.assert_ok();
        let order_id = data["orders"]["edges"][0]["node"]["id"]
            .as_str()
            .expect("an order")
            .to_owned();
        let number = supportgraph_adapters::order_status::sandbox::generate(seed, region)
            .into_iter()
            .find(|o| o.cust_no == customer)
            .map(|o| o.order_no)
            .expect("an order");
        test_app
            .graphql_as(
                user,
                "query($n: String!) { order(orderNumber: $n) { orderNumber } }",
                json!({ "n": number }),
            )
            .await
            .assert_ok();
        let node = test_app
            .graphql_as(
                user,
                "query($id: ID!) { node(id: $id) { ... on Order { orderNumber } } }",
                json!({ "id": order_id }),
            )
            .await;
        assert!(!node.assert_ok()["node"].is_null(), "{user}: order by ID");

        let inventory = test_app
            .graphql_as(
                user,
                "{ inventory(first: 2) { totalCount edges { node { id serialNumber } } } }",
                Value::Null,
            )
            .await;
        let data = inventory.assert_ok();
        let item = &data["inventory"]["edges"][0]["node"];
        let by_id = test_app
            .graphql_as(
                user,
                "query($id: ID!) { node(id: $id) { ... on InventoryItem { serialNumber } } }",
                json!({ "id": item["id"] }),
            )
            .await;
        assert_eq!(
            by_id.assert_ok()["node"]["serialNumber"],
            item["serialNumber"],
            "{user}: item by ID"
        );
        let by_serial = test_app
            .graphql_as(
                user,
                "query($c: String!, $s: String!) { inventoryItem(customerNumber: $c, serialNumber: $s) { serialNumber } }",
                json!({ "c": customer, "s": item["serialNumber"] }),
            )
            .await;
        by_serial.assert_ok();
    }
}

#[tokio::test]
async fn a_flood_of_malformed_identifiers_from_one_company_leaves_the_others_untouched() {
    let (test_app, app) = spawn().await;

    // 100 requests at once from company A's user (and a guest): each refused, none sent.
    let flood = (0..100).map(|i| {
        let test_app = &test_app;
        async move {
            let (user, query, variables) = poisoned(i);
            let answer = match user {
                Some(user) => test_app.graphql_as(user, query, variables).await,
                None => test_app.graphql(None, query, variables).await,
            };
            (i, answer)
        }
    });
    for (i, answer) in join_all(flood).await {
        let codes = answer.error_codes();
        assert!(
            codes == ["BAD_USER_INPUT"] || codes == ["NOT_FOUND"],
            "request {i}: {codes:?}"
        );
    }
    assert_eq!(
        test_app.backend_calls(),
        0,
        "no malformed identifier reached a backend"
    );
    assert_all_closed(&app, "after company A's flood");

    unbuildable_requests(&app).await;
    assert_eq!(
        test_app.backend_calls(),
        0,
        "no unbuildable request was sent"
    );
    assert_all_closed(&app, "after the unbuildable requests");

    // Company B's next requests: answered in full, from the backends.
    company_b_works(&test_app).await;
    assert!(
        test_app.backend_calls() > 0,
        "company B's requests reached the backends"
    );
    let reports = breakers(&app);
    for instance in [
        "order-status/americas",
        "order-status/emea",
        "us-inventory-online",
        "eu-services-assistant",
        "registration",
    ] {
        assert!(
            reports.iter().any(|r| r.backend == instance),
            "{instance}'s breakers were used: {reports:?}"
        );
    }
    assert_all_closed(&app, "after company B's requests");
}
