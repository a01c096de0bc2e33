//! PUT and DELETE of a resource the caller names: writes whose contract makes them idempotent,
//! so they may be retried like reads.
//!
//! A PUT stores what its body says at a URL the caller chose, and a DELETE removes what is there:
//! sent twice, either leaves the backend as sending it once does — when the backend's contract
//! says so (the registration system's preference documents do: see `registration`). These calls
//! go through the same attempts as a GET (`send::idempotent`): the operation's breaker, retries
//! on transport failures, timeouts and 5xx with jittered backoff, within the instance's timeout
//! and retry budget. Every attempt sends the same bytes and headers. A 4xx carrying
//! `{"error": CODE}` is a business refusal, as for [`post_json`](BackendClient::post_json).

use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderValue, IF_MATCH};
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::{BackendClient, Posted, Refusal};
use crate::AdapterError;

impl BackendClient {
    /// PUTs `body` as JSON to `path`, with `If-Match: if_match` when given (an entity tag, e.g.
    /// `"3"`, quotes included), retried like a read. A 2xx answer is decoded as `T`; a 4xx
    /// answer carrying `{"error": CODE}` is a refusal. A tag that cannot be a header value, or a
    /// body that does not serialise, is refused unsent. Only for endpoints whose contract makes a
    /// repeated PUT harmless.
    pub async fn put_json<B: Serialize, T: DeserializeOwned>(
        &self,
        operation: &'static str,
        path: &str,
        if_match: Option<&str>,
        body: &B,
    ) -> Result<Posted<T>, AdapterError> {
        let call = async {
            let url = self.url(path)?;
            let if_match = if_match
                .map(HeaderValue::from_str)
                .transpose()
                .map_err(|_| self.invalid("the If-Match tag is not a header value".into()))?;
            let json = serde_json::to_vec(body)
                .map(bytes::Bytes::from)
                .map_err(|e| self.invalid(format!("the body does not serialise: {e}")))?;
            let (status, answer) = self
                .idempotent(operation, || {
                    let put = self
                        .http
                        .put(url.clone())
                        .header(ACCEPT, "application/json")
                        .header(CONTENT_TYPE, "application/json")
                        .body(json.clone());
                    match &if_match {
                        Some(tag) => put.header(IF_MATCH, tag.clone()),
                        None => put,
                    }
                })
                .await?;
            match status.as_u16() {
                200..=299 => self.decode(&answer).map(Posted::Accepted),
                400..=499 => self.refusal(&answer),
                _ => Err(self.status(status)),
            }
        };
        self.traced(operation, path, "PUT", call).await
    }

    /// DELETEs `path` with `query`, retried like a read. A 2xx answer (its body ignored) is
    /// `Accepted(())`; a 4xx answer carrying `{"error": CODE}` — a 404 included — is a refusal.
    /// Only for endpoints whose contract makes a repeated DELETE harmless.
    pub async fn delete(
        &self,
        operation: &'static str,
        path: &str,
        query: &[(&str, String)],
    ) -> Result<Posted<()>, AdapterError> {
        let call = async {
            let url = self.url(path)?;
            let (status, answer) = self
                .idempotent(operation, || {
                    self.http
                        .delete(url.clone())
                        .query(query)
                        .header(ACCEPT, "application/json")
                })
                .await?;
            match status.as_u16() {
                200..=299 => Ok(Posted::Accepted(())),
                400..=499 => self.refusal(&answer),
                _ => Err(self.status(status)),
            }
        };
        self.traced(operation, path, "DELETE", call).await
    }

    /// A 4xx answer's `{"error": CODE}`; an answer without one breaks the contract.
    fn refusal<T>(&self, answer: &[u8]) -> Result<Posted<T>, AdapterError> {
        let refusal: Refusal = self.decode(answer)?;
        Ok(Posted::Refused(refusal.error))
    }
}
