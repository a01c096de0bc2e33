//! Federation subgraph mode: `_service { sdl }` speaks Federation v2 with a key on each entity,
//! `_entities` finds each entity again with the caller's authorisation (another company's is
//! `null`, never data), and with `federation.enabled` off the schema has neither field.

use serde_json::{Value, json};
use supportgraph_adapters::model::Tool;
use supportgraph_adapters::sandbox::FaultSpec;

use crate::helpers::{
    GLOBEX_USER, IBERIA_USER, NORTHWIND_USER, authorized_customers, spawn_app, spawn_app_with,
};

const ENTITIES: &str = r#"
query($r: [_Any!]!) {
  _entities(representations: $r) {
    __typename
    ... on Order { orderNumber customerNumber }
    ... on InventoryItem { serialNumber customerNumber }
    ... on Invoice { invoiceNumber customerNumber }
    ... on Contract { contractNumber customerNumber }
    ... on Inquiry { trackingNumber customerNumber }
    ... on Statement { customerNumber period closingBalance { amount currency } }
  }
}"#;

#[tokio::test]
async fn the_sdl_links_federation_v2_and_keys_every_entity() {
    let app = spawn_app().await;
    let answer = app
        .graphql_as(GLOBEX_USER, "{ _service { sdl } }", Value::Null)
        .await;
    let sdl = answer.assert_ok()["_service"]["sdl"]
        .as_str()
        .expect("the SDL")
        .to_owned();
    assert!(
        sdl.contains("extend schema @link(\n\turl: \"https://specs.apollo.dev/federation/v2."),
        "{sdl}"
    );
    for entity in ["Order", "InventoryItem", "Invoice", "Contract", "Inquiry"] {
        assert!(
            sdl.contains(&format!(
                "type {entity} implements Node @key(fields: \"id\")"
            )),
            "{entity} is keyed by its global ID"
        );
    }
    assert!(sdl.contains("type Statement @key(fields: \"customerNumber period\")"));
    // The entity resolvers are reached through `_entities` only, never as fields of `Query`.
    assert!(!sdl.contains("orderEntity"), "{sdl}");
    assert_eq!(sdl, supportgraph::graphql::subgraph_sdl());
}

/// The first node of `connection` in `field`'s answer to `query`, as `user`.
async fn first_node(app: &crate::helpers::TestApp, user: &str, query: &str, field: &str) -> Value {
    let answer = app.graphql_as(user, query, Value::Null).await;
    answer.assert_ok()[field]["edges"][0]["node"].clone()
}

#[tokio::test]
async fn an_entity_of_the_callers_company_resolves_and_another_companys_is_null() {
    let app = spawn_app_with(|s| s.limits.rate_burst = 1_000_000).await;
    let order = first_node(
        &app,
        GLOBEX_USER,
        "{ orders(first: 1) { edges { node { id orderNumber } } } }",
        "orders",
    )
    .await;
    let item = first_node(
        &app,
        GLOBEX_USER,
        "{ inventory(first: 1) { edges { node { id serialNumber } } } }",
        "inventory",
    )
    .await;
    let representations = json!([
        { "__typename": "Order", "id": order["id"] },
        { "__typename": "InventoryItem", "id": item["id"] },
    ]);

    let mine = app
        .graphql_as(GLOBEX_USER, ENTITIES, json!({ "r": representations }))
        .await;
    let found = mine.assert_ok()["_entities"].clone();
    assert_eq!(found[0]["__typename"], "Order");
    assert_eq!(found[0]["orderNumber"], order["orderNumber"]);
    assert_eq!(found[1]["__typename"], "InventoryItem");
    assert_eq!(found[1]["serialNumber"], item["serialNumber"]);

    // Another company asking for the same representations gets nulls, and no error that would
    // say they exist.
    for user in [IBERIA_USER, NORTHWIND_USER] {
        let theirs = app
            .graphql_as(user, ENTITIES, json!({ "r": representations }))
            .await;
        assert_eq!(
            theirs.assert_ok()["_entities"],
            json!([null, null]),
            "{user}"
        );
    }

    // An edited ID, or a representation of another type with this ID, is null too.
    let edited = app
        .graphql_as(
            GLOBEX_USER,
            ENTITIES,
            json!({ "r": [
                { "__typename": "Order", "id": "not-an-id" },
                { "__typename": "Invoice", "id": order["id"] },
            ] }),
        )
        .await;
    assert_eq!(edited.assert_ok()["_entities"], json!([null, null]));
}

