//! The customer's side of the contract, as the simulator serves it: submissions (once per
//! idempotency key), replies, closes, and attachment downloads with the headers that describe
//! them.

use std::sync::Arc;

use axum::Json;
use axum::body::Body;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_LENGTH, CONTENT_TYPE};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

use super::Instance;
use super::store::{NotChanged, NotCreated};
use crate::client::IDEMPOTENCY_KEY;
use crate::model::{Inquiry, InquiryRefusal, InquiryStatus, check_idempotency_key};
use crate::sandbox::respond::refuse_json;
use crate::support::digest::repr_digest;
use crate::support::wire::{WireInquiry, WireNewInquiry, WireReplyRequest};

/// The characters RFC 8187 lets a `filename*` value carry unescaped (`attr-char`).
const ATTR_CHAR: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'!')
    .remove(b'#')
    .remove(b'$')
    .remove(b'&')
    .remove(b'+')
    .remove(b'-')
    .remove(b'.')
    .remove(b'^')
    .remove(b'_')
    .remove(b'`')
    .remove(b'|')
    .remove(b'~');

/// An inquiry as the answer to a change.
fn inquiry(status: StatusCode, inquiry: &Inquiry) -> Response {
    (status, Json(WireInquiry::from(inquiry))).into_response()
}

/// The answer to a refusal of the contract.
pub(super) fn refusal(refusal: InquiryRefusal) -> Response {
    let status = match refusal {
        InquiryRefusal::UnknownInquiry => StatusCode::NOT_FOUND,
        InquiryRefusal::Closed => StatusCode::CONFLICT,
        InquiryRefusal::UnknownAttachment => StatusCode::UNPROCESSABLE_ENTITY,
    };
    refuse_json(status, refusal.code())
}

/// `POST v1/inquiries`: 201 with the new inquiry, 200 with the first one for a repeat.
pub(super) async fn create(
    State(instance): State<Arc<Instance>>,
    headers: HeaderMap,
    body: Result<Json<WireNewInquiry>, JsonRejection>,
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
    let Ok(Json(request)) = body else {
        return refuse_json(StatusCode::BAD_REQUEST, "BAD_REQUEST");
    };
    match instance.write().create(key, request) {
        Ok((created, true)) => inquiry(StatusCode::CREATED, &created),
        Ok((first, false)) => inquiry(StatusCode::OK, &first),
        Err(NotCreated::KeyReused) => refuse_json(StatusCode::CONFLICT, "IDEMPOTENCY_KEY_REUSED"),
        Err(NotCreated::Invalid) => {
            refuse_json(StatusCode::UNPROCESSABLE_ENTITY, "INVALID_INQUIRY")
        }
        Err(NotCreated::UnknownAttachment) => refusal(InquiryRefusal::UnknownAttachment),
        Err(NotCreated::Full) => refuse_json(StatusCode::INSUFFICIENT_STORAGE, "FULL"),
    }
}

/// `POST v1/customers/{custNo}/inquiries/{trackingNo}/messages`: 201 with the inquiry.
pub(super) async fn reply(
    State(instance): State<Arc<Instance>>,
    Path((customer_number, number)): Path<(String, String)>,
    body: Result<Json<WireReplyRequest>, JsonRejection>,
) -> Response {
    let Ok(Json(request)) = body else {
        return refuse_json(StatusCode::BAD_REQUEST, "BAD_REQUEST");
    };
    match instance.write().reply(&customer_number, &number, request) {
        Ok(replied) => inquiry(StatusCode::CREATED, &replied),
        Err(NotChanged::Refused(refused)) => refusal(refused),
        Err(NotChanged::Invalid) => {
            refuse_json(StatusCode::UNPROCESSABLE_ENTITY, "INVALID_MESSAGE")
        }
    }
}

/// `POST v1/customers/{custNo}/inquiries/{trackingNo}/close`: 200 with the inquiry, closed.
pub(super) async fn close(
    State(instance): State<Arc<Instance>>,
    Path((customer_number, number)): Path<(String, String)>,
) -> Response {
    let closed =
        instance
            .write()
            .set_status(&number, Some(&customer_number), InquiryStatus::Closed);
    match closed {
        Ok(closed) => inquiry(StatusCode::OK, &closed),
        Err(refused) => refusal(refused),
    }
}

/// `GET v1/customers/{custNo}/inquiries/{trackingNo}/attachments/{attachmentId}`.
pub(super) async fn download(
    State(instance): State<Arc<Instance>>,
    Path((customer_number, number, id)): Path<(String, String, String)>,
) -> Response {
    let found = {
        let store = instance.read();
        store
            .inquiry_of(&customer_number, &number)
            .and_then(|i| i.attachment(&id))
            .cloned()
            .and_then(|meta| store.files.get(&id).map(|c| (meta, c.clone())))
    };
    let Some((meta, content)) = found else {
        return refuse_json(StatusCode::NOT_FOUND, "UNKNOWN_ATTACHMENT");
    };
    let disposition = format!(
        "attachment; filename*=UTF-8''{}",
        utf8_percent_encode(&meta.file_name, ATTR_CHAR)
    );
    let mut response = Body::from(content).into_response();
    let headers = response.headers_mut();
    let mut put = |name: HeaderName, value: String| {
        if let Ok(value) = HeaderValue::from_str(&value) {
            headers.insert(name, value);
        }
    };
    put(CONTENT_TYPE, meta.content_type.clone());
    put(CONTENT_LENGTH, meta.size.to_string());
    put(CONTENT_DISPOSITION, disposition);
    if let Some(digest) = repr_digest(&meta.sha256) {
        put(HeaderName::from_static("repr-digest"), digest);
    }
    response
}
