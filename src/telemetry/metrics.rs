//! Prometheus metrics, served as text at `/metrics`: what the gateway is asked, what it asks the
//! backends, and what it refuses.
//!
//! | family | labels | what |
//! | --- | --- | --- |
//! | `supportgraph_http_requests_total`, `supportgraph_http_request_duration_seconds` | `route`, `status` | every HTTP request, by route template and status class |
//! | `supportgraph_graphql_requests_total`, `supportgraph_graphql_request_duration_seconds` | `operation`, `outcome` | GraphQL requests to `/graphql` |
//! | `supportgraph_backend_calls_total`, `supportgraph_backend_call_duration_seconds` | `backend`, `region`, `operation`, `status` | every attempt at a backend call (the adapters' client) |
//! | `supportgraph_backend_retries_total` | `backend`, `region`, `operation` | retried attempts |
//! | `supportgraph_breaker_state` | `backend`, `region`, `operation` | 0 closed, 1 half-open, 2 open; read when scraped |
//! | `supportgraph_breaker_opened_total` | `backend`, `region`, `operation` | breakers opening |
//! | `supportgraph_cache_lookups_total` | `tier`, `result` | `memory` or `redis`; `hit`, `miss`, `error`, `bypass` |
//! | `supportgraph_rate_limit_refusals_total` | `limiter` | `principal`, `guest_address`, `guest_customer` |
//! | `supportgraph_budget_refusals_total` | `limit` | documents refused before they run (`depth`, `complexity`, `backend_calls`, ...) and calls refused while they run (`call_budget`) |
//! | `supportgraph_active_subscriptions` | `field` | subscriptions open on this instance, by root field |
//!
//! Every label comes from a closed vocabulary the gateway defines — route templates, backend
//! instances and operations, tiers, limits, schema fields — except the operation name, which
//! clients choose. [`operation_label`] bounds it: a name of `[A-Za-z0-9_]` (at most 64
//! characters) is kept, first come first served, until `telemetry.max_operation_names` are;
//! later and malformed names count as `other`, unnamed operations as `anonymous`. No label ever
//! holds a customer number, a user id, an address or any other value from a request's data.
//!
//! One recorder serves the process (the `metrics` facade is global): gateways built in one
//! process, as in the tests, share it.

use std::cell::Cell;
use std::collections::HashSet;
use std::future::Future;
use std::sync::atomic::Ordering;
use std::sync::{LazyLock, OnceLock, RwLock};
use std::time::Duration;

use axum::extract::MatchedPath;
use axum::http::StatusCode;
use metrics::{counter, describe_counter, describe_gauge, describe_histogram, gauge, histogram};
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};

use crate::settings::telemetry::TelemetrySettings;

/// HTTP requests, by route and status class.
pub const HTTP_REQUESTS: &str = "supportgraph_http_requests_total";
/// HTTP request latency, by route and status class.
pub const HTTP_DURATION: &str = "supportgraph_http_request_duration_seconds";
/// GraphQL requests, by operation name and outcome.
pub const GRAPHQL_REQUESTS: &str = "supportgraph_graphql_requests_total";
/// GraphQL request latency, by operation name and outcome.
pub const GRAPHQL_DURATION: &str = "supportgraph_graphql_request_duration_seconds";
/// Breaker state per backend instance and operation (0 closed, 1 half-open, 2 open).
pub const BREAKER_STATE: &str = "supportgraph_breaker_state";
/// Cache lookups, by tier and result.
pub const CACHE_LOOKUPS: &str = "supportgraph_cache_lookups_total";
/// Requests and lookups refused by a rate limit, by limiter.
pub const RATE_LIMIT_REFUSALS: &str = "supportgraph_rate_limit_refusals_total";
/// Documents and calls refused by a budget or document limit, by limit.
pub const BUDGET_REFUSALS: &str = "supportgraph_budget_refusals_total";
/// Open subscriptions, by root field.
pub const ACTIVE_SUBSCRIPTIONS: &str = "supportgraph_active_subscriptions";

