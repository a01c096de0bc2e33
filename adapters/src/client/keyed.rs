//! POSTs that carry an `Idempotency-Key`: writes the backend promises to perform once per key,
//! which therefore may be retried like reads.
//!
//! A plain POST is sent once: if the connection drops after the backend acted, a retry would act
//! twice. A backend that records each key and answers a repeat with the first answer (the mail
//! service) makes the retry harmless, so these calls go through the same attempts as a GET
//! (`send::idempotent`): the operation's breaker, retries on transport failures, timeouts and 5xx
//! with jittered backoff, within the instance's timeout and retry budget. Every attempt sends the
//! same bytes with the same key.

use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderValue};
use serde::Serialize;

use super::BackendClient;
use crate::AdapterError;

/// The header that names a write, so the backend performs it once.
pub const IDEMPOTENCY_KEY: &str = "Idempotency-Key";

impl BackendClient {
    /// POSTs `body` as JSON to `path` with `Idempotency-Key: key`, retried (with the same key and
    /// body) like an idempotent read. Returns the status and body of the last attempt whatever
    /// the status, for the adapter to interpret (only a 5xx is retried, and a 5xx left after the
    /// retries is returned like any other). A key that cannot be a header value, or a body that
    /// does not serialise, is refused unsent.
    pub async fn post_json_keyed<B: Serialize>(
        &self,
        operation: &'static str,
        path: &str,
        key: &str,
        body: &B,
    ) -> Result<(u16, bytes::Bytes), AdapterError> {
        let call = async {
            let url = self.url(path)?;
            let key = HeaderValue::from_str(key)
                .map_err(|_| self.invalid("the idempotency key is not a header value".into()))?;
            let json = serde_json::to_vec(body)
                .map(bytes::Bytes::from)
                .map_err(|e| self.invalid(format!("the body does not serialise: {e}")))?;
            let (status, answer) = self
                .idempotent(operation, || {
                    self.http
                        .post(url.clone())
                        .header(ACCEPT, "application/json")
                        .header(CONTENT_TYPE, "application/json")
                        .header(IDEMPOTENCY_KEY, key.clone())
                        .body(json.clone())
                })
                .await?;
            Ok((status.as_u16(), answer))
        };
        self.traced(operation, path, "POST", call).await
    }
}
