//! Liveness and readiness probes for load balancers and orchestrators, and the drain that comes
//! before a graceful shutdown.
//!
//! Why a drain: when an orchestrator stops an instance it sends SIGTERM and, at about the same
//! time, starts taking the instance out of its load balancers — which takes a moment to reach
//! every one of them. An instance that closed its listener at once would refuse the requests
//! still routed to it during that moment. So for `server.drain_delay_ms` after the signal it
//! keeps accepting and serving everything, `/readyz` answers 503 `{"status":"draining"}` (for
//! balancers that probe it), and every HTTP/1 answer carries `Connection: close` (so clients and
//! proxies holding kept-alive connections open new ones, which land on other instances); only
//! then does the listener close and in-flight requests get `server.shutdown_grace_ms` to finish.
//! The drain itself is run by [`crate::startup`] ([`Draining`]).

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use serde_json::{Value, json};

use super::HttpState;
use crate::cache::CacheHealth;
use crate::startup::Draining;
use supportgraph_adapters::resilience::BreakerState;

/// Liveness: the process answers.
pub async fn healthz() -> &'static str {
    "ok"
}

/// Readiness: the gateway can serve. `degraded` (still HTTP 200: requests are served, only
/// slower) when the shared cache tier is failing. `openBreakers` lists the backend operations
/// failing fast right now (`backend`, `operation`, `state`), for operators: the gateway still
/// serves everything else. While the instance drains before stopping, 503
/// `{"status":"draining"}`: take it out of rotation, its requests are still being served.
pub async fn readyz(
    State(state): State<HttpState>,
    draining: Option<Extension<Draining>>,
) -> Response {
    if draining.is_some_and(|Extension(d)| d.is_draining()) {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({ "status": "draining" })),
        )
            .into_response();
    }
    let settings = &state.app.settings;
    let cache = match state.app.cache.health() {
        CacheHealth::LocalOnly => "local-only",
        CacheHealth::Ok => "ok",
        CacheHealth::Degraded => "degraded",
    };
    let status = if cache == "degraded" {
        "degraded"
    } else {
        "ready"
    };
    let app = &state.app;
    let reports = app
        .order_backends
        .values()
        .flat_map(|b| b.breakers())
        .chain(app.inventory_backends.values().flat_map(|b| b.breakers()))
        .chain(app.registration.breakers())
        .chain(app.mail.breakers())
        .chain(app.billing_backends.values().flat_map(|b| b.breakers()))
        .chain(app.support.breakers())
        .chain(app.contracts.breakers());
    let open_breakers: Vec<Value> = reports
        .filter(|r| r.state != BreakerState::Closed)
        .map(|r| {
            json!({
                "backend": r.backend,
                "operation": r.operation,
                "state": format!("{:?}", r.state).to_lowercase(),
            })
        })
        .collect();
    Json(json!({
        "status": status,
        "cache": cache,
        "openBreakers": open_breakers,
        "profile": format!("{:?}", settings.profile).to_lowercase(),
        "embeddedSandbox": settings.sandbox.embedded,
    }))
    .into_response()
}
