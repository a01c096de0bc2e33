//! Logs, traces and metrics.
//!
//! - Logs: structured `tracing` output on stderr, filtered by `RUST_LOG` (default `info`), so
//!   stdout stays free for what the CLI prints (the banner, a token, the SDL). Every line logged
//!   while a request runs carries its `trace_id` (a field of the request's span, which the log
//!   filter always lets through).
//! - Traces ([`trace`]): every request has a trace, continued from a trusted caller's W3C
//!   `traceparent` or fresh, whose id is on its errors (`extensions.traceId`), its log lines and
//!   the `traceparent` sent to every backend. With `telemetry.otlp_endpoint` set, its spans are
//!   exported over OTLP/HTTP: one per request, per federated question, per cache access and per
//!   backend call. A span is exported when it declares an `otel.kind` field; nothing else is, so
//!   the export costs a handful of spans per request whatever `RUST_LOG` says.
//! - Metrics ([`metrics`]): Prometheus text at `/metrics`.
//!
//! The trace context rides on `tracing` spans: work spawned for a request carries the request's
//! span (`in_current_span()`), and the backend client reads the `traceparent` from the span it
//! is in. The OpenTelemetry layer is installed whether or not spans are exported, so the ids
//! exist either way; without an exporter nothing new is sampled and spans are dropped when they
//! end.

pub mod metrics;
mod operation_names;
pub mod trace;

pub use trace::RequestTrace;

use std::time::Duration;

use opentelemetry::trace::TracerProvider as _;
use opentelemetry_sdk::trace::{
    BatchConfigBuilder, BatchSpanProcessor, Sampler, SdkTracerProvider,
};
use tracing::Subscriber;
use tracing_subscriber::filter::{FilterExt, filter_fn};
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::registry::LookupSpan;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Layer, Registry};

use crate::settings::telemetry::TelemetrySettings;

/// Installs the global subscriber, exporting nothing; `json` switches to one JSON object per
/// line.
pub fn init(json: bool) {
    let (subscriber, _telemetry) = subscriber(json, None, std::io::stderr);
    if subscriber.try_init().is_err() {
        tracing::debug!("a tracing subscriber was already installed");
    }
}

/// Installs the global subscriber with `settings`' span export; keep what it returns until the
/// process ends (dropping it sends the spans still queued).
pub fn init_with(json: bool, settings: &TelemetrySettings) -> Telemetry {
    let (subscriber, telemetry) = subscriber(json, Some(settings), std::io::stderr);
    if subscriber.try_init().is_err() {
        tracing::debug!("a tracing subscriber was already installed");
    }
    telemetry
}

/// The span export of a running subscriber.
#[derive(Debug)]
pub struct Telemetry {
    provider: SdkTracerProvider,
    exporting: bool,
}

impl Telemetry {
    /// Sends the spans that ended and wait in the queue. It blocks until the collector answers
    /// or the export times out: call it outside the async runtime (`spawn_blocking`).
    pub fn flush(&self) {
        if self.exporting
            && let Err(error) = self.provider.force_flush()
        {
            tracing::warn!(%error, "spans could not be exported");
        }
    }
}

impl Drop for Telemetry {
    fn drop(&mut self) {
        if self.exporting {
            // At exit: the spans still queued go out, or are lost after the export timeout.
            let _ = self.provider.shutdown_with_timeout(Duration::from_secs(5));
        }
    }
}

/// How long spans wait in the queue before they are sent, at most.
const EXPORT_DELAY: Duration = Duration::from_secs(2);
/// Spans waiting to be sent; past this (a collector that is down or slow) new ones are dropped,
/// never waited for: the export never slows a request down.
const EXPORT_QUEUE: usize = 4096;
/// How long one export may take.
const EXPORT_TIMEOUT: Duration = Duration::from_secs(10);

/// The subscriber the gateway logs and traces through, logging what `RUST_LOG` asks for (default
/// `info`) to `writer`, and its span export. Without `settings` or an `otlp_endpoint`, spans get
/// ids but are never exported.
pub fn subscriber<W>(
    json: bool,
    settings: Option<&TelemetrySettings>,
    writer: W,
) -> (
    impl Subscriber + Send + Sync + for<'a> LookupSpan<'a>,
    Telemetry,
)
where
    W: for<'a> MakeWriter<'a> + Send + Sync + 'static,
{
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,tower_http=warn"));
    subscriber_logging(json, settings, writer, filter)
}

