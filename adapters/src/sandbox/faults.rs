//! Latency and failure injection, and call counting, for every simulated backend instance.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::http::header::CONTENT_TYPE;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::{SeededRng, malformed};

/// What to inject into one backend instance's answers.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaultSpec {
    /// Added to every answer, in milliseconds.
    #[serde(default)]
    pub latency_ms: u64,
    /// Share of calls answered with HTTP 503, from 0.0 (none) to 1.0 (all).
    #[serde(default)]
    pub error_rate: f64,
    /// Inject only into calls with this HTTP method (e.g. `POST`); unset means every call.
    #[serde(default)]
    pub only_method: Option<String>,
    /// Answer HTTP 200 with this body instead of the real one, as a broken backend might (e.g.
    /// one of the `malformed_*` fixtures).
    #[serde(default)]
    pub replace_body: Option<String>,
    /// Answer HTTP 200 with one of the backend's documented malformed payloads instead of the
    /// real one, by name: the fixture `malformed_<name>` with hyphens for underscores, e.g.
    /// `overflowing-amounts` for an order-status instance (see the sandbox's `malformed` module).
    /// Not together with `replace_body`.
    #[serde(default)]
    pub malformed: Option<String>,
}

/// Call counts of one instance.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct InstanceStats {
    /// Calls received, failed ones included.
    pub calls: u64,
    /// Calls answered with an injected failure.
    pub injected_failures: u64,
    /// Calls that were not GETs (writes), failed ones included.
    pub writes: u64,
}

/// Call counts of the whole sandbox since start or the last reset.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SandboxStats {
    /// Per instance, e.g. `order-status/emea`.
    pub instances: BTreeMap<String, InstanceStats>,
    /// The most calls that were in flight at once, over every instance.
    pub max_concurrent_calls: u64,
}

#[derive(Debug, Default)]
struct Counters {
    calls: AtomicU64,
    injected_failures: AtomicU64,
    writes: AtomicU64,
}

/// Shared state of the injection layer: faults by instance, counters, concurrency.
#[derive(Debug, Default)]
pub(crate) struct FaultTable {
    faults: RwLock<BTreeMap<String, FaultSpec>>,
    counters: BTreeMap<String, Counters>,
    in_flight: AtomicU64,
    max_in_flight: AtomicU64,
    seed: u64,
}

impl FaultTable {
    pub(crate) fn new(instances: &[&str], faults: BTreeMap<String, FaultSpec>, seed: u64) -> Self {
        Self {
            faults: RwLock::new(faults),
            counters: instances
                .iter()
                .map(|name| ((*name).to_owned(), Counters::default()))
                .collect(),
            in_flight: AtomicU64::new(0),
            max_in_flight: AtomicU64::new(0),
            seed,
        }
    }

    pub(crate) fn set(&self, instance: &str, spec: FaultSpec) {
        self.faults
            .write()
            .expect("fault table lock is never poisoned: no code panics while holding it")
            .insert(instance.to_owned(), spec);
    }

    fn get(&self, instance: &str) -> FaultSpec {
        self.faults
            .read()
            .expect("fault table lock is never poisoned: no code panics while holding it")
            .get(instance)
            .cloned()
            .unwrap_or_default()
    }

    pub(crate) fn stats(&self) -> SandboxStats {
        SandboxStats {
            instances: self
                .counters
                .iter()
                .map(|(name, c)| {
                    let stats = InstanceStats {
                        calls: c.calls.load(Ordering::SeqCst),
                        injected_failures: c.injected_failures.load(Ordering::SeqCst),
                        writes: c.writes.load(Ordering::SeqCst),
                    };
                    (name.clone(), stats)
                })
                .collect(),
            max_concurrent_calls: self.max_in_flight.load(Ordering::SeqCst),
        }
    }

    pub(crate) fn reset(&self) {
        for c in self.counters.values() {
            c.calls.store(0, Ordering::SeqCst);
            c.injected_failures.store(0, Ordering::SeqCst);
            c.writes.store(0, Ordering::SeqCst);
        }
        self.max_in_flight
            .store(self.in_flight.load(Ordering::SeqCst), Ordering::SeqCst);
    }
}

/// Decrements the in-flight count when a call ends, even if the caller hung up.
struct InFlight<'a>(&'a AtomicU64);

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// The state one instance's middleware needs.
#[derive(Debug, Clone)]
pub(crate) struct InstanceFaults {
    pub(crate) name: &'static str,
    pub(crate) table: Arc<FaultTable>,
}

/// Axum middleware: count the call, wait the injected latency, maybe fail, else serve.
pub(crate) async fn inject(
    State(instance): State<InstanceFaults>,
    request: Request,
    next: Next,
) -> Response {
    let table = &instance.table;
    let counters = &table.counters[instance.name];
    let call_number = counters.calls.fetch_add(1, Ordering::SeqCst);
    if request.method() != axum::http::Method::GET {
        counters.writes.fetch_add(1, Ordering::SeqCst);
    }
    let now = table.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
    table.max_in_flight.fetch_max(now, Ordering::SeqCst);
    let _in_flight = InFlight(&table.in_flight);

    let fault = table.get(instance.name);
    let applies = fault
        .only_method
        .as_deref()
        .is_none_or(|m| m.eq_ignore_ascii_case(request.method().as_str()));
    if !applies {
        return next.run(request).await;
    }
    if fault.latency_ms > 0 {
        tokio::time::sleep(Duration::from_millis(fault.latency_ms)).await;
    }
    let mut dice = SeededRng::new(table.seed ^ call_number, instance.name);
    if dice.chance(fault.error_rate) {
        counters.injected_failures.fetch_add(1, Ordering::SeqCst);
        let body = axum::Json(serde_json::json!({
            "error": "SERVICE_UNAVAILABLE",
            "message": "sandbox: injected failure (internal detail that must never reach API callers)"
        }));
        return (StatusCode::SERVICE_UNAVAILABLE, body).into_response();
    }
    if let Some(body) = fault.replace_body {
        return (StatusCode::OK, body).into_response();
    }
    if let Some((content_type, body)) = fault
        .malformed
        .as_deref()
        .and_then(|name| malformed::payload(instance.name, name))
    {
        return (StatusCode::OK, [(CONTENT_TYPE, content_type)], body).into_response();
    }
    next.run(request).await
}
