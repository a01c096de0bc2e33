//! Safelisted documents (`persisted_documents.manifest` with `require = true`), as partner
//! portals use them: listed documents run by id, nothing else runs (and nothing reaches a
//! backend), and a new manifest takes effect without a restart while a broken one is refused.

use std::path::Path;
use std::time::Duration;

use serde_json::{Value, json};
use supportgraph::http::persisted::sha256_hex;
use supportgraph::reload::{Outcome, Source, reload};

use crate::helpers::{Answer, GLOBEX_USER, TestApp, spawn_keeping_state};

const ME: &str = "query Me { me { userId } }";
const ORDERS: &str = "query FirstOrders { orders(first: 1) { totalCount } }";

/// An Apollo persisted query manifest listing `documents`, each under its SHA-256.
fn apollo_manifest(documents: &[(&str, &str)]) -> String {
    let operations: Vec<Value> = documents
        .iter()
        .map(|(name, body)| {
            json!({ "id": sha256_hex(body), "name": name, "type": "query", "body": body })
        })
        .collect();
    json!({ "format": "apollo-persisted-query-manifest", "version": 1, "operations": operations })
        .to_string()
}

fn by_id(id: &str) -> Value {
    json!({ "extensions": { "persistedQuery": { "version": 1, "sha256Hash": id } } })
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

async fn safelisted_gateway(manifest: &Path) -> (TestApp, std::sync::Arc<supportgraph::app::App>) {
    let path = manifest.to_path_buf();
    spawn_keeping_state(move |s| {
        s.persisted_documents.manifest = Some(path);
        s.persisted_documents.require = true;
        s.reload.watch_files = true;
    })
    .await
}

#[tokio::test]
async fn only_listed_documents_run_and_unlisted_ones_reach_no_backend() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let manifest = dir.path().join("manifest.json");
    std::fs::write(&manifest, apollo_manifest(&[("Me", ME)])).expect("written");
    let (app, _) = safelisted_gateway(&manifest).await;

    let listed = post(&app, by_id(&sha256_hex(ME))).await;
    assert_eq!(listed.assert_ok()["me"]["userId"], GLOBEX_USER);
    // The listed text itself is the listed document too.
    let as_text = post(&app, json!({ "query": ME })).await;
    assert_eq!(as_text.assert_ok()["me"]["userId"], GLOBEX_USER);

    let before = app.backend_calls();
    for refused in [
        json!({ "query": ORDERS }),
        json!({ "query": "{ me { userId } }" }),
        by_id(&sha256_hex(ORDERS)),
        json!({ "query": ORDERS, "extensions": by_id(&sha256_hex(ORDERS))["extensions"] }),
    ] {
        let answer = post(&app, refused.clone()).await;
        assert_eq!(answer.status, 400, "{refused}: {}", answer.body);
        assert_eq!(
            answer.error_codes(),
            ["PERSISTED_QUERY_NOT_LISTED"],
            "{refused}"
        );
        assert!(answer.body.get("data").is_none());
    }
    assert_eq!(
        app.backend_calls(),
        before,
        "nothing unlisted reached a backend"
    );

    // A listed id with some other text is not the listed document.
    let mismatch = post(
        &app,
        json!({ "query": ORDERS, "extensions": by_id(&sha256_hex(ME))["extensions"] }),
    )
    .await;
    assert_eq!(
        mismatch.error_codes(),
        ["BAD_USER_INPUT"],
        "{}",
        mismatch.body
    );

    // Over GET too, as Apollo's link sends hashed queries.
    let get = app
        .http
        .get(format!("{}/graphql", app.address))
        .query(&[(
            "extensions",
            by_id(&sha256_hex(ME))["extensions"].to_string(),
        )])
        .bearer_auth(app.token(GLOBEX_USER))
        .send()
        .await
        .expect("answers");
    let get = Answer::from_response(get).await;
    assert_eq!(get.assert_ok()["me"]["userId"], GLOBEX_USER);
}

#[tokio::test]
async fn graphql_codegen_manifests_list_documents_under_their_own_ids() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let manifest = dir.path().join("persisted-documents.json");
    std::fs::write(&manifest, json!({ "sha256:abc123": ME }).to_string()).expect("written");
    let (app, _) = safelisted_gateway(&manifest).await;
    let listed = post(&app, by_id("sha256:abc123")).await;
    assert_eq!(listed.assert_ok()["me"]["userId"], GLOBEX_USER);
    let unknown = post(&app, by_id("sha256:abc124")).await;
    assert_eq!(unknown.error_codes(), ["PERSISTED_QUERY_NOT_LISTED"]);
}

#[tokio::test]
async fn a_new_manifest_takes_effect_without_a_restart_and_a_broken_one_is_refused() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let manifest = dir.path().join("manifest.json");
    std::fs::write(&manifest, apollo_manifest(&[("Me", ME)])).expect("written");
    let (app, state) = safelisted_gateway(&manifest).await;
    assert_eq!(
        post(&app, by_id(&sha256_hex(ORDERS))).await.error_codes(),
        ["PERSISTED_QUERY_NOT_LISTED"]
    );

    // The file changes: the watcher reloads it (no signal, no call from the test).
    std::fs::write(&manifest, apollo_manifest(&[("FirstOrders", ORDERS)])).expect("written");
    let mut now_listed = false;
    for _ in 0..100 {
        let answer = post(&app, by_id(&sha256_hex(ORDERS))).await;
        if answer.body.get("errors").is_none() {
            assert!(answer.body["data"]["orders"]["totalCount"].is_number());
            now_listed = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(now_listed, "the changed manifest was taken within 5 s");
    assert_eq!(
        post(&app, by_id(&sha256_hex(ME))).await.error_codes(),
        ["PERSISTED_QUERY_NOT_LISTED"],
        "what the new manifest no longer lists is refused"
    );

    // A broken manifest is refused: the list in use stays, and requests keep being served.
    std::fs::write(
        &manifest,
        "{ \"format\": \"apollo-persisted-query-manifest\", ",
    )
    .expect("written");
    let report = reload(&state);
    assert!(
        matches!(report.of(Source::Manifest), Some(Outcome::Refused(_))),
        "{report:?}"
    );
    let still = post(&app, by_id(&sha256_hex(ORDERS))).await;
    assert!(
        still.body["data"]["orders"]["totalCount"].is_number(),
        "{}",
        still.body
    );
}

#[tokio::test]
async fn subscriptions_are_held_to_the_safelist_too() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let manifest = dir.path().join("manifest.json");
    std::fs::write(&manifest, apollo_manifest(&[("Me", ME)])).expect("written");
    let (app, _) = safelisted_gateway(&manifest).await;
    let mut socket =
        crate::live::socket::Socket::signed_in(&app.address, &app.token(GLOBEX_USER)).await;
    socket
        .subscribe(
            "1",
            "subscription { orderStatusChanged { orderNumber } }",
            Value::Null,
        )
        .await;
    let message = socket.next_json().await;
    assert_eq!(message["type"], "next", "{message}");
    assert!(message["payload"]["data"].is_null(), "{message}");
    let error = &message["payload"]["errors"][0];
    assert_eq!(
        error["extensions"]["code"], "PERSISTED_QUERY_NOT_LISTED",
        "{message}"
    );
    let trace_id = error["extensions"]["traceId"].as_str().unwrap_or_default();
    assert_eq!(
        trace_id.len(),
        32,
        "a subscription's errors carry its trace id: {message}"
    );
}