use super::operation_names::OPERATION_NAMES;
pub use super::operation_names::{ANONYMOUS, OTHER, operation_label};

/// Latency buckets, in seconds: from a cache hit to the request deadline.
const BUCKETS: [f64; 14] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];

/// How often histogram samples are folded into their buckets between scrapes, so memory stays
/// flat when nobody scrapes.
const UPKEEP: Duration = Duration::from_secs(5);

static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();

/// Installs the process's recorder (once; later calls only apply `settings`' label limit) and
/// returns the handle `/metrics` renders.
pub fn install(settings: &TelemetrySettings) -> &'static PrometheusHandle {
    OPERATION_NAMES
        .limit
        .store(settings.max_operation_names, Ordering::Relaxed);
    HANDLE.get_or_init(|| {
        let builder = PrometheusBuilder::new()
            .set_buckets(&BUCKETS)
            .expect("the bucket list is not empty");
        let recorder = builder.build_recorder();
        let handle = recorder.handle();
        if metrics::set_global_recorder(recorder).is_err() {
            tracing::warn!("another metrics recorder is installed: /metrics stays empty");
        }
        let upkeep = handle.clone();
        let spawned = std::thread::Builder::new()
            .name("metrics-upkeep".to_owned())
            .spawn(move || {
                loop {
                    std::thread::sleep(UPKEEP);
                    upkeep.run_upkeep();
                }
            });
        if let Err(error) = spawned {
            tracing::warn!(%error, "no metrics upkeep thread: histograms fold when scraped");
        }
        describe();
        handle.clone()
    })
}

fn describe() {
    describe_counter!(HTTP_REQUESTS, "HTTP requests, by route and status class.");
    describe_histogram!(
        HTTP_DURATION,
        metrics::Unit::Seconds,
        "HTTP request latency, by route and status class."
    );
    describe_counter!(
        GRAPHQL_REQUESTS,
        "GraphQL requests to /graphql, by operation name and outcome."
    );
    describe_histogram!(
        GRAPHQL_DURATION,
        metrics::Unit::Seconds,
        "GraphQL request latency, by operation name and outcome."
    );
    describe_gauge!(
        BREAKER_STATE,
        "Circuit breaker per backend instance and operation: 0 closed, 1 half-open, 2 open."
    );
    describe_counter!(CACHE_LOOKUPS, "Cache lookups, by tier and result.");
    describe_counter!(RATE_LIMIT_REFUSALS, "Rate-limit refusals, by limiter.");
    describe_counter!(
        BUDGET_REFUSALS,
        "Documents refused before they run, and backend calls refused while they run, by limit."
    );
    describe_gauge!(ACTIVE_SUBSCRIPTIONS, "Open subscriptions, by root field.");
    supportgraph_adapters::client::describe_metrics();
}

static ROUTES: LazyLock<RwLock<HashSet<&'static str>>> = LazyLock::new(Default::default);

/// The `route` label: the matched route's template (`/graphql`, `/exports/{file}`), never the
/// path itself; `unmatched` for a path no route serves. Templates are the router's, so the set
/// is closed.
pub(crate) fn route_label(matched: Option<&MatchedPath>) -> &'static str {
    let Some(route) = matched.map(MatchedPath::as_str) else {
        return "unmatched";
    };
    if let Some(known) = ROUTES
        .read()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .get(route)
    {
        return known;
    }
    let mut routes = ROUTES
        .write()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some(known) = routes.get(route) {
        return known;
    }
    let leaked: &'static str = Box::leak(route.to_owned().into_boxed_str());
    routes.insert(leaked);
    leaked
}

/// How a GraphQL request ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Data and no errors.
    Ok,
    /// Data and errors (some fields failed).
    Partial,
    /// Errors only, after it started to run.
    Error,
    /// Never ran: it did not parse or validate, exceeded a limit, was rate limited, or its token
    /// was refused.
    Refused,
}

