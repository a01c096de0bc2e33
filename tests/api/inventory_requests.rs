//! Inventory change requests: US updates, EU service changes for entitled customers only, and
//! serial-number lookups batched per system.

use serde_json::{Value, json};
use supportgraph_adapters::eu_services::sandbox::generate as eu_generate;
use supportgraph_adapters::us_inventory::sandbox::generate as us_generate;

use crate::helpers::{GLOBEX_USER, TestApp, spawn_app};

const UPDATE: &str = r#"mutation($input: InventoryChangeInput!) {
  requestInventoryUpdate(input: $input) { request { requestId serialNumber change receivedOn } userErrors { field code } } }"#;
const SERVICE: &str = r#"mutation($input: InventoryChangeInput!) {
  requestServiceChange(input: $input) { request { requestId serialNumber change } userErrors { field code } } }"#;

fn us_serial(app: &TestApp, customer: &str) -> String {
    us_generate(app.settings.sandbox.seed)
        .into_iter()
        .find(|r| r.cust_no == customer)
        .map(|r| r.serial_no)
        .expect("a US item")
}

fn eu_serial(app: &TestApp, customer: &str) -> String {
    eu_generate(app.settings.sandbox.seed)
        .into_iter()
        .find(|l| l.customer == customer)
        .and_then(|l| l.machines.first().map(|m| m.serial.clone()))
        .expect("an EU machine")
}

fn input(customer: &str, serial: &str, details: &str) -> Value {
    json!({ "input": { "customerNumber": customer, "serialNumber": serial, "change": "MOVED", "details": details } })
}

fn writes(app: &TestApp, instance: &str) -> u64 {
    app.sandbox.stats().instances[instance].writes
}

#[tokio::test]
async fn a_us_inventory_update_is_recorded_and_the_cached_inventory_refreshed() {
    let app = spawn_app().await;
    let list = "{ inventory(first: 1) { totalCount } }";
    app.graphql_as(GLOBEX_USER, list, Value::Null)
        .await
        .assert_ok();
    app.graphql_as(GLOBEX_USER, list, Value::Null)
        .await
        .assert_ok();
    let reads = app.sandbox.stats().instances["us-inventory-online"].calls;
    assert_eq!(reads, 1, "the inventory is cached");

    let serial = us_serial(&app, "1000101");
    let answer = app
        .graphql_as(
            GLOBEX_USER,
            UPDATE,
            input("1000101", &serial, "moved to Dallas"),
        )
        .await;
    let request = &answer.assert_ok()["requestInventoryUpdate"]["request"];
    assert!(
        request["requestId"]
            .as_str()
            .is_some_and(|id| id.starts_with("IOL-"))
    );
    assert_eq!(request["serialNumber"], json!(serial));
    assert_eq!(writes(&app, "us-inventory-online"), 1);

    let before_list = app.sandbox.stats().instances["us-inventory-online"].calls;
    app.graphql_as(GLOBEX_USER, list, Value::Null)
        .await
        .assert_ok();
    let after = app.sandbox.stats().instances["us-inventory-online"].calls;
    assert_eq!(
        after - before_list,
        1,
        "the change invalidated the cached inventory"
    );
}

#[tokio::test]
async fn unknown_items_and_bad_details_are_user_errors_without_a_write() {
    let app = spawn_app().await;
    let serial = us_serial(&app, "1000101");
    for (variables, field, code) in [
        (
            input("1000101", "NO-SUCH-SERIAL", "x"),
            "serialNumber",
            "UNKNOWN_ITEM",
        ),
        (input("1000101", &serial, " "), "details", "INVALID_REQUEST"),
        (
            input("1000101", &serial, &"x".repeat(2001)),
            "details",
            "INVALID_REQUEST",
        ),
    ] {
        let answer = app.graphql_as(GLOBEX_USER, UPDATE, variables).await;
        let errors = &answer.assert_ok()["requestInventoryUpdate"]["userErrors"];
        assert_eq!(errors[0]["code"], code);
        assert_eq!(errors[0]["field"], json!(["input", field]));
    }
    assert_eq!(writes(&app, "us-inventory-online"), 0);
}

#[tokio::test]
async fn service_changes_are_for_entitled_customers_only() {
    let app = spawn_app().await;
    let german = eu_serial(&app, "4900301");
    let entitled = app
        .graphql_as(
            GLOBEX_USER,
            SERVICE,
            input("4900301", &german, "to München"),
        )
        .await;
    let request = &entitled.assert_ok()["requestServiceChange"]["request"];
    assert!(
        request["requestId"]
            .as_str()
            .is_some_and(|id| id.starts_with("SA-"))
    );

    let spanish = eu_serial(&app, "4400201");
    let refused = app
        .graphql_as(GLOBEX_USER, SERVICE, input("4400201", &spanish, "scrapped"))
        .await;
    assert_eq!(refused.error_codes(), ["SERVICES_ASSISTANT_NOT_ENTITLED"]);
    assert_eq!(
        refused.body["errors"][0]["extensions"]["category"],
        "FORBIDDEN"
    );
    assert_eq!(refused.body["data"], Value::Null);
    assert_eq!(
        writes(&app, "eu-services-assistant"),
        1,
        "only the entitled request was sent"
    );
}

#[tokio::test]
async fn each_mutation_serves_its_own_system() {
    let app = spawn_app().await;
    let german = eu_serial(&app, "4900301");
    let answer = app
        .graphql_as(GLOBEX_USER, UPDATE, input("4900301", &german, "x"))
        .await;
    assert_eq!(
        answer.assert_ok()["requestInventoryUpdate"]["userErrors"][0]["code"],
        "WRONG_SYSTEM"
    );
    let american = us_serial(&app, "1000101");
    let answer = app
        .graphql_as(GLOBEX_USER, SERVICE, input("1000101", &american, "x"))
        .await;
    assert_eq!(
        answer.assert_ok()["requestServiceChange"]["userErrors"][0]["code"],
        "WRONG_SYSTEM",
        "a US item is not a matter of Services Assistant entitlement"
    );
    assert_eq!(
        writes(&app, "eu-services-assistant") + writes(&app, "us-inventory-online"),
        0
    );
}

#[tokio::test]
async fn serial_lookups_are_batched_per_system() {
    let app = spawn_app().await;
    let serials: Vec<String> = us_generate(app.settings.sandbox.seed)
        .into_iter()
        .filter(|r| r.cust_no == "1000101")
        .take(20)
        .map(|r| r.serial_no)
        .collect();
    let query = |n: usize| {
        let fields: String = serials[..n]
            .iter()
            .enumerate()
            .map(|(i, s)| format!("i{i}: inventoryItem(customerNumber: \"1000101\", serialNumber: \"{s}\") {{ serialNumber model }} "))
            .collect();
        format!("{{ {fields} }}")
    };
    for n in [2, 20] {
        let before = app.sandbox.stats().instances["us-inventory-online"].calls;
        let answer = app.graphql_as(GLOBEX_USER, &query(n), Value::Null).await;
        answer.assert_ok();
        let calls = app.sandbox.stats().instances["us-inventory-online"].calls - before;
        assert_eq!(calls, 1, "{n} lookups, one batch call");
    }
}
