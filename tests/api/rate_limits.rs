//! Rate limits: a token bucket of backend-call units per signed-in user, one bucket for every
//! gateway sharing a Redis; guests limited per address and, across all addresses, per customer
//! number; and a Redis that is down costing no request.

use std::collections::BTreeSet;
use std::time::Instant;

use reqwest::StatusCode;
use serde_json::{Value, json};
use supportgraph::settings::Settings;
use supportgraph_adapters::model::Region;
use supportgraph_adapters::order_status::sandbox::generate;

use crate::helpers::{
    Answer, GLOBEX_USER, NORTHWIND_USER, TestApp, redis_url, spawn_app_with, unique_prefix,
};

const ME: &str = "{ me { userId } }";

const GUEST: &str = r#"
query($n: String!, $c: String!) {
  guestOrderStatus(orderNumber: $n, customerNumber: $c) { orderNumber status }
}"#;

/// The customer number whose orders the guest tests guess at.
const TARGET: &str = "1000201";

/// An answer with its `Retry-After` header.
struct Limited {
    answer: Answer,
    retry_after: Option<u64>,
}

impl Limited {
    async fn from(response: reqwest::Response) -> Self {
        let retry_after = response
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .map(|v| {
                v.to_str()
                    .expect("ASCII")
                    .parse()
                    .expect("Retry-After in seconds")
            });
        Self {
            answer: Answer::from_response(response).await,
            retry_after,
        }
    }

    fn is_refused(&self) -> bool {
        self.answer.status == StatusCode::TOO_MANY_REQUESTS
    }

    /// Panics unless this is a 429 with `Retry-After` matching `extensions.retryAfterSeconds`.
    fn assert_refused(&self) {
        assert_eq!(
            self.answer.status,
            StatusCode::TOO_MANY_REQUESTS,
            "{}",
            self.answer.body
        );
        assert_eq!(self.answer.error_codes(), ["RATE_LIMITED"]);
        let seconds = self.answer.body["errors"][0]["extensions"]["retryAfterSeconds"]
            .as_u64()
            .expect("retryAfterSeconds");
        assert!(seconds >= 1);
        assert_eq!(self.retry_after, Some(seconds), "the header says the same");
    }
}

/// `{ me { userId } }` as `user_id`.
async fn me(app: &TestApp, user_id: &str) -> Limited {
    let response = app
        .http
        .post(format!("{}/graphql", app.address))
        .header(reqwest::header::ACCEPT, "application/graphql-response+json")
        .bearer_auth(app.token(user_id))
        .json(&json!({ "query": ME }))
        .send()
        .await
        .expect("the gateway answers");
    Limited::from(response).await
}

/// A guest lookup sent through the (trusted) local proxy on behalf of `client`.
async fn guest_lookup(app: &TestApp, client: &str, order: &str, customer: &str) -> Limited {
    let response = app
        .http
        .post(format!("{}/graphql", app.address))
        .header(reqwest::header::ACCEPT, "application/graphql-response+json")
        .header("x-forwarded-for", client)
        .json(&json!({ "query": GUEST, "variables": { "n": order, "c": customer } }))
        .send()
        .await
        .expect("the gateway answers");
    Limited::from(response).await
}

/// A small bucket: `burst` units, one back a second; without Redis unless the test sets one.
fn small_bucket(settings: &mut Settings, burst: u32) {
    settings.limits.rate_burst = burst;
    settings.limits.rate_per_second = 1;
    settings.limits.max_backend_calls = settings.limits.max_backend_calls.min(burst);
    settings.redis.url = None;
}

/// Guests behind the local proxy, each `X-Forwarded-For` a client of its own.
fn behind_proxy(settings: &mut Settings, failures_per_customer: u32) {
    settings.server.trusted_proxies = vec!["127.0.0.1".parse().expect("an address")];
    settings.guest.failed_lookups_per_customer_per_minute = failures_per_customer;
    settings.redis.url = None;
}

/// Sends `{ me }` as `user_id`, round-robin over `apps`, until one is refused (at most
/// `most` requests); the answers before the refusal, the refusal, and the time they took.
async fn until_refused(
    apps: &[&TestApp],
    user_id: &str,
    most: usize,
) -> (usize, Limited, std::time::Duration) {
    let started = Instant::now();
    for i in 0..most {
        let answer = me(apps[i % apps.len()], user_id).await;
        if answer.is_refused() {
            return (i, answer, started.elapsed());
        }
        assert_eq!(
            answer.answer.status,
            StatusCode::OK,
            "{}",
            answer.answer.body
        );
        answer.answer.assert_ok();
    }
    panic!("{most} requests and none refused");
}

