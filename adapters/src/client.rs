//! The one HTTP client wrapper every adapter uses.
//!
//! Adapters describe *what* to fetch; this module decides *how*: the per-backend timeout, a tracing
//! span per call, and the mapping of every failure to one [`AdapterError`]. Keeping it in one
//! place means later resilience work (retries, breakers, metrics) reaches every backend at once.

use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::Serialize;
use serde::de::DeserializeOwned;
use tracing::Instrument;
use url::Url;

use crate::AdapterError;
use crate::resilience::{BreakerState, CircuitBreaker, ResilienceConfig, RetryBudget};

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

/// An HTTP client bound to one backend instance, with that instance's breaker and retry budget.
#[derive(Debug, Clone)]
pub struct BackendClient {
    endpoint: BackendEndpoint,
    http: reqwest::Client,
    resilience: ResilienceConfig,
    breaker: Arc<CircuitBreaker>,
    budget: Arc<RetryBudget>,
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

    /// Binds `http` to one backend instance with its own breaker and retry budget.
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
            breaker: CircuitBreaker::new(resilience.breaker.clone()),
            budget: Arc::new(RetryBudget::new(resilience.retry_ratio)),
            resilience,
        }
    }

    /// Where this instance's breaker stands (for readiness reports).
    pub fn breaker_state(&self) -> BreakerState {
        self.breaker.state()
    }

    /// The instance's name, e.g. `order-status/emea`.
    pub fn name(&self) -> &str {
        &self.endpoint.name
    }

    /// GETs `path` (relative to the base URL) with `query` and decodes a JSON body.
    pub async fn get_json<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, String)],
    ) -> Result<T, AdapterError> {
        match self.get_json_or_not_found(path, query).await? {
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
        path: &str,
        query: &[(&str, String)],
    ) -> Result<Fetched<T>, AdapterError> {
        let span = tracing::info_span!("backend_call", backend = %self.endpoint.name, path);
        async {
            let started = Instant::now();
            let result = self.fetch(path, query).await;
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
        path: &str,
        query: &[(&str, String)],
    ) -> Result<Fetched<T>, AdapterError> {
        let url = self.url(path)?;
        let (status, body) = self
            .idempotent(|| {
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

    /// Sends an idempotent request: through the breaker, retried on failures that may pass
    /// (transport errors, timeouts, 5xx) with jittered exponential backoff while the retry budget
    /// and the call's time allow. All attempts together stay within the backend's timeout.
    async fn idempotent(
        &self,
        request: impl Fn() -> reqwest::RequestBuilder,
    ) -> Result<(reqwest::StatusCode, bytes::Bytes), AdapterError> {
        let deadline = Instant::now() + self.endpoint.timeout;
        let mut attempt: u32 = 0;
        loop {
            let outcome = self.guarded(request(), deadline).await;
            // Only calls that reach the backend earn retries: failing fast must not build credit.
            if attempt == 0 && !matches!(outcome, Err(AdapterError::CircuitOpen { .. })) {
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

    /// One attempt through the breaker, within what is left of the call's time.
    async fn guarded(
        &self,
        request: reqwest::RequestBuilder,
        deadline: Instant,
    ) -> Result<(reqwest::StatusCode, bytes::Bytes), AdapterError> {
        let Some(permit) = self.breaker.acquire() else {
            return Err(AdapterError::CircuitOpen {
                backend: self.endpoint.name.clone(),
            });
        };
        let outcome = self.execute(request, deadline).await;
        let healthy = match &outcome {
            Ok((status, _)) => !status.is_server_error(),
            Err(_) => false,
        };
        self.breaker.record(permit, healthy);
        outcome
    }

    /// GETs `path` and returns the raw body (for backends that do not speak JSON); retried like
    /// every idempotent call. A 404 is an answer.
    pub async fn get_bytes(
        &self,
        path: &str,
        query: &[(&str, String)],
        accept: &'static str,
    ) -> Result<Fetched<bytes::Bytes>, AdapterError> {
        let url = self.url(path)?;
        let (status, body) = self
            .idempotent(|| {
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
        path: &str,
        content_type: &'static str,
        body: Vec<u8>,
    ) -> Result<(u16, bytes::Bytes), AdapterError> {
        let request = self
            .http
            .post(self.url(path)?)
            .header(reqwest::header::CONTENT_TYPE, content_type)
            .body(body);
        let deadline = Instant::now() + self.endpoint.timeout;
        let (status, body) = self.guarded(request, deadline).await?;
        Ok((status.as_u16(), body))
    }

    /// POSTs `body` as JSON to `path`. A 2xx answer is decoded as `T`; a 4xx answer carrying the
    /// backend's `{"error": CODE}` is a business refusal. Never retried: it changes state.
    pub async fn post_json<B: Serialize, T: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
    ) -> Result<Posted<T>, AdapterError> {
        let span = tracing::info_span!("backend_call", backend = %self.endpoint.name, path, method = "POST");
        async {
            let request = self
                .http
                .post(self.url(path)?)
                .header(reqwest::header::ACCEPT, "application/json")
                .json(body);
            let deadline = Instant::now() + self.endpoint.timeout;
            let (status, body) = self.guarded(request, deadline).await?;
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
            .map_err(|e| self.transport(format!("bad request path {path:?}: {e}")))
    }

    /// Sends the request and reads the whole body before `deadline`.
    async fn execute(
        &self,
        request: reqwest::RequestBuilder,
        deadline: Instant,
    ) -> Result<(reqwest::StatusCode, bytes::Bytes), AdapterError> {
        let call = async {
            let response = request
                .send()
                .await
                .map_err(|e| self.transport(e.to_string()))?;
            let status = response.status();
            let body = response
                .bytes()
                .await
                .map_err(|e| self.transport(e.to_string()))?;
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
        serde_json::from_slice(body).map_err(|e| AdapterError::Decode {
            backend: self.endpoint.name.clone(),
            detail: e.to_string(),
        })
    }

    fn status(&self, status: reqwest::StatusCode) -> AdapterError {
        AdapterError::Status {
            backend: self.endpoint.name.clone(),
            status: status.as_u16(),
        }
    }

    fn transport(&self, detail: String) -> AdapterError {
        AdapterError::Transport {
            backend: self.endpoint.name.clone(),
            detail,
        }
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
                "answered about customer number {stray}, which was not asked for"
            ))),
        }
    }

    /// A decode error for a payload that parsed but broke the contract's rules.
    pub fn contract_violation(&self, detail: impl Into<String>) -> AdapterError {
        AdapterError::Decode {
            backend: self.endpoint.name.clone(),
            detail: detail.into(),
        }
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
