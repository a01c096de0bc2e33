//! `Idempotency-Key` on mutations: one side effect per (user, key), the first answer replayed,
//! a reused key with another input refused.

use std::time::{Duration, Instant};

use serde_json::{Value, json};
use supportgraph::cache::idempotency::Renewal;
use supportgraph::cache::{Claim, IdempotencyStore, RedisTier};
use supportgraph::graphql::common::idempotency::LEASE_MARGIN;
use supportgraph::settings::Settings;
use supportgraph_adapters::sandbox::FaultSpec;
use tokio::io::AsyncWriteExt;

use crate::helpers::{
    Answer, TestApp, redis_url, spawn_app, spawn_app_with, spawn_keeping_state, unique_prefix,
};

const KENJI: &str = "globex-kenji";
const GLOBEX: &str = "globex-avery";
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
        .bearer_auth(app.token(GLOBEX))
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

/// Sends a keyed GraphQL request as `user` over a raw connection, waits until `ready` says the
/// request got far enough, then closes the connection unread: a client that went away.
async fn send_and_disconnect(
    app: &TestApp,
    user: &str,
    key: &str,
    query: &str,
    variables: &Value,
    ready: impl Fn() -> bool,
) {
    let address = app.address.trim_start_matches("http://");
    let body = json!({ "query": query, "variables": variables }).to_string();
    let head = [
        "POST /graphql HTTP/1.1".to_owned(),
        format!("Host: {address}"),
        "Content-Type: application/json".to_owned(),
        format!("Authorization: Bearer {}", app.token(user)),
        format!("Idempotency-Key: {key}"),
        format!("Content-Length: {}", body.len()),
    ];
    let request = format!("{}\r\n\r\n{body}", head.join("\r\n"));
    let mut socket = tokio::net::TcpStream::connect(address)
        .await
        .expect("the gateway accepts");
    socket
        .write_all(request.as_bytes())
        .await
        .expect("the request is sent");
    let deadline = Instant::now() + Duration::from_secs(5);
    while !ready() {
        assert!(Instant::now() < deadline, "the request never got that far");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    drop(socket);
}

/// `requestToolAuthorization` for `customer` by a client that goes away once `ready`.
async fn authorize_and_disconnect(
    app: &TestApp,
    key: &str,
    customer: &str,
    ready: impl Fn() -> bool,
) {
    send_and_disconnect(app, KENJI, key, REQUEST, &input(customer), ready).await;
}

/// Registration writes (POST) take a second; its timeout is 2 s.
fn slow_writes(s: &mut Settings) {
    let slow = FaultSpec {
        latency_ms: 1000,
        only_method: Some("POST".into()),
        ..Default::default()
    };
    s.sandbox.faults.insert("registration".into(), slow);
}

fn status(answer: &Answer) -> &Value {
    &answer.assert_ok()["requestToolAuthorization"]["authorization"]["status"]
}

#[tokio::test]
async fn a_client_gone_mid_write_leaves_the_write_to_finish_and_the_retry_gets_its_answer() {
    let app = spawn_app_with(slow_writes).await;
    authorize_and_disconnect(&app, "gone-1", "1000101", || writes(&app) == 1).await;
    // The write is still running at the registration system: the retry waits for its answer.
    let retry = send(&app, Some("gone-1"), input("1000101")).await;
    assert_eq!(
        status(&retry),
        "PENDING",
        "the first write's answer, not CONFLICT"
    );
    let later = send(&app, Some("gone-1"), input("1000101")).await;
    assert_eq!(retry.assert_ok(), later.assert_ok(), "the recorded answer");
    assert_eq!(writes(&app), 1, "the registration system saw one write");
    let me = app
        .graphql_as(
            KENJI,
            "{ me { tools { tool customerNumber status } } }",
            Value::Null,
        )
        .await;
    let access = me.assert_ok()["me"]["tools"]
        .as_array()
        .expect("a list")
        .iter()
        .any(|a| {
            a["tool"] == "ORDER_STATUS"
                && a["customerNumber"] == "1000101"
                && a["status"] == "PENDING"
        });
    assert!(access, "the write was made: {}", me.body);
}

#[tokio::test]
async fn with_redis_a_client_that_disconnects_mid_write_gets_the_first_answer_on_retry() {
    let Some(url) = redis_url().await else { return };
    let prefix = unique_prefix("idempotency-gone");
    let (app, state) = spawn_keeping_state(move |s| {
        s.redis.url = Some(url);
        s.redis.key_prefix = prefix;
        slow_writes(s);
    })
    .await;
    authorize_and_disconnect(&app, "gone-2", "1000101", || writes(&app) == 1).await;

    // The claim is a lease of the backend's timeout plus the margin, not the record's 24 h.
    let record_key = state
        .idempotency
        .record_key(KENJI, "requestToolAuthorization", "gone-2");
    let redis =
        redis::Client::open(app.settings.redis.url.clone().expect("set")).expect("a Redis URL");
    let mut connection = redis
        .get_multiplexed_async_connection()
        .await
        .expect("Redis answers");
    let ttl: i64 = redis::cmd("PTTL")
        .arg(&record_key)
        .query_async(&mut connection)
        .await
        .expect("PTTL");
    let lease = Duration::from_millis(app.settings.backends.registration.timeout_ms) + LEASE_MARGIN;
    assert!(
        ttl > 0 && ttl <= lease.as_millis() as i64,
        "the claim lapses within {lease:?}, not {ttl} ms"
    );

    let retry = send(&app, Some("gone-2"), input("1000101")).await;
    assert_eq!(status(&retry), "PENDING");
    let later = send(&app, Some("gone-2"), input("1000101")).await;
    assert_eq!(retry.assert_ok(), later.assert_ok());
    assert_eq!(writes(&app), 1, "the registration system saw one write");
    let ttl: i64 = redis::cmd("PTTL")
        .arg(&record_key)
        .query_async(&mut connection)
        .await
        .expect("PTTL");
    assert!(
        ttl > lease.as_millis() as i64,
        "the answer is kept for the record's lifetime ({ttl} ms)"
    );
}

#[tokio::test]
async fn a_client_that_disconnects_before_the_write_frees_its_key_at_once() {
    let app = spawn_app_with(|s| {
        // The profile read before the write is slow; the write itself is not.
        let slow_reads = FaultSpec {
            latency_ms: 500,
            only_method: Some("GET".into()),
            ..Default::default()
        };
        s.sandbox.faults.insert("registration".into(), slow_reads);
    })
    .await;
    let calls = || app.sandbox.stats().instances["registration"].calls;
    let before = calls();
    authorize_and_disconnect(&app, "gone-3", "1000101", || calls() > before).await;
    assert_eq!(writes(&app), 0, "gone before the write");
    let started = Instant::now();
    let retry = send(&app, Some("gone-3"), input("1000101")).await;
    assert_eq!(status(&retry), "PENDING", "the retry ran: {}", retry.body);
    assert!(
        started.elapsed() < Duration::from_millis(1900),
        "the retry did not wait for the abandoned claim ({:?})",
        started.elapsed()
    );
    assert_eq!(writes(&app), 1);
}

#[tokio::test]
async fn an_inventory_update_whose_client_disconnects_is_recorded_once_and_replayed() {
    const UPDATE: &str = r#"mutation($input: InventoryChangeInput!) {
      requestInventoryUpdate(input: $input) { request { requestId } userErrors { code } } }"#;
    let app = spawn_app_with(|s| {
        let slow = FaultSpec {
            latency_ms: 1000,
            only_method: Some("POST".into()),
            ..Default::default()
        };
        s.sandbox.faults.insert("us-inventory-online".into(), slow);
    })
    .await;
    let serial = supportgraph_adapters::us_inventory::sandbox::generate(app.settings.sandbox.seed)
        .into_iter()
        .find(|r| r.cust_no == "1000101")
        .map(|r| r.serial_no)
        .expect("a US item");
    let variables = json!({ "input": { "customerNumber": "1000101", "serialNumber": serial,
        "change": "MOVED", "details": "moved to Dallas" } });
    let inventory_writes = || app.sandbox.stats().instances["us-inventory-online"].writes;

    send_and_disconnect(&app, GLOBEX, "gone-4", UPDATE, &variables, || {
        inventory_writes() == 1
    })
    .await;

    let retry = |_: ()| {
        app.http
            .post(format!("{}/graphql", app.address))
            .bearer_auth(app.token(GLOBEX))
            .header("Idempotency-Key", "gone-4")
            .json(&json!({ "query": UPDATE, "variables": variables }))
            .send()
    };
    let first = Answer::from_response(retry(()).await.expect("answers")).await;
    let second = Answer::from_response(retry(()).await.expect("answers")).await;
    let id = &first.assert_ok()["requestInventoryUpdate"]["request"]["requestId"];
    assert!(
        id.as_str().is_some_and(|id| id.starts_with("IOL-")),
        "{}",
        first.body
    );
    assert_eq!(
        first.assert_ok(),
        second.assert_ok(),
        "the same request id each time"
    );
    assert_eq!(inventory_writes(), 1, "US Inventory OnLine saw one request");
}

