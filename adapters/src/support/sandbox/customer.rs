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
use crate::sandbox::openapi::{FileBytes, Refusal};
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

/// Submits an inquiry, once per idempotency key.
///
/// The same inquiry sent again with the same key answers the first one (200); another inquiry
/// with a key already used is refused. Attachments are uploaded first (see `uploadAttachment`)
/// and named by ID: at most 5, each an upload of this customer number not yet attached.
#[utoipa::path(
    post,
    path = "/v1/inquiries",
    operation_id = "submitInquiry",
    tag = "inquiries",
    params(
        ("Idempotency-Key" = String, Header, description = "1 to 255 printable ASCII characters, no spaces: one inquiry per key.")
    ),
    request_body(content = WireNewInquiry, description = "The inquiry: a subject of at most 200 characters, a description of at most 10,000."),
    responses(
        (status = 201, description = "Submitted.", body = WireInquiry),
        (status = 200, description = "Already submitted under this key: the first one.", body = WireInquiry),
        (status = 400, description = "`IDEMPOTENCY_KEY_REQUIRED`, `INVALID_IDEMPOTENCY_KEY` or `BAD_REQUEST` (the body does not parse).", body = Refusal),
        (status = 409, description = "`IDEMPOTENCY_KEY_REUSED`: the key was sent with another inquiry.", body = Refusal),
        (status = 422, description = "`INVALID_INQUIRY` (a field breaks its rule) or `UNKNOWN_ATTACHMENT`.", body = Refusal),
        (status = 507, description = "`FULL`: the system keeps no more.", body = Refusal)
    )
)]
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

/// Adds the customer's reply to an inquiry's thread.
#[utoipa::path(
    post,
    path = "/v1/customers/{cust_no}/inquiries/{tracking_no}/messages",
    operation_id = "replyToInquiry",
    tag = "inquiries",
    params(("cust_no" = String, Path, description = "The customer number the gateway authorised."), ("tracking_no" = String, Path, description = "The inquiry's tracking number.")),
    request_body(content = WireReplyRequest, description = "The reply: a body of at most 10,000 characters, at most 5 uploaded attachments."),
    responses(
        (status = 201, description = "The inquiry with the reply.", body = WireInquiry),
        (status = 400, description = "`BAD_REQUEST`: the body does not parse.", body = Refusal),
        (status = 404, description = "`UNKNOWN_INQUIRY`.", body = Refusal),
        (status = 409, description = "`INQUIRY_CLOSED`.", body = Refusal),
        (status = 422, description = "`INVALID_MESSAGE` (a field breaks its rule) or `UNKNOWN_ATTACHMENT`.", body = Refusal)
    )
)]
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

/// Closes an inquiry at the customer's request.
#[utoipa::path(
    post,
    path = "/v1/customers/{cust_no}/inquiries/{tracking_no}/close",
    operation_id = "closeInquiry",
    tag = "inquiries",
    params(("cust_no" = String, Path, description = "The customer number the gateway authorised."), ("tracking_no" = String, Path, description = "The inquiry's tracking number.")),
    responses(
        (status = 200, description = "The inquiry, closed (one already closed is answered as it is).", body = WireInquiry),
        (status = 404, description = "`UNKNOWN_INQUIRY`.", body = Refusal)
    )
)]
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

/// Downloads an attachment of an inquiry, streamed.
#[utoipa::path(
    get,
    path = "/v1/customers/{cust_no}/inquiries/{tracking_no}/attachments/{attachment_id}",
    operation_id = "downloadAttachment",
    tag = "inquiries",
    params(("cust_no" = String, Path, description = "The customer number the gateway authorised."), ("tracking_no" = String, Path, description = "The inquiry's tracking number."), ("attachment_id" = String, Path, description = "The attachment's ID.")),
    responses(
        (
            status = 200,
            description = "The file, in its declared media type (`Content-Type`), with its size.",
            content_type = "application/octet-stream",
            body = inline(FileBytes),
            headers(
                ("Content-Disposition" = String, description = "`attachment; filename*=UTF-8''` and the file name, percent-encoded (RFC 8187)."),
                ("Repr-Digest" = String, description = "`sha-256=:` the base64 SHA-256 `:` (RFC 9530).")
            )
        ),
        (status = 404, description = "`UNKNOWN_ATTACHMENT`: no such attachment of this inquiry and customer number.", body = Refusal)
    )
)]
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
