//! A region whose order-status instance sends amounts that overflow a decimal: that region is
//! reported unavailable, the other regions still answer, and the gateway neither panics nor drops
//! the connection.

use std::collections::BTreeSet;

use serde_json::json;
use supportgraph_adapters::sandbox::FaultSpec;

use crate::helpers::{GLOBEX_USER, spawn_app_with};

const ORDERS: &str = r#"
query($filter: OrderFilter) {
  orders(first: 100, filter: $filter) {
    edges { node { orderNumber region total { amount } } }
  }
}"#;

/// The documented overflowing answer (quantity × price, and a sum, beyond a decimal's range).
const FIXTURE: &str = "adapters/fixtures/order_status/malformed_overflowing_amounts.json";
const HUGE_PRICE: &str = "79228162514264337593543950335";

#[tokio::test]
async fn overflowing_amounts_from_one_region_give_backend_unavailable_and_the_others_answer() {
    let app = spawn_app_with(|s| {
        let spec = FaultSpec {
            malformed: Some("overflowing-amounts".into()),
            ..FaultSpec::default()
        };
        s.sandbox.faults.insert("order-status/emea".into(), spec);
    })
    .await;
    let answer = app.graphql_as(GLOBEX_USER, ORDERS, json!({})).await;

    assert_eq!(answer.status, 200);
    assert_eq!(
        answer.error_codes(),
        ["BACKEND_UNAVAILABLE"],
        "{}",
        answer.body
    );
    let error = &answer.body["errors"][0];
    assert_eq!(error["path"], json!(["orders"]));
    assert_eq!(error["extensions"]["region"], "emea");
    assert_eq!(error["extensions"]["backend"], "order-status/emea");
    let text = answer.body.to_string();
    assert!(
        !text.contains(HUGE_PRICE) && !text.contains("decimal"),
        "no backend detail leaks: {text}"
    );

    let edges = answer.body["data"]["orders"]["edges"]
        .as_array()
        .expect("partial data");
    assert_eq!(edges.len(), 100);
    let regions: BTreeSet<&str> = edges
        .iter()
        .map(|e| e["node"]["region"].as_str().expect("a region"))
        .collect();
    assert_eq!(regions, BTreeSet::from(["AMERICAS", "AP"]));
    assert!(
        edges.iter().all(|e| e["node"]["total"]["amount"]
            .as_str()
            .is_some_and(|a| a.parse::<f64>().is_ok())),
        "every order listed has its total"
    );
}

#[tokio::test]
async fn the_same_answer_with_sane_prices_is_listed_so_only_the_amounts_were_refused() {
    let fixture = std::fs::read_to_string(FIXTURE).expect("the fixture");
    assert!(fixture.contains(HUGE_PRICE));
    let sane = fixture.replace(HUGE_PRICE, "1000.00");
    let app = spawn_app_with(|s| {
        let spec = FaultSpec {
            replace_body: Some(sane),
            ..FaultSpec::default()
        };
        s.sandbox.faults.insert("order-status/emea".into(), spec);
    })
    .await;
    let answer = app
        .graphql_as(
            GLOBEX_USER,
            ORDERS,
            json!({ "filter": { "customerNumbers": ["4400201"] } }),
        )
        .await;
    let edges = answer.assert_ok()["orders"]["edges"]
        .as_array()
        .expect("orders")
        .iter()
        .map(|e| {
            (
                e["node"]["orderNumber"].as_str().expect("a number"),
                e["node"]["total"]["amount"].as_str().expect("an amount"),
            )
        })
        .collect::<Vec<_>>();
    assert_eq!(
        edges,
        [("244002010096", "2000.00"), ("244002010095", "2000.00")]
    );
}
