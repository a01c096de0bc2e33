//! Introspection as clients send it: graphql-js's standard query (GraphiQL, Apollo's tooling,
//! GraphQL Codegen, Python gql) passes the limits, which leave introspection to its own guard;
//! abusive introspection is still refused before anything runs.

use serde_json::Value;

use crate::helpers::{GLOBEX_USER, spawn_app};

const STANDARD: &str = include_str!("fixtures/introspection-query.graphql");
const FULL: &str = include_str!("fixtures/introspection-query-full.graphql");

#[tokio::test]
async fn graphql_js_standard_introspection_query_succeeds() {
    let app = spawn_app().await;
    for query in [STANDARD, FULL] {
        let answer = app.graphql(None, query, Value::Null).await;
        let data = answer.assert_ok();
        let types = data["__schema"]["types"].as_array().expect("types");
        let query_type = types
            .iter()
            .find(|t| t["name"] == "Query")
            .expect("the Query type");
        let fields: Vec<&str> = query_type["fields"]
            .as_array()
            .expect("fields")
            .iter()
            .filter_map(|f| f["name"].as_str())
            .collect();
        assert!(fields.contains(&"orders"), "{fields:?}");
        assert!(fields.contains(&"node"), "{fields:?}");
    }
}

#[tokio::test]
async fn data_and_introspection_in_one_document_each_meet_their_own_limits() {
    let app = spawn_app().await;
    let fragments = STANDARD
        .find("fragment")
        .map(|at| &STANDARD[at..])
        .expect("the standard query has fragments");
    let query =
        format!("{{ me {{ userId }} __schema {{ types {{ ...FullType }} }} }}\n{fragments}");
    let answer = app
        .graphql(Some(&app.token(GLOBEX_USER)), &query, Value::Null)
        .await;
    let data = answer.assert_ok();
    assert_eq!(data["me"]["userId"], GLOBEX_USER);
    assert!(
        data["__schema"]["types"]
            .as_array()
            .is_some_and(|t| !t.is_empty())
    );
}

#[tokio::test]
async fn a_deep_of_type_chain_is_refused_before_anything_runs() {
    let app = spawn_app().await;
    for depth in [20, 10_000] {
        let query = format!(
            "{{ __type(name: \"Order\") {{ {} name {} }} }}",
            "ofType {".repeat(depth),
            "}".repeat(depth)
        );
        let answer = app.graphql(None, &query, Value::Null).await;
        assert_eq!(answer.status, 400, "{depth}: {}", answer.body);
        assert_eq!(answer.error_codes(), ["BAD_USER_INPUT"], "{depth}");
        assert!(answer.body.get("data").is_none());
    }
    let lists =
        "{ __schema { types { fields { type { fields { type { fields { name } } } } } } } }";
    let answer = app.graphql(None, lists, Value::Null).await;
    assert_eq!(answer.error_codes(), ["BAD_USER_INPUT"], "{}", answer.body);
    let message = answer.body["errors"][0]["message"]
        .as_str()
        .unwrap_or_default();
    assert!(message.contains("introspection"), "{message}");
    assert_eq!(app.backend_calls(), 0);
}
