//! GraphQL over HTTP: GET and POST, media types negotiated from `Accept`, request bodies by
//! `Content-Type`, malformed requests, probes, GraphiQL.

use serde_json::Value;

use crate::helpers::{Answer, GLOBEX_USER, spawn_app, spawn_app_with};

#[tokio::test]
async fn get_and_post_answer_in_the_media_type_the_client_accepts() {
    let app = spawn_app().await;
    let token = app.token(GLOBEX_USER);
    for (accept, expected) in [
        (None, "application/json"),
        (Some("*/*"), "application/json"),
        (Some("application/json"), "application/json"),
        (
            Some("application/graphql-response+json"),
            "application/graphql-response+json",
        ),
        (
            Some("application/graphql-response+json, application/json;q=0.9"),
            "application/graphql-response+json",
        ),
    ] {
        let mut request = app
            .http
            .get(format!("{}/graphql", app.address))
            .query(&[("query", "{ me { userId } }")])
            .bearer_auth(&token);
        if let Some(accept) = accept {
            request = request.header("accept", accept);
        }
        let get = Answer::from_response(request.send().await.expect("answers")).await;
        assert_eq!(get.status, 200);
        assert!(
            get.content_type.starts_with(expected),
            "{accept:?}: {}",
            get.content_type
        );
        assert_eq!(get.assert_ok()["me"]["userId"], GLOBEX_USER);
    }

    let post = app
        .graphql(Some(&token), "{ me { userId } }", Value::Null)
        .await;
    assert!(
        post.content_type
            .starts_with("application/graphql-response+json")
    );
    assert_eq!(post.assert_ok()["me"]["userId"], GLOBEX_USER);
}

#[tokio::test]
async fn a_request_that_never_executed_has_no_data_and_its_status_follows_the_media_type() {
    let app = spawn_app().await;
    for (accept, status) in [
        ("application/graphql-response+json", 400),
        ("application/json", 200),
    ] {
        for query in ["{ me { nope } }", "{ me { userId "] {
            let body = serde_json::json!({ "query": query }).to_string();
            let answer = app.post_raw(accept, body).await;
            assert_eq!(answer.status, status, "{accept} {query}");
            assert!(
                answer.body.get("data").is_none(),
                "no data key: {}",
                answer.body
            );
            assert_eq!(answer.error_codes(), ["BAD_USER_INPUT"]);
            let message = answer.body["errors"][0]["message"]
                .as_str()
                .expect("a message");
            assert!(!message.contains('\n'), "one line: {message:?}");
        }
    }
}

#[tokio::test]
async fn bodies_that_are_not_graphql_requests_get_415_and_unacceptable_accepts_406() {
    let app = spawn_app().await;
    let url = format!("{}/graphql", app.address);
    let body = r#"{"query":"{ __typename }"}"#;
    // With a CSRF preflight header, so the type alone decides (tests/api/csrf.rs has the rest).
    let no_type = app
        .http
        .post(&url)
        .header("graphql-require-preflight", "1")
        .body(body)
        .send()
        .await
        .expect("answers");
    assert_eq!(no_type.status(), 415);
    for content_type in [
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ] {
        let response = app
            .http
            .post(&url)
            .header("content-type", content_type)
            .header("graphql-require-preflight", "1")
            .body(body)
            .send()
            .await
            .expect("answers");
        let answer = Answer::from_response(response).await;
        assert_eq!(answer.status, 415, "{content_type}");
        assert_eq!(answer.error_codes(), ["BAD_USER_INPUT"]);
    }
    let html_only = app
        .http
        .post(&url)
        .header("content-type", "application/json")
        .header("accept", "text/html")
        .body(body)
        .send()
        .await
        .expect("answers");
    assert_eq!(html_only.status(), 406);
    assert_eq!(app.backend_calls(), 0);
}

#[tokio::test]
async fn a_malformed_request_gets_a_graphql_shaped_bad_user_input() {
    let app = spawn_app().await;
    let answer = app.post_raw("*/*", "{ this is not json").await;
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
    let html = graphiql.text().await.expect("html");
    assert!(html.contains("/graphql"));
    let asset = first_asset_url(&html);
    let script = get(&asset).await.expect("answers");
    assert_eq!(script.status(), 200, "{asset}");
    assert!(
        script.headers()["cache-control"]
            .to_str()
            .expect("ASCII")
            .contains("immutable")
    );
}

/// The first `/graphiql/assets/...` URL the page references.
fn first_asset_url(html: &str) -> String {
    let start = html
        .find("/graphiql/assets/")
        .expect("the page loads assets");
    html[start..]
        .split(['"', '\''])
        .next()
        .expect("a URL")
        .to_owned()
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
    assert_eq!(invalid.status, 400, "graphql-response+json: a 400");
    assert_eq!(invalid.error_codes(), ["BAD_USER_INPUT"]);
    let huge = format!("{{ me {{ userId }} }} # {}", "x".repeat(5_000));
    let body = serde_json::json!({ "query": huge }).to_string();
    let answer = app
        .post_raw("application/graphql-response+json", body)
        .await;
    assert_eq!(answer.status, 413);
    assert_eq!(answer.error_codes(), ["BAD_USER_INPUT"]);
}