impl Outcome {
    /// The `outcome` label.
    pub fn label(self) -> &'static str {
        match self {
            Self::Ok => "ok",
            Self::Partial => "partial",
            Self::Error => "error",
            Self::Refused => "refused",
        }
    }

    /// How `response` ended.
    pub fn of(response: &async_graphql::Response) -> Self {
        let no_data = response.data == async_graphql::Value::Null;
        if response.errors.is_empty() {
            Self::Ok
        } else if no_data && response.errors.iter().all(|e| e.path.is_empty()) {
            Self::Refused
        } else if no_data {
            Self::Error
        } else {
            Self::Partial
        }
    }
}

/// What one HTTP request learnt about the GraphQL request it carried.
#[derive(Debug, Clone, Copy, Default)]
pub struct GraphqlRecord {
    operation: Option<&'static str>,
    outcome: Option<Outcome>,
}

tokio::task_local! {
    static GRAPHQL: Cell<GraphqlRecord>;
}

/// Runs `answer` (one HTTP request's handling) where [`record_operation`] and [`record_outcome`]
/// can note what it carried; returns the answer and what was noted, if anything.
pub(crate) async fn in_request_scope<T>(
    answer: impl Future<Output = T>,
) -> (T, Option<GraphqlRecord>) {
    GRAPHQL
        .scope(Cell::new(GraphqlRecord::default()), async {
            let answer = answer.await;
            let record = GRAPHQL.with(Cell::get);
            let noted = record.operation.is_some() || record.outcome.is_some();
            (answer, noted.then_some(record))
        })
        .await
}

/// Notes the name of the operation the current HTTP request runs (for its metrics); nothing
/// outside one. Called once a document is admitted (`graphql::limits::admit`).
pub fn record_operation(name: Option<&str>) {
    let _ = GRAPHQL.try_with(|cell| {
        let mut record = cell.get();
        record.operation = Some(operation_label(name));
        cell.set(record);
    });
}

/// Notes how the GraphQL request the current HTTP request carried ended (by the
/// HTTP layer, once the schema answered); nothing outside one.
pub fn record_outcome(outcome: Outcome) {
    let _ = GRAPHQL.try_with(|cell| {
        let mut record = cell.get();
        record.outcome = Some(outcome);
        cell.set(record);
    });
}

/// Counts one answered HTTP request (and, when it carried one, its GraphQL request).
pub(crate) fn request_answered(
    route: &'static str,
    status: StatusCode,
    graphql: Option<GraphqlRecord>,
    elapsed: Duration,
) {
    let class = status_class(status);
    let seconds = elapsed.as_secs_f64();
    counter!(HTTP_REQUESTS, "route" => route, "status" => class).increment(1);
    histogram!(HTTP_DURATION, "route" => route, "status" => class).record(seconds);
    if graphql.is_none() && route != "/graphql" {
        return;
    }
    let record = graphql.unwrap_or_default();
    let operation = record.operation.unwrap_or(ANONYMOUS);
    let outcome = match record.outcome {
        Some(outcome) if !status.is_server_error() => outcome,
        Some(_) => Outcome::Error,
        None => Outcome::Refused,
    }
    .label();
    counter!(GRAPHQL_REQUESTS, "operation" => operation, "outcome" => outcome).increment(1);
    histogram!(GRAPHQL_DURATION, "operation" => operation, "outcome" => outcome).record(seconds);
}

fn status_class(status: StatusCode) -> &'static str {
    match status.as_u16() {
        100..=199 => "1xx",
        200..=299 => "2xx",
        300..=399 => "3xx",
        400..=499 => "4xx",
        _ => "5xx",
    }
}

/// A cache tier.
#[derive(Debug, Clone, Copy)]
pub enum Tier {
    /// The in-process tier.
    Memory,
    /// The shared (Redis) tier.
    Redis,
}

/// What a cache lookup found.
#[derive(Debug, Clone, Copy)]
pub enum Lookup {
    /// The value.
    Hit,
    /// Nothing: the next tier, or the backend, answers.
    Miss,
    /// The tier failed (Redis down or slow, an unreadable entry): treated as a miss.
    Error,
    /// Not looked up: the value's namespace versions could not be read.
    Bypass,
}

