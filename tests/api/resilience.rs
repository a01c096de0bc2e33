//! Backend resilience: circuit breakers open and close, retries stay within their budget, writes
//! are never retried. Asserted by counting the calls that reach the sandbox, not by timing.

use std::time::Duration;

use serde_json::Value;
use supportgraph_adapters::sandbox::FaultSpec;

use crate::helpers::{GLOBEX_USER, TestApp, spawn_app_with};

const SPAIN_ORDERS: &str =
    r#"{ orders(first: 5, filter: { customerNumbers: ["4400201"] }) { totalCount } }"#;

fn failing() -> FaultSpec {
    FaultSpec {
        error_rate: 1.0,
        ..FaultSpec::default()
    }
}

fn calls(app: &TestApp, instance: &str) -> u64 {
    app.sandbox.stats().instances[instance].calls
}

#[tokio::test]
async fn a_failing_backend_opens_its_breaker_then_closes_after_recovery() {
    let app = spawn_app_with(|s| {
        s.cache.orders_ttl_seconds = 0;
        s.resilience.max_retries = 0;
        s.resilience.breaker_window = 4;
        s.resilience.breaker_min_calls = 4;
        s.resilience.breaker_open_ms = 300;
    })
    .await;
    app.sandbox
        .set_fault("order-status/emea", failing())
        .expect("known");
    for _ in 0..10 {
        let answer = app.graphql_as(GLOBEX_USER, SPAIN_ORDERS, Value::Null).await;
        assert_eq!(answer.error_codes(), ["BACKEND_UNAVAILABLE"]);
        assert_eq!(
            answer.body["errors"][0]["extensions"]["backend"],
            "order-status/emea"
        );
    }
    assert_eq!(
        calls(&app, "order-status/emea"),
        4,
        "after 4 failures the breaker is open: the other 6 failed fast"
    );
    let ready = app.readyz().await;
    let open = ready["openBreakers"].as_array().expect("a list");
    assert_eq!(open.len(), 1, "{ready}");
    assert_eq!(open[0]["backend"], "order-status/emea");
    assert_eq!(open[0]["state"], "open");

    app.sandbox
        .set_fault("order-status/emea", FaultSpec::default())
        .expect("known");
    tokio::time::sleep(Duration::from_millis(400)).await;
    for _ in 0..3 {
        app.graphql_as(GLOBEX_USER, SPAIN_ORDERS, Value::Null)
            .await
            .assert_ok();
    }
    assert_eq!(
        calls(&app, "order-status/emea"),
        7,
        "a probe, then closed again"
    );
}

#[tokio::test]
async fn retries_never_exceed_the_budget() {
    let app = spawn_app_with(|s| {
        s.cache.orders_ttl_seconds = 0;
        s.resilience.max_retries = 3;
        s.resilience.retry_ratio = 0.2;
        s.resilience.retry_backoff_ms = 1;
        s.resilience.breaker_min_calls = 1_000_000;
        s.resilience.breaker_window = 1_000_000;
    })
    .await;
    app.sandbox
        .set_fault("order-status/emea", failing())
        .expect("known");
    let queries = 50;
    for _ in 0..queries {
        let answer = app.graphql_as(GLOBEX_USER, SPAIN_ORDERS, Value::Null).await;
        assert_eq!(answer.error_codes(), ["BACKEND_UNAVAILABLE"]);
    }
    let made = calls(&app, "order-status/emea");
    assert!(
        made <= queries + queries / 5,
        "{made} calls for {queries} requests: over 20 % extra"
    );
    assert!(made > queries, "the budget allows some retries: {made}");
}

#[tokio::test]
async fn a_read_that_fails_once_succeeds_on_retry() {
    let app = spawn_app_with(|s| {
        s.cache.orders_ttl_seconds = 0;
        s.resilience.retry_backoff_ms = 1;
    })
    .await;
    // Earn retry budget with successful reads.
    for _ in 0..10 {
        app.graphql_as(GLOBEX_USER, SPAIN_ORDERS, Value::Null)
            .await
            .assert_ok();
    }
    let spec = FaultSpec {
        error_rate: 0.5,
        ..FaultSpec::default()
    };
    app.sandbox
        .set_fault("order-status/emea", spec)
        .expect("known");
    let mut answered = 0;
    for _ in 0..10 {
        if app
            .graphql_as(GLOBEX_USER, SPAIN_ORDERS, Value::Null)
            .await
            .body
            .get("errors")
            .is_none()
        {
            answered += 1;
        }
    }
    let stats = &app.sandbox.stats().instances["order-status/emea"];
    assert!(stats.injected_failures > 0, "failures were injected");
    assert!(
        answered > 10 - stats.injected_failures as usize,
        "some failed reads were rescued by a retry: {answered} answered, {} failures",
        stats.injected_failures
    );
}

#[tokio::test]
async fn a_mutation_is_never_retried() {
    let app = spawn_app_with(|s| {
        s.cache.profile_ttl_seconds = 0;
        s.resilience.retry_backoff_ms = 1;
    })
    .await;
    for _ in 0..20 {
        app.graphql_as("globex-kenji", "{ me { userId } }", Value::Null)
            .await
            .assert_ok();
    }
    let spec = FaultSpec {
        error_rate: 1.0,
        only_method: Some("POST".into()),
        ..FaultSpec::default()
    };
    app.sandbox.set_fault("registration", spec).expect("known");
    let answer = app
        .graphql_as(
            "globex-kenji",
            r#"mutation { requestToolAuthorization(input: { tool: ORDER_STATUS, customerNumber: "1000101", justification: "Chicago" }) { userErrors { code } } }"#,
            Value::Null,
        )
        .await;
    assert_eq!(answer.error_codes(), ["BACKEND_UNAVAILABLE"]);
    assert_eq!(
        app.sandbox.stats().instances["registration"].injected_failures,
        1,
        "the write reached the backend once, though the retry budget had room"
    );
}
