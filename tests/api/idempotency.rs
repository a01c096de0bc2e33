//! `Idempotency-Key` on mutations: one side effect per (user, key), the first answer replayed,
//! a reused key with another input refused.

use serde_json::{Value, json};

use crate::helpers::{Answer, TestApp, redis_url, spawn_app, spawn_app_with, unique_prefix};

const KENJI: &str = "globex-kenji";
const REQUEST: &str = r#"
mutation($input: RequestToolAuthorizationInput!) {
  requestToolAuthorization(input: $input) {
    authorization { tool customerNumber status }
    userErrors { field code }
  }
}"#;

fn input(customer: &str) -> Value {
    json!({ "input": { "tool": "ORDER_STATUS", "customerNumber": customer, "justification": "Chicago" } })
}

async fn send(app: &TestApp, key: Option<&str>, variables: Value) -> Answer {
    let mut request = app
        .http
        .post(format!("{}/graphql", app.address))
        .bearer_auth(app.token(KENJI))
        .json(&json!({ "query": REQUEST, "variables": variables }));
    if let Some(key) = key {
        request = request.header("Idempotency-Key", key);
    }
    Answer::from_response(request.send().await.expect("answers")).await
}

fn writes(app: &TestApp) -> u64 {
    app.sandbox.stats().instances["registration"].writes
}

#[tokio::test]
async fn the_same_key_twice_makes_one_side_effect_and_replays_the_answer() {
    let app = spawn_app().await;
    let first = send(&app, Some("req-1"), input("1000101")).await;
    let second = send(&app, Some("req-1"), input("1000101")).await;
    assert_eq!(first.assert_ok(), second.assert_ok());
    assert_eq!(
        first.body["data"]["requestToolAuthorization"]["authorization"]["status"],
        "PENDING"
    );
    assert_eq!(
        writes(&app),
        1,
        "one request reached the registration system"
    );

    let without_key = send(&app, None, input("1000102")).await;
    without_key.assert_ok();
    send(&app, None, input("1000102")).await.assert_ok();
    assert_eq!(writes(&app), 3, "without a key, every call is a call");
}

#[tokio::test]
async fn the_same_key_with_another_input_is_refused_without_a_call() {
    let app = spawn_app().await;
    send(&app, Some("req-2"), input("1000101"))
        .await
        .assert_ok();
    let reused = send(&app, Some("req-2"), input("1000102")).await;
    assert_eq!(reused.error_codes(), ["BAD_USER_INPUT"]);
    assert_eq!(
        reused.body["errors"][0]["extensions"]["field"],
        "Idempotency-Key"
    );
    assert_eq!(writes(&app), 1);
}

#[tokio::test]
async fn concurrent_requests_with_one_key_share_one_execution() {
    let app = spawn_app_with(|s| {
        let slow = supportgraph_adapters::sandbox::FaultSpec {
            latency_ms: 200,
            only_method: Some("POST".into()),
            ..Default::default()
        };
        s.sandbox.faults.insert("registration".into(), slow);
    })
    .await;
    let answers =
        futures::future::join_all((0..5).map(|_| send(&app, Some("req-3"), input("1000101"))))
            .await;
    for answer in &answers {
        assert_eq!(answer.assert_ok(), answers[0].assert_ok());
    }
    assert_eq!(writes(&app), 1);
}

#[tokio::test]
async fn a_failed_attempt_is_not_recorded_so_a_retry_runs() {
    let app = spawn_app().await;
    let failing = supportgraph_adapters::sandbox::FaultSpec {
        error_rate: 1.0,
        only_method: Some("POST".into()),
        ..Default::default()
    };
    app.sandbox
        .set_fault("registration", failing)
        .expect("known");
    let failed = send(&app, Some("req-4"), input("1000101")).await;
    assert_eq!(failed.error_codes(), ["BACKEND_UNAVAILABLE"]);
    app.sandbox
        .set_fault("registration", Default::default())
        .expect("known");
    let retried = send(&app, Some("req-4"), input("1000101")).await;
    assert_eq!(
        retried.assert_ok()["requestToolAuthorization"]["authorization"]["status"],
        "PENDING"
    );
    assert_eq!(writes(&app), 2);
}