/// Counts one cache lookup.
pub fn cache_lookup(tier: Tier, lookup: Lookup) {
    let tier = match tier {
        Tier::Memory => "memory",
        Tier::Redis => "redis",
    };
    let result = match lookup {
        Lookup::Hit => "hit",
        Lookup::Miss => "miss",
        Lookup::Error => "error",
        Lookup::Bypass => "bypass",
    };
    counter!(CACHE_LOOKUPS, "tier" => tier, "result" => result).increment(1);
}

/// Counts one refusal by a rate limiter (`principal`, `guest_address`, `guest_customer`).
pub fn rate_limit_refused(limiter: &'static str) {
    counter!(RATE_LIMIT_REFUSALS, "limiter" => limiter).increment(1);
}

/// Counts one refusal by a budget or document limit (`depth`, `backend_calls`, `call_budget`,
/// ...).
pub fn budget_refused(limit: &'static str) {
    counter!(BUDGET_REFUSALS, "limit" => limit).increment(1);
}

/// One open subscription, counted in [`ACTIVE_SUBSCRIPTIONS`] until dropped.
#[derive(Debug)]
pub struct OpenSubscription {
    field: &'static str,
}

impl OpenSubscription {
    /// Counts a subscription to `field` (a root field of the schema's `Subscription` type; any
    /// other name counts as `other`).
    pub fn open(field: &str, known: &[&'static str]) -> Self {
        let field = known
            .iter()
            .find(|k| **k == field)
            .copied()
            .unwrap_or(OTHER);
        gauge!(ACTIVE_SUBSCRIPTIONS, "field" => field).increment(1.0);
        Self { field }
    }
}

impl Drop for OpenSubscription {
    fn drop(&mut self) {
        gauge!(ACTIVE_SUBSCRIPTIONS, "field" => self.field).decrement(1.0);
    }
}

/// The text `/metrics` serves: the breaker gauges read from `app`'s backends now, then every
/// family in Prometheus' text format. Empty before [`install`].
pub fn scrape(app: &crate::app::App) -> String {
    let Some(handle) = HANDLE.get() else {
        return String::new();
    };
    let reports: Vec<_> = app
        .order_backends
        .values()
        .flat_map(|b| b.breakers())
        .chain(app.inventory_backends.values().flat_map(|b| b.breakers()))
        .chain(app.registration.breakers())
        .chain(app.mail.breakers())
        .chain(app.billing_backends.values().flat_map(|b| b.breakers()))
        .chain(app.support.breakers())
        .chain(app.contracts.breakers())
        .collect();
    breaker_states(&reports);
    handle.render()
}

/// Sets the breaker gauges from `reports` (every operation's breaker, read when scraped).
pub fn breaker_states(reports: &[supportgraph_adapters::resilience::BreakerReport]) {
    use supportgraph_adapters::resilience::BreakerState;
    for report in reports {
        let (backend, region) = supportgraph_adapters::client::backend_and_region(&report.backend);
        let value = match report.state {
            BreakerState::Closed => 0.0,
            BreakerState::HalfOpen => 1.0,
            BreakerState::Open => 2.0,
        };
        gauge!(
            BREAKER_STATE,
            "backend" => backend.to_owned(),
            "region" => region.to_owned(),
            "operation" => report.operation
        )
        .set(value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outcomes_follow_the_response() {
        use async_graphql::{Pos, Response, ServerError, Value};
        let ok = Response::new(Value::from(1));
        assert_eq!(Outcome::of(&ok), Outcome::Ok);
        let refused = Response::from_errors(vec![ServerError::new("bad", Some(Pos::default()))]);
        assert_eq!(Outcome::of(&refused), Outcome::Refused);
        let mut partial = Response::new(Value::from(1));
        let mut failed = ServerError::new("backend down", None);
        failed.path = vec![async_graphql::PathSegment::Field("orders".into())];
        partial.errors.push(failed.clone());
        assert_eq!(Outcome::of(&partial), Outcome::Partial);
        let mut error = Response::new(Value::Null);
        error.errors.push(failed);
        assert_eq!(Outcome::of(&error), Outcome::Error);
    }
}
