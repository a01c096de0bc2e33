//! The vendor's outgoing mail service: the one way any tool sends e-mail (an inquiry's
//! acknowledgment, a status notification, a report). JSON over HTTP, one global instance.
//!
//! Contract (see `fixtures/mail/`):
//! - `POST v1/messages` with the header `Idempotency-Key` (1 to
//!   [`MAX_IDEMPOTENCY_KEY`](crate::model::MAX_IDEMPOTENCY_KEY) visible ASCII characters) and the
//!   body `{to: [address, ...], subject, text, attachments: [{filename, contentType, content}]}`,
//!   `content` in standard base64 with padding — 202 `{messageId}`. The service sends one message
//!   per key: a repeat with the same key and message answers 202 with the first `messageId` and
//!   sends nothing; the same key with another message is 409 `{"error":
//!   "IDEMPOTENCY_KEY_REUSED"}`. A message outside the limits of
//!   [`MailMessage`](crate::model::MailMessage) (or with a recipient that is not an
//!   [`EmailAddress`](crate::model::EmailAddress)) is 422 `{"error": "INVALID_MESSAGE"}`; a
//!   missing or invalid key, or a body that does not parse, 400.
//!
//! The adapter checks every limit before it sends, so a 4xx means the service and the adapter
//! disagree; it is an [`AdapterError::Status`](crate::AdapterError::Status), which no breaker
//! counts.
//!
//! Here: `wire` (the format), `adapter` (the [`MailBackend`](crate::ports::MailBackend) over
//! HTTP), [`sandbox`] (the simulator, which keeps what it "sends" in the sandbox's
//! [`Outbox`](crate::sandbox::Outbox)).

mod adapter;
pub mod sandbox;
mod wire;

pub use adapter::HttpMailBackend;

/// The instance's name: in errors, cache keys, fault settings and the sandbox's paths.
pub const INSTANCE: &str = "mail";
