//! `/metrics`: after a few requests every family is there with labels from the gateway's own
//! vocabulary — operation names bounded, backends split into backend and region, cache tiers,
//! limiters, limits, subscription fields — and no tenant's data; and who may read it.

use std::collections::BTreeMap;
use std::time::Duration;

use reqwest::StatusCode;
use serde_json::json;
use supportgraph::settings::SecretString;

use crate::helpers::{GLOBEX_USER, TestApp, spawn_app_with};
use crate::live::SUBSCRIPTION;
use crate::live::socket::{PATIENCE, Socket};

/// One sample: its name, labels and value.
#[derive(Debug)]
struct Sample {
    name: String,
    labels: BTreeMap<String, String>,
    value: f64,
}

/// The samples of a Prometheus text exposition.
fn samples(text: &str) -> Vec<Sample> {
    text.lines()
        .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
        .filter_map(|line| {
            let (series, value) = line.rsplit_once(' ')?;
            let value = value.parse().ok()?;
            let (name, labels) = match series.split_once('{') {
                Some((name, rest)) => (name, parse_labels(rest.strip_suffix('}')?)),
                None => (series, BTreeMap::new()),
            };
            Some(Sample {
                name: name.to_owned(),
                labels,
                value,
            })
        })
        .collect()
}

/// `a="x",b="y"` (values without quotes or commas, as the gateway's are).
fn parse_labels(text: &str) -> BTreeMap<String, String> {
    text.split("\",")
        .filter_map(|pair| {
            let (key, value) = pair.split_once("=\"")?;
            Some((key.to_owned(), value.trim_end_matches('"').to_owned()))
        })
        .collect()
}

/// The first sample of `name` whose labels include every one of `wanted`.
fn find<'a>(samples: &'a [Sample], name: &str, wanted: &[(&str, &str)]) -> Option<&'a Sample> {
    samples.iter().find(|sample| {
        sample.name == name
            && wanted
                .iter()
                .all(|(key, value)| sample.labels.get(*key).map(String::as_str) == Some(value))
    })
}

fn assert_has(samples: &[Sample], name: &str, wanted: &[(&str, &str)]) -> f64 {
    find(samples, name, wanted)
        .unwrap_or_else(|| {
            let family: Vec<_> = samples.iter().filter(|s| s.name == name).collect();
            panic!("no {name} with {wanted:?}; the family: {family:#?}")
        })
        .value
}

async fn scrape(app: &TestApp) -> String {
    let response = app
        .http
        .get(format!("{}/metrics", app.address))
        .send()
        .await
        .expect("the gateway answers");
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .is_ok_and(|t| t.starts_with("text/plain; version=0.0.4"))
    );
    response.text().await.expect("text")
}

