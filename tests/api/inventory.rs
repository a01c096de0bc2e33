//! Installed inventory over US Inventory OnLine and the EU Services Assistant, merged: every
//! filter, paging, inquiry-only countries, and one system failing or talking nonsense.

use std::collections::HashSet;

use chrono::{NaiveDate, Utc};
use serde_json::{Value, json};
use supportgraph_adapters::sandbox::FaultSpec;

use crate::helpers::{GLOBEX_USER, TestApp, spawn_app};

const INVENTORY: &str = r#"
query($filter: InventoryFilter, $first: Int, $after: String) {
  inventory(filter: $filter, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    excludedCustomers { customerNumber reason }
    edges { node {
      serialNumber customerNumber country region source kind machineType model
      location { name city }
      maintenance { endsOn } lease { endsOn monthlyAmount { amount currency } }
      contractNumber serviceLevel { name responseHours } configuration { code quantity }
    } }
  }
}"#;

/// Every item Avery sees with `filter`, over all pages.
async fn all(app: &TestApp, filter: Value) -> Vec<Value> {
    let mut after: Option<String> = None;
    let mut nodes = Vec::new();
    loop {
        let answer = app
            .graphql_as(
                GLOBEX_USER,
                INVENTORY,
                json!({ "filter": filter, "first": 7, "after": after }),
            )
            .await;
        let inventory = &answer.assert_ok()["inventory"];
        nodes.extend(
            inventory["edges"]
                .as_array()
                .expect("edges")
                .iter()
                .map(|e| e["node"].clone()),
        );
        if inventory["pageInfo"]["hasNextPage"] != json!(true) {
            assert_eq!(inventory["totalCount"].as_u64(), Some(nodes.len() as u64));
            return nodes;
        }
        after = inventory["pageInfo"]["endCursor"]
            .as_str()
            .map(str::to_owned);
    }
}

/// Whether an item (as the API returns it) belongs in a filter's answer.
type Predicate<'a> = Box<dyn Fn(&Value) -> bool + 'a>;

fn date(value: &Value) -> Option<NaiveDate> {
    value
        .as_str()
        .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
}

#[tokio::test]
async fn us_and_eu_inventories_are_merged_with_their_region_and_source() {
    let app = spawn_app().await;
    let items = all(&app, Value::Null).await;
    let serials: HashSet<&str> = items
        .iter()
        .filter_map(|i| i["serialNumber"].as_str())
        .collect();
    assert_eq!(serials.len(), items.len(), "paging returns each item once");
    let us: Vec<&Value> = items
        .iter()
        .filter(|i| i["source"] == "US_INVENTORY_ONLINE")
        .collect();
    let eu: Vec<&Value> = items
        .iter()
        .filter(|i| i["source"] == "EU_SERVICES_ASSISTANT")
        .collect();
    assert_eq!(us.len(), 24, "Avery's US customer number 1000101");
    assert_eq!(eu.len(), 16, "and the German one, 4900301");
    assert!(
        us.iter()
            .all(|i| i["region"] == "AMERICAS" && i["serviceLevel"].is_null())
    );
    assert!(
        eu.iter()
            .all(|i| i["region"] == "EMEA" && i["lease"].is_null())
    );
    assert!(
        us.iter()
            .any(|i| i["lease"]["monthlyAmount"]["currency"] == "USD")
    );
    assert!(
        eu.iter()
            .any(|i| !i["configuration"].as_array().expect("list").is_empty())
    );

    let answer = app
        .graphql_as(GLOBEX_USER, INVENTORY, json!({ "first": 1 }))
        .await;
    let excluded = answer.assert_ok()["inventory"]["excludedCustomers"]
        .as_array()
        .expect("list")
        .clone();
    assert!(
        excluded
            .contains(&json!({ "customerNumber": "8100501", "reason": "INVENTORY_BY_INQUIRY" })),
        "Japan has no online inventory: that, not the authorisation, is the reason"
    );
    assert!(excluded.contains(&json!({ "customerNumber": "4400201", "reason": "NOT_AUTHORIZED" })));
}

#[tokio::test]
async fn every_filter_narrows_to_exactly_the_matching_items() {
    let app = spawn_app().await;
    let everything = all(&app, Value::Null).await;
    let today = Utc::now().date_naive();
    let within = |d: Option<NaiveDate>, n: i64| {
        d.is_some_and(|d| d >= today && d <= today + chrono::Duration::days(n))
    };
    let sample = &everything[0];
    let cases: Vec<(Value, Predicate)> = vec![
        (
            json!({ "customerNumbers": ["4900301"] }),
            Box::new(|i: &Value| i["customerNumber"] == "4900301"),
        ),
        (
            json!({ "location": "frankfurt" }),
            Box::new(|i: &Value| {
                i["location"]["city"]
                    .as_str()
                    .is_some_and(|c| c.contains("Frankfurt"))
                    || i["location"]["name"]
                        .as_str()
                        .is_some_and(|c| c.to_lowercase().contains("frankfurt"))
            }),
        ),
        (
            json!({ "kind": "SOFTWARE" }),
            Box::new(|i: &Value| i["kind"] == "SOFTWARE"),
        ),
        (
            json!({ "machineType": "9105" }),
            Box::new(|i: &Value| i["machineType"] == "9105"),
        ),
        (
            json!({ "model": "L3A" }),
            Box::new(|i: &Value| i["model"] == "L3A"),
        ),
        (
            json!({ "serialNumber": sample["serialNumber"] }),
            Box::new(|i: &Value| i["serialNumber"] == sample["serialNumber"]),
        ),
        (
            json!({ "maintenanceEndingWithinDays": 120 }),
            Box::new(|i: &Value| within(date(&i["maintenance"]["endsOn"]), 120)),
        ),
        (
            json!({ "leaseEndingWithinDays": 365 }),
            Box::new(|i: &Value| within(date(&i["lease"]["endsOn"]), 365)),
        ),
    ];
    for (filter, keep) in cases {
        let expected: Vec<&Value> = everything.iter().filter(|i| keep(i)).collect();
        assert!(
            !expected.is_empty(),
            "{filter}: the demo data has matching items"
        );
        assert!(
            expected.len() < everything.len(),
            "{filter}: and items that do not match"
        );
        let got = all(&app, filter.clone()).await;
        assert_eq!(got.iter().collect::<Vec<_>>(), expected, "{filter}");
    }
}

