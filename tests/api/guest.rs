//! Guest order status: one order by order number plus customer number, basic fields only,
//! limited per client address.

use std::collections::BTreeSet;

use serde_json::{Value, json};
use supportgraph_adapters::model::Region;
use supportgraph_adapters::order_status::sandbox::generate;

use crate::helpers::{TestApp, spawn_app, spawn_app_with};

const GUEST: &str = r#"
query($n: String!, $c: String!) {
  guestOrderStatus(orderNumber: $n, customerNumber: $c) {
    orderNumber status orderDate statusHistory { status at }
    shipments { carrierName trackingNumber trackingUrl shippedDate deliveredDate }
  }
}"#;

/// A shipped US order from the demo data.
fn shipped_order(app: &TestApp) -> (String, String) {
    generate(app.settings.sandbox.seed, Region::Americas)
        .into_iter()
        .find(|o| !o.shipments.is_empty() && o.cust_no == "1000201")
        .map(|o| (o.order_no, o.cust_no))
        .expect("a shipped order")
}

async fn field_names(app: &TestApp, type_name: &str) -> BTreeSet<String> {
    let answer = app
        .graphql(
            None,
            "query($t: String!) { __type(name: $t) { fields { name } } }",
            json!({ "t": type_name }),
        )
        .await;
    answer.assert_ok()["__type"]["fields"]
        .as_array()
        .expect("fields")
        .iter()
        .map(|f| f["name"].as_str().expect("a name").to_owned())
        .collect()
}

#[tokio::test]
async fn a_guest_sees_basic_status_dates_and_the_carrier_link_only() {
    let app = spawn_app().await;
    let (order, customer) = shipped_order(&app);
    let answer = app
        .graphql(None, GUEST, json!({ "n": order, "c": customer }))
        .await;
    let status = &answer.assert_ok()["guestOrderStatus"];
    assert_eq!(status["orderNumber"], json!(order));
    assert!(status["shipments"][0]["trackingNumber"].is_string());

    let allowed: BTreeSet<String> = [
        "orderNumber",
        "status",
        "orderDate",
        "statusHistory",
        "shipments",
    ]
    .map(String::from)
    .into();
    assert_eq!(
        field_names(&app, "GuestOrderStatus").await,
        allowed,
        "no prices, lines, addresses or contacts"
    );
    let shipment: BTreeSet<String> = [
        "carrierName",
        "trackingNumber",
        "trackingUrl",
        "shippedDate",
        "deliveredDate",
    ]
    .map(String::from)
    .into();
    assert_eq!(field_names(&app, "GuestShipment").await, shipment);
    let event: BTreeSet<String> = ["status", "at"].map(String::from).into();
    assert_eq!(field_names(&app, "OrderStatusEvent").await, event);
}

#[tokio::test]
async fn a_wrong_customer_number_is_not_found() {
    let app = spawn_app().await;
    let (order, _) = shipped_order(&app);
    for customer in ["1000202", "4400301", "9999999"] {
        let answer = app
            .graphql(None, GUEST, json!({ "n": order, "c": customer }))
            .await;
        assert_eq!(answer.error_codes(), ["NOT_FOUND"], "{customer}");
        assert_eq!(answer.body["data"]["guestOrderStatus"], Value::Null);
    }
    let malformed = app
        .graphql(None, GUEST, json!({ "n": order, "c": "12 34" }))
        .await;
    assert_eq!(malformed.error_codes(), ["BAD_USER_INPUT"]);
}

#[tokio::test]
async fn guest_lookups_are_limited_per_client_before_any_backend_call() {
    let app = spawn_app_with(|s| s.guest.lookups_per_minute = 3).await;
    let (order, customer) = shipped_order(&app);
    for _ in 0..3 {
        app.graphql(None, GUEST, json!({ "n": order, "c": customer }))
            .await
            .assert_ok();
    }
    let calls = app.backend_calls();
    let limited = app
        .graphql(None, GUEST, json!({ "n": order, "c": customer }))
        .await;
    assert_eq!(limited.error_codes(), ["RATE_LIMITED"]);
    assert!(
        limited.body["errors"][0]["extensions"]["retryAfterSeconds"]
            .as_u64()
            .is_some()
    );
    assert_eq!(
        app.backend_calls(),
        calls,
        "the refused lookup reached no backend"
    );
}

#[tokio::test]
async fn every_aliased_lookup_in_one_request_counts_against_the_limit() {
    let app = spawn_app_with(|s| s.guest.lookups_per_minute = 3).await;
    let (order, customer) = shipped_order(&app);
    let fields: String = (0..5)
        .map(|i| format!("a{i}: guestOrderStatus(orderNumber: \"{order}\", customerNumber: \"{customer}\") {{ status }} "))
        .collect();
    let answer = app
        .graphql(None, &format!("{{ {fields} }}"), Value::Null)
        .await;
    let codes = answer.error_codes();
    assert_eq!(codes, ["RATE_LIMITED", "RATE_LIMITED"], "{}", answer.body);
    let answered = (0..5)
        .filter(|i| answer.body["data"][format!("a{i}")].is_object())
        .count();
    assert_eq!(answered, 3);
}

#[tokio::test]
async fn forwarded_addresses_count_only_from_trusted_proxies() {
    let lookup = |app: &TestApp, order: &str, customer: &str, forwarded: &str| {
        app.http
            .post(format!("{}/graphql", app.address))
            .header("x-forwarded-for", forwarded)
            .json(&json!({ "query": GUEST, "variables": { "n": order, "c": customer } }))
            .send()
    };
    let trusting = spawn_app_with(|s| {
        s.guest.lookups_per_minute = 1;
        s.server.trusted_proxies = vec!["127.0.0.1".parse().expect("an address")];
    })
    .await;
    let (order, customer) = shipped_order(&trusting);
    let codes = |response: reqwest::Response| async {
        crate::helpers::Answer::from_response(response)
            .await
            .error_codes()
    };
    let first = lookup(&trusting, &order, &customer, "203.0.113.5")
        .await
        .expect("answers");
    assert!(codes(first).await.is_empty());
    let again = lookup(&trusting, &order, &customer, "198.51.100.1, 203.0.113.5")
        .await
        .expect("answers");
    assert_eq!(
        codes(again).await,
        ["RATE_LIMITED"],
        "the right-most untrusted hop is the client"
    );
    let other = lookup(&trusting, &order, &customer, "203.0.113.6")
        .await
        .expect("answers");
    assert!(
        codes(other).await.is_empty(),
        "another client has its own allowance"
    );

    let untrusting = spawn_app_with(|s| s.guest.lookups_per_minute = 1).await;
    let first = lookup(&untrusting, &order, &customer, "203.0.113.5")
        .await
        .expect("answers");
    assert!(codes(first).await.is_empty());
    let spoofed = lookup(&untrusting, &order, &customer, "203.0.113.99")
        .await
        .expect("answers");
    assert_eq!(
        codes(spoofed).await,
        ["RATE_LIMITED"],
        "an untrusted peer cannot pick its address"
    );
}
