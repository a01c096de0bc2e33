//! One call's attempts: each through its operation's breaker, within the call's deadline, and —
//! for idempotent calls — retried with jittered backoff while the retry budget allows.

use std::time::Instant;

use super::checks::describe;
use super::telemetry::with_traceparent;
use super::{BackendClient, MAX_URL_BYTES};
use crate::AdapterError;
use crate::resilience::BreakerState;

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

impl BackendClient {
    /// Sends an idempotent request: through the operation's breaker, retried on failures that
    /// may pass (transport errors, timeouts, 5xx) with jittered exponential backoff while the
    /// retry budget and the call's time allow. All attempts together stay within the backend's
    /// timeout. A request that cannot be built fails at once: retrying it could only fail again.
    pub(super) async fn idempotent(
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
            self.metrics.retry(operation);
            tracing::debug!(attempt, backend = %self.endpoint.name, "retrying an idempotent call");
            tokio::time::sleep(backoff).await;
        }
    }

    /// Builds a request and checks it can be sent, before any breaker is asked: a request that
    /// fails here never left the gateway and says nothing about the backend. It carries the
    /// `traceparent` of the call's span.
    pub(super) fn prepare(
        &self,
        builder: reqwest::RequestBuilder,
    ) -> Result<reqwest::Request, AdapterError> {
        let request = with_traceparent(builder)
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
    pub(super) async fn guarded(
        &self,
        operation: &'static str,
        request: reqwest::Request,
        deadline: Instant,
    ) -> Result<(reqwest::StatusCode, bytes::Bytes), AdapterError> {
        let breaker = self.breakers.of(operation);
        let Some(permit) = breaker.acquire() else {
            let refused = Err(AdapterError::CircuitOpen {
                backend: self.endpoint.name.clone(),
            });
            self.metrics.attempt(operation, &refused, None);
            return refused;
        };
        let started = Instant::now();
        let outcome = self.execute(request, deadline).await;
        self.metrics
            .attempt(operation, &outcome, Some(started.elapsed()));
        let verdict = verdict(&outcome);
        let was_open = verdict == Verdict::Faulty && breaker.state() == BreakerState::Open;
        match verdict {
            Verdict::Healthy => breaker.record(permit, true),
            Verdict::Faulty => breaker.record(permit, false),
            Verdict::None => drop(permit),
        }
        if verdict == Verdict::Faulty && !was_open && breaker.state() == BreakerState::Open {
            self.metrics.breaker_opened(operation);
        }
        outcome
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

/// A factor in `0.0..1.0` for full-jitter backoff, from the clock's nanoseconds (no random-number
/// generator needed: spreading retries out is all it is for).
fn jitter() -> f64 {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    f64::from(nanos % 1_000) / 1_000.0
}
