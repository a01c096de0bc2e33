//! Uploads, as the simulator receives them: the body read a piece at a time, counted and hashed
//! as it arrives, and refused (413) the moment it passes
//! [`MAX_ATTACHMENT_FILE_BYTES`] — never read whole before it is judged. What is kept is held in
//! memory, within the store's budgets; the media type is kept as declared.

use std::hash::BuildHasher;
use std::sync::Arc;
use std::sync::atomic::Ordering;

use axum::Json;
use axum::body::Body;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use bytes::{Bytes, BytesMut};
use futures::StreamExt;
use serde::Deserialize;
use utoipa::IntoParams;

use super::Instance;
use super::store::Upload;
use crate::model::{CustomerNumber, InquiryAttachment, MAX_ATTACHMENT_FILE_BYTES, check_upload};
use crate::sandbox::openapi::{FileBytes, Refusal};
use crate::sandbox::respond::refuse_json;
use crate::support::digest::Hasher;
use crate::support::wire::WireAttachment;

/// The query of an upload.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub(super) struct UploadParams {
    /// The file's name: at most 255 characters, no control characters, `/`, `\\` or `"`.
    file_name: String,
    /// Its size in bytes, 1 to 10 MiB: the body must be exactly this long.
    #[param(minimum = 1, maximum = 10485760)]
    size: u64,
}

/// Uploads a file to attach to an inquiry or a reply, streamed.
///
/// The body is read as it arrives and refused the moment it passes 10 MiB. An upload not
/// attached within 24 hours may be dropped.
#[utoipa::path(
    post,
    path = "/v1/customers/{cust_no}/attachments",
    operation_id = "uploadAttachment",
    tag = "inquiries",
    params(
        ("cust_no" = String, Path, description = "The customer number the gateway authorised."),
        UploadParams
    ),
    request_body(content = inline(FileBytes), content_type = "application/octet-stream", description = "The file's bytes, sent with its own media type as `Content-Type`."),
    responses(
        (status = 201, description = "Kept: the attachment, with its ID and SHA-256.", body = WireAttachment),
        (status = 400, description = "`BAD_REQUEST` (the query does not parse, or the body broke off) or `SIZE_MISMATCH` (the body is not `size` bytes).", body = Refusal),
        (status = 413, description = "`TOO_LARGE`: over 10 MiB.", body = Refusal),
        (status = 422, description = "`INVALID_ATTACHMENT`: the customer number, file name or media type breaks its rule.", body = Refusal),
        (status = 507, description = "`FULL`: the system keeps no more.", body = Refusal)
    )
)]
pub(super) async fn upload(
    State(instance): State<Arc<Instance>>,
    Path(customer_number): Path<String>,
    params: Result<Query<UploadParams>, QueryRejection>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let Ok(Query(params)) = params else {
        return refuse_json(StatusCode::BAD_REQUEST, "BAD_REQUEST");
    };
    if params.size > MAX_ATTACHMENT_FILE_BYTES {
        return refuse_json(StatusCode::PAYLOAD_TOO_LARGE, "TOO_LARGE");
    }
    let content_type = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let declared_ok = CustomerNumber::check(&customer_number).is_ok()
        && check_upload(&params.file_name, &content_type, params.size).is_ok();
    if !declared_ok {
        return refuse_json(StatusCode::UNPROCESSABLE_ENTITY, "INVALID_ATTACHMENT");
    }
    let (content, sha256) = match receive(body).await {
        Ok(received) => received,
        Err(answer) => return answer,
    };
    if content.len() as u64 != params.size {
        return refuse_json(StatusCode::BAD_REQUEST, "SIZE_MISMATCH");
    }
    let attachment = InquiryAttachment {
        id: new_id(&instance),
        file_name: params.file_name,
        content_type,
        size: params.size,
        sha256,
    };
    let mut store = instance.write();
    let upload = Upload {
        customer_number,
        attachment: attachment.clone(),
        content,
        at: store.now(),
    };
    if !store.keep_upload(upload) {
        return refuse_json(StatusCode::INSUFFICIENT_STORAGE, "FULL");
    }
    (StatusCode::CREATED, Json(WireAttachment::from(&attachment))).into_response()
}

/// Reads `body` to its end, hashing as it goes: its content and SHA-256, or the answer that
/// refuses it (413 past [`MAX_ATTACHMENT_FILE_BYTES`], 400 for a body that broke off).
async fn receive(body: Body) -> Result<(Bytes, String), Response> {
    let mut stream = body.into_data_stream();
    let mut hasher = Hasher::default();
    let mut content = BytesMut::new();
    while let Some(chunk) = stream.next().await {
        let Ok(chunk) = chunk else {
            return Err(refuse_json(StatusCode::BAD_REQUEST, "BAD_REQUEST"));
        };
        hasher.update(&chunk);
        if hasher.bytes() > MAX_ATTACHMENT_FILE_BYTES {
            return Err(refuse_json(StatusCode::PAYLOAD_TOO_LARGE, "TOO_LARGE"));
        }
        content.extend_from_slice(&chunk);
    }
    Ok((content.freeze(), hasher.hex()))
}

/// A new upload's ID: `ATT-` and 32 hexadecimal digits no other company can guess.
fn new_id(instance: &Instance) -> String {
    let count = instance.uploads.fetch_add(1, Ordering::SeqCst);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let high = instance.secret.hash_one((count, nanos, 1u8));
    let low = instance.secret.hash_one((count, nanos, 2u8));
    format!("ATT-{high:016x}{low:016x}")
}
