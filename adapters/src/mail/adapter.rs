//! [`MailBackend`] over HTTP.

use async_trait::async_trait;

use super::wire::{WireMessage, WireReceipt};
use crate::AdapterError;
use crate::client::BackendClient;
use crate::model::ids::clip;
use crate::model::{MailMessage, MailReceipt, check_idempotency_key};
use crate::ports::MailBackend;
use crate::resilience::BreakerReport;

/// The mail adapter.
#[derive(Debug, Clone)]
pub struct HttpMailBackend {
    client: BackendClient,
}

impl HttpMailBackend {
    /// An adapter reaching the mail service through `client`.
    pub fn new(client: BackendClient) -> Self {
        Self { client }
    }
}

/// The `{"error": CODE}` of a refusal, when the answer has one.
#[derive(serde::Deserialize)]
struct Refusal {
    error: String,
}

#[async_trait]
impl MailBackend for HttpMailBackend {
    fn instance(&self) -> &str {
        self.client.name()
    }

    fn breakers(&self) -> Vec<BreakerReport> {
        self.client.breakers()
    }

    async fn send(
        &self,
        message: &MailMessage,
        idempotency_key: &str,
    ) -> Result<MailReceipt, AdapterError> {
        message
            .check()
            .map_err(|error| self.client.refuse("message", error))?;
        check_idempotency_key(idempotency_key)
            .map_err(|error| self.client.refuse("idempotency key", error))?;
        let body = WireMessage::from(message);
        let (status, answer) = self
            .client
            .post_json_keyed("send", "v1/messages", idempotency_key, &body)
            .await?;
        if !(200..=299).contains(&status) {
            if (400..=499).contains(&status) {
                let code = serde_json::from_slice::<Refusal>(&answer)
                    .map(|r| r.error)
                    .unwrap_or_default();
                tracing::warn!(
                    backend = %self.client.name(),
                    status,
                    code = %clip(&code),
                    "the mail service refused a message the adapter had checked"
                );
            }
            return Err(self.client.status_error(status));
        }
        let receipt: WireReceipt = serde_json::from_slice(&answer)
            .map_err(|e| self.client.contract_violation(e.to_string()))?;
        MailReceipt::try_from(receipt).map_err(|detail| self.client.contract_violation(detail))
    }
}