#[tokio::test]
async fn an_inquiry_only_country_points_to_submit_inquiry() {
    let app = spawn_app().await;
    let answer = app
        .graphql_as(
            GLOBEX_USER,
            INVENTORY,
            json!({ "filter": { "customerNumbers": ["8100501"] } }),
        )
        .await;
    assert_eq!(answer.error_codes(), ["FEATURE_NOT_AVAILABLE"]);
    let extensions = &answer.body["errors"][0]["extensions"];
    assert_eq!(extensions["useInstead"], "submitInquiry");
    assert_eq!(extensions["inquiryCategory"], "INVENTORY");
    assert_eq!(extensions["tool"], "INVENTORY");
    assert_eq!(
        app.backend_calls() - app.sandbox.stats().instances["registration"].calls,
        0
    );
}

#[tokio::test]
async fn bad_filters_are_refused_before_any_backend_call() {
    let app = spawn_app().await;
    for filter in [
        json!({ "maintenanceEndingWithinDays": -1 }),
        json!({ "leaseEndingWithinDays": 100000 }),
        json!({ "customerNumbers": [] }),
    ] {
        let answer = app
            .graphql_as(GLOBEX_USER, INVENTORY, json!({ "filter": filter }))
            .await;
        assert_eq!(answer.error_codes(), ["BAD_USER_INPUT"], "{filter}");
    }
    let foreign = app
        .graphql_as(
            GLOBEX_USER,
            INVENTORY,
            json!({ "filter": { "customerNumbers": ["4400301"] } }),
        )
        .await;
    assert_eq!(foreign.error_codes(), ["FORBIDDEN"]);
    assert_eq!(
        app.sandbox.stats().instances["us-inventory-online"].calls,
        0
    );
    assert_eq!(
        app.sandbox.stats().instances["eu-services-assistant"].calls,
        0
    );
}

/// The malformed fixtures of one backend, by file name.
fn malformed_fixtures(backend: &str) -> Vec<(String, String)> {
    let dir = format!("adapters/fixtures/{backend}");
    let mut fixtures: Vec<(String, String)> = std::fs::read_dir(&dir)
        .expect("the fixtures folder")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("malformed_"))
        })
        .map(|p| {
            let text = std::fs::read_to_string(&p).expect("readable");
            (
                p.file_name()
                    .expect("a name")
                    .to_string_lossy()
                    .into_owned(),
                text,
            )
        })
        .collect();
    fixtures.sort();
    assert!(
        fixtures.len() >= 4,
        "{dir} documents its malformed payloads"
    );
    fixtures
}

/// Injects `fault` into `instance`, asks for the whole inventory, and checks that the one
/// system's failure is a clean regional error while the other system's items all arrive.
async fn one_system_broken(
    instance: &str,
    fault: FaultSpec,
    intact_source: &str,
    intact_count: usize,
) {
    let app = spawn_app().await;
    app.sandbox.set_fault(instance, fault).expect("known");
    let answer = app
        .graphql_as(GLOBEX_USER, INVENTORY, json!({ "first": 100 }))
        .await;
    assert_eq!(answer.status, 200);
    assert_eq!(
        answer.error_codes(),
        ["BACKEND_UNAVAILABLE"],
        "{instance}: {}",
        answer.body
    );
    assert_eq!(answer.body["errors"][0]["extensions"]["backend"], instance);
    assert_eq!(answer.body["errors"][0]["path"], json!(["inventory"]));
    let text = answer.body.to_string();
    assert!(
        !text.contains("XML") && !text.contains("MM/DD") && !text.contains("payload"),
        "no backend detail leaks: {text}"
    );
    let edges = answer.body["data"]["inventory"]["edges"]
        .as_array()
        .expect("partial data");
    assert_eq!(edges.len(), intact_count);
    assert!(edges.iter().all(|e| e["node"]["source"] == intact_source));
}

#[tokio::test]
async fn each_malformed_fixture_is_a_clean_regional_error_with_the_other_region_intact() {
    for (name, body) in malformed_fixtures("us_inventory") {
        let fault = FaultSpec {
            replace_body: Some(body),
            ..FaultSpec::default()
        };
        eprintln!("us_inventory/{name}");
        one_system_broken("us-inventory-online", fault, "EU_SERVICES_ASSISTANT", 16).await;
    }
    for (name, body) in malformed_fixtures("eu_services") {
        let fault = FaultSpec {
            replace_body: Some(body),
            ..FaultSpec::default()
        };
        eprintln!("eu_services/{name}");
        one_system_broken("eu-services-assistant", fault, "US_INVENTORY_ONLINE", 24).await;
    }
}

#[tokio::test]
async fn a_failing_system_leaves_the_other_intact() {
    let failing = FaultSpec {
        error_rate: 1.0,
        ..FaultSpec::default()
    };
    one_system_broken(
        "eu-services-assistant",
        failing.clone(),
        "US_INVENTORY_ONLINE",
        24,
    )
    .await;
    one_system_broken("us-inventory-online", failing, "EU_SERVICES_ASSISTANT", 16).await;
}
