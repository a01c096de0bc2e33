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
    // 20 deep is refused by the introspection guard, 10,000 deep already by the parser's own
    // nesting limit; either way with BAD_USER_INPUT and nothing run.
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
        if depth == 20 {
            let message = answer.body["errors"][0]["message"]
                .as_str()
                .unwrap_or_default();
            assert!(message.contains("introspection"), "{message}");
        }
    }
    let lists =
        "{ __schema { types { fields { type { fields { type { fields { name } } } } } } } }";
    let answer = app.graphql(None, lists, Value::Null).await;
    assert_eq!(answer.error_codes(), ["BAD_USER_INPUT"], "{}", answer.body);
    let message = answer.body["errors"][0]["message"]
        .as_str()
        .unwrap_or_default();
    assert!(message.contains("introspection"), "{message}");
}

#[tokio::test]
async fn two_full_introspections_in_one_request_are_refused() {
    let app = spawn_app().await;
    let fragments = STANDARD
        .find("fragment")
        .map(|at| &STANDARD[at..])
        .expect("the standard query has fragments");
    let query = format!(
        "{{ a: __schema {{ types {{ ...FullType }} }} b: __schema {{ types {{ ...FullType }} }} }}\n{fragments}"
    );
    let answer = app.graphql(None, &query, Value::Null).await;
    assert_eq!(answer.error_codes(), ["BAD_USER_INPUT"], "{}", answer.body);
    let message = answer.body["errors"][0]["message"]
        .as_str()
        .unwrap_or_default();
    assert!(message.contains("introspection"), "{message}");
}

/// A client that gives up after this long reports a gateway that spins instead of refusing.
const PATIENCE: std::time::Duration = std::time::Duration::from_secs(30);

#[tokio::test]
async fn documents_that_explode_when_fragments_are_inlined_are_refused_at_once() {
    let app = spawn_app().await;
    let client = reqwest::Client::builder()
        .timeout(PATIENCE)
        .build()
        .expect("a client");
    // Each fragment spreads the next three times: 3^30 fields once inlined, in under 1 KB.
    let mut data_bomb = String::from("{ ...F0 }");
    let mut introspection_bomb = String::from("{ __schema { ...S0 } }");
    for level in 0..30 {
        let next = level + 1;
        data_bomb += &format!(" fragment F{level} on Query {{ ...F{next} ...F{next} ...F{next} }}");
        introspection_bomb +=
            &format!(" fragment S{level} on __Schema {{ ...S{next} ...S{next} ...S{next} }}");
    }
    data_bomb += " fragment F30 on Query { __typename }";
    introspection_bomb += " fragment S30 on __Schema { types { name } }";
    let cycle = "{ ...A } fragment A on Query { __typename ...A ...A ...A }".to_owned();
    for query in [data_bomb, introspection_bomb, cycle] {
        let response = client
            .post(format!("{}/graphql", app.address))
            .header("accept", "application/graphql-response+json")
            .json(&serde_json::json!({ "query": query }))
            .send()
            .await
            .expect("the gateway refuses it instead of spinning");
        let answer = crate::helpers::Answer::from_response(response).await;
        assert_eq!(answer.status, 400, "{}", answer.body);
        assert_eq!(answer.error_codes(), ["BAD_USER_INPUT"]);
    }
    // And the gateway is still there for everyone else.
    let ok = app.graphql(None, "{ __typename }", Value::Null).await;
    assert_eq!(ok.assert_ok()["__typename"], "Query");
}
