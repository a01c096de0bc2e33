//! The inventory listing is paged at the systems: a large installed base (Atlas: 2,400 US items
//! in pages of 1,000, 2,048 German machines in pages of 500) comes back whole and once, the
//! systems are asked only for the pages a connection page needs, counting walks only when
//! `totalCount` is selected, and a cursor that does not fit its listing is the caller's error.

use std::collections::HashSet;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};

use supportgraph_adapters::sandbox::FaultSpec;

use crate::helpers::{TestApp, spawn_app, spawn_app_with};

const ATLAS: &str = "atlas-morgan";
const US_ITEMS: u64 = 2_400;
const EU_ITEMS: u64 = 2_048;
/// Pages of the systems' own sizes: 3 of US Inventory OnLine's, 5 of the Services Assistant's.
const PAGES: u64 = 3 + 5;

const LISTING: &str = r#"
query($filter: InventoryFilter, $first: Int, $after: String) {
  inventory(filter: $filter, first: $first, after: $after) {
    pageInfo { hasNextPage endCursor }
    edges { node { serialNumber customerNumber source } }
  }
}"#;

const COUNTED: &str = r#"
query($filter: InventoryFilter, $first: Int, $after: String) {
  inventory(filter: $filter, first: $first, after: $after) {
    ...counted
    edges { node { serialNumber } }
  }
}
fragment counted on InventoryConnection { totalCount }"#;

/// Inventory-system calls made so far.
fn inventory_calls(app: &TestApp) -> u64 {
    let stats = app.sandbox.stats();
    ["us-inventory-online", "eu-services-assistant"]
        .iter()
        .map(|i| stats.instances[*i].calls)
        .sum()
}

/// One connection page as Atlas, and the calls it made.
async fn page(app: &TestApp, query: &str, variables: Value) -> (Value, u64) {
    let before = inventory_calls(app);
    let answer = app.graphql_as(ATLAS, query, variables).await;
    let inventory = answer.assert_ok()["inventory"].clone();
    (inventory, inventory_calls(app) - before)
}

