//! The two reads of the contracts system that the shared [`BackendClient`] cannot carry: the
//! search, a read sent as a POST (the client retries only GETs and POSTs with an
//! `Idempotency-Key`, and the search has none), and a version's PDF, read with a cap on its size
//! (the client reads a whole body, however long).
//!
//! Each is protected as the client protects its calls: a circuit breaker per operation
//! (`contracts`, `document_pdf`, beside the client's breakers for the other operations), retries
//! of transport failures, timeouts and 5xx with jittered backoff, all attempts within the
//! instance's timeout and within a retry budget of their own, and the same [`AdapterError`]s.
//! Only timeouts, connection failures and 5xx count against a breaker; a request that cannot be
//! built is refused unsent and counts for nothing.

use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use reqwest::header::{ACCEPT, CONTENT_TYPE};
use serde::Serialize;
use tracing::Instrument;
use url::Url;

use crate::AdapterError;
use crate::client::{BackendClient, BackendEndpoint, MAX_URL_BYTES};
use crate::model::ids::clip;
use crate::resilience::{BreakerReport, BreakersByOperation, ResilienceConfig, RetryBudget};

/// The longest transport error detail kept, in characters.
const MAX_DETAIL_CHARS: usize = 300;

/// An answer, its body read up to a cap.
pub(super) struct Answer {
    /// The HTTP status.
    pub status: u16,
    /// The body, at most the cap asked for.
    pub body: Bytes,
    /// Whether the body was longer than the cap (and `body` holds none of it).
    pub too_large: bool,
}

/// The search and the documents of one contracts instance.
#[derive(Debug, Clone)]
pub(super) struct Reads {
    http: reqwest::Client,
    name: String,
    base_url: Url,
    timeout: Duration,
    resilience: ResilienceConfig,
    breakers: Arc<BreakersByOperation>,
    budget: Arc<RetryBudget>,
}

impl Reads {
    /// Reads of the instance at `endpoint`, with `resilience`.
    pub(super) fn new(
        http: reqwest::Client,
        endpoint: &BackendEndpoint,
        resilience: ResilienceConfig,
    ) -> Self {
        let mut base_url = endpoint.base_url.clone();
        if !base_url.path().ends_with('/') {
            let path = format!("{}/", base_url.path());
            base_url.set_path(&path);
        }
        Self {
            http,
            name: endpoint.name.clone(),
            base_url,
            timeout: endpoint.timeout,
            breakers: Arc::new(BreakersByOperation::new(resilience.breaker.clone())),
            budget: Arc::new(RetryBudget::new(resilience.retry_ratio)),
            resilience,
        }
    }

    /// Where these reads' breakers stand.
    pub(super) fn breakers(&self) -> Vec<BreakerReport> {
        self.breakers
            .states()
            .into_iter()
            .map(|(operation, state)| BreakerReport {
                backend: self.name.clone(),
                operation,
                state,
            })
            .collect()
    }

    /// POSTs `body` as JSON to `path`, retried like a read; the answer's body read up to `cap`
    /// bytes, whatever its status.
    pub(super) async fn post_json<B: Serialize>(
        &self,
        client: &BackendClient,
        operation: &'static str,
        path: &str,
        body: &B,
        cap: usize,
    ) -> Result<Answer, AdapterError> {
        let url = self.url(client, path)?;
        let json = serde_json::to_vec(body)
            .map(Bytes::from)
            .map_err(|e| client.refuse("the body", e))?;
        let request = || {
            self.http
                .post(url.clone())
                .header(ACCEPT, "application/json")
                .header(CONTENT_TYPE, "application/json")
                .body(json.clone())
        };
        let call = self.attempts(client, operation, request, cap);
        self.traced(operation, path, "POST", call).await
    }

    /// GETs `path`, accepting `accept`, retried; the answer's body read up to `cap` bytes,
    /// whatever its status.
    pub(super) async fn get(
        &self,
        client: &BackendClient,
        operation: &'static str,
        path: &str,
        accept: &'static str,
        cap: usize,
    ) -> Result<Answer, AdapterError> {
        let url = self.url(client, path)?;
        let request =
            || crate::client::with_traceparent(self.http.get(url.clone())).header(ACCEPT, accept);
        let call = self.attempts(client, operation, request, cap);
        self.traced(operation, path, "GET", call).await
    }

    /// Runs `call` in a `backend_call` span, as the client runs its calls, logging how long it
    /// took and how it ended.
    async fn traced(
        &self,
        operation: &'static str,
        path: &str,
        method: &'static str,
        call: impl Future<Output = Result<Answer, AdapterError>>,
    ) -> Result<Answer, AdapterError> {
        let span = tracing::info_span!(
            "backend_call",
            backend = %self.name,
            operation,
            path = %clip(path),
            method
        );
        async {
            let started = Instant::now();
            let result = call.await;
            let elapsed_ms = started.elapsed().as_millis() as u64;
            match &result {
                Ok(answer) => {
                    tracing::debug!(elapsed_ms, status = answer.status, "backend answered")
                }
                Err(error) => tracing::warn!(elapsed_ms, %error, "backend call failed"),
            }
            result
        }
        .instrument(span)
        .await
    }

