//! A request's cost to the shared backends is estimated before it runs: operations above the
//! backend-call budget, with too many root fields or too many mutations, are refused with zero
//! backend calls, while the dashboard a portal shows passes.

use serde_json::Value;

use crate::helpers::{GLOBEX_USER, spawn_app};

#[tokio::test]
async fn order_lists_with_distinct_filters_are_refused_above_the_budget() {
    let app = spawn_app().await;
    let fields: String = (1..=15)
        .map(|day| {
            format!("d{day}: orders(first: 1, filter: {{ orderedFrom: \"2026-01-{day:02}\" }}) {{ totalCount }} ")
        })
        .collect();
    let before = app.backend_calls();
    let answer = app
        .graphql_as(GLOBEX_USER, &format!("{{ {fields} }}"), Value::Null)
        .await;
    assert_eq!(answer.status, 400);
    assert_eq!(answer.error_codes(), ["BAD_USER_INPUT"], "{}", answer.body);
    let extensions = &answer.body["errors"][0]["extensions"];
    assert_eq!(extensions["estimatedBackendCalls"], 1 + 15 * 3);
    assert_eq!(extensions["maxBackendCalls"], 30);
    assert!(answer.body.get("data").is_none());
    assert_eq!(app.backend_calls(), before, "nothing reached a backend");
}

#[tokio::test]
async fn two_hundred_aliases_are_refused_by_the_root_field_limit() {
    let app = spawn_app().await;
    let fields: String = (0..200)
        .map(|i| format!("a{i}: orders(first: 1) {{ totalCount }} "))
        .collect();
    let before = app.backend_calls();
    let answer = app
        .graphql_as(GLOBEX_USER, &format!("{{ {fields} }}"), Value::Null)
        .await;
    assert_eq!(answer.error_codes(), ["BAD_USER_INPUT"]);
    let message = answer.body["errors"][0]["message"]
        .as_str()
        .unwrap_or_default();
    assert!(message.contains("root fields"), "{message}");
    assert_eq!(app.backend_calls(), before);
}

#[tokio::test]
async fn a_hundred_aliased_mutations_are_refused_with_zero_backend_calls() {
    let app = spawn_app().await;
    let fields: String = (0..100)
        .map(|i| {
            format!(
                "m{i}: requestInventoryUpdate(input: {{ customerNumber: \"1000101\", serialNumber: \"S{i}\", change: CORRECTION, details: \"x\" }}) {{ userErrors {{ code }} }} "
            )
        })
        .collect();
    let before = app.backend_calls();
    let answer = app
        .graphql_as(
            GLOBEX_USER,
            &format!("mutation {{ {fields} }}"),
            Value::Null,
        )
        .await;
    assert_eq!(answer.error_codes(), ["BAD_USER_INPUT"], "{}", answer.body);
    assert_eq!(app.backend_calls(), before, "no change request was sent");
    let six: String = (0..6)
        .map(|i| format!("m{i}: requestToolAuthorization(input: {{ tool: INVOICES, customerNumber: \"1000102\", justification: \"x\" }}) {{ userErrors {{ code }} }} "))
        .collect();
    let answer = app
        .graphql_as(GLOBEX_USER, &format!("mutation {{ {six} }}"), Value::Null)
        .await;
    let message = answer.body["errors"][0]["message"]
        .as_str()
        .unwrap_or_default();
    assert!(message.contains("mutations"), "{message}");
    assert_eq!(app.backend_calls(), before);
}

#[tokio::test]
async fn the_dashboard_and_the_graphiql_examples_fit_the_budget() {
    let app = spawn_app().await;
    let document = include_str!("../../assets/graphiql/default-document.graphql");
    for operation in ["Dashboard", "Inventory", "GuestLookup"] {
        let response = app
            .http
            .post(format!("{}/graphql", app.address))
            .bearer_auth(app.token(GLOBEX_USER))
            .json(&serde_json::json!({ "query": document, "operationName": operation }))
            .send()
            .await
            .expect("answers");
        let answer = crate::helpers::Answer::from_response(response).await;
        assert!(
            !answer.error_codes().contains(&"BAD_USER_INPUT".to_owned()),
            "{operation}: {}",
            answer.body
        );
        assert!(answer.body["data"].is_object(), "{operation}");
    }
}

#[tokio::test]
async fn orders_not_found_and_explained_stay_within_their_estimate() {
    // Avery has a customer number awaiting authorisation, so every not-found `order` asks a
    // second time, to say whether it is theirs: that round is estimated and batched too.
    let app = crate::helpers::spawn_app_with(|s| s.cache.orders_ttl_seconds = 0).await;
    let fields: String = (0..20)
        .map(|i| format!("o{i}: order(orderNumber: \"9999{i:08}\") {{ id }} "))
        .collect();
    let before = app.backend_calls();
    let answer = app
        .graphql_as(GLOBEX_USER, &format!("{{ {fields} }}"), Value::Null)
        .await;
    assert!(
        answer.error_codes().iter().all(|c| c == "NOT_FOUND"),
        "{}",
        answer.body
    );
    let made = app.backend_calls() - before;
    // 1 profile + 3 regions for the lookups + up to 3 for the explanations.
    assert!(made <= 7, "{made} backend calls for an estimate of 7");
}