/// Claims a key and never completes it, as a gateway that died would; the key is free again
/// once the lease lapses, and the late holder can neither release nor renew the new claim.
async fn an_abandoned_claim_lapses(store: &IdempotencyStore) {
    let key = store.record_key("someone", "requestToolAuthorization", "abandoned");
    let lease = Duration::from_millis(300);
    let Claim::Reserved(dead) = store.claim(&key, lease).await else {
        panic!("a fresh key is free")
    };
    assert_eq!(store.claim(&key, lease).await, Claim::InProgress);
    tokio::time::sleep(lease + Duration::from_millis(100)).await;
    let Claim::Reserved(alive) = store.claim(&key, Duration::from_secs(60)).await else {
        panic!("the abandoned claim lapsed after its lease")
    };
    store.release(&dead).await;
    assert_eq!(store.renew(&dead, lease).await, Renewal::Lost);
    assert_eq!(
        store.claim(&key, lease).await,
        Claim::InProgress,
        "the late holder did not take the new claim away"
    );
    assert_eq!(store.renew(&alive, lease).await, Renewal::Renewed);
    store
        .complete(&alive, "{\"input\":\"x\",\"outcome\":1}".into())
        .await;
    assert!(matches!(store.claim(&key, lease).await, Claim::Done(_)));
}

