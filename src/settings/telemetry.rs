//! The `[telemetry]` section: traces over OTLP, whose `traceparent` the gateway continues, and who
//! may read `/metrics` (see [`crate::telemetry`]). Its own file because its checks are its own: a
//! sampling ratio outside 0..=1 or an unbounded label set is refused while the settings load.

use std::net::IpAddr;

use serde::{Deserialize, Deserializer};
use url::Url;

use super::SecretString;

/// The most distinct operation names `max_operation_names` may allow as a metrics label.
pub const MAX_OPERATION_NAMES: usize = 1_000;

/// Traces, and metrics labels.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TelemetrySettings {
    /// Where spans are exported, over OTLP/HTTP (protobuf), e.g.
    /// `http://otel-collector:4318/v1/traces`. Unset: nothing is exported, but every request
    /// still has a trace id (in logs, on errors, in the `traceparent` sent to backends).
    #[serde(default)]
    pub otlp_endpoint: Option<Url>,
    /// The `service.name` spans are exported under.
    pub service_name: String,
    /// Share of new traces (0 to 1) that are exported; a trace continued from a trusted caller
    /// follows the caller's sampling decision instead.
    #[serde(deserialize_with = "ratio")]
    pub sampling_ratio: f64,
    /// Peers (the address that connects, never one forwarded in a header) whose W3C
    /// `traceparent` is continued: their trace id becomes the request's. Anyone else's is ignored
    /// and the request starts a fresh trace, so no client can pick the trace id its errors and
    /// log lines carry. Not `server.trusted_proxies`: a load balancer passes its clients'
    /// headers through untouched.
    #[serde(default)]
    pub trusted_trace_callers: Vec<IpAddr>,
    /// Distinct operation names (`[A-Za-z0-9_]`, at most 64 characters) kept as the `operation`
    /// label of the request metrics, first come first served (1 to 1,000); later names count as
    /// `other`, so clients cannot grow the metrics without bound.
    #[serde(deserialize_with = "operation_names")]
    pub max_operation_names: usize,
    /// The bearer token Prometheus presents to read `/metrics`. Unset: `/metrics` answers only
    /// callers on the loopback interface (a sidecar, or the sandbox).
    #[serde(default)]
    pub metrics_token: Option<SecretString>,
}

fn ratio<'de, D: Deserializer<'de>>(deserializer: D) -> Result<f64, D::Error> {
    let value = f64::deserialize(deserializer)?;
    if (0.0..=1.0).contains(&value) {
        Ok(value)
    } else {
        Err(serde::de::Error::custom(format!(
            "{value} is not a ratio between 0 and 1"
        )))
    }
}

fn operation_names<'de, D: Deserializer<'de>>(deserializer: D) -> Result<usize, D::Error> {
    let value = usize::deserialize(deserializer)?;
    if (1..=MAX_OPERATION_NAMES).contains(&value) {
        Ok(value)
    } else {
        Err(serde::de::Error::custom(format!(
            "{value} is not between 1 and {MAX_OPERATION_NAMES}"
        )))
    }
}
