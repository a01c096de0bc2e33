//! Traces: a request's spans reach an OTLP collector (an in-process one here) under the trace a
//! trusted caller named; the `traceparent` a backend receives carries that trace and the span of
//! the call; without an exporter the backend still gets the request's trace, the one its log
//! lines carry; and an untrusted caller cannot name the trace.
//!
//! Each test installs the gateway's own subscriber for its thread only (`set_default`). tracing's
//! per-callsite interest and level hints are global to a process, so gateways of other tests
//! running beside these ones could make a span of these ones go unrecorded: these tests are a
//! test binary of their own.

// Tests drive the sandbox and real HTTP clients directly; the boundary lint is for the gateway.
#![allow(clippy::disallowed_types, clippy::disallowed_methods)]

#[allow(dead_code)]
#[path = "api/helpers.rs"]
mod helpers;

use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use prost::Message;
use serde_json::json;
use supportgraph::settings::Settings;
use supportgraph::telemetry::{Telemetry, subscriber_logging};
use tracing_subscriber::EnvFilter;
use url::Url;

use crate::helpers::{GLOBEX_USER, TestApp, spawn_app_with};

/// The trace a trusted caller continues, and its span.
const TRACE: &str = "0af7651916cd43dd8448eb211c80319c";
const CALLER_SPAN: &str = "b7ad6b7169203331";

/// One span as the collector received it.
#[derive(Debug, Clone)]
struct Exported {
    trace_id: String,
    span_id: String,
    parent_span_id: String,
    name: String,
    /// OTLP's `SpanKind`: 2 server, 3 client.
    kind: i32,
}

/// The spans an in-process OTLP/HTTP collector received.
#[derive(Clone, Default)]
struct Collector(Arc<Mutex<Vec<Exported>>>);