#[tokio::test]
async fn after_a_few_requests_every_family_is_there_with_sensible_labels() {
    let app = spawn_app_with(|settings| {
        // Small limits, to see them refuse: 3 root fields are one too many, and the principal's
        // bucket holds a few requests.
        settings.limits.max_root_fields = 2;
        settings.limits.rate_burst = 40;
        settings.limits.rate_per_second = 1;
        settings.redis.url = None;
    })
    .await;
    let token = app.token(GLOBEX_USER);

    let named = "query MetricsProbe { me { userId } orders(first: 3) { totalCount } }";
    app.graphql(Some(&token), named, json!({}))
        .await
        .assert_ok();
    let anonymous = "{ me { userId } }";
    app.graphql(Some(&token), anonymous, json!({}))
        .await
        .assert_ok();
    let too_wide = "query TooWide { a: me { userId } b: me { userId } c: me { userId } }";
    let refused = app.graphql(Some(&token), too_wide, json!({})).await;
    assert!(refused.body.get("errors").is_some(), "{}", refused.body);
    let hostile = "query Robert_Tables_0123456789_0123456789_0123456789_0123456789_0123456789 { me { userId } }";
    app.graphql(Some(&token), hostile, json!({})).await;
    // A subscription, open while the metrics are read.
    let mut socket = Socket::signed_in(&app.address, &token).await;
    socket.subscribe("1", SUBSCRIPTION, json!({})).await;
    let deadline = tokio::time::Instant::now() + PATIENCE;
    while find(
        &samples(&scrape(&app).await),
        "supportgraph_active_subscriptions",
        &[("field", "orderStatusChanged")],
    )
    .is_none_or(|s| s.value < 1.0)
    {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the subscription is counted"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }

    // Until the bucket is empty: a refusal by the principal's rate limit.
    let mut limited = false;
    for _ in 0..60 {
        let answer = app.graphql(Some(&token), named, json!({})).await;
        if answer.status == StatusCode::TOO_MANY_REQUESTS {
            limited = true;
            break;
        }
    }
    assert!(limited, "the small bucket refuses at last");

    let text = scrape(&app).await;
    let all = samples(&text);

    let graphql = "supportgraph_graphql_requests_total";
    assert!(
        assert_has(
            &all,
            graphql,
            &[("operation", "MetricsProbe"), ("outcome", "ok")]
        ) >= 1.0
    );
    assert_has(
        &all,
        graphql,
        &[("operation", "anonymous"), ("outcome", "ok")],
    );
    assert_has(
        &all,
        graphql,
        &[("operation", "TooWide"), ("outcome", "refused")],
    );
    assert_has(&all, graphql, &[("operation", "other")]);
    assert_has(
        &all,
        "supportgraph_graphql_request_duration_seconds_count",
        &[("operation", "MetricsProbe"), ("outcome", "ok")],
    );
    assert_has(
        &all,
        "supportgraph_http_requests_total",
        &[("route", "/graphql"), ("status", "2xx")],
    );
    assert_has(
        &all,
        "supportgraph_http_request_duration_seconds_bucket",
        &[("route", "/graphql"), ("status", "4xx")],
    );

    let calls = [
        ("backend", "order-status"),
        ("operation", "list_orders"),
        ("status", "2xx"),
    ];
    let call = find(&all, "supportgraph_backend_calls_total", &calls)
        .unwrap_or_else(|| panic!("no order-status call counted"));
    assert!(
        ["americas", "emea", "ap"].contains(&call.labels["region"].as_str()),
        "{call:?}"
    );
    assert_has(
        &all,
        "supportgraph_backend_call_duration_seconds_count",
        &calls,
    );
    assert_has(
        &all,
        "supportgraph_backend_calls_total",
        &[("backend", "registration"), ("region", "global")],
    );
    let breaker = assert_has(
        &all,
        "supportgraph_breaker_state",
        &[("backend", "order-status"), ("operation", "list_orders")],
    );
    assert_eq!(breaker, 0.0, "closed");

    assert_has(
        &all,
        "supportgraph_cache_lookups_total",
        &[("tier", "memory"), ("result", "miss")],
    );
    assert_has(
        &all,
        "supportgraph_rate_limit_refusals_total",
        &[("limiter", "principal")],
    );
    assert_has(
        &all,
        "supportgraph_budget_refusals_total",
        &[("limit", "root_fields")],
    );

    // Labels hold the gateway's vocabulary, never a tenant's data.
    for secret in [GLOBEX_USER, "1000102", "4900301", "Bearer", token.as_str()] {
        assert!(!text.contains(secret), "/metrics shows {secret:?}");
    }
    drop(socket);
}

#[tokio::test]
async fn metrics_are_for_local_callers_or_the_token_holder() {
    let open = spawn_app_with(|_| {}).await;
    scrape(&open).await;
    let through_a_proxy = open
        .http
        .get(format!("{}/metrics", open.address))
        .header("x-forwarded-for", "203.0.113.9")
        .send()
        .await
        .expect("the gateway answers");
    assert_eq!(through_a_proxy.status(), StatusCode::FORBIDDEN);

    let guarded = spawn_app_with(|settings| {
        settings.telemetry.metrics_token = Some(SecretString::new("scrape-me-0123456789"));
    })
    .await;
    let url = format!("{}/metrics", guarded.address);
    let without = guarded.http.get(&url).send().await.expect("an answer");
    assert_eq!(
        without.status(),
        StatusCode::FORBIDDEN,
        "loopback is not enough"
    );
    let wrong = guarded
        .http
        .get(&url)
        .bearer_auth("scrape-me-0123456788")
        .send()
        .await
        .expect("an answer");
    assert_eq!(wrong.status(), StatusCode::FORBIDDEN);
    let right = guarded
        .http
        .get(&url)
        .bearer_auth("scrape-me-0123456789")
        .send()
        .await
        .expect("an answer");
    assert_eq!(right.status(), StatusCode::OK);
    let text = right.text().await.expect("text");
    assert!(text.contains("supportgraph_http_requests_total"), "{text}");
}
