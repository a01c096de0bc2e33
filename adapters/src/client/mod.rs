//! The one HTTP client wrapper every adapter uses.
//!
//! Adapters describe *what* to fetch; this module decides *how*, the same way for every backend:
//! the per-instance timeout, a circuit breaker per operation, retries of idempotent calls within
//! a budget, a tracing span per call (exported to OpenTelemetry, its `traceparent` sent to the
//! backend), metrics of every attempt (`telemetry`), and the mapping of every failure to one
//! [`AdapterError`].
//!
//! Each call names its operation (`list_orders`, `change_request`, ...): the breaker it passes
//! through is that operation's on this instance (see [`crate::resilience::by_operation`]). A
//! request is built and checked before it asks its breaker for a permit, so a request that cannot
//! be built — a URL over [`MAX_URL_BYTES`], a body that does not serialise, anything reqwest
//! refuses to send — fails with [`AdapterError::InvalidRequest`]: never retried, never counted.
//! Only timeouts, connection failures and 5xx answers count against a breaker; a 4xx is the
//! backend answering (a healthy call), and a call whose caller gave up judges nothing.
//!
//! - this file: the client, its endpoint, and the calls adapters make (GET and POST, JSON or raw);
//! - `send`: one call's attempts through its breaker, retries and deadline;
//! - `keyed`: POSTs with an `Idempotency-Key`, which the backend performs once per key, so they
//!   are retried like reads;
//! - `put_delete`: PUT and DELETE of a resource the caller names, retried like reads where
//!   the backend's contract makes them idempotent;
//! - `checks`: refusing what must not be sent, and naming what a backend got wrong;
//! - `telemetry`: the `traceparent` of each request, and the metrics of each attempt.

mod checks;
mod keyed;
mod put_delete;
mod send;
mod telemetry;

use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::Serialize;
use serde::de::DeserializeOwned;
use tracing::Instrument;
use url::Url;

use crate::AdapterError;
use crate::model::ids::clip;
use crate::resilience::{
    BreakerReport, BreakerState, BreakersByOperation, ResilienceConfig, RetryBudget,
};

/// The longest URL a request may have, query included: 8 KiB, the request-line limit of common
/// servers and proxies (longer ones are answered 414, or dropped). The gateway's longest
/// legitimate URL — a batch of 100 order numbers — is under 2 KiB.
pub const MAX_URL_BYTES: usize = 8 * 1024;

pub use keyed::IDEMPOTENCY_KEY;
pub use telemetry::{
    BACKEND_CALLS, BACKEND_DURATION, BACKEND_RETRIES, BREAKER_OPENED, TRACEPARENT,
    backend_and_region, describe_metrics, traceparent, with_traceparent,
};

/// Where a backend instance lives and how long to wait for it.
#[derive(Debug, Clone)]
pub struct BackendEndpoint {
    /// The instance's name for logs and errors, e.g. `order-status/emea`.
    pub name: String,
    /// Base URL every request path is resolved against.
    pub base_url: Url,
    /// How long one call may take, connection included.
    pub timeout: Duration,
}

/// An HTTP client bound to one backend instance, with that instance's breakers (one per
/// operation) and retry budget.
#[derive(Debug, Clone)]
pub struct BackendClient {
    endpoint: BackendEndpoint,
    http: reqwest::Client,
    resilience: ResilienceConfig,
    breakers: Arc<BreakersByOperation>,
    budget: Arc<RetryBudget>,
    metrics: telemetry::CallMetrics,
}

/// How a POST turned out when the backend answered.
pub enum Posted<T> {
    /// 2xx with a payload.
    Accepted(T),
    /// 4xx with `{"error": CODE}`: a business rule refused it; the backend's code.
    Refused(String),
}

#[derive(serde::Deserialize)]
struct Refusal {
    error: String,
}

/// How a call turned out when the backend answered but said "no such thing".
pub enum Fetched<T> {
    /// The backend answered 2xx with a payload.
    Found(T),
    /// The backend answered 404.
    NotFound,
}

impl BackendClient {
    /// Binds `http` (shared, pooled) to one backend instance, with default resilience.
    pub fn new(http: reqwest::Client, endpoint: BackendEndpoint) -> Self {
        Self::with_resilience(http, endpoint, ResilienceConfig::default())
    }