#[tokio::test]
async fn an_abandoned_claim_is_free_again_after_its_lease_in_process() {
    let store = IdempotencyStore::new("sgtest", Duration::from_secs(86_400), None);
    an_abandoned_claim_lapses(&store).await;
}

#[tokio::test]
async fn an_abandoned_claim_is_free_again_after_its_lease_in_redis() {
    let Some(url) = redis_url().await else { return };
    let mut settings = Settings::load_without_env(None).expect("the default settings load");
    settings.redis.url = Some(url.clone());
    let tier = RedisTier::start(&url, &settings.redis).expect("a Redis tier");
    let store = IdempotencyStore::new(
        &unique_prefix("idempotency-lease"),
        Duration::from_secs(86_400),
        Some(tier),
    );
    an_abandoned_claim_lapses(&store).await;
}

#[tokio::test]
async fn a_mutation_behind_an_abandoned_claim_runs_once_the_lease_lapses() {
    let mut stores = vec![None];
    if let Some(url) = redis_url().await {
        stores.push(Some(url));
    }
    for redis in stores {
        let prefix = unique_prefix("idempotency-dead");
        let (app, state) = spawn_keeping_state(|s| {
            s.redis.url = redis;
            s.redis.key_prefix = prefix;
        })
        .await;
        // A gateway (this one, or another sharing Redis) claimed the key and died.
        let key = state
            .idempotency
            .record_key(KENJI, "requestToolAuthorization", "dead-1");
        let claim = state
            .idempotency
            .claim(&key, Duration::from_millis(500))
            .await;
        assert!(matches!(claim, Claim::Reserved(_)));
        let answer = send(&app, Some("dead-1"), input("1000101")).await;
        assert_eq!(status(&answer), "PENDING", "{}", answer.body);
        assert_eq!(writes(&app), 1);
    }
}
