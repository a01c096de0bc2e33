//! Liveness and readiness probes for load balancers and orchestrators.

use axum::Json;
use axum::extract::State;
use serde_json::{Value, json};

use super::HttpState;
use crate::cache::CacheHealth;
use supportgraph_adapters::resilience::BreakerState;

/// Liveness: the process answers.
pub async fn healthz() -> &'static str {
    "ok"
}

/// Readiness: the gateway can serve. `degraded` (still HTTP 200: requests are served, only
/// slower) when the shared cache tier is failing. `openBreakers` lists the backend operations
/// failing fast right now (`backend`, `operation`, `state`), for operators: the gateway still
/// serves everything else.
pub async fn readyz(State(state): State<HttpState>) -> Json<Value> {
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
}