#[tokio::test]
async fn graphiql_and_introspection_can_be_switched_off() {
    let app = spawn_app_with(|s| {
        s.graphiql.enabled = false;
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
    let enabled = spawn_app().await;
    let html = enabled
        .http
        .get(format!("{}/graphiql", enabled.address))
        .send()
        .await
        .expect("answers")
        .text()
        .await
        .expect("html");
    let asset = app
        .http
        .get(format!("{}{}", app.address, first_asset_url(&html)))
        .send()
        .await
        .expect("answers");
    assert_eq!(asset.status(), 404, "no assets either");
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

#[tokio::test]
async fn a_mutation_over_head_is_refused_like_over_get() {
    let app = spawn_app().await;
    let mutation = r#"mutation { requestToolAuthorization(input: { tool: INVOICES, customerNumber: "1000102", justification: "reconciling" }) { authorization { status } } }"#;
    let before = app.backend_calls();
    for request in [
        app.http
            .head(format!("{}/graphql", app.address))
            .query(&[("query", mutation)]),
        app.http
            .head(format!("{}/graphql", app.address))
            .header("content-type", "application/json")
            .body(serde_json::json!({ "query": mutation }).to_string()),
    ] {
        let response = request
            .bearer_auth(app.token(GLOBEX_USER))
            .send()
            .await
            .expect("answers");
        assert_ne!(response.status(), 200, "a HEAD never runs a mutation");
    }
    assert_eq!(app.backend_calls(), before, "nothing ran");
}

#[tokio::test]
async fn the_body_limit_answers_in_the_format_the_client_accepts() {
    let app = spawn_app_with(|s| s.server.max_body_bytes = 1_000).await;
    let huge = format!("{{ __typename }} # {}", "x".repeat(5_000));
    let body = serde_json::json!({ "query": huge }).to_string();
    let answer = app.post_raw("application/json", body).await;
    assert_eq!(answer.status, 413);
    assert!(
        answer.content_type.starts_with("application/json"),
        "{}",
        answer.content_type
    );
    assert_eq!(answer.error_codes(), ["BAD_USER_INPUT"]);
}

#[tokio::test]
async fn variables_that_are_missing_or_of_the_wrong_type_are_bad_user_input() {
    let app = spawn_app().await;
    let token = app.token(GLOBEX_USER);
    for (query, variables) in [
        (
            "query($n: String!) { order(orderNumber: $n) { id } }",
            serde_json::json!({}),
        ),
        (
            "query($d: Date) { orders(first: 1, filter: { orderedFrom: $d }) { totalCount } }",
            serde_json::json!({ "d": 20261127 }),
        ),
        (
            "{ orders(first: 1, filter: { orderedFrom: 20261127 }) { totalCount } }",
            Value::Null,
        ),
        (
            "query($f: Int) { orders(first: $f) { totalCount } }",
            serde_json::json!({ "f": "ten" }),
        ),
    ] {
        let answer = app.graphql(Some(&token), query, variables.clone()).await;
        assert_eq!(
            answer.error_codes(),
            ["BAD_USER_INPUT"],
            "{query} {variables}: {}",
            answer.body
        );
    }
    assert_eq!(app.backend_calls(), 0, "refused before any backend call");
}

#[tokio::test]
async fn a_syntax_error_names_the_position_without_echoing_the_document() {
    let app = spawn_app().await;
    let huge = format!("{{ me {{ userId {} }}", "x ".repeat(100_000));
    let body = serde_json::json!({ "query": huge }).to_string();
    let answer = app
        .post_raw("application/graphql-response+json", body)
        .await;
    assert_eq!(answer.status, 400);
    assert_eq!(answer.error_codes(), ["BAD_USER_INPUT"]);
    let text = answer.body.to_string();
    assert!(text.len() < 1_000, "{} bytes: {text:.300}", text.len());
    assert!(answer.body["errors"][0]["locations"][0]["line"].is_number());
}

/// Documents are admitted once and taken from the admitted ones after (parsing, the limits and,
/// without variables, validation are not done again): what a document answers must not change.
#[tokio::test]
async fn a_document_sent_again_is_checked_as_the_first_time() {
    let app = spawn_app().await;
    let token = app.token(GLOBEX_USER);
    let paged = "query($f: Int) { orders(first: $f) { totalCount } }";
    for (variables, codes) in [
        (serde_json::json!({ "f": 2 }), vec![]),
        (serde_json::json!({ "f": "ten" }), vec!["BAD_USER_INPUT"]),
        (serde_json::json!({ "f": 3 }), vec![]),
        (serde_json::json!({ "f": 1.5 }), vec!["BAD_USER_INPUT"]),
    ] {
        let answer = app.graphql(Some(&token), paged, variables.clone()).await;
        assert_eq!(answer.error_codes(), codes, "{variables}: {}", answer.body);
    }
    for _ in 0..2 {
        let answer = app
            .graphql(Some(&token), "{ me { nope } }", Value::Null)
            .await;
        assert_eq!(answer.error_codes(), ["BAD_USER_INPUT"], "{}", answer.body);
    }
    let me = "{ me { userId } }";
    let first = app.graphql(Some(&token), me, Value::Null).await;
    let again = app.graphql(Some(&token), me, Value::Null).await;
    assert_eq!(first.body, again.body);
    assert_eq!(again.body["data"]["me"]["userId"], GLOBEX_USER);
    // A known document still needs a token where it did the first time.
    let guest = app.graphql(None, me, Value::Null).await;
    assert_eq!(guest.error_codes(), ["UNAUTHENTICATED"], "{}", guest.body);
}