    fn url(&self, client: &BackendClient, path: &str) -> Result<Url, AdapterError> {
        self.base_url
            .join(path)
            .map_err(|e| client.refuse("path", e))
    }

    /// The attempts of one call: each through the operation's breaker, retried while the answer
    /// may change (a timeout, a transport failure, a 5xx), the budget allows and time is left.
    async fn attempts(
        &self,
        client: &BackendClient,
        operation: &'static str,
        request: impl Fn() -> reqwest::RequestBuilder,
        cap: usize,
    ) -> Result<Answer, AdapterError> {
        let deadline = Instant::now() + self.timeout;
        let mut attempt: u32 = 0;
        loop {
            let request = request()
                .build()
                .map_err(|e| client.refuse("the request", describe(e)))?;
            let length = request.url().as_str().len();
            if length > MAX_URL_BYTES {
                return Err(client.refuse(
                    "the URL",
                    format!("{length} bytes long; at most {MAX_URL_BYTES} are sent"),
                ));
            }
            let outcome = self.once(operation, request, deadline, cap).await;
            let sent = !matches!(outcome, Err(AdapterError::CircuitOpen { .. }));
            if attempt == 0 && sent {
                self.budget.deposit();
            }
            let retryable = match &outcome {
                Ok(answer) => answer.status >= 500,
                Err(AdapterError::Timeout { .. } | AdapterError::Transport { .. }) => true,
                Err(_) => false,
            };
            let backoff = self
                .resilience
                .retry_backoff
                .saturating_mul(2u32.saturating_pow(attempt))
                .mul_f64(jitter());
            let time_left = deadline.saturating_duration_since(Instant::now()) > backoff;
            if !retryable
                || attempt >= self.resilience.max_retries
                || !time_left
                || !self.budget.try_withdraw()
            {
                return outcome;
            }
            attempt += 1;
            tracing::debug!(attempt, backend = %self.name, operation, "retrying a read");
            tokio::time::sleep(backoff).await;
        }
    }

    /// One attempt through `operation`'s breaker, its answer read before `deadline`.
    async fn once(
        &self,
        operation: &'static str,
        request: reqwest::Request,
        deadline: Instant,
        cap: usize,
    ) -> Result<Answer, AdapterError> {
        let breaker = self.breakers.of(operation);
        let Some(permit) = breaker.acquire() else {
            return Err(AdapterError::CircuitOpen {
                backend: self.name.clone(),
            });
        };
        let call = async {
            let response = self.http.execute(request).await?;
            let status = response.status().as_u16();
            let (body, too_large) = read_capped(response, cap).await?;
            Ok::<_, reqwest::Error>(Answer {
                status,
                body,
                too_large,
            })
        };
        match tokio::time::timeout_at(deadline.into(), call).await {
            Err(_) => {
                breaker.record(permit, false);
                Err(AdapterError::Timeout {
                    backend: self.name.clone(),
                    timeout_ms: self.timeout.as_millis() as u64,
                })
            }
            Ok(Err(error)) => {
                breaker.record(permit, false);
                Err(AdapterError::Transport {
                    backend: self.name.clone(),
                    detail: describe(error),
                })
            }
            Ok(Ok(answer)) => {
                breaker.record(permit, answer.status < 500);
                Ok(answer)
            }
        }
    }
}

/// The body of `response` if it is at most `cap` bytes long, and whether it was longer: reading
/// stops at the first byte past the cap (or before the first, when `Content-Length` says so).
async fn read_capped(
    mut response: reqwest::Response,
    cap: usize,
) -> reqwest::Result<(Bytes, bool)> {
    if response
        .content_length()
        .is_some_and(|length| length > cap as u64)
    {
        return Ok((Bytes::new(), true));
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await? {
        if body.len() + chunk.len() > cap {
            return Ok((Bytes::new(), true));
        }
        body.extend_from_slice(&chunk);
    }
    Ok((Bytes::from(body), false))
}

/// A reqwest error and its causes, without the URL, clipped.
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
    match detail.char_indices().nth(MAX_DETAIL_CHARS) {
        Some((cut, _)) => format!("{}…", &detail[..cut]),
        None => detail,
    }
}

/// A factor in `0.0..1.0` for full-jitter backoff, from the clock's nanoseconds.
fn jitter() -> f64 {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    f64::from(nanos % 1_000) / 1_000.0
}
