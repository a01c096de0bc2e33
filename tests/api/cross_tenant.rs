//! Tenant isolation, table-driven: for every field that takes an ID or a customer number, company
//! A's user with company B's IDs gets no data of B's. Later issues add their fields as rows.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};
use supportgraph_adapters::model::Region;
use supportgraph_adapters::order_status::sandbox::generate;

use crate::helpers::{GLOBEX_USER, IBERIA_USER, TestApp, spawn_app};

/// Company B's (Iberia's) identifying data, learnt the way B would see it.
struct Victim {
    customer_number: String,
    order_number: String,
    order_id: String,
    /// Strings that only B's data contains; none may reach A.
    secrets: Vec<String>,
}

fn global_id(json: Value) -> String {
    URL_SAFE_NO_PAD.encode(format!("sg1:{json}"))
}

async fn victim(app: &TestApp) -> Victim {
    let orders = generate(app.settings.sandbox.seed, Region::Emea);
    let mine: Vec<_> = orders.iter().filter(|o| o.cust_no == "4400301").collect();
    let order = mine[0];
    let answer = app
        .graphql_as(
            IBERIA_USER,
            "query($n: String!) { order(orderNumber: $n) { id } }",
            json!({ "n": order.order_no }),
        )
        .await;
    let order_id = answer.assert_ok()["order"]["id"]
        .as_str()
        .expect("an id")
        .to_owned();
    let mut secrets = vec!["Iberia".to_owned(), "lucia".to_owned()];
    secrets.extend(mine[1..6].iter().map(|o| o.order_no.clone()));
    secrets.extend(order.po_number.clone());
    secrets.extend(order.shipments.iter().map(|s| s.tracking_no.clone()));
    Victim {
        customer_number: order.cust_no.clone(),
        order_number: order.order_no.clone(),
        order_id,
        secrets,
    }
}

struct Row {
    field: &'static str,
    query: &'static str,
    variables: Value,
    /// The top-level error code, or the user error code for mutations.
    expected: &'static str,
}

fn rows(b: &Victim) -> Vec<Row> {
    let tampered_customer = global_id(json!({
        "t": "order", "r": "emea", "c": "4400201", "n": b.order_number
    }));
    let tampered_region = global_id(json!({
        "t": "order", "r": "americas", "c": b.customer_number, "n": b.order_number
    }));
    vec![
        Row {
            field: "orders(filter.customerNumbers)",
            query: "query($c: [String!]) { orders(filter: { customerNumbers: $c }) { totalCount edges { node { orderNumber } } } }",
            variables: json!({ "c": [b.customer_number] }),
            expected: "FORBIDDEN",
        },
        Row {
            field: "order(orderNumber)",
            query: "query($n: String!) { order(orderNumber: $n) { orderNumber total { amount } } }",
            variables: json!({ "n": b.order_number }),
            expected: "NOT_FOUND",
        },
        Row {
            field: "node(id) with B's order ID",
            query: "query($id: ID!) { node(id: $id) { id ... on Order { orderNumber customerNumber } } }",
            variables: json!({ "id": b.order_id }),
            expected: "NOT_FOUND",
        },
        Row {
            field: "node(id) with B's order under A's customer number",
            query: "query($id: ID!) { node(id: $id) { id ... on Order { orderNumber } } }",
            variables: json!({ "id": tampered_customer }),
            expected: "NOT_FOUND",
        },
        Row {
            field: "node(id) with B's order in another region",
            query: "query($id: ID!) { node(id: $id) { id } }",
            variables: json!({ "id": tampered_region }),
            expected: "NOT_FOUND",
        },
        Row {
            field: "node(id) malformed",
            query: "query($id: ID!) { node(id: $id) { id } }",
            variables: json!({ "id": format!("{}x", b.order_id) }),
            expected: "NOT_FOUND",
        },
        Row {
            field: "guestOrderStatus with A's customer number",
            query: "query($n: String!) { guestOrderStatus(orderNumber: $n, customerNumber: \"1000101\") { status } }",
            variables: json!({ "n": b.order_number }),
            expected: "NOT_FOUND",
        },
        Row {
            field: "requestToolAuthorization(customerNumber)",
            query: "mutation($c: String!) { requestToolAuthorization(input: { tool: ORDER_STATUS, customerNumber: $c, justification: \"x\" }) { authorization { status } userErrors { code } } }",
            variables: json!({ "c": b.customer_number }),
            expected: "NOT_COMPANY_CUSTOMER",
        },
    ]
}

#[tokio::test]
async fn company_a_never_sees_company_b_data_through_any_id_or_customer_number() {
    let app = spawn_app().await;
    let b = victim(&app).await;
    for row in rows(&b) {
        let answer = app
            .graphql_as(GLOBEX_USER, row.query, row.variables.clone())
            .await;
        let body = answer.body.to_string();
        for secret in &b.secrets {
            assert!(
                !body.contains(secret.as_str()),
                "{}: leaked {secret}: {body}",
                row.field
            );
        }
        let user_error =
            answer.body["data"]["requestToolAuthorization"]["userErrors"][0]["code"].as_str();
        let code = user_error
            .map(str::to_owned)
            .or_else(|| answer.error_codes().first().cloned());
        assert_eq!(code.as_deref(), Some(row.expected), "{}: {body}", row.field);
        let data = &answer.body["data"];
        let leaked_order = data.to_string().contains(&b.order_number)
            && !row.variables.to_string().contains(&b.order_number);
        assert!(!leaked_order, "{}: {body}", row.field);
        assert!(
            data.as_object().is_none_or(|d| d
                .values()
                .all(|v| v.is_null() || v.get("authorization").is_some_and(Value::is_null))),
            "{}: no data: {body}",
            row.field
        );
    }
}

#[tokio::test]
async fn the_owner_refetches_their_order_by_its_global_id() {
    let app = spawn_app().await;
    let b = victim(&app).await;
    let answer = app
        .graphql_as(
            IBERIA_USER,
            "query($id: ID!) { node(id: $id) { id ... on Order { orderNumber customerNumber } } }",
            json!({ "id": b.order_id }),
        )
        .await;
    let node = &answer.assert_ok()["node"];
    assert_eq!(node["id"], json!(b.order_id));
    assert_eq!(node["orderNumber"], json!(b.order_number));
    // The hand-built IDs of the tampering rows use the real format, so those rows exercise the
    // authorisation re-check, not the parser.
    let by_hand = global_id(json!({
        "t": "order", "r": "emea", "c": b.customer_number, "n": b.order_number
    }));
    let again = app
        .graphql_as(
            IBERIA_USER,
            "query($id: ID!) { node(id: $id) { ... on Order { orderNumber } } }",
            json!({ "id": by_hand }),
        )
        .await;
    assert_eq!(
        again.assert_ok()["node"]["orderNumber"],
        json!(b.order_number)
    );
}
