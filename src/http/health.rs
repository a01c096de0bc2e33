//! Liveness and readiness probes for load balancers and orchestrators.

use axum::Json;
use axum::extract::State;
use serde_json::{Value, json};

use super::HttpState;

/// Liveness: the process answers.
pub async fn healthz() -> &'static str {
    "ok"
}

/// Readiness: the gateway can serve; reports the profile and whether the sandbox is embedded.
pub async fn readyz(State(state): State<HttpState>) -> Json<Value> {
    let settings = &state.app.settings;
    Json(json!({
        "status": "ready",
        "profile": format!("{:?}", settings.profile).to_lowercase(),
        "embeddedSandbox": settings.sandbox.embedded,
    }))
}