#[tokio::test]
async fn keys_are_per_user_and_malformed_keys_are_refused() {
    let app = spawn_app().await;
    let bad = send(&app, Some(&"x".repeat(300)), input("1000101")).await;
    assert_eq!(bad.status, 400);
    assert_eq!(bad.error_codes(), ["BAD_USER_INPUT"]);

    send(&app, Some("shared-key"), input("1000101"))
        .await
        .assert_ok();
    let avery = app
        .http
        .post(format!("{}/graphql", app.address))
        .bearer_auth(app.token("globex-avery"))
        .header("Idempotency-Key", "shared-key")
        .json(&json!({ "query": REQUEST, "variables": { "input": {
            "tool": "INVOICES", "customerNumber": "1000102", "justification": "x" } } }))
        .send()
        .await
        .expect("answers");
    let avery = Answer::from_response(avery).await;
    assert_eq!(
        avery.assert_ok()["requestToolAuthorization"]["authorization"]["customerNumber"],
        "1000102",
        "another user's key of the same name is another record"
    );
    assert_eq!(writes(&app), 2);
}

#[tokio::test]
async fn a_key_used_on_one_instance_is_honoured_by_another() {
    let Some(url) = redis_url().await else { return };
    let prefix = unique_prefix("idempotency");
    let (u, p) = (url.clone(), prefix.clone());
    let a = spawn_app_with(move |s| {
        s.redis.url = Some(u);
        s.redis.key_prefix = p;
    })
    .await;
    let sandbox = a.sandbox.clone();
    let b = spawn_app_with(move |s| {
        s.redis.url = Some(url);
        s.redis.key_prefix = prefix;
        s.backends.registration.base_url = Some(sandbox.base_url("registration"));
        s.auth.jwks_url = Some(sandbox.jwks_url());
    })
    .await;
    let first = send(&a, Some("req-5"), input("1000101")).await;
    let replay = send(&b, Some("req-5"), input("1000101")).await;
    assert_eq!(first.assert_ok(), replay.assert_ok());
    assert_eq!(writes(&a), 1);
}

#[tokio::test]
async fn one_key_sent_to_two_instances_at_once_runs_once() {
    let Some(url) = redis_url().await else { return };
    let prefix = unique_prefix("idempotency-race");
    let (u, p) = (url.clone(), prefix.clone());
    let a = spawn_app_with(move |s| {
        s.redis.url = Some(u);
        s.redis.key_prefix = p;
        let slow = supportgraph_adapters::sandbox::FaultSpec {
            latency_ms: 300,
            only_method: Some("POST".into()),
            ..Default::default()
        };
        s.sandbox.faults.insert("registration".into(), slow);
    })
    .await;
    let sandbox = a.sandbox.clone();
    let b = spawn_app_with(move |s| {
        s.redis.url = Some(url);
        s.redis.key_prefix = prefix;
        s.backends.registration.base_url = Some(sandbox.base_url("registration"));
        s.auth.jwks_url = Some(sandbox.jwks_url());
    })
    .await;
    let (on_a, on_b) = tokio::join!(
        send(&a, Some("race-1"), input("1000101")),
        send(&b, Some("race-1"), input("1000101")),
    );
    assert_eq!(
        on_a.assert_ok(),
        on_b.assert_ok(),
        "the waiting one gets the same answer"
    );
    assert_eq!(writes(&a), 1, "one side effect across both instances");
}

#[tokio::test]
async fn a_keyed_mutation_is_refused_while_the_idempotency_store_is_unreachable() {
    let app = spawn_app_with(|s| {
        s.redis.url = Some("redis://127.0.0.1:1".into());
        s.redis.connect_timeout_ms = 50;
    })
    .await;
    let answer = send(&app, Some("no-store"), input("1000101")).await;
    assert_eq!(answer.error_codes(), ["BACKEND_UNAVAILABLE"]);
    assert_eq!(writes(&app), 0, "not run without the guarantee");
    let unkeyed = send(&app, None, input("1000101")).await;
    unkeyed.assert_ok();
}
