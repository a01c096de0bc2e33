//! What the client tells about its calls: the W3C `traceparent` each request carries, and the
//! metrics of every attempt.
//!
//! The trace context comes from the `tracing` span the call runs in (its `backend_call` span,
//! through `tracing-opentelemetry`): the backend sees the request's trace id and, as its parent,
//! the span of this call. Outside any trace (no subscriber with the OpenTelemetry layer) nothing
//! is sent.
//!
//! Metrics (the `metrics` facade; the gateway installs the recorder):
//! - `supportgraph_backend_calls_total{backend, region, operation, status}` and
//!   `supportgraph_backend_call_duration_seconds{...}`: every attempt; `status` is the answer's
//!   class (`2xx` .. `5xx`) or `timeout`, `transport`, `circuit_open` (refused unsent), `other`;
//! - `supportgraph_backend_retries_total{backend, region, operation}`;
//! - `supportgraph_breaker_opened_total{backend, region, operation}`: a breaker opening.
//!
//! `backend` and `region` come from the instance name (`order-status/emea` is backend
//! `order-status`, region `emea`; an instance without a region is region `global`); `operation`
//! is the call's static name. No label carries anything from a request.

use std::time::Duration;

use metrics::{Label, SharedString, counter, describe_counter, describe_histogram, histogram};
use opentelemetry::trace::TraceContextExt;
use reqwest::header::HeaderValue;
use tracing_opentelemetry::OpenTelemetrySpanExt;

use crate::AdapterError;

/// Attempts at backend calls.
pub const BACKEND_CALLS: &str = "supportgraph_backend_calls_total";
/// Latency of attempts at backend calls.
pub const BACKEND_DURATION: &str = "supportgraph_backend_call_duration_seconds";
/// Retried attempts.
pub const BACKEND_RETRIES: &str = "supportgraph_backend_retries_total";
/// Breakers opening.
pub const BREAKER_OPENED: &str = "supportgraph_breaker_opened_total";

/// The name of the W3C trace-context header.
pub const TRACEPARENT: &str = "traceparent";

/// Describes the client's metric families to the installed recorder.
pub fn describe_metrics() {
    describe_counter!(
        BACKEND_CALLS,
        "Attempts at backend calls, by backend, region, operation and status."
    );
    describe_histogram!(
        BACKEND_DURATION,
        metrics::Unit::Seconds,
        "Latency of attempts at backend calls, by backend, region, operation and status."
    );
    describe_counter!(BACKEND_RETRIES, "Retried backend calls.");
    describe_counter!(BREAKER_OPENED, "Circuit breakers opening.");
}

/// The backend and region of an instance name: `order-status/emea` is (`order-status`, `emea`),
/// `registration` is (`registration`, `global`).
pub fn backend_and_region(instance: &str) -> (&str, &str) {
    instance.split_once('/').unwrap_or((instance, "global"))
}

/// The `traceparent` of the innermost traced span the caller is in (one the OpenTelemetry layer
/// sees, whichever untraced spans are inside it): its trace id, its span id as the parent, its
/// sampling flag. `None` outside a trace.
pub fn traceparent() -> Option<HeaderValue> {
    // The layer attaches a traced span's context while it is entered; a span it does not see is
    // skipped that way, where asking the current span itself would find nothing.
    let mut context = opentelemetry::Context::current();
    if !context.span().span_context().is_valid() {
        context = tracing::Span::current().context();
    }
    let span = context.span();
    let span_context = span.span_context();
    if !span_context.is_valid() {
        return None;
    }
    let value = format!(
        "00-{}-{}-{:02x}",
        span_context.trace_id(),
        span_context.span_id(),
        span_context.trace_flags().to_u8()
    );
    HeaderValue::from_str(&value).ok()
}

/// `builder` with the [`traceparent`] of the span the caller is in, if any: for a request sent
/// without the client's wrapper (a streamed upload or download).
pub fn with_traceparent(builder: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
    match traceparent() {
        Some(traceparent) => builder.header(TRACEPARENT, traceparent),
        None => builder,
    }
}

/// One instance's metric labels, made once.
#[derive(Debug, Clone)]
pub(super) struct CallMetrics {
    backend: SharedString,
    region: SharedString,
}

impl CallMetrics {
    pub(super) fn new(instance: &str) -> Self {
        let (backend, region) = backend_and_region(instance);
        Self {
            backend: SharedString::from(std::sync::Arc::<str>::from(backend)),
            region: SharedString::from(std::sync::Arc::<str>::from(region)),
        }
    }

    /// Counts one attempt, with how long it took when it was sent.
    pub(super) fn attempt(
        &self,
        operation: &'static str,
        outcome: &Result<(reqwest::StatusCode, bytes::Bytes), AdapterError>,
        elapsed: Option<Duration>,
    ) {
        let status = status_label(outcome);
        let labels = vec![
            Label::new("backend", self.backend.clone()),
            Label::new("region", self.region.clone()),
            Label::from_static_parts("operation", operation),
            Label::from_static_parts("status", status),
        ];
        if let Some(elapsed) = elapsed {
            histogram!(BACKEND_DURATION, labels.clone()).record(elapsed.as_secs_f64());
        }
        counter!(BACKEND_CALLS, labels).increment(1);
    }

    /// Counts one retry.
    pub(super) fn retry(&self, operation: &'static str) {
        counter!(
            BACKEND_RETRIES,
            "backend" => self.backend.clone(),
            "region" => self.region.clone(),
            "operation" => operation
        )
        .increment(1);
    }

    /// Counts a breaker opening.
    pub(super) fn breaker_opened(&self, operation: &'static str) {
        counter!(
            BREAKER_OPENED,
            "backend" => self.backend.clone(),
            "region" => self.region.clone(),
            "operation" => operation
        )
        .increment(1);
    }
}

fn status_label(
    outcome: &Result<(reqwest::StatusCode, bytes::Bytes), AdapterError>,
) -> &'static str {
    match outcome {
        Ok((status, _)) => match status.as_u16() {
            100..=199 => "1xx",
            200..=299 => "2xx",
            300..=399 => "3xx",
            400..=499 => "4xx",
            _ => "5xx",
        },
        Err(AdapterError::Timeout { .. }) => "timeout",
        Err(AdapterError::Transport { .. }) => "transport",
        Err(AdapterError::CircuitOpen { .. }) => "circuit_open",
        Err(_) => "other",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instance_names_split_into_backend_and_region() {
        assert_eq!(
            backend_and_region("order-status/emea"),
            ("order-status", "emea")
        );
        assert_eq!(
            backend_and_region("registration"),
            ("registration", "global")
        );
    }

    #[test]
    fn outside_a_trace_no_traceparent_is_sent() {
        assert!(traceparent().is_none());
    }
}