/// The most answers a bucket of `burst` units refilled at 1 a second may give in `elapsed`.
fn most_answers(burst: usize, elapsed: std::time::Duration) -> usize {
    burst + elapsed.as_secs() as usize + 1
}

#[tokio::test]
async fn a_user_who_uses_up_the_bucket_gets_429_with_retry_after_while_others_are_answered() {
    let app = spawn_app_with(|s| small_bucket(s, 3)).await;
    let (answered, refused, elapsed) = until_refused(&[&app], GLOBEX_USER, 20).await;
    refused.assert_refused();
    assert!(
        refused.answer.body.get("data").is_none(),
        "nothing ran: {}",
        refused.answer.body
    );
    assert!(
        (3..=most_answers(3, elapsed)).contains(&answered),
        "{answered} answers from a bucket of 3 in {elapsed:?}"
    );

    let calls = app.backend_calls();
    me(&app, GLOBEX_USER).await.assert_refused();
    assert_eq!(
        app.backend_calls(),
        calls,
        "a refused request reaches no backend"
    );

    let other = me(&app, NORTHWIND_USER).await;
    assert_eq!(other.answer.status, StatusCode::OK);
    other.answer.assert_ok();
}

#[tokio::test]
async fn two_gateways_sharing_redis_enforce_one_limit_per_user() {
    let Some(url) = redis_url().await else { return };
    let prefix = unique_prefix("rate-shared");
    let shared = |s: &mut Settings| {
        small_bucket(s, 10);
        s.redis.url = Some(url.clone());
        s.redis.key_prefix = prefix.clone();
    };
    let a = spawn_app_with(shared).await;
    let b = spawn_app_with(shared).await;
    let (answered, refused, elapsed) = until_refused(&[&a, &b], GLOBEX_USER, 40).await;
    refused.assert_refused();
    assert!(
        (10..=most_answers(10, elapsed)).contains(&answered),
        "{answered} answers in {elapsed:?} from one bucket of 10, half on each gateway"
    );
    assert!(
        answered < 20,
        "two buckets of their own would have given 20 answers"
    );

    let other = me(&b, NORTHWIND_USER).await;
    assert_eq!(other.answer.status, StatusCode::OK);
    other.answer.assert_ok();
}

/// Order numbers shaped like the customer's own that belong to no order.
fn missing_orders(app: &TestApp, customer: &str, count: usize) -> Vec<String> {
    let existing: BTreeSet<String> = [Region::Americas, Region::Emea, Region::Ap]
        .into_iter()
        .flat_map(|region| generate(app.settings.sandbox.seed, region))
        .map(|o| o.order_no)
        .collect();
    (0..10_000)
        .map(|seq| format!("1{customer}{seq:04}"))
        .filter(|n| !existing.contains(n))
        .take(count)
        .collect()
}

/// A US order of `customer` (or, with `None`, of another US customer than [`TARGET`]).
fn real_order(app: &TestApp, customer: Option<&str>) -> (String, String) {
    generate(app.settings.sandbox.seed, Region::Americas)
        .into_iter()
        .find(|o| {
            o.ctry == "US"
                && match customer {
                    Some(customer) => o.cust_no == customer,
                    None => o.cust_no != TARGET,
                }
        })
        .map(|o| (o.order_no, o.cust_no))
        .expect("a US order in the demo data")
}

