//! GraphQL over HTTP: GET and POST, media types, malformed requests, probes, GraphiQL.

use serde_json::Value;

use crate::helpers::{Answer, GLOBEX_USER, spawn_app, spawn_app_with};

#[tokio::test]
async fn get_and_post_answer_with_the_graphql_response_media_type() {
    let app = spawn_app().await;
    let token = app.token(GLOBEX_USER);
    let response = app
        .http
        .get(format!("{}/graphql", app.address))
        .query(&[("query", "{ me { userId } }")])
        .bearer_auth(&token)
        .send()
        .await
        .expect("answers");
    let get = Answer::from_response(response).await;
    assert_eq!(get.status, 200);
    assert_eq!(get.content_type, "application/graphql-response+json");
    assert_eq!(get.assert_ok()["me"]["userId"], GLOBEX_USER);

    let post = app
        .graphql(Some(&token), "{ me { userId } }", Value::Null)
        .await;
    assert_eq!(post.content_type, "application/graphql-response+json");
    assert_eq!(post.assert_ok()["me"]["userId"], GLOBEX_USER);
}

#[tokio::test]
async fn a_malformed_request_gets_a_graphql_shaped_bad_user_input() {
    let app = spawn_app().await;
    let response = app
        .http
        .post(format!("{}/graphql", app.address))
        .header("content-type", "application/json")
        .body("{ this is not json")
        .send()
        .await
        .expect("answers");
    let answer = Answer::from_response(response).await;
    assert_eq!(answer.status, 400);
    assert_eq!(answer.error_codes(), ["BAD_USER_INPUT"]);
}

#[tokio::test]
async fn queries_that_do_not_fit_the_schema_or_the_limits_get_bad_user_input() {
    let app = spawn_app_with(|s| s.graphql.max_depth = 3).await;
    let token = app.token(GLOBEX_USER);
    for query in [
        "{ me { nope } }",
        "{ me { userId ",
        "{ orders { edges { node { shipments { trackingUrl } } } } }",
    ] {
        let answer = app.graphql(Some(&token), query, Value::Null).await;
        assert_eq!(
            answer.error_codes(),
            ["BAD_USER_INPUT"],
            "{query}: {}",
            answer.body
        );
    }
    let calls = app.backend_calls();
    assert_eq!(calls, 0);
}

#[tokio::test]
async fn probes_and_graphiql_answer() {
    let app = spawn_app().await;
    let get = |path: &str| app.http.get(format!("{}{path}", app.address)).send();
    assert_eq!(get("/healthz").await.expect("answers").status(), 200);
    let ready: Value = get("/readyz")
        .await
        .expect("answers")
        .json()
        .await
        .expect("json");
    assert_eq!(ready["status"], "ready");
    let graphiql = get("/graphiql").await.expect("answers");
    assert_eq!(graphiql.status(), 200);
    assert!(graphiql.text().await.expect("html").contains("/graphql"));
}

#[tokio::test]
async fn introspection_answers_when_enabled() {
    let app = spawn_app().await;
    let answer = app
        .graphql(None, "{ __schema { queryType { name } } }", Value::Null)
        .await;
    assert_eq!(answer.assert_ok()["__schema"]["queryType"]["name"], "Query");
}

#[tokio::test]
async fn requests_that_never_execute_are_400_and_oversized_bodies_413_with_a_code() {
    let app = spawn_app_with(|s| s.server.max_body_bytes = 1_000).await;
    let invalid = app.graphql(None, "{ nope }", Value::Null).await;
    assert_eq!(invalid.status, 400);
    assert_eq!(invalid.error_codes(), ["BAD_USER_INPUT"]);
    let huge = format!("{{ me {{ userId }} }} # {}", "x".repeat(5_000));
    let response = app
        .http
        .post(format!("{}/graphql", app.address))
        .header("content-type", "application/json")
        .body(serde_json::json!({ "query": huge }).to_string())
        .send()
        .await
        .expect("answers");
    let answer = Answer::from_response(response).await;
    assert_eq!(answer.status, 413);
    assert_eq!(answer.error_codes(), ["BAD_USER_INPUT"]);
}

#[tokio::test]
async fn graphiql_and_introspection_can_be_switched_off() {
    let app = spawn_app_with(|s| {
        s.server.graphiql = false;
        s.server.introspection = false;
    })
    .await;
    let graphiql = app
        .http
        .get(format!("{}/graphiql", app.address))
        .send()
        .await
        .expect("answers");
    assert_eq!(graphiql.status(), 404);
    let answer = app
        .graphql(None, "{ __schema { types { name } } }", Value::Null)
        .await;
    assert_eq!(
        answer.body["data"]["__schema"],
        Value::Null,
        "{}",
        answer.body
    );
}
