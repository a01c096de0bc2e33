//! The mail service's simulator: it accepts messages as the real service does — checked against
//! the same limits, once per idempotency key — and, instead of sending them, keeps them in the
//! sandbox's [`Outbox`], where tests and demos read what the gateway "sent".
//!
//! Besides the contract's `POST v1/messages`, two admin endpoints (for demos, and tests that
//! speak HTTP): `GET admin/outbox` lists every message kept, oldest first, attachments in base64
//! with their size; `DELETE admin/outbox` empties it.

use std::sync::Arc;

use axum::extract::rejection::JsonRejection;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::Serialize;

use super::wire::{UnreadableMessage, WireMessage, WireReceipt};
use crate::client::IDEMPOTENCY_KEY;
use crate::model::{MAX_ATTACHMENT_BYTES, check_idempotency_key};
use crate::sandbox::respond::refuse_json;
use crate::sandbox::{KeyReused, Outbox, OutboxMessage};

/// The largest request body read: the base64 of [`MAX_ATTACHMENT_BYTES`] (4 bytes for every 3)
/// and 2 MiB for the rest of the message (a body of 20,000 characters is at most 80 KB).
const MAX_REQUEST_BYTES: usize = MAX_ATTACHMENT_BYTES / 3 * 4 + 2 * 1024 * 1024;

/// The instance's routes.
pub fn router(outbox: Arc<Outbox>) -> Router {
    Router::new()
        .route("/v1/messages", post(send))
        .route("/admin/outbox", axum::routing::get(list).delete(clear))
        .layer(DefaultBodyLimit::max(MAX_REQUEST_BYTES))
        .with_state(outbox)
}

async fn send(
    State(outbox): State<Arc<Outbox>>,
    headers: HeaderMap,
    body: Result<Json<WireMessage>, JsonRejection>,
) -> Response {
    let Some(key) = headers.get(IDEMPOTENCY_KEY) else {
        return refuse_json(StatusCode::BAD_REQUEST, "IDEMPOTENCY_KEY_REQUIRED");
    };
    let Some(key) = key
        .to_str()
        .ok()
        .filter(|key| check_idempotency_key(key).is_ok())
    else {
        return refuse_json(StatusCode::BAD_REQUEST, "INVALID_IDEMPOTENCY_KEY");
    };
    let wire = match body {
        Ok(Json(wire)) => wire,
        Err(rejection) if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            return refuse_json(StatusCode::PAYLOAD_TOO_LARGE, "TOO_LARGE");
        }
        Err(_) => return refuse_json(StatusCode::BAD_REQUEST, "BAD_REQUEST"),
    };
    let message = match wire.into_message() {
        Ok(message) => message,
        Err(UnreadableMessage::Recipient { .. }) => {
            return refuse_json(StatusCode::UNPROCESSABLE_ENTITY, "INVALID_MESSAGE");
        }
        Err(UnreadableMessage::Content { .. }) => {
            return refuse_json(StatusCode::BAD_REQUEST, "BAD_REQUEST");
        }
    };
    if message.check().is_err() {
        return refuse_json(StatusCode::UNPROCESSABLE_ENTITY, "INVALID_MESSAGE");
    }
    match outbox.deliver_once(key, message) {
        Ok(message_id) => (StatusCode::ACCEPTED, Json(WireReceipt { message_id })).into_response(),
        Err(KeyReused) => refuse_json(StatusCode::CONFLICT, "IDEMPOTENCY_KEY_REUSED"),
    }
}

/// One message of `GET admin/outbox`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct ListedMessage {
    message_id: String,
    idempotency_key: Option<String>,
    to: Vec<String>,
    subject: String,
    text: String,
    attachments: Vec<ListedAttachment>,
}

/// One attachment of a listed message.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct ListedAttachment {
    filename: String,
    content_type: String,
    /// Its size in bytes, decoded.
    size: usize,
    /// Its content, standard base64.
    content: String,
}

impl From<OutboxMessage> for ListedMessage {
    fn from(sent: OutboxMessage) -> Self {
        let message = sent.message;
        Self {
            message_id: sent.message_id,
            idempotency_key: sent.idempotency_key,
            to: message.to.into_iter().map(String::from).collect(),
            subject: message.subject,
            text: message.text_body,
            attachments: message
                .attachments
                .into_iter()
                .map(|a| ListedAttachment {
                    size: a.bytes.len(),
                    content: STANDARD.encode(&a.bytes),
                    filename: a.filename,
                    content_type: a.content_type,
                })
                .collect(),
        }
    }
}

async fn list(State(outbox): State<Arc<Outbox>>) -> Json<Vec<ListedMessage>> {
    Json(outbox.messages().into_iter().map(Into::into).collect())
}

async fn clear(State(outbox): State<Arc<Outbox>>) -> StatusCode {
    outbox.clear();
    StatusCode::NO_CONTENT
}