    /// Binds `http` to one backend instance with its own breakers and retry budget.
    pub fn with_resilience(
        http: reqwest::Client,
        mut endpoint: BackendEndpoint,
        resilience: ResilienceConfig,
    ) -> Self {
        if !endpoint.base_url.path().ends_with('/') {
            let path = format!("{}/", endpoint.base_url.path());
            endpoint.base_url.set_path(&path);
        }
        Self {
            metrics: telemetry::CallMetrics::new(&endpoint.name),
            endpoint,
            http,
            breakers: Arc::new(BreakersByOperation::new(resilience.breaker.clone())),
            budget: Arc::new(RetryBudget::new(resilience.retry_ratio)),
            resilience,
        }
    }

    /// Where this instance's breakers stand, summed up in one state: open if any operation's is
    /// open, else half-open if any is, else closed. Readiness reports list every operation's
    /// breaker instead ([`breakers`](Self::breakers)): one failing operation does not make the
    /// others unready.
    pub fn breaker_state(&self) -> BreakerState {
        self.breakers.worst()
    }

    /// Every operation's breaker on this instance (operations called so far).
    pub fn breakers(&self) -> Vec<BreakerReport> {
        self.breakers
            .states()
            .into_iter()
            .map(|(operation, state)| BreakerReport {
                backend: self.endpoint.name.clone(),
                operation,
                state,
            })
            .collect()
    }

    /// The instance's name, e.g. `order-status/emea`.
    pub fn name(&self) -> &str {
        &self.endpoint.name
    }

    /// GETs `path` (relative to the base URL) with `query` and decodes a JSON body; `operation`
    /// names the breaker the call passes through.
    pub async fn get_json<T: DeserializeOwned>(
        &self,
        operation: &'static str,
        path: &str,
        query: &[(&str, String)],
    ) -> Result<T, AdapterError> {
        match self.get_json_or_not_found(operation, path, query).await? {
            Fetched::Found(value) => Ok(value),
            Fetched::NotFound => Err(self.status_error(404)),
        }
    }

    /// Like [`get_json`](Self::get_json), but a 404 is an answer, not an error.
    pub async fn get_json_or_not_found<T: DeserializeOwned>(
        &self,
        operation: &'static str,
        path: &str,
        query: &[(&str, String)],
    ) -> Result<Fetched<T>, AdapterError> {
        let call = async {
            match self.get(operation, path, query, "application/json").await? {
                Fetched::Found(body) => self.decode(&body).map(Fetched::Found),
                Fetched::NotFound => Ok(Fetched::NotFound),
            }
        };
        self.traced(operation, path, "GET", call).await
    }

    /// GETs `path` and returns the raw body (for backends that do not speak JSON); retried like
    /// every idempotent call. A 404 is an answer.
    pub async fn get_bytes(
        &self,
        operation: &'static str,
        path: &str,
        query: &[(&str, String)],
        accept: &'static str,
    ) -> Result<Fetched<bytes::Bytes>, AdapterError> {
        let call = self.get(operation, path, query, accept);
        self.traced(operation, path, "GET", call).await
    }

    /// POSTs a raw body (for backends that do not speak JSON) and returns the status and body
    /// whatever the status, for the adapter to interpret. Never retried: it changes state.
    pub async fn post_bytes(
        &self,
        operation: &'static str,
        path: &str,
        content_type: &'static str,
        body: Vec<u8>,
    ) -> Result<(u16, bytes::Bytes), AdapterError> {
        let call = async {
            let (status, body) = self
                .post(operation, path, |post| {
                    post.header(reqwest::header::CONTENT_TYPE, content_type)
                        .body(body)
                })
                .await?;
            Ok((status.as_u16(), body))
        };
        self.traced(operation, path, "POST", call).await
    }

