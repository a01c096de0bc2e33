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
    let shipment_fields = field_names(&app, "GuestShipment").await;
    assert!(!shipment_fields.contains("lineNumbers"));
    assert!(shipment_fields.contains("trackingUrl"));
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
