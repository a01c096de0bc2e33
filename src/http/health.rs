//! Liveness and readiness probes for load balancers and orchestrators.

use axum::Json;
use axum::extract::State;
use serde_json::{Value, json};

use super::HttpState;
use crate::cache::CacheHealth;

/// Liveness: the process answers.
pub async fn healthz() -> &'static str {
    "ok"
}

/// Readiness: the gateway can serve. `degraded` (still HTTP 200: requests are served, only
/// slower) when the shared cache tier is failing.
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
    Json(json!({
        "status": status,
        "cache": cache,
        "profile": format!("{:?}", settings.profile).to_lowercase(),
        "embeddedSandbox": settings.sandbox.embedded,
    }))
}
