//! Every request's trace: continued from a trusted caller's W3C `traceparent`, or fresh. Its id
//! is recorded on the request's span (so every log line inside it carries `trace_id`), put in the
//! request's extensions as a [`RequestTrace`] (for the errors a client sees, `extensions.traceId`)
//! and is the trace id the spans are exported under and every backend call's `traceparent`
//! carries.
//!
//! Only the peers in `telemetry.trusted_trace_callers` may continue a trace: anyone else's
//! `traceparent` is ignored, so no client can choose the trace id its errors and log lines carry,
//! or have its traces sampled at will.

use std::fmt;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Instant;

use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::HeaderMap;
use axum::middleware::Next;
use axum::response::Response;
use opentelemetry::trace::{SpanContext, SpanId, TraceContextExt, TraceFlags, TraceId, TraceState};
use tracing::Instrument;
use tracing_opentelemetry::OpenTelemetrySpanExt;

use super::metrics;

/// The trace a request belongs to; in the request's extensions for every handler.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RequestTrace {
    trace_id: TraceId,
}

impl RequestTrace {
    /// The trace id: 32 lowercase hex digits, never all zeros.
    pub fn trace_id(&self) -> String {
        self.trace_id.to_string()
    }

    /// A fresh random trace, for work that has no span to take one from.
    pub fn fresh() -> Self {
        let mut bytes = [0u8; 16];
        while bytes == [0u8; 16] {
            getrandom::fill(&mut bytes).expect("the operating system gives random bytes");
        }
        Self {
            trace_id: TraceId::from_bytes(bytes),
        }
    }

    /// Starts `span`'s trace: `parent`'s (a trusted caller's) when given, else a fresh one. The
    /// trace id is the one `span` is exported under when the OpenTelemetry layer sees it (the
    /// gateway's subscriber), else `parent`'s or a random one; either way it is recorded as
    /// `span`'s `trace_id` field. Call it before `span` is first entered.
    pub fn start(span: &tracing::Span, parent: Option<SpanContext>) -> Self {
        if let Some(parent) = &parent {
            let cx = opentelemetry::Context::new().with_remote_span_context(parent.clone());
            // Without the layer (no subscriber) there is nothing to set: ids come from below.
            let _ = span.set_parent(cx);
        }
        let exported = span.context().span().span_context().trace_id();
        let trace = if exported != TraceId::INVALID {
            Self { trace_id: exported }
        } else if let Some(parent) = parent {
            Self {
                trace_id: parent.trace_id(),
            }
        } else {
            Self::fresh()
        };
        span.record("trace_id", tracing::field::display(trace));
        trace
    }
}

impl fmt::Display for RequestTrace {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.trace_id, f)
    }
}

/// Who may continue their own trace.
#[derive(Debug, Clone, Default)]
pub struct TraceAdmission {
    trusted: Arc<[IpAddr]>,
}

impl TraceAdmission {
    /// Peers at `trusted` addresses may continue their own trace.
    pub fn new(trusted: &[IpAddr]) -> Self {
        Self {
            trusted: trusted.into(),
        }
    }

    /// The trace `headers` continue, when `peer` may continue one and sent a valid
    /// `traceparent`.
    pub fn parent(&self, peer: Option<IpAddr>, headers: &HeaderMap) -> Option<SpanContext> {
        let peer = peer?;
        if !self.trusted.contains(&peer) {
            return None;
        }
        parse_traceparent(headers.get("traceparent")?.to_str().ok()?)
    }
}