#[tokio::test]
async fn invoices_contracts_and_inquiries_are_entities_for_their_owner_only() {
    let app = spawn_app_with(|s| s.limits.rate_burst = 1_000_000).await;
    let mut representations = Vec::new();
    let mut expected = Vec::new();
    for (user, query, field, typename, number) in [
        (
            GLOBEX_USER,
            "{ invoices(first: 1) { edges { node { id invoiceNumber } } } }",
            "invoices",
            "Invoice",
            "invoiceNumber",
        ),
        (
            NORTHWIND_USER,
            "{ contracts(first: 1) { edges { node { id contractNumber } } } }",
            "contracts",
            "Contract",
            "contractNumber",
        ),
        (
            GLOBEX_USER,
            "{ inquiries(first: 1) { edges { node { id trackingNumber } } } }",
            "inquiries",
            "Inquiry",
            "trackingNumber",
        ),
    ] {
        let node = first_node(&app, user, query, field).await;
        assert!(node[number].is_string(), "{user} has {field}: {node}");
        let representation = json!([{ "__typename": typename, "id": node["id"] }]);
        let answer = app
            .graphql_as(user, ENTITIES, json!({ "r": representation }))
            .await;
        let found = &answer.assert_ok()["_entities"][0];
        assert_eq!(found["__typename"], typename);
        assert_eq!(found[number], node[number]);
        representations.push(representation[0].clone());
        expected.push(Value::Null);
    }
    let theirs = app
        .graphql_as(IBERIA_USER, ENTITIES, json!({ "r": representations }))
        .await;
    assert_eq!(theirs.assert_ok()["_entities"], Value::Array(expected));
}

#[tokio::test]
async fn a_region_that_cannot_answer_nulls_its_entities_only_with_an_error_on_the_field() {
    let app = spawn_app_with(|s| s.limits.rate_burst = 1_000_000).await;
    let orders = app
        .graphql_as(
            GLOBEX_USER,
            "{ orders(first: 100) { edges { node { id region orderNumber } } } }",
            Value::Null,
        )
        .await;
    let edges = orders.assert_ok()["orders"]["edges"]
        .as_array()
        .expect("edges")
        .clone();
    let in_region = |region: &str| {
        edges
            .iter()
            .map(|e| e["node"].clone())
            .find(|n| n["region"] == region)
            .unwrap_or_else(|| panic!("Globex has an order in {region}"))
    };
    let (americas, emea) = (in_region("AMERICAS"), in_region("EMEA"));
    app.sandbox
        .set_fault(
            "order-status/emea",
            FaultSpec {
                error_rate: 1.0,
                ..FaultSpec::default()
            },
        )
        .expect("a known instance");
    let answer = app
        .graphql_as(
            GLOBEX_USER,
            ENTITIES,
            json!({ "r": [
                { "__typename": "Order", "id": emea["id"] },
                { "__typename": "Order", "id": americas["id"] },
            ] }),
        )
        .await;
    let found = &answer.body["data"]["_entities"];
    assert_eq!(found[0], Value::Null, "{}", answer.body);
    assert_eq!(found[1]["orderNumber"], americas["orderNumber"]);
    assert_eq!(
        answer.error_codes(),
        ["BACKEND_UNAVAILABLE"],
        "{}",
        answer.body
    );
    assert_eq!(answer.body["errors"][0]["path"], json!(["_entities"]));
}

