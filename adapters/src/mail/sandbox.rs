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
use axum::{Json, Router};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::Serialize;
use utoipa::{OpenApi, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::wire::{UnreadableMessage, WireMessage, WireReceipt};
use crate::client::IDEMPOTENCY_KEY;
use crate::model::{MAX_ATTACHMENT_BYTES, check_idempotency_key};
use crate::sandbox::openapi::{Refusal, SANDBOX_TAG_DESCRIPTION};
use crate::sandbox::respond::refuse_json;
use crate::sandbox::{KeyReused, Outbox, OutboxMessage};

/// The largest request body read: the base64 of [`MAX_ATTACHMENT_BYTES`] (4 bytes for every 3)
/// and 2 MiB for the rest of the message (a body of 20,000 characters is at most 80 KB).
const MAX_REQUEST_BYTES: usize = MAX_ATTACHMENT_BYTES / 3 * 4 + 2 * 1024 * 1024;

/// The instance's routes.
pub fn router(outbox: Arc<Outbox>) -> Router {
    let (routes, _) = routes().split_for_parts();
    routes
        .layer(DefaultBodyLimit::max(MAX_REQUEST_BYTES))
        .with_state(outbox)
}

/// The contract the mail service offers (see [`crate::sandbox::openapi`]).
pub fn openapi() -> utoipa::openapi::OpenApi {
    routes().into_openapi()
}

/// What the contract says of itself.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Mail",
        description = "What the outgoing mail service must offer to be federated: it accepts a \
            plain-text e-mail with attachments and sends it, once per idempotency key. One \
            instance, at the base URL set in `[backends.mail]`; paths are relative to it. \
            Refusals are `{\"error\": CODE}`."
    ),
    tags(
        (name = "messages", description = "Outgoing e-mail."),
        (name = "sandbox", description = SANDBOX_TAG_DESCRIPTION)
    )
)]
struct ApiDoc;

/// Every route with its description: the served router and the contract come from this one list.
fn routes() -> OpenApiRouter<Arc<Outbox>> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(send))
        .routes(routes!(list, clear))
}

/// Accepts an e-mail to send, once per idempotency key.
///
/// At most 10 recipients, a subject of 200 characters and a text of 20,000; at most 20
/// attachments, 10 MiB together once decoded, each named in at most 255 characters with a valid
/// media type. The same message sent again with the same key answers the same message ID and is
/// not sent again; another message with a key already used is refused.
#[utoipa::path(
    post,
    path = "/v1/messages",
    operation_id = "sendMessage",
    tag = "messages",
    params(
        ("Idempotency-Key" = String, Header, description = "1 to 255 printable ASCII characters, no spaces: one message per key.")
    ),
    request_body = WireMessage,
    responses(
        (status = 202, description = "Accepted for sending (or already accepted under this key).", body = WireReceipt),
        (status = 400, description = "`IDEMPOTENCY_KEY_REQUIRED`, `INVALID_IDEMPOTENCY_KEY`, or `BAD_REQUEST` (the body does not parse, or an attachment's content is not base64).", body = Refusal),
        (status = 409, description = "`IDEMPOTENCY_KEY_REUSED`: the key was sent with another message.", body = Refusal),
        (status = 413, description = "`TOO_LARGE`: the request is over the attachments' limit in base64 and 2 MiB more.", body = Refusal),
        (status = 422, description = "`INVALID_MESSAGE`: a recipient that is not an address, or a limit broken.", body = Refusal)
    )
)]
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
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
struct ListedMessage {
    /// The ID the send answered.
    message_id: String,
    /// The key it was sent with (none for what a simulator e-mailed on its own).
    idempotency_key: Option<String>,
    /// The recipients.
    to: Vec<String>,
    /// The subject.
    subject: String,
    /// The plain-text body.
    text: String,
    /// The attachments.
    attachments: Vec<ListedAttachment>,
}

/// One attachment of a listed message.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
struct ListedAttachment {
    /// The file's name.
    filename: String,
    /// Its media type.
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

/// Every message "sent" (through this service or by a simulator on its own), oldest first.
#[utoipa::path(
    get,
    path = "/admin/outbox",
    operation_id = "listOutbox",
    tag = "sandbox",
    responses((status = 200, description = "The outbox.", body = Vec<ListedMessage>))
)]
async fn list(State(outbox): State<Arc<Outbox>>) -> Json<Vec<ListedMessage>> {
    Json(outbox.messages().into_iter().map(Into::into).collect())
}

/// Empties the outbox, idempotency keys included.
#[utoipa::path(
    delete,
    path = "/admin/outbox",
    operation_id = "clearOutbox",
    tag = "sandbox",
    responses((status = 204, description = "Emptied."))
)]
async fn clear(State(outbox): State<Arc<Outbox>>) -> StatusCode {
    outbox.clear();
    StatusCode::NO_CONTENT
}