fn nodes(inventory: &Value) -> Vec<Value> {
    inventory["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .map(|e| e["node"].clone())
        .collect()
}

/// Walks the whole listing in pages of `first`; every node, and the most calls one page made.
async fn walk(app: &TestApp, first: u32) -> (Vec<Value>, u64) {
    let mut after: Option<String> = None;
    let mut all = Vec::new();
    let mut most_calls = 0;
    loop {
        let (inventory, calls) =
            page(app, LISTING, json!({ "first": first, "after": after })).await;
        most_calls = most_calls.max(calls);
        all.extend(nodes(&inventory));
        if inventory["pageInfo"]["hasNextPage"] != json!(true) {
            return (all, most_calls);
        }
        after = inventory["pageInfo"]["endCursor"]
            .as_str()
            .map(str::to_owned);
    }
}

#[tokio::test]
async fn a_large_installed_base_comes_back_whole_and_once_asking_each_page_once() {
    let app = spawn_app().await;
    let before = inventory_calls(&app);
    let (items, _) = walk(&app, 100).await;
    assert_eq!(items.len() as u64, US_ITEMS + EU_ITEMS);
    let distinct: HashSet<(String, String)> = items
        .iter()
        .map(|i| {
            (
                i["customerNumber"].as_str().unwrap_or_default().to_owned(),
                i["serialNumber"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    assert_eq!(distinct.len(), items.len(), "no item twice");
    // System by system: every US item before the first European one.
    let first_eu = items
        .iter()
        .position(|i| i["source"] == "EU_SERVICES_ASSISTANT")
        .expect("European items");
    assert_eq!(first_eu as u64, US_ITEMS);
    // 45 connection pages, and through the cache each system page was asked for once.
    assert_eq!(inventory_calls(&app) - before, PAGES);
}

#[tokio::test]
async fn without_a_cache_each_connection_page_asks_only_the_pages_holding_its_items() {
    let app = spawn_app_with(|s| s.cache.inventory_ttl_seconds = 0).await;
    // The first page: US Inventory OnLine's first page, nothing of Europe's.
    let (inventory, calls) = page(&app, LISTING, json!({ "first": 10 })).await;
    assert_eq!(nodes(&inventory).len(), 10);
    assert_eq!(calls, 1);
    // Every page after: at most the page it continues on and the one after it.
    let (items, most_calls) = walk(&app, 100).await;
    assert_eq!(items.len() as u64, US_ITEMS + EU_ITEMS);
    assert!(most_calls <= 2, "a connection page made {most_calls} calls");
}

#[tokio::test]
async fn the_total_is_counted_only_when_selected_and_from_the_totals_the_systems_announce() {
    let app = spawn_app_with(|s| s.cache.inventory_ttl_seconds = 0).await;
    let (inventory, calls) = page(&app, COUNTED, json!({ "first": 5 })).await;
    assert_eq!(inventory["totalCount"], US_ITEMS + EU_ITEMS);
    assert_eq!(nodes(&inventory).len(), 5);
    // One page of each system: the one listed from, and one announcing Europe's total.
    assert_eq!(calls, 2);
}

#[tokio::test]
async fn a_filtered_total_walks_every_page_once_and_stops_at_the_budget() {
    let filter = json!({ "kind": "SOFTWARE" });
    let app = spawn_app().await;
    let (counted, calls) = page(&app, COUNTED, json!({ "filter": filter, "first": 3 })).await;
    assert_eq!(calls, PAGES, "every page, each once");
    let total = counted["totalCount"].as_u64().expect("a total");
    assert!(total > 0 && total < US_ITEMS + EU_ITEMS, "{total}");
    let mut matching = 0;
    let mut after: Option<String> = None;
    loop {
        let (inventory, _) = page(
            &app,
            LISTING,
            json!({ "filter": filter, "first": 100, "after": after }),
        )
        .await;
        matching += nodes(&inventory).len() as u64;
        if inventory["pageInfo"]["hasNextPage"] != json!(true) {
            break;
        }
        after = inventory["pageInfo"]["endCursor"]
            .as_str()
            .map(str::to_owned);
    }
    assert_eq!(matching, total);

    // A budget too small to count every page leaves the items and makes the total unknown,
    // saying why on `totalCount`'s field.
    let tight = spawn_app_with(|s| s.limits.max_backend_calls = 6).await;
    let before = inventory_calls(&tight);
    let answer = tight
        .graphql_as(ATLAS, COUNTED, json!({ "filter": filter, "first": 3 }))
        .await;
    let made = inventory_calls(&tight) - before;
    assert!(
        made <= 6,
        "{made} pages for a budget of 6 calls ({PAGES} needed)"
    );
    assert_eq!(answer.error_codes(), ["BAD_USER_INPUT"], "{}", answer.body);
    assert_eq!(answer.body["errors"][0]["path"], json!(["inventory"]));
    let inventory = &answer.body["data"]["inventory"];
    assert!(inventory["totalCount"].is_null(), "{}", answer.body);
    assert_eq!(nodes(inventory).len(), 3, "the items still arrive");
}

#[tokio::test]
async fn a_system_failing_part_way_stops_the_page_there_and_paging_resumes_after() {
    let app = spawn_app_with(|s| s.cache.inventory_ttl_seconds = 0).await;
    let (first, _) = page(&app, LISTING, json!({ "first": 100 })).await;
    let cursor = first["pageInfo"]["endCursor"].clone();
    let failing = FaultSpec {
        error_rate: 1.0,
        ..FaultSpec::default()
    };
    app.sandbox
        .set_fault("us-inventory-online", failing)
        .expect("a fault");
    let answer = app
        .graphql_as(ATLAS, LISTING, json!({ "first": 100, "after": cursor }))
        .await;
    assert_eq!(
        answer.error_codes(),
        ["BACKEND_UNAVAILABLE"],
        "{}",
        answer.body
    );
    let stopped = &answer.body["data"]["inventory"];
    assert_eq!(nodes(stopped).len(), 0, "no European item jumps the queue");
    assert_eq!(stopped["pageInfo"]["hasNextPage"], true);

    app.sandbox
        .set_fault("us-inventory-online", FaultSpec::default())
        .expect("healed");
    let (resumed, _) = page(&app, LISTING, json!({ "first": 100, "after": cursor })).await;
    let items = nodes(&resumed);
    assert_eq!(items.len(), 100);
    assert!(items.iter().all(|i| i["source"] == "US_INVENTORY_ONLINE"));
    let first_items = nodes(&first);
    let before: HashSet<&str> = first_items
        .iter()
        .map(|i| i["serialNumber"].as_str().unwrap_or_default())
        .collect();
    assert!(
        items
            .iter()
            .all(|i| !before.contains(i["serialNumber"].as_str().unwrap_or_default())),
        "continues after the first page"
    );
}

#[tokio::test]
async fn a_serial_number_is_looked_up_not_walked_for() {
    let app = spawn_app().await;
    let (listing, _) = page(&app, LISTING, json!({ "first": 1 })).await;
    let serial = nodes(&listing)[0]["serialNumber"].clone();
    let (inventory, calls) = page(
        &app,
        COUNTED,
        json!({ "filter": { "serialNumber": serial }, "first": 5 }),
    )
    .await;
    assert_eq!(inventory["totalCount"], 1);
    assert_eq!(nodes(&inventory)[0]["serialNumber"], serial);
    assert_eq!(calls, 2, "one lookup per system, no page walked");
}

/// A cursor as the gateway writes one, for a position of our choosing.
fn forged_cursor(position: Value) -> String {
    URL_SAFE_NO_PAD.encode(format!("inv2:{position}"))
}

#[tokio::test]
async fn a_cursor_that_does_not_fit_its_listing_is_the_callers_error() {
    let app = spawn_app().await;
    let (first, _) = page(&app, LISTING, json!({ "first": 1 })).await;
    let cursor = first["pageInfo"]["endCursor"].clone();

    // Atlas's cursor, continued over other customer numbers.
    let narrowed = app
        .graphql_as(
            ATLAS,
            LISTING,
            json!({ "filter": { "customerNumbers": ["4900402"] }, "after": cursor }),
        )
        .await;
    assert_eq!(
        narrowed.error_codes(),
        ["BAD_USER_INPUT"],
        "{}",
        narrowed.body
    );

    // Another company's user with Atlas's cursor.
    let other = app
        .graphql_as(
            crate::helpers::GLOBEX_USER,
            LISTING,
            json!({ "after": cursor }),
        )
        .await;
    assert_eq!(other.error_codes(), ["BAD_USER_INPUT"], "{}", other.body);

    // A page token the system never issued, behind the right listing: the system refuses it,
    // the caller hears why, and the system's breaker does not count it.
    let mut position: Value = serde_json::from_slice(
        &URL_SAFE_NO_PAD
            .decode(cursor.as_str().expect("a cursor"))
            .expect("base64")[5..],
    )
    .expect("json");
    position["page"] = json!("after.NOSUCHSERIAL");
    let forged = app
        .graphql_as(
            ATLAS,
            LISTING,
            json!({ "after": forged_cursor(position.clone()) }),
        )
        .await;
    assert_eq!(forged.error_codes(), ["BAD_USER_INPUT"], "{}", forged.body);

    // A page token that breaks the cursor rule is refused unsent.
    position["page"] = json!("a page token with spaces");
    let before = inventory_calls(&app);
    let broken = app
        .graphql_as(ATLAS, LISTING, json!({ "after": forged_cursor(position) }))
        .await;
    assert_eq!(broken.error_codes(), ["BAD_USER_INPUT"], "{}", broken.body);
    assert_eq!(inventory_calls(&app), before);
}