/// The outermost middleware: opens the request's span, settles its trace, hands it on in the
/// request's extensions, and counts the request when it is answered.
pub async fn trace_requests(
    State(admission): State<TraceAdmission>,
    mut request: Request,
    next: Next,
) -> Response {
    let started = Instant::now();
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|info| info.0.ip());
    let parent = admission.parent(peer, request.headers());
    let route = metrics::route_label(request.extensions().get::<MatchedPath>());
    let method = request.method().clone();
    let span = tracing::info_span!(
        "request",
        otel.kind = "server",
        otel.name = %format_args!("{method} {route}"),
        otel.status_code = tracing::field::Empty,
        http.request.method = %method,
        http.route = route,
        http.response.status_code = tracing::field::Empty,
        trace_id = tracing::field::Empty,
    );
    let trace = RequestTrace::start(&span, parent);
    request.extensions_mut().insert(trace);
    let response = metrics::in_request_scope(next.run(request).instrument(span.clone())).await;
    let (response, graphql) = response;
    let status = response.status();
    span.record("http.response.status_code", status.as_u16());
    if status.is_server_error() {
        span.record("otel.status_code", "ERROR");
    }
    metrics::request_answered(route, status, graphql, started.elapsed());
    response
}

/// A W3C `traceparent` (version 00, or a later one read as 00): `None` unless every part is
/// well-formed lowercase hex and the ids are not all zeros.
pub fn parse_traceparent(value: &str) -> Option<SpanContext> {
    let mut parts = value.trim().split('-');
    let version = parts.next()?;
    let trace_id = parts.next()?;
    let parent_id = parts.next()?;
    let flags = parts.next()?;
    let lower_hex = |s: &str, len: usize| {
        s.len() == len
            && s.bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    };
    if !lower_hex(version, 2)
        || version == "ff"
        || (version == "00" && parts.next().is_some())
        || !lower_hex(trace_id, 32)
        || !lower_hex(parent_id, 16)
        || !lower_hex(flags, 2)
    {
        return None;
    }
    let trace_id = TraceId::from_hex(trace_id).ok()?;
    let span_id = SpanId::from_hex(parent_id).ok()?;
    let flags = u8::from_str_radix(flags, 16).ok()?;
    let context = SpanContext::new(
        trace_id,
        span_id,
        TraceFlags::new(flags & TraceFlags::SAMPLED.to_u8()),
        true,
        TraceState::NONE,
    );
    context.is_valid().then_some(context)
}

#[cfg(test)]
mod tests {
    use super::*;

    const VALID: &str = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    #[test]
    fn a_well_formed_traceparent_is_read() {
        let context = parse_traceparent(VALID).expect("valid");
        assert_eq!(
            context.trace_id().to_string(),
            "4bf92f3577b34da6a3ce929d0e0e4736"
        );
        assert_eq!(context.span_id().to_string(), "00f067aa0ba902b7");
        assert!(context.is_sampled());
        assert!(context.is_remote());
    }

    #[test]
    fn malformed_traceparents_are_ignored() {
        for bad in [
            "",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7",
            "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
            "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
            "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra",
            "00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01",
        ] {
            assert!(parse_traceparent(bad).is_none(), "{bad:?} was accepted");
        }
    }

    #[test]
    fn only_trusted_peers_continue_their_trace() {
        let trusted: IpAddr = [10, 0, 0, 7].into();
        let stranger: IpAddr = [203, 0, 113, 9].into();
        let admission = TraceAdmission::new(&[trusted]);
        let mut headers = HeaderMap::new();
        headers.insert("traceparent", VALID.parse().expect("a header value"));
        assert!(admission.parent(Some(trusted), &headers).is_some());
        assert!(admission.parent(Some(stranger), &headers).is_none());
        assert!(admission.parent(None, &headers).is_none());
    }

    #[test]
    fn without_a_subscriber_a_trace_is_continued_or_fresh() {
        let span = tracing::Span::none();
        let parent = parse_traceparent(VALID);
        let continued = RequestTrace::start(&span, parent);
        assert_eq!(continued.trace_id(), "4bf92f3577b34da6a3ce929d0e0e4736");
        let fresh = RequestTrace::start(&span, None);
        assert_eq!(fresh.trace_id().len(), 32);
        assert_ne!(fresh.trace_id(), "0".repeat(32));
        assert_ne!(fresh, RequestTrace::start(&span, None));
    }
}