#[tokio::test]
async fn a_routers_batch_shares_lookup_calls_and_too_many_representations_are_refused_before_any_call()
 {
    let app = spawn_app_with(|s| s.limits.rate_burst = 1_000_000).await;
    let orders = app
        .graphql_as(
            GLOBEX_USER,
            "{ orders(first: 40) { edges { node { id orderNumber } } } }",
            Value::Null,
        )
        .await;
    let nodes: Vec<Value> = orders.assert_ok()["orders"]["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .map(|e| e["node"].clone())
        .collect();
    assert_eq!(nodes.len(), 40);
    let representations: Vec<Value> = nodes
        .iter()
        .map(|n| json!({ "__typename": "Order", "id": n["id"] }))
        .collect();
    // Forty orders, as a router sends them: one batch per region, not forty calls.
    let before = app.backend_calls();
    let answer = app
        .graphql_as(GLOBEX_USER, ENTITIES, json!({ "r": representations }))
        .await;
    let found = answer.assert_ok()["_entities"]
        .as_array()
        .expect("a list")
        .clone();
    assert_eq!(found.len(), 40);
    for (entity, node) in found.iter().zip(&nodes) {
        assert_eq!(entity["orderNumber"], node["orderNumber"]);
    }
    let calls = app.backend_calls() - before;
    assert!(calls <= 4, "40 lookups made {calls} backend calls");

    // Five hundred inquiries would make five hundred calls: refused before any.
    let many: Vec<Value> = (0..500)
        .map(|i| json!({ "__typename": "Inquiry", "id": format!("inquiry-{i}") }))
        .collect();
    let before = app.backend_calls();
    let refused = app
        .graphql_as(GLOBEX_USER, ENTITIES, json!({ "r": many }))
        .await;
    assert_eq!(
        refused.error_codes(),
        ["BAD_USER_INPUT"],
        "{}",
        refused.body
    );
    assert_eq!(app.backend_calls(), before);
}

#[tokio::test]
async fn a_statement_is_found_by_customer_number_and_month_for_its_owner_only() {
    let app = spawn_app().await;
    let customer = authorized_customers(GLOBEX_USER, Tool::Statements)
        .into_iter()
        .next()
        .expect("the demo gives Avery Statements on a customer number");
    let representation = json!([
        { "__typename": "Statement", "customerNumber": customer, "period": "2026-10" }
    ]);
    let answer = app
        .graphql_as(GLOBEX_USER, ENTITIES, json!({ "r": representation }))
        .await;
    let statement = &answer.assert_ok()["_entities"][0];
    assert_eq!(statement["customerNumber"], customer);
    assert_eq!(statement["period"], "2026-10");
    assert!(statement["closingBalance"]["amount"].is_string());

    let theirs = app
        .graphql_as(IBERIA_USER, ENTITIES, json!({ "r": representation }))
        .await;
    assert_eq!(theirs.assert_ok()["_entities"], json!([null]));

    // A malformed month is the caller's mistake, said as such.
    let bad = app
        .graphql_as(
            GLOBEX_USER,
            ENTITIES,
            json!({ "r": [{ "__typename": "Statement", "customerNumber": customer, "period": "October" }] }),
        )
        .await;
    assert_eq!(bad.error_codes(), ["BAD_USER_INPUT"], "{}", bad.body);
}

#[tokio::test]
async fn with_federation_off_the_schema_has_no_subgraph_fields() {
    let app = spawn_app_with(|s| s.federation.enabled = false).await;
    for query in [
        "{ _service { sdl } }",
        "{ _entities(representations: []) { __typename } }",
    ] {
        let answer = app.graphql_as(GLOBEX_USER, query, Value::Null).await;
        assert_eq!(answer.error_codes(), ["BAD_USER_INPUT"], "{query}");
        let message = answer.body["errors"][0]["message"]
            .as_str()
            .unwrap_or_default();
        assert!(message.starts_with("Unknown field"), "{query}: {message}");
    }
    let orders = app
        .graphql_as(
            GLOBEX_USER,
            "{ orders(first: 1) { totalCount } }",
            Value::Null,
        )
        .await;
    assert!(orders.assert_ok()["orders"]["totalCount"].is_number());
}