impl Collector {
    /// A collector on a free port; its traces endpoint.
    async fn start() -> (Url, Collector) {
        let collector = Collector::default();
        let app = Router::new()
            .route("/v1/traces", axum::routing::post(receive))
            .with_state(collector.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a free port");
        let address = listener.local_addr().expect("an address");
        tokio::spawn(async move { axum::serve(listener, app).await });
        let endpoint = Url::parse(&format!("http://{address}/v1/traces")).expect("a URL");
        (endpoint, collector)
    }

    fn of_trace(&self, trace_id: &str) -> Vec<Exported> {
        self.0
            .lock()
            .expect("not poisoned")
            .iter()
            .filter(|span| span.trace_id == trace_id)
            .cloned()
            .collect()
    }
}

async fn receive(State(collector): State<Collector>, body: Bytes) -> Response {
    let Ok(request) = ExportTraceServiceRequest::decode(body) else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    let mut spans = collector.0.lock().expect("not poisoned");
    for resource in request.resource_spans {
        for scope in resource.scope_spans {
            for span in scope.spans {
                spans.push(Exported {
                    trace_id: hex(&span.trace_id),
                    span_id: hex(&span.span_id),
                    parent_span_id: hex(&span.parent_span_id),
                    name: span.name,
                    kind: span.kind,
                });
            }
        }
    }
    ([("content-type", "application/x-protobuf")], Vec::new()).into_response()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A backend stand-in in front of the sandbox's registration instance: forwards every call and
/// keeps the `traceparent` each carried.
#[derive(Clone, Default)]
struct Recorder {
    target: Arc<OnceLock<Url>>,
    traceparents: Arc<Mutex<Vec<String>>>,
}

impl Recorder {
    async fn start() -> (Url, Recorder) {
        let recorder = Recorder::default();
        let app = Router::new().fallback(forward).with_state(recorder.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a free port");
        let address = listener.local_addr().expect("an address");
        tokio::spawn(async move { axum::serve(listener, app).await });
        (
            Url::parse(&format!("http://{address}/")).expect("a URL"),
            recorder,
        )
    }

    fn traceparents(&self) -> Vec<String> {
        self.traceparents.lock().expect("not poisoned").clone()
    }
}

async fn forward(State(recorder): State<Recorder>, request: Request) -> Response {
    if let Some(traceparent) = request.headers().get("traceparent") {
        let traceparent = traceparent.to_str().unwrap_or("<not ASCII>").to_owned();
        recorder
            .traceparents
            .lock()
            .expect("not poisoned")
            .push(traceparent);
    }
    let Some(target) = recorder.target.get() else {
        return StatusCode::SERVICE_UNAVAILABLE.into_response();
    };
    let path_and_query = request
        .uri()
        .path_and_query()
        .map_or("/", |p| p.as_str())
        .trim_start_matches('/')
        .to_owned();
    let url = target.join(&path_and_query).expect("a URL");
    let method = request.method().clone();
    let headers = request.headers().clone();
    let body = axum::body::to_bytes(request.into_body(), 1 << 20)
        .await
        .expect("a body");
    let mut forwarded = reqwest::Client::new().request(method, url).body(body);
    for (name, value) in &headers {
        if name != "host" {
            forwarded = forwarded.header(name, value);
        }
    }
    let answer = forwarded.send().await.expect("the sandbox answers");
    let status = answer.status();
    let content_type = answer.headers().get("content-type").cloned();
    let body = answer.bytes().await.expect("a body");
    let mut response = (status, body).into_response();
    if let Some(content_type) = content_type {
        response.headers_mut().insert("content-type", content_type);
    }
    response
}

/// Log lines, as the gateway writes them.
#[derive(Clone, Default)]
struct Logs(Arc<Mutex<Vec<u8>>>);

impl Logs {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().expect("not poisoned")).into_owned()
    }
}

impl Write for Logs {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("not poisoned").extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Logs {
    type Writer = Logs;

    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

/// A gateway whose registration calls pass the recorder, and the recorder.
async fn gateway(configure: impl FnOnce(&mut Settings)) -> (TestApp, Recorder) {
    let (proxy, recorder) = Recorder::start().await;
    let app = spawn_app_with(|settings| {
        settings.backends.registration.base_url = Some(proxy);
        configure(settings);
    })
    .await;
    recorder
        .target
        .set(app.sandbox.base_url("registration"))
        .expect("set once");
    (app, recorder)
}

/// `{ me }` as the first demo user, with `traceparent` when given; the answer must be data.
async fn me(app: &TestApp, traceparent: Option<&str>) {
    let mut request = app
        .http
        .post(format!("{}/graphql", app.address))
        .bearer_auth(app.token(GLOBEX_USER))
        .json(&json!({ "query": "query TraceProbe { me { userId } }" }));
    if let Some(traceparent) = traceparent {
        request = request.header("traceparent", traceparent);
    }
    let response = request.send().await.expect("the gateway answers");
    assert_eq!(response.status(), StatusCode::OK);
    let body: serde_json::Value = response.json().await.expect("JSON");
    assert!(body.get("errors").is_none(), "{body}");
}

/// Sends the spans waiting in `telemetry`'s queue (off the runtime: the export blocks until the
/// collector, served on this very thread, answers).
async fn flush(telemetry: Arc<Telemetry>) {
    tokio::task::spawn_blocking(move || telemetry.flush())
        .await
        .expect("the flush ends");
}

fn filter() -> EnvFilter {
    EnvFilter::new("warn,supportgraph=debug,supportgraph_adapters=debug")
}

#[tokio::test]
async fn a_trusted_callers_trace_reaches_the_collector_and_the_backend() {
    let (endpoint, collector) = Collector::start().await;
    let mut settings = Settings::load_without_env(None).expect("the defaults load");
    settings.telemetry.otlp_endpoint = Some(endpoint);
    settings.telemetry.trusted_trace_callers = vec!["127.0.0.1".parse().expect("an address")];
    let logs = Logs::default();
    let (subscriber, telemetry) =
        subscriber_logging(true, Some(&settings.telemetry), logs.clone(), filter());
    let telemetry = Arc::new(telemetry);
    let _traced = tracing::subscriber::set_default(subscriber);
    let telemetry_settings = settings.telemetry.clone();
    let (app, recorder) = gateway(|s| s.telemetry = telemetry_settings).await;

    me(&app, Some(&format!("00-{TRACE}-{CALLER_SPAN}-01"))).await;

    let sent = recorder.traceparents();
    let to_backend = sent
        .iter()
        .find(|traceparent| traceparent.starts_with(&format!("00-{TRACE}-")))
        .unwrap_or_else(|| panic!("no call carried the caller's trace: {sent:?}"));
    let call_span = to_backend
        .split('-')
        .nth(2)
        .expect("a parent id")
        .to_owned();
    assert_ne!(
        call_span, CALLER_SPAN,
        "the backend's parent is the call's span"
    );
    assert!(to_backend.ends_with("-01"), "sampled, as the caller asked");

    let mut spans = Vec::new();
    for _ in 0..50 {
        flush(telemetry.clone()).await;
        spans = collector.of_trace(TRACE);
        if spans.iter().any(|s| s.kind == 2) && spans.iter().any(|s| s.span_id == call_span) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let request = spans
        .iter()
        .find(|span| span.kind == 2)
        .unwrap_or_else(|| panic!("no server span: {spans:?}"));
    assert_eq!(request.parent_span_id, CALLER_SPAN, "{spans:?}");
    assert_eq!(request.name, "POST /graphql");
    let call = spans
        .iter()
        .find(|span| span.span_id == call_span)
        .unwrap_or_else(|| panic!("the backend call's span was not exported: {spans:?}"));
    assert_eq!(call.kind, 3, "a client span: {call:?}");
    // The call hangs off the request's tree, not off another trace.
    assert!(
        spans.iter().any(|span| span.span_id == call.parent_span_id),
        "{spans:?}"
    );

    let logs = logs.text();
    assert!(
        logs.contains(&format!("\"trace_id\":\"{TRACE}\"")),
        "the log lines carry the trace id: {logs}"
    );
}

#[tokio::test]
async fn without_an_exporter_the_backend_still_gets_the_requests_trace() {
    // No otlp_endpoint, no trusted caller: the caller's traceparent is ignored.
    let settings = Settings::load_without_env(None).expect("the defaults load");
    let logs = Logs::default();
    let (subscriber, _telemetry) =
        subscriber_logging(true, Some(&settings.telemetry), logs.clone(), filter());
    let _traced = tracing::subscriber::set_default(subscriber);
    let (app, recorder) = gateway(|_| {}).await;

    me(&app, Some(&format!("00-{TRACE}-{CALLER_SPAN}-01"))).await;

    let sent = recorder.traceparents();
    let to_backend = sent.first().expect("the call carried a traceparent");
    let parts: Vec<&str> = to_backend.split('-').collect();
    assert_eq!(parts.len(), 4, "{to_backend}");
    assert_eq!(parts[0], "00");
    let trace_id = parts[1];
    assert_eq!(trace_id.len(), 32);
    assert_ne!(trace_id, TRACE, "an untrusted caller cannot name the trace");
    assert_eq!(parts[3], "00", "nothing is sampled without an exporter");
    let logs = logs.text();
    assert!(
        logs.contains(&format!("\"trace_id\":\"{trace_id}\"")),
        "the log lines carry the trace the backend got: {logs}"
    );
    assert!(!logs.contains(TRACE));
}
