//! First-time tool authorisation: enforcement per (tool, customer number), the request mutation,
//! the administrator's decision, and the profile cache.

use serde_json::{Value, json};

use crate::helpers::{GLOBEX_USER, spawn_app, spawn_app_with};

const KENJI: &str = "globex-kenji";

const ORDERS: &str = r#"
query($filter: OrderFilter) {
  orders(first: 100, filter: $filter) {
    totalCount
    excludedCustomers { customerNumber reason }
    edges { node { customerNumber } }
  }
}"#;

const REQUEST: &str = r#"
mutation($input: RequestToolAuthorizationInput!) {
  requestToolAuthorization(input: $input) {
    authorization { tool customerNumber status }
    userErrors { field message code }
  }
}"#;

fn customers_of(answer: &Value) -> Vec<String> {
    answer["data"]["orders"]["edges"]
        .as_array()
        .map(|edges| {
            edges
                .iter()
                .map(|e| {
                    e["node"]["customerNumber"]
                        .as_str()
                        .unwrap_or_default()
                        .to_owned()
                })
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn pending_and_denied_authorisations_are_forbidden_with_how_to_get_access() {
    let app = spawn_app().await;
    let pending = app
        .graphql_as(
            GLOBEX_USER,
            ORDERS,
            json!({ "filter": { "customerNumbers": ["3300401"] } }),
        )
        .await;
    assert_eq!(pending.error_codes(), ["FORBIDDEN"]);
    assert!(
        pending.body["errors"][0]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("approval")
    );

    let denied = app
        .graphql_as(
            KENJI,
            ORDERS,
            json!({ "filter": { "customerNumbers": ["4900301"] } }),
        )
        .await;
    assert_eq!(denied.error_codes(), ["FORBIDDEN"]);
    assert!(
        denied.body["errors"][0]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("refused")
    );

    let never = app
        .graphql_as(
            KENJI,
            ORDERS,
            json!({ "filter": { "customerNumbers": ["1000101"] } }),
        )
        .await;
    assert_eq!(never.error_codes(), ["FORBIDDEN"]);
    assert!(
        never.body["errors"][0]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("requestToolAuthorization")
    );
}

#[tokio::test]
async fn lists_narrow_to_authorised_customer_numbers_and_say_what_they_left_out() {
    let app = spawn_app().await;
    let answer = app.graphql_as(KENJI, ORDERS, Value::Null).await;
    let data = answer.assert_ok();
    assert!(customers_of(&answer.body).iter().all(|c| c == "8100501"));
    assert!(!customers_of(&answer.body).is_empty());
    let excluded: Vec<(String, String)> = data["orders"]["excludedCustomers"]
        .as_array()
        .expect("excludedCustomers")
        .iter()
        .map(|e| {
            (
                e["customerNumber"].as_str().unwrap_or_default().to_owned(),
                e["reason"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    assert!(excluded.contains(&("4900301".into(), "AUTHORIZATION_DENIED".into())));
    assert!(excluded.contains(&("1000101".into(), "NOT_AUTHORIZED".into())));
    assert_eq!(excluded.len(), 5);

    let avery = app.graphql_as(GLOBEX_USER, ORDERS, Value::Null).await;
    assert!(
        avery.assert_ok()["orders"]["excludedCustomers"]
            .as_array()
            .expect("excludedCustomers")
            .contains(&json!({ "customerNumber": "3300401", "reason": "AUTHORIZATION_PENDING" }))
    );
    assert!(!customers_of(&avery.body).contains(&"3300401".to_owned()));
}

#[tokio::test]
async fn a_request_then_approval_then_access() {
    let app = spawn_app_with(|s| s.cache.profile_ttl_seconds = 0).await;
    let filter = json!({ "filter": { "customerNumbers": ["1000101"] } });
    assert_eq!(
        app.graphql_as(KENJI, ORDERS, filter.clone())
            .await
            .error_codes(),
        ["FORBIDDEN"]
    );

    let input = json!({ "input": {
        "tool": "ORDER_STATUS", "customerNumber": "1000101", "justification": "I track the Chicago deliveries"
    }});
    let requested = app.graphql_as(KENJI, REQUEST, input).await;
    let payload = &requested.assert_ok()["requestToolAuthorization"];
    assert_eq!(payload["userErrors"], json!([]));
    assert_eq!(
        payload["authorization"],
        json!({ "tool": "ORDER_STATUS", "customerNumber": "1000101", "status": "PENDING" })
    );
    let still = app.graphql_as(KENJI, ORDERS, filter.clone()).await;
    assert_eq!(still.error_codes(), ["FORBIDDEN"], "pending is not access");

    app.decide(KENJI, "ORDER_STATUS", "1000101", "APPROVE")
        .await;
    let granted = app.graphql_as(KENJI, ORDERS, filter).await;
    granted.assert_ok();
    let customers = customers_of(&granted.body);
    assert!(!customers.is_empty() && customers.iter().all(|c| c == "1000101"));

    let tools = app
        .graphql_as(
            KENJI,
            "{ me { tools { tool customerNumber status } } }",
            Value::Null,
        )
        .await;
    assert!(
        tools.assert_ok()["me"]["tools"]
            .as_array()
            .expect("tools")
            .contains(&json!({ "tool": "ORDER_STATUS", "customerNumber": "1000101", "status": "AUTHORIZED" }))
    );
}

#[tokio::test]
async fn a_denied_request_stays_forbidden_and_can_be_asked_again() {
    let app = spawn_app_with(|s| s.cache.profile_ttl_seconds = 0).await;
    let input = json!({ "input": {
        "tool": "INVOICES", "customerNumber": "8100501", "justification": "Tokyo invoices"
    }});
    app.graphql_as(KENJI, REQUEST, input.clone())
        .await
        .assert_ok();
    app.decide(KENJI, "INVOICES", "8100501", "DENY").await;
    let me = app
        .graphql_as(
            KENJI,
            "{ me { tools { tool customerNumber status } } }",
            Value::Null,
        )
        .await;
    assert!(
        me.assert_ok()["me"]["tools"]
            .as_array()
            .expect("tools")
            .contains(
                &json!({ "tool": "INVOICES", "customerNumber": "8100501", "status": "DENIED" })
            )
    );
    let again = app.graphql_as(KENJI, REQUEST, input).await;
    assert_eq!(
        again.assert_ok()["requestToolAuthorization"]["authorization"]["status"],
        "PENDING"
    );
}

#[tokio::test]
async fn requests_can_be_approved_automatically_after_a_delay() {
    let app = spawn_app_with(|s| {
        s.cache.profile_ttl_seconds = 0;
        s.sandbox.auto_approve_after_ms = Some(300);
    })
    .await;
    let input = json!({ "input": {
        "tool": "ORDER_STATUS", "customerNumber": "1000102", "justification": "second US account"
    }});
    let filter = json!({ "filter": { "customerNumbers": ["1000102"] } });
    app.graphql_as(KENJI, REQUEST, input).await.assert_ok();
    let before = app.graphql_as(KENJI, ORDERS, filter.clone()).await;
    assert_eq!(
        before.error_codes(),
        ["FORBIDDEN"],
        "pending until the delay has passed"
    );
    tokio::time::sleep(std::time::Duration::from_millis(400)).await;
    app.graphql_as(KENJI, ORDERS, filter).await.assert_ok();
}

#[tokio::test]
async fn an_administrator_decision_shows_once_the_cached_profile_expires() {
    let app = spawn_app_with(|s| s.cache.profile_ttl_seconds = 1).await;
    let input = json!({ "input": {
        "tool": "ORDER_STATUS", "customerNumber": "1000101", "justification": "Chicago"
    }});
    let filter = json!({ "filter": { "customerNumbers": ["1000101"] } });
    app.graphql_as(KENJI, REQUEST, input).await.assert_ok();
    let pending = app.graphql_as(KENJI, ORDERS, filter.clone()).await;
    assert_eq!(pending.error_codes(), ["FORBIDDEN"]);
    app.decide(KENJI, "ORDER_STATUS", "1000101", "APPROVE")
        .await;
    let cached = app.graphql_as(KENJI, ORDERS, filter.clone()).await;
    assert_eq!(
        cached.error_codes(),
        ["FORBIDDEN"],
        "still the cached profile"
    );
    tokio::time::sleep(std::time::Duration::from_millis(1_100)).await;
    app.graphql_as(KENJI, ORDERS, filter).await.assert_ok();
}

#[tokio::test]
async fn business_rule_refusals_are_user_errors() {
    let app = spawn_app().await;
    let cases = [
        (
            "ORDER_STATUS",
            "1000101",
            "",
            "INVALID_JUSTIFICATION",
            "justification",
        ),
        (
            "ORDER_STATUS",
            "4400301",
            "please",
            "NOT_COMPANY_CUSTOMER",
            "customerNumber",
        ),
        (
            "ORDER_STATUS",
            "1000101",
            "please",
            "ALREADY_AUTHORIZED",
            "tool",
        ),
        (
            "SERVICES_ASSISTANT",
            "1000101",
            "please",
            "FEATURE_NOT_AVAILABLE",
            "tool",
        ),
    ];
    for (tool, customer, justification, code, field) in cases {
        let input = json!({ "input": {
            "tool": tool, "customerNumber": customer, "justification": justification
        }});
        let answer = app.graphql_as(GLOBEX_USER, REQUEST, input).await;
        let payload = &answer.assert_ok()["requestToolAuthorization"];
        assert_eq!(payload["authorization"], Value::Null, "{code}");
        assert_eq!(payload["userErrors"][0]["code"], code);
        assert_eq!(payload["userErrors"][0]["field"], json!(["input", field]));
    }
    let long = "x".repeat(1001);
    let input = json!({ "input": { "tool": "INVOICES", "customerNumber": "4900301", "justification": long }});
    let answer = app.graphql_as(GLOBEX_USER, REQUEST, input).await;
    assert_eq!(
        answer.assert_ok()["requestToolAuthorization"]["userErrors"][0]["code"],
        "INVALID_JUSTIFICATION"
    );
}

#[tokio::test]
async fn a_guest_cannot_request_access_and_mutations_are_refused_over_get() {
    let app = spawn_app().await;
    let input = json!({ "input": {
        "tool": "INVOICES", "customerNumber": "1000101", "justification": "x"
    }});
    let guest = app.graphql(None, REQUEST, input).await;
    assert_eq!(guest.error_codes(), ["UNAUTHENTICATED"]);

    let response = app
        .http
        .get(format!("{}/graphql", app.address))
        .query(&[(
            "query",
            r#"mutation { requestToolAuthorization(input: {tool: INVOICES, customerNumber: "1000101", justification: "x"}) { userErrors { code } } }"#,
        )])
        .bearer_auth(app.token(GLOBEX_USER))
        .send()
        .await
        .expect("answers");
    assert_eq!(response.status(), 405);
    assert_eq!(app.sandbox.stats().instances["registration"].calls, 0);
}

#[tokio::test]
async fn profiles_are_cached_per_user_and_forgotten_when_the_user_changes_them() {
    let app = spawn_app_with(|s| s.cache.profile_ttl_seconds = 3_600).await;
    for _ in 0..3 {
        app.graphql_as(KENJI, "{ me { userId } }", Value::Null)
            .await
            .assert_ok();
    }
    assert_eq!(
        app.sandbox.stats().instances["registration"].calls,
        1,
        "one fetch for three requests"
    );
    app.graphql_as(GLOBEX_USER, "{ me { userId } }", Value::Null)
        .await
        .assert_ok();
    assert_eq!(
        app.sandbox.stats().instances["registration"].calls,
        2,
        "users are cached separately"
    );

    let input = json!({ "input": {
        "tool": "ORDER_STATUS", "customerNumber": "1000101", "justification": "Chicago"
    }});
    app.graphql_as(KENJI, REQUEST, input).await.assert_ok();
    let me = app
        .graphql_as(
            KENJI,
            "{ me { tools { tool customerNumber status } } }",
            Value::Null,
        )
        .await;
    assert!(
        me.assert_ok()["me"]["tools"]
            .as_array()
            .expect("tools")
            .contains(
                &json!({ "tool": "ORDER_STATUS", "customerNumber": "1000101", "status": "PENDING" })
            ),
        "the user's own change shows at once"
    );
}

#[tokio::test]
async fn me_shows_the_profile_customers_tools_and_features() {
    let app = spawn_app().await;
    let query = "{ me { userId profile { name email phone language company { id name } address { city postalCode country } } customers { customerNumber country region } tools { tool customerNumber status } features } }";
    let answer = app.graphql_as(GLOBEX_USER, query, Value::Null).await;
    let me = &answer.assert_ok()["me"];
    assert_eq!(me["profile"]["company"]["name"], "Globex Industrial Group");
    assert_eq!(me["profile"]["address"]["city"], "Chicago");
    let customers = me["customers"].as_array().expect("customers");
    assert_eq!(customers.len(), 6);
    assert!(
        customers
            .contains(&json!({ "customerNumber": "8100501", "country": "JP", "region": "AP" }))
    );
    let tools = me["tools"].as_array().expect("tools");
    assert!(tools.contains(
        &json!({ "tool": "ORDER_STATUS", "customerNumber": "3300401", "status": "PENDING" })
    ));
    assert!(tools.contains(&json!({ "tool": "SERVICES_ASSISTANT", "customerNumber": "4900301", "status": "AUTHORIZED" })));
    assert!(tools.contains(
        &json!({ "tool": "CONTRACTS", "customerNumber": "4400201", "status": "NOT_REQUESTED" })
    ));
    assert!(
        !tools
            .iter()
            .any(|t| t["tool"] == "SERVICES_ASSISTANT" && t["customerNumber"] == "1000101"),
        "only tools that exist in the customer number's country"
    );
}