    /// POSTs `body` as JSON to `path`. A 2xx answer is decoded as `T`; a 4xx answer carrying the
    /// backend's `{"error": CODE}` is a business refusal. Never retried: it changes state.
    pub async fn post_json<B: Serialize, T: DeserializeOwned>(
        &self,
        operation: &'static str,
        path: &str,
        body: &B,
    ) -> Result<Posted<T>, AdapterError> {
        let call = async {
            let (status, body) = self
                .post(operation, path, |post| {
                    post.header(reqwest::header::ACCEPT, "application/json")
                        .json(body)
                })
                .await?;
            match status.as_u16() {
                200..=299 => self.decode(&body).map(Posted::Accepted),
                400..=499 => {
                    let refusal: Refusal = self.decode(&body)?;
                    Ok(Posted::Refused(refusal.error))
                }
                _ => Err(self.status(status)),
            }
        };
        self.traced(operation, path, "POST", call).await
    }

    /// One idempotent GET (retried within the budget); a 2xx body or a 404, anything else an
    /// error.
    async fn get(
        &self,
        operation: &'static str,
        path: &str,
        query: &[(&str, String)],
        accept: &'static str,
    ) -> Result<Fetched<bytes::Bytes>, AdapterError> {
        let url = self.url(path)?;
        let (status, body) = self
            .idempotent(operation, || {
                self.http
                    .get(url.clone())
                    .query(query)
                    .header(reqwest::header::ACCEPT, accept)
            })
            .await?;
        if status == reqwest::StatusCode::NOT_FOUND {
            return Ok(Fetched::NotFound);
        }
        if !status.is_success() {
            return Err(self.status(status));
        }
        Ok(Fetched::Found(body))
    }

    /// One POST to `path`, its headers and body set by `with_body`, sent once through its breaker
    /// within the instance's timeout.
    async fn post(
        &self,
        operation: &'static str,
        path: &str,
        with_body: impl FnOnce(reqwest::RequestBuilder) -> reqwest::RequestBuilder,
    ) -> Result<(reqwest::StatusCode, bytes::Bytes), AdapterError> {
        let request = self.prepare(with_body(self.http.post(self.url(path)?)))?;
        let deadline = Instant::now() + self.endpoint.timeout;
        self.guarded(operation, request, deadline).await
    }

    /// Runs `call` — one public call, from building the request to decoding the answer — in a
    /// `backend_call` span (exported as an OpenTelemetry client span; its context is the
    /// `traceparent` each attempt sends), logging how long it took and how it ended.
    async fn traced<T>(
        &self,
        operation: &'static str,
        path: &str,
        method: &'static str,
        call: impl Future<Output = Result<T, AdapterError>>,
    ) -> Result<T, AdapterError> {
        let span = tracing::info_span!(
            "backend_call",
            otel.kind = "client",
            otel.name = operation,
            otel.status_code = tracing::field::Empty,
            backend = %self.endpoint.name,
            operation,
            path = %clip(path),
            method
        );
        async {
            let started = Instant::now();
            let result = call.await;
            let elapsed_ms = started.elapsed().as_millis() as u64;
            match &result {
                Ok(_) => tracing::debug!(elapsed_ms, "backend answered"),
                Err(error) => {
                    tracing::Span::current().record("otel.status_code", "ERROR");
                    tracing::warn!(elapsed_ms, %error, "backend call failed");
                }
            }
            result
        }
        .instrument(span)
        .await
    }

    fn url(&self, path: &str) -> Result<Url, AdapterError> {
        self.endpoint
            .base_url
            .join(path.trim_start_matches('/'))
            .map_err(|e| self.invalid(format!("bad request path {}: {e}", clip(path))))
    }

    /// The body as JSON of `T`. Its UTF-8 is checked once, whole, and the JSON then read as
    /// text: reading bytes, serde_json checks each string on its own, which cost more than the
    /// rest of a page's strings together.
    fn decode<T: DeserializeOwned>(&self, body: &[u8]) -> Result<T, AdapterError> {
        let text = std::str::from_utf8(body)
            .map_err(|e| self.contract_violation(format!("the body is not UTF-8: {e}")))?;
        serde_json::from_str(text).map_err(|e| self.contract_violation(e.to_string()))
    }

    fn status(&self, status: reqwest::StatusCode) -> AdapterError {
        self.status_error(status.as_u16())
    }

    /// The error for an HTTP status the contract does not allow here, e.g. a 404 where it
    /// promises an answer.
    pub fn status_error(&self, status: u16) -> AdapterError {
        AdapterError::Status {
            backend: self.endpoint.name.clone(),
            status,
        }
    }
}
