//! Automatic persisted queries, as Apollo's `PersistedQueryLink` speaks them: hash only, then
//! hash and text once, then hash only again — across gateways sharing Redis too.

use serde_json::{Value, json};
use supportgraph::http::persisted::sha256_hex;

use crate::helpers::{
    Answer, GLOBEX_USER, TestApp, redis_url, spawn_app, spawn_app_with, unique_prefix,
};

fn extension(hash: &str) -> Value {
    json!({ "persistedQuery": { "version": 1, "sha256Hash": hash } })
}

async fn post(app: &TestApp, body: Value) -> Answer {
    let response = app
        .http
        .post(format!("{}/graphql", app.address))
        .header("accept", "application/graphql-response+json")
        .bearer_auth(app.token(GLOBEX_USER))
        .json(&body)
        .send()
        .await
        .expect("answers");
    Answer::from_response(response).await
}

/// A hash-only GET, as Apollo's link sends with `useGETForHashedQueries`.
async fn get_by_hash(app: &TestApp, hash: &str) -> reqwest::Response {
    app.http
        .get(format!("{}/graphql", app.address))
        .query(&[("extensions", extension(hash).to_string())])
        .bearer_auth(app.token(GLOBEX_USER))
        .send()
        .await
        .expect("answers")
}

#[tokio::test]
async fn a_hash_alone_is_unknown_then_registered_by_its_text_then_enough() {
    let app = spawn_app().await;
    let query = "query MyName { me { userId name } }";
    let hash = sha256_hex(query);

    let unknown = post(&app, json!({ "extensions": extension(&hash) })).await;
    assert_eq!(unknown.error_codes(), ["PERSISTED_QUERY_NOT_FOUND"]);
    assert_eq!(
        unknown.body["errors"][0]["message"],
        "PersistedQueryNotFound"
    );

    let registered = post(
        &app,
        json!({ "query": query, "extensions": extension(&hash) }),
    )
    .await;
    assert_eq!(registered.assert_ok()["me"]["userId"], GLOBEX_USER);

    let by_hash = post(&app, json!({ "extensions": extension(&hash) })).await;
    assert_eq!(by_hash.assert_ok()["me"]["userId"], GLOBEX_USER);

    // Over GET as well (Apollo's useGETForHashedQueries).
    let response = get_by_hash(&app, &hash).await;
    let get = Answer::from_response(response).await;
    assert_eq!(get.assert_ok()["me"]["userId"], GLOBEX_USER);
}

#[tokio::test]
async fn a_wrong_hash_or_a_document_that_does_not_validate_is_not_registered() {
    let app = spawn_app().await;
    let query = "{ me { userId } }";
    let wrong = post(
        &app,
        json!({ "query": query, "extensions": extension(&sha256_hex("{ x }")) }),
    )
    .await;
    assert_eq!(wrong.error_codes(), ["BAD_USER_INPUT"]);

    let invalid = "{ me { noSuchField } }";
    let hash = sha256_hex(invalid);
    let refused = post(
        &app,
        json!({ "query": invalid, "extensions": extension(&hash) }),
    )
    .await;
    assert_eq!(refused.error_codes(), ["BAD_USER_INPUT"]);
    let later = post(&app, json!({ "extensions": extension(&hash) })).await;
    assert_eq!(later.error_codes(), ["PERSISTED_QUERY_NOT_FOUND"]);
}

#[tokio::test]
async fn a_mutation_registered_by_hash_is_still_refused_over_get() {
    let app = spawn_app().await;
    let mutation = r#"mutation { requestToolAuthorization(input: { tool: INVOICES, customerNumber: "1000102", justification: "reconciling" }) { authorization { status } } }"#;
    let hash = sha256_hex(mutation);
    let registered = post(
        &app,
        json!({ "query": mutation, "extensions": extension(&hash) }),
    )
    .await;
    registered.assert_ok();
    let writes_before = app.backend_calls();
    let response = get_by_hash(&app, &hash).await;
    assert_eq!(response.status(), 405);
    assert_eq!(app.backend_calls(), writes_before, "nothing ran");
}

#[tokio::test]
async fn gateways_sharing_redis_share_registrations() {
    let Some(url) = redis_url().await else { return };
    let prefix = unique_prefix("apq");
    let configure = |s: &mut supportgraph::settings::Settings| {
        s.redis.url = Some(url.clone());
        s.redis.key_prefix = prefix.clone();
    };
    let first = spawn_app_with(configure).await;
    let second = spawn_app_with(configure).await;
    let query = "{ me { userId country } }";
    let hash = sha256_hex(query);
    post(
        &first,
        json!({ "query": query, "extensions": extension(&hash) }),
    )
    .await
    .assert_ok();
    let answer = post(&second, json!({ "extensions": extension(&hash) })).await;
    assert_eq!(answer.assert_ok()["me"]["userId"], GLOBEX_USER);
}

#[tokio::test]
async fn switched_off_answers_not_supported() {
    let app = spawn_app_with(|s| s.persisted_documents.automatic = false).await;
    let answer = post(
        &app,
        json!({ "extensions": extension(&sha256_hex("{ a }")) }),
    )
    .await;
    assert_eq!(answer.error_codes(), ["PERSISTED_QUERY_NOT_SUPPORTED"]);
}