/// Like [`subscriber`], logging what `filter` lets through (for tests:
/// `tracing::subscriber::set_default` it, and flush what it returns).
pub fn subscriber_logging<W>(
    json: bool,
    settings: Option<&TelemetrySettings>,
    writer: W,
    filter: EnvFilter,
) -> (
    impl Subscriber + Send + Sync + for<'a> LookupSpan<'a>,
    Telemetry,
)
where
    W: for<'a> MakeWriter<'a> + Send + Sync + 'static,
{
    // A request's span is always logged (as the context of what is), whatever the level: its
    // trace id must be on every line.
    let logged = filter.or(filter_fn(|meta| {
        meta.is_span() && meta.fields().field("trace_id").is_some()
    }));
    let fmt = tracing_subscriber::fmt::layer().with_writer(writer);
    let fmt = if json {
        fmt.json().with_filter(logged).boxed()
    } else {
        fmt.with_filter(logged).boxed()
    };
    let (provider, exporting) = provider(settings);
    let otel = tracing_opentelemetry::layer()
        .with_tracer(provider.tracer("supportgraph"))
        .with_tracked_inactivity(false)
        .with_threads(false)
        .with_location(false)
        .with_target(false)
        .with_level(false)
        .with_filter(filter_fn(|meta| {
            meta.is_span() && meta.fields().field("otel.kind").is_some()
        }))
        .boxed();
    let subscriber = Registry::default().with(vec![fmt, otel]);
    (
        subscriber,
        Telemetry {
            provider,
            exporting,
        },
    )
}

/// The tracer provider: exporting to the OTLP endpoint in the background when one is set,
/// sampling new traces at the configured ratio and following a continued trace's decision; or,
/// without one, exporting nothing and sampling only what a trusted caller sampled (so its
/// decision travels on to the backends).
fn provider(settings: Option<&TelemetrySettings>) -> (SdkTracerProvider, bool) {
    let builder = SdkTracerProvider::builder();
    let Some((settings, endpoint)) =
        settings.and_then(|s| s.otlp_endpoint.as_ref().map(|endpoint| (s, endpoint)))
    else {
        let sampler = Sampler::ParentBased(Box::new(Sampler::AlwaysOff));
        return (builder.with_sampler(sampler).build(), false);
    };
    let resource = opentelemetry_sdk::Resource::builder()
        .with_service_name(settings.service_name.clone())
        .build();
    let sampler = Sampler::ParentBased(Box::new(Sampler::TraceIdRatioBased(
        settings.sampling_ratio,
    )));
    let builder = builder.with_sampler(sampler).with_resource(resource);
    let exporter = {
        use opentelemetry_otlp::WithExportConfig;
        opentelemetry_otlp::SpanExporter::builder()
            .with_http()
            .with_endpoint(endpoint.as_str())
            .with_timeout(EXPORT_TIMEOUT)
            .build()
    };
    match exporter {
        Ok(exporter) => {
            let config = BatchConfigBuilder::default()
                .with_scheduled_delay(EXPORT_DELAY)
                .with_max_queue_size(EXPORT_QUEUE)
                .build();
            let processor = BatchSpanProcessor::builder(exporter)
                .with_batch_config(config)
                .build();
            (builder.with_span_processor(processor).build(), true)
        }
        Err(error) => {
            // Not fatal: the gateway serves without exporting rather than not at all.
            eprintln!("supportgraph: spans will not be exported to {endpoint}: {error}");
            (builder.build(), false)
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use super::*;

    /// Log lines, kept.
    #[derive(Clone, Default)]
    struct Lines(Arc<Mutex<Vec<u8>>>);

    impl std::io::Write for Lines {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().expect("not poisoned").extend_from_slice(buf);
            Ok(buf.len())
        }

        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    impl<'a> MakeWriter<'a> for Lines {
        type Writer = Lines;

        fn make_writer(&'a self) -> Lines {
            self.clone()
        }
    }

    #[test]
    fn a_requests_trace_is_on_its_log_lines_and_its_backend_calls_at_any_level() {
        let lines = Lines::default();
        let (subscriber, _telemetry) =
            subscriber_logging(true, None, lines.clone(), EnvFilter::new("warn"));
        let trace = tracing::subscriber::with_default(subscriber, || {
            let request = tracing::info_span!(
                "request",
                otel.kind = "server",
                trace_id = tracing::field::Empty
            );
            let trace = RequestTrace::start(&request, None);
            let _request = request.enter();
            // A span the trace does not export, between the request and the call.
            let plain = tracing::info_span!("plain");
            let _plain = plain.enter();
            let inside_plain = supportgraph_adapters::client::traceparent()
                .expect("an untraced span inside a request has the request's traceparent");
            assert!(
                inside_plain
                    .to_str()
                    .is_ok_and(|t| t.starts_with(&format!("00-{trace}-")))
            );
            let call = tracing::info_span!("backend_call", otel.kind = "client");
            let _call = call.enter();
            let traceparent = supportgraph_adapters::client::traceparent()
                .expect("a call inside a request has a traceparent");
            let traceparent = traceparent.to_str().expect("ASCII");
            assert!(
                traceparent.starts_with(&format!("00-{trace}-")),
                "{traceparent}"
            );
            tracing::info!("not logged at warn");
            tracing::warn!("logged");
            trace
        });
        let text = String::from_utf8(lines.0.lock().expect("not poisoned").clone()).expect("UTF-8");
        assert!(!text.contains("not logged"), "{text}");
        let line = text.lines().find(|l| l.contains("logged")).expect("a line");
        assert!(
            line.contains(&format!("\"trace_id\":\"{trace}\"")),
            "the request's span is on the line whatever the level: {line}"
        );
    }
}
