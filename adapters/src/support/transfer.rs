//! The streaming half of the support adapter: uploads and downloads of attachments, which the
//! shared [`BackendClient`] cannot carry — it reads whole bodies, and retries by sending the same
//! bytes again, while a file here passes through once, a piece at a time.
//!
//! Each transfer is still protected like every call: a circuit breaker per operation
//! (`upload_attachment`, `attachment`, separate from the JSON calls' so a slow file store does
//! not stop listings), errors mapped to the same [`AdapterError`]s, and a time limit of its own,
//! longer than a JSON call's: an upload, from its first byte to the answer, within the transfer
//! timeout; a download's answer within it, then each piece of its body within it again. A
//! transfer is never retried: a stream cannot be replayed. Only timeouts, connection failures
//! and 5xx count against a breaker; a caller's body that fails, or is not the size it declared,
//! is the caller's fault ([`AdapterError::InvalidRequest`]) and judges nothing.

use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use reqwest::header::{ACCEPT, CONTENT_LENGTH, CONTENT_TYPE};
use url::Url;

use super::streams::{Metered, SentReport, read};
use crate::AdapterError;
use crate::client::{BackendClient, BackendEndpoint};
use crate::ports::ByteStream;
use crate::resilience::{BreakerConfig, BreakerReport, BreakersByOperation};

/// The largest JSON answer to an upload read (it is one attachment's metadata).
const MAX_UPLOAD_ANSWER: usize = 64 * 1024;

/// The longest transport error detail kept, in characters.
const MAX_DETAIL_CHARS: usize = 300;

/// How an upload went, when the backend answered.
pub(super) struct Uploaded {
    /// The HTTP status.
    pub status: u16,
    /// The answer's body (at most [`MAX_UPLOAD_ANSWER`] bytes read).
    pub answer: Bytes,
    /// The SHA-256 of what was sent.
    pub sha256: String,
}

/// Streams to and from one support instance.
#[derive(Debug, Clone)]
pub(super) struct Transfers {
    http: reqwest::Client,
    name: String,
    base_url: Url,
    timeout: Duration,
    breakers: Arc<BreakersByOperation>,
}

impl Transfers {
    /// Transfers to the instance at `endpoint`, each within `timeout`.
    pub(super) fn new(
        http: reqwest::Client,
        endpoint: &BackendEndpoint,
        breaker: BreakerConfig,
        timeout: Duration,
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
            timeout,
            breakers: Arc::new(BreakersByOperation::new(breaker)),
        }
    }

    /// How long one transfer (or one piece of a download) may take.
    pub(super) fn timeout(&self) -> Duration {
        self.timeout
    }

    /// Where the transfers' breakers stand.
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

    fn url(&self, client: &BackendClient, path: &str) -> Result<Url, AdapterError> {
        self.base_url
            .join(path)
            .map_err(|e| client.refuse("path", e))
    }

    /// POSTs `body` (`size` bytes of `content_type`) to `path` with `query`, streamed.
    pub(super) async fn upload(
        &self,
        client: &BackendClient,
        path: &str,
        query: &[(&str, String)],
        content_type: &str,
        size: u64,
        body: ByteStream,
    ) -> Result<Uploaded, AdapterError> {
        let report = SentReport::default();
        let metered = Metered::new(body, size, report.clone());
        let request = crate::client::with_traceparent(self.http.post(self.url(client, path)?))
            .query(query)
            .header(ACCEPT, "application/json")
            .header(CONTENT_TYPE, content_type)
            .header(CONTENT_LENGTH, size)
            .body(reqwest::Body::wrap_stream(metered))
            .build()
            .map_err(|e| client.refuse("the upload", describe(e)))?;
        let breaker = self.breakers.of("upload_attachment");
        let permit = breaker.acquire().ok_or_else(|| self.circuit_open())?;
        let deadline = Instant::now() + self.timeout;
        let sent = async {
            let response = self.http.execute(request).await?;
            let status = response.status().as_u16();
            let answer = read_capped(response, MAX_UPLOAD_ANSWER).await?;
            Ok::<_, reqwest::Error>((status, answer))
        };
        let outcome = tokio::time::timeout_at(deadline.into(), sent).await;
        if let Some(why) = read(&report).failed.take() {
            // The caller's body failed: nothing to say about the backend.
            drop(permit);
            return Err(client.refuse("the upload's body", why));
        }
        match outcome {
            Err(_) => {
                breaker.record(permit, false);
                Err(self.timed_out())
            }
            Ok(Err(error)) => {
                breaker.record(permit, false);
                Err(self.transport(error))
            }
            Ok(Ok((status, answer))) => {
                breaker.record(permit, status < 500);
                let sha256 = read(&report).sha256.take().unwrap_or_default();
                Ok(Uploaded {
                    status,
                    answer,
                    sha256,
                })
            }
        }
    }

    /// GETs `path`, answering the response once its head arrived: `None` for a 404, an error
    /// for any other status but a 2xx.
    pub(super) async fn download(
        &self,
        client: &BackendClient,
        path: &str,
    ) -> Result<Option<reqwest::Response>, AdapterError> {
        let request = crate::client::with_traceparent(self.http.get(self.url(client, path)?))
            .header(ACCEPT, "*/*")
            .build()
            .map_err(|e| client.refuse("the download", describe(e)))?;
        let breaker = self.breakers.of("attachment");
        let permit = breaker.acquire().ok_or_else(|| self.circuit_open())?;
        let outcome = tokio::time::timeout(self.timeout, self.http.execute(request)).await;
        let response = match outcome {
            Err(_) => {
                breaker.record(permit, false);
                return Err(self.timed_out());
            }
            Ok(Err(error)) => {
                breaker.record(permit, false);
                return Err(self.transport(error));
            }
            Ok(Ok(response)) => response,
        };
        let status = response.status();
        breaker.record(permit, !status.is_server_error());
        if status == reqwest::StatusCode::NOT_FOUND {
            return Ok(None);
        }
        if !status.is_success() {
            return Err(client.status_error(status.as_u16()));
        }
        Ok(Some(response))
    }

    fn circuit_open(&self) -> AdapterError {
        AdapterError::CircuitOpen {
            backend: self.name.clone(),
        }
    }

    fn timed_out(&self) -> AdapterError {
        AdapterError::Timeout {
            backend: self.name.clone(),
            timeout_ms: self.timeout.as_millis() as u64,
        }
    }

    fn transport(&self, error: reqwest::Error) -> AdapterError {
        AdapterError::Transport {
            backend: self.name.clone(),
            detail: describe(error),
        }
    }
}

/// The body of `response`, at most `cap` bytes of it (a longer answer is cut: it is then not
/// the JSON the contract promises, and fails to decode).
async fn read_capped(mut response: reqwest::Response, cap: usize) -> reqwest::Result<Bytes> {
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await? {
        let room = cap.saturating_sub(body.len());
        body.extend_from_slice(&chunk[..chunk.len().min(room)]);
        if body.len() >= cap {
            break;
        }
    }
    Ok(Bytes::from(body))
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