/// Guesses order numbers of [`TARGET`] from five addresses (taking turns over `apps`), with a
/// limit of 4 failures: four are `NOT_FOUND`, and then every lookup for the customer number is
/// refused — from a new address, and with the right order number too — while another customer
/// number is still answered.
async fn guesses_from_many_addresses_are_limited_together(apps: &[&TestApp]) {
    let first = apps[0];
    let guesses = missing_orders(first, TARGET, 5);
    for (i, guess) in guesses.iter().take(4).enumerate() {
        let app = apps[i % apps.len()];
        let answer = guest_lookup(app, &format!("10.0.0.{}", i + 1), guess, TARGET).await;
        assert_eq!(answer.answer.error_codes(), ["NOT_FOUND"], "guess {i}");
    }
    let calls: u64 = apps.iter().map(|a| a.backend_calls()).sum();
    let fifth = guest_lookup(apps[4 % apps.len()], "10.0.0.5", &guesses[4], TARGET).await;
    fifth.assert_refused();
    assert_eq!(
        fifth.answer.body["data"]["guestOrderStatus"],
        Value::Null,
        "{}",
        fifth.answer.body
    );
    let (order, _) = real_order(first, Some(TARGET));
    guest_lookup(apps[0], "10.0.0.6", &order, TARGET)
        .await
        .assert_refused();
    assert_eq!(
        apps.iter().map(|a| a.backend_calls()).sum::<u64>(),
        calls,
        "refused lookups reach no backend"
    );

    let (other_order, other_customer) = real_order(first, None);
    for (i, app) in apps.iter().enumerate() {
        let answer = guest_lookup(
            app,
            &format!("10.0.0.{}", i + 1),
            &other_order,
            &other_customer,
        )
        .await;
        assert_eq!(answer.answer.status, StatusCode::OK);
        answer.answer.assert_ok();
    }
}

#[tokio::test]
async fn guest_lookups_for_one_customer_number_from_five_addresses_are_limited_together() {
    let app = spawn_app_with(|s| behind_proxy(s, 4)).await;
    guesses_from_many_addresses_are_limited_together(&[&app]).await;
}

#[tokio::test]
async fn guest_guesses_at_one_customer_number_are_limited_together_across_gateways() {
    let Some(url) = redis_url().await else { return };
    let prefix = unique_prefix("rate-guest");
    let shared = |s: &mut Settings| {
        behind_proxy(s, 4);
        s.redis.url = Some(url.clone());
        s.redis.key_prefix = prefix.clone();
    };
    let a = spawn_app_with(shared).await;
    let b = spawn_app_with(shared).await;
    guesses_from_many_addresses_are_limited_together(&[&a, &b]).await;
}

#[tokio::test]
async fn lookups_that_find_the_order_do_not_count_against_its_customer_number() {
    let app = spawn_app_with(|s| behind_proxy(s, 2)).await;
    let (order, customer) = real_order(&app, Some(TARGET));
    for i in 1..=6 {
        let answer = guest_lookup(&app, &format!("10.0.1.{i}"), &order, &customer).await;
        answer.answer.assert_ok();
    }
}

#[tokio::test]
async fn a_redis_that_is_down_fails_no_request_and_the_limits_hold_in_process() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port");
    let app = spawn_app_with(|s| {
        small_bucket(s, 3);
        behind_proxy(s, 2);
        s.redis.url = Some(format!("redis://127.0.0.1:{closed}"));
        s.redis.connect_timeout_ms = 50;
    })
    .await;
    let (answered, refused, elapsed) = until_refused(&[&app], GLOBEX_USER, 20).await;
    refused.assert_refused();
    assert!((3..=most_answers(3, elapsed)).contains(&answered));

    let (order, customer) = real_order(&app, Some(TARGET));
    guest_lookup(&app, "10.0.2.1", &order, &customer)
        .await
        .answer
        .assert_ok();
    let guesses = missing_orders(&app, TARGET, 3);
    for (i, guess) in guesses.iter().take(2).enumerate() {
        let answer = guest_lookup(&app, &format!("10.0.2.{}", i + 2), guess, TARGET).await;
        assert_eq!(answer.answer.error_codes(), ["NOT_FOUND"]);
    }
    guest_lookup(&app, "10.0.2.9", &guesses[2], TARGET)
        .await
        .assert_refused();
}

#[tokio::test]
async fn a_request_that_walks_pages_pays_for_every_call_it_made() {
    // 20 units; an inventory count over Atlas's pages (no cache) makes about ten calls, while
    // its estimate, paid up front, is three.
    let app = spawn_app_with(|s| {
        small_bucket(s, 20);
        s.cache.inventory_ttl_seconds = 0;
    })
    .await;
    let counted = "{ inventory(first: 3, filter: { kind: SOFTWARE }) { totalCount } }";
    let answer = app.graphql_as("atlas-morgan", counted, json!({})).await;
    assert!(answer.assert_ok()["inventory"]["totalCount"].as_u64() > Some(0));
    let (answered, refusal, elapsed) = until_refused(&[&app], "atlas-morgan", 40).await;
    refusal.assert_refused();
    // Paid up front only, 17 units would be left; paid for what it made, at most 12.
    assert!(
        answered <= most_answers(12, elapsed),
        "{answered} answers after the walk"
    );
}
