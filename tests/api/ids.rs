//! Objects a normalised client cache keeps have stable IDs, are `Node`s where they can be fetched
//! again, and a mutation's payload returns the object it changed under the same ID.

use serde_json::{Value, json};

use crate::helpers::{GLOBEX_USER, IBERIA_USER, spawn_app};

const ME: &str = "{ me { id userId profile { company { id } } customers { id customerNumber } tools { id tool customerNumber status } } }";

const NODE: &str = "query($id: ID!) { node(id: $id) { __typename id
  ... on Me { userId } ... on Customer { customerNumber }
  ... on ToolAccess { tool customerNumber status } ... on InventoryItem { serialNumber } } }";

#[tokio::test]
async fn me_customers_tool_access_and_inventory_items_are_nodes() {
    let app = spawn_app().await;
    let me = app.graphql_as(GLOBEX_USER, ME, Value::Null).await;
    let me = me.assert_ok()["me"].clone();
    let company_id = &me["profile"]["company"]["id"];
    assert!(company_id.is_string());

    let fetch = |id: Value| {
        let app = &app;
        async move { app.graphql_as(GLOBEX_USER, NODE, json!({ "id": id })).await }
    };
    let node = fetch(me["id"].clone()).await;
    assert_eq!(node.assert_ok()["node"]["userId"], GLOBEX_USER);
    assert_eq!(node.assert_ok()["node"]["__typename"], "Me");

    let customer = &me["customers"][0];
    let node = fetch(customer["id"].clone()).await;
    assert_eq!(
        node.assert_ok()["node"]["customerNumber"],
        customer["customerNumber"]
    );

    let access = &me["tools"][0];
    let node = fetch(access["id"].clone()).await;
    assert_eq!(node.assert_ok()["node"]["status"], access["status"]);
    assert_eq!(node.assert_ok()["node"]["id"], access["id"]);

    let inventory = app
        .graphql_as(
            GLOBEX_USER,
            "{ inventory(first: 1) { edges { node { id serialNumber } } } }",
            Value::Null,
        )
        .await;
    let item = inventory.assert_ok()["inventory"]["edges"][0]["node"].clone();
    let node = fetch(item["id"].clone()).await;
    assert_eq!(
        node.assert_ok()["node"]["serialNumber"],
        item["serialNumber"]
    );
    assert_eq!(node.assert_ok()["node"]["__typename"], "InventoryItem");
}

#[tokio::test]
async fn another_users_ids_reveal_nothing() {
    let app = spawn_app().await;
    let me = app.graphql_as(GLOBEX_USER, ME, Value::Null).await;
    let me = me.assert_ok()["me"].clone();
    let inventory = app
        .graphql_as(
            GLOBEX_USER,
            "{ inventory(first: 1) { edges { node { id } } } }",
            Value::Null,
        )
        .await;
    let item_id = inventory.assert_ok()["inventory"]["edges"][0]["node"]["id"].clone();
    for id in [
        me["id"].clone(),
        me["customers"][0]["id"].clone(),
        me["tools"][0]["id"].clone(),
        item_id,
    ] {
        let answer = app.graphql_as(IBERIA_USER, NODE, json!({ "id": id })).await;
        assert_eq!(answer.error_codes(), ["NOT_FOUND"], "{id}: {}", answer.body);
        assert_eq!(answer.body["data"]["node"], Value::Null);
    }
}

#[tokio::test]
async fn the_authorisation_a_mutation_returns_has_the_id_me_tools_lists() {
    let app = spawn_app().await;
    let me = app.graphql_as(GLOBEX_USER, ME, Value::Null).await;
    let tools = me.assert_ok()["me"]["tools"].clone();
    let before = tools
        .as_array()
        .expect("tools")
        .iter()
        .find(|t| t["tool"] == "INVOICES" && t["customerNumber"] == "1000102")
        .expect("Avery has not asked for Invoices on 1000102 yet")
        .clone();
    assert_eq!(before["status"], "NOT_REQUESTED");
    let answer = app
        .graphql_as(
            GLOBEX_USER,
            "mutation { requestToolAuthorization(input: { tool: INVOICES, customerNumber: \"1000102\", justification: \"reconciling\" }) { authorization { id status } userErrors { code } } }",
            Value::Null,
        )
        .await;
    let authorization = &answer.assert_ok()["requestToolAuthorization"]["authorization"];
    assert_eq!(authorization["id"], before["id"]);
    assert_eq!(authorization["status"], "PENDING");
}
