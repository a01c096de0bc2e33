//! The one HTTP client wrapper every adapter uses.
//!
//! Adapters describe *what* to fetch; this module decides *how*: the per-backend timeout, a tracing
//! span per call, and the mapping of every failure to one [`AdapterError`]. Keeping it in one
//! place means later resilience work (retries, breakers, metrics) reaches every backend at once.
//!
//! Each call names its operation (`list_orders`, `change_request`, ...): the breaker it passes
//! through is that operation's on this instance (see [`crate::resilience::by_operation`]). A
//! request is built and checked before it asks its breaker for a permit, so a request that cannot
//! be built — a URL over [`MAX_URL_BYTES`], a body that does not serialise, anything reqwest
//! refuses to send — fails with [`AdapterError::InvalidRequest`]: never retried, never counted.
//! Only timeouts, connection failures and 5xx answers count against a breaker; a 4xx is the
//! backend answering (a healthy call), and a call whose caller gave up judges nothing.

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

/// The longest error detail kept from a transport failure, in characters.
const MAX_DETAIL_CHARS: usize = 300;

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
}

/// What one attempt says about the backend's health.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verdict {
    /// The backend answered (2xx, 3xx, or a 4xx about the request).
    Healthy,
    /// A timeout, a connection failure, or a 5xx.
    Faulty,
    /// Nothing: the request was never sent.
    None,
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
            endpoint,
            http,
            breakers: Arc::new(BreakersByOperation::new(resilience.breaker.clone())),
            budget: Arc::new(RetryBudget::new(resilience.retry_ratio)),
            resilience,
        }
    }

    /// Where this instance's breakers stand, summed up: open if any operation's is open, else
    /// half-open if any is, else closed (for readiness reports).
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
            Fetched::NotFound => Err(AdapterError::Status {
                backend: self.endpoint.name.clone(),
                status: 404,
            }),
        }
    }

    /// Like [`get_json`](Self::get_json), but a 404 is an answer, not an error.
    pub async fn get_json_or_not_found<T: DeserializeOwned>(
        &self,
        operation: &'static str,
        path: &str,
        query: &[(&str, String)],
    ) -> Result<Fetched<T>, AdapterError> {
        let span = tracing::info_span!(
            "backend_call",
            backend = %self.endpoint.name,
            operation,
            path = %clip(path)
        );
        async {
            let started = Instant::now();
            let result = self.fetch(operation, path, query).await;
            let elapsed_ms = started.elapsed().as_millis() as u64;
            match &result {
                Ok(_) => tracing::debug!(elapsed_ms, "backend answered"),
                Err(error) => tracing::warn!(elapsed_ms, %error, "backend call failed"),
            }
            result
        }
        .instrument(span)
        .await
    }

    async fn fetch<T: DeserializeOwned>(
        &self,
        operation: &'static str,
        path: &str,
        query: &[(&str, String)],
    ) -> Result<Fetched<T>, AdapterError> {
        let url = self.url(path)?;
        let (status, body) = self
            .idempotent(operation, || {
                self.http
                    .get(url.clone())
                    .query(query)
                    .header(reqwest::header::ACCEPT, "application/json")
            })
            .await?;
        if status == reqwest::StatusCode::NOT_FOUND {
            return Ok(Fetched::NotFound);
        }
        if !status.is_success() {
            return Err(self.status(status));
        }
        self.decode(&body).map(Fetched::Found)
    }

    /// Sends an idempotent request: through the operation's breaker, retried on failures that
    /// may pass (transport errors, timeouts, 5xx) with jittered exponential backoff while the
    /// retry budget and the call's time allow. All attempts together stay within the backend's
    /// timeout. A request that cannot be built fails at once: retrying it could only fail again.
    async fn idempotent(
        &self,
        operation: &'static str,
        request: impl Fn() -> reqwest::RequestBuilder,
    ) -> Result<(reqwest::StatusCode, bytes::Bytes), AdapterError> {
        let deadline = Instant::now() + self.endpoint.timeout;
        let mut attempt: u32 = 0;
        loop {
            let prepared = self.prepare(request())?;
            let outcome = self.guarded(operation, prepared, deadline).await;
            // Only calls that reach the backend earn retries: failing fast, or not sending at
            // all, must not build credit.
            let sent = !matches!(
                outcome,
                Err(AdapterError::CircuitOpen { .. } | AdapterError::InvalidRequest { .. })
            );
            if attempt == 0 && sent {
                self.budget.deposit();
            }
            let retryable = match &outcome {
                Ok((status, _)) => status.is_server_error(),
                Err(AdapterError::Timeout { .. } | AdapterError::Transport { .. }) => true,
                Err(_) => false,
            };
            let backoff = self
                .resilience
                .retry_backoff
                .saturating_mul(2u32.saturating_pow(attempt));
            let backoff = backoff.mul_f64(jitter());
            let time_left = deadline.saturating_duration_since(Instant::now()) > backoff;
            if !retryable
                || attempt >= self.resilience.max_retries
                || !time_left
                || !self.budget.try_withdraw()
            {
                return outcome;
            }
            attempt += 1;
            tracing::debug!(attempt, backend = %self.endpoint.name, "retrying an idempotent call");
            tokio::time::sleep(backoff).await;
        }
    }

    /// Builds a request and checks it can be sent, before any breaker is asked: a request that
    /// fails here never left the gateway and says nothing about the backend.
    fn prepare(&self, builder: reqwest::RequestBuilder) -> Result<reqwest::Request, AdapterError> {
        let request = builder
            .build()
            .map_err(|e| self.invalid(format!("cannot build the request: {}", describe(e))))?;
        let length = request.url().as_str().len();
        if length > MAX_URL_BYTES {
            return Err(self.invalid(format!(
                "the URL would be {length} bytes long; at most {MAX_URL_BYTES} are sent"
            )));
        }
        Ok(request)
    }

    /// One attempt through `operation`'s breaker, within what is left of the call's time.
    ///
    /// The breaker hears only what says something about the backend (see [`Verdict`]). If the
    /// caller drops this future mid-call, the permit is dropped unreported: a cancelled call
    /// never counts.
    async fn guarded(
        &self,
        operation: &'static str,
        request: reqwest::Request,
        deadline: Instant,
    ) -> Result<(reqwest::StatusCode, bytes::Bytes), AdapterError> {
        let breaker = self.breakers.of(operation);
        let Some(permit) = breaker.acquire() else {
            return Err(AdapterError::CircuitOpen {
                backend: self.endpoint.name.clone(),
            });
        };
        let outcome = self.execute(request, deadline).await;
        match verdict(&outcome) {
            Verdict::Healthy => breaker.record(permit, true),
            Verdict::Faulty => breaker.record(permit, false),
            Verdict::None => drop(permit),
        }
        outcome
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

    /// POSTs a raw body (for backends that do not speak JSON) and returns the status and body
    /// whatever the status, for the adapter to interpret. Never retried: it changes state.
    pub async fn post_bytes(
        &self,
        operation: &'static str,
        path: &str,
        content_type: &'static str,
        body: Vec<u8>,
    ) -> Result<(u16, bytes::Bytes), AdapterError> {
        let request = self.prepare(
            self.http
                .post(self.url(path)?)
                .header(reqwest::header::CONTENT_TYPE, content_type)
                .body(body),
        )?;
        let deadline = Instant::now() + self.endpoint.timeout;
        let (status, body) = self.guarded(operation, request, deadline).await?;
        Ok((status.as_u16(), body))
    }

    /// POSTs `body` as JSON to `path`. A 2xx answer is decoded as `T`; a 4xx answer carrying the
    /// backend's `{"error": CODE}` is a business refusal. Never retried: it changes state.
    pub async fn post_json<B: Serialize, T: DeserializeOwned>(
        &self,
        operation: &'static str,
        path: &str,
        body: &B,
    ) -> Result<Posted<T>, AdapterError> {
        let span = tracing::info_span!(
            "backend_call",
            backend = %self.endpoint.name,
            operation,
            path = %clip(path),
            method = "POST"
        );
        async {
            let request = self.prepare(
                self.http
                    .post(self.url(path)?)
                    .header(reqwest::header::ACCEPT, "application/json")
                    .json(body),
            )?;
            let deadline = Instant::now() + self.endpoint.timeout;
            let (status, body) = self.guarded(operation, request, deadline).await?;
            match status.as_u16() {
                200..=299 => self.decode(&body).map(Posted::Accepted),
                400..=499 => {
                    let refusal: Refusal = self.decode(&body)?;
                    Ok(Posted::Refused(refusal.error))
                }
                _ => Err(self.status(status)),
            }
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

    /// Sends the request and reads the whole body before `deadline`.
    async fn execute(
        &self,
        request: reqwest::Request,
        deadline: Instant,
    ) -> Result<(reqwest::StatusCode, bytes::Bytes), AdapterError> {
        let call = async {
            let response = self
                .http
                .execute(request)
                .await
                .map_err(|e| self.send_error(e))?;
            let status = response.status();
            let body = response.bytes().await.map_err(|e| self.send_error(e))?;
            Ok((status, body))
        };
        tokio::time::timeout_at(deadline.into(), call)
            .await
            .map_err(|_| AdapterError::Timeout {
                backend: self.endpoint.name.clone(),
                timeout_ms: self.endpoint.timeout.as_millis() as u64,
            })?
    }

    fn decode<T: DeserializeOwned>(&self, body: &[u8]) -> Result<T, AdapterError> {
        serde_json::from_slice(body).map_err(|e| self.contract_violation(e.to_string()))
    }

    fn status(&self, status: reqwest::StatusCode) -> AdapterError {
        AdapterError::Status {
            backend: self.endpoint.name.clone(),
            status: status.as_u16(),
        }
    }

    /// A failure to send or to read the answer. reqwest reports a request it refuses to send
    /// (a URL that is not a valid URI, say) as a builder error: that one was never sent.
    fn send_error(&self, error: reqwest::Error) -> AdapterError {
        if error.is_builder() {
            return self.invalid(format!("reqwest refused to send it: {}", describe(error)));
        }
        AdapterError::Transport {
            backend: self.endpoint.name.clone(),
            detail: describe(error),
        }
    }

    fn invalid(&self, detail: String) -> AdapterError {
        AdapterError::InvalidRequest {
            backend: self.endpoint.name.clone(),
            detail: clip_detail(detail),
        }
    }

    /// Refuses a request before it is built: `what` is the value's role, `error` why it is not
    /// valid. For adapters checking identifiers (defence in depth behind the gateway's edge).
    pub fn refuse(&self, what: &str, error: impl std::fmt::Display) -> AdapterError {
        self.invalid(format!("{what}: {error}"))
    }

    /// Refuses, before any URL or body is built, a value that is not a valid `T` (an
    /// [`OrderNumber`](crate::model::OrderNumber), a
    /// [`CustomerNumber`](crate::model::CustomerNumber), ...). A comma inside one would add a
    /// value to a comma-separated batch; a control character or a 66,000-character value would
    /// make a request no server takes. The gateway checks every identifier at its edge; this is
    /// the second line, for any caller of the ports.
    pub fn check<T>(
        &self,
        what: &str,
        values: impl IntoIterator<Item = impl AsRef<str>>,
    ) -> Result<(), AdapterError>
    where
        T: std::str::FromStr,
        T::Err: std::fmt::Display,
    {
        for value in values {
            if let Err(error) = value.as_ref().parse::<T>() {
                return Err(self.refuse(what, error));
            }
        }
        Ok(())
    }

    /// Passes `items` through if every one belongs to a customer number in `asked`; a backend
    /// that answers about customer numbers nobody asked for breaks its contract, and its whole
    /// answer is refused rather than risk showing another company's data.
    pub fn only_asked<T>(
        &self,
        items: Vec<T>,
        asked: &[String],
        customer_of: impl Fn(&T) -> &str,
    ) -> Result<Vec<T>, AdapterError> {
        match items
            .iter()
            .map(&customer_of)
            .find(|c| !asked.iter().any(|a| a == c))
        {
            None => Ok(items),
            Some(stray) => Err(self.contract_violation(format!(
                "answered about customer number {}, which was not asked for",
                clip(stray)
            ))),
        }
    }

    /// A decode error for a payload that parsed but broke the contract's rules. The detail is
    /// clipped: a payload may quote anything, a client's values included.
    pub fn contract_violation(&self, detail: impl Into<String>) -> AdapterError {
        AdapterError::Decode {
            backend: self.endpoint.name.clone(),
            detail: clip_detail(detail.into()),
        }
    }
}

/// What an attempt's outcome says about the backend: only timeouts, connection failures and 5xx
/// are its faults; a 4xx is a healthy backend answering about a bad request; a request that was
/// never sent says nothing.
fn verdict(outcome: &Result<(reqwest::StatusCode, bytes::Bytes), AdapterError>) -> Verdict {
    match outcome {
        Ok((status, _)) if status.is_server_error() => Verdict::Faulty,
        Ok(_) => Verdict::Healthy,
        Err(error) if error.is_backend_fault() => Verdict::Faulty,
        Err(_) => Verdict::None,
    }
}

/// A reqwest error and its causes, without the URL (which may carry client-supplied values of any
/// length), clipped to [`MAX_DETAIL_CHARS`].
fn describe(error: reqwest::Error) -> String {
    use std::error::Error as _;
    let error = error.without_url();
    let mut detail = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        detail.push_str(": ");
        detail.push_str(&cause.to_string());
        source = cause.source();
    }
    clip_detail(detail)
}

/// `detail`, cut to [`MAX_DETAIL_CHARS`] characters.
fn clip_detail(detail: String) -> String {
    match detail.char_indices().nth(MAX_DETAIL_CHARS) {
        Some((cut, _)) => format!("{}… ({} chars)", &detail[..cut], detail.chars().count()),
        None => detail,
    }
}

/// A factor in `0.0..1.0` for full-jitter backoff, from the clock's nanoseconds (no random-number
/// generator needed: spreading retries out is all it is for).
fn jitter() -> f64 {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    f64::from(nanos % 1_000) / 1_000.0
}
