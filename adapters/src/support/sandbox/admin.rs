//! Support's side of the simulator (not part of the contract the gateway uses): answering an
//! inquiry and moving it between statuses, as the support team's own tools would, so demos and
//! tests can see an inquiry move and the change reach the feed.

use std::sync::Arc;

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use utoipa::ToSchema;

use super::Instance;
use super::customer::refusal;
use super::store::NotChanged;
use crate::model::InquiryStatus;
use crate::sandbox::openapi::Refusal;
use crate::sandbox::respond::refuse_json;
use crate::support::wire::WireInquiry;

/// How support signs an answer that names no author.
const SUPPORT_SIGNATURE: &str = "Customer Support";

/// The body of `POST admin/inquiries/{trackingNo}/answer`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(super) struct AnswerRequest {
    /// The answer.
    message: String,
    /// The status the inquiry moves to: `ANSWERED` (default), `IN_PROGRESS` or `CLOSED`.
    #[serde(default)]
    status: Option<InquiryStatus>,
    /// Who signs it (default "Customer Support").
    #[serde(default)]
    author_name: Option<String>,
    /// Uploads to attach.
    #[serde(default)]
    attachment_ids: Vec<String>,
}

/// The body of `POST admin/inquiries/{trackingNo}/status`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct StatusRequest {
    /// The status to move to (a closed inquiry may be reopened).
    status: InquiryStatus,
}

/// Answers an inquiry as support would, recording the change with the message.
#[utoipa::path(
    post,
    path = "/admin/inquiries/{tracking_no}/answer",
    operation_id = "answerInquiry",
    tag = "sandbox",
    params(("tracking_no" = String, Path, description = "The inquiry's tracking number.")),
    request_body = AnswerRequest,
    responses(
        (status = 200, description = "The inquiry with the answer.", body = WireInquiry),
        (status = 400, description = "`BAD_REQUEST`: the body does not parse.", body = Refusal),
        (status = 404, description = "`UNKNOWN_INQUIRY`.", body = Refusal),
        (status = 409, description = "`INQUIRY_CLOSED`.", body = Refusal),
        (status = 422, description = "`INVALID_MESSAGE` or `UNKNOWN_ATTACHMENT`.", body = Refusal)
    )
)]
pub(super) async fn answer(
    State(instance): State<Arc<Instance>>,
    Path(number): Path<String>,
    body: Result<Json<AnswerRequest>, JsonRejection>,
) -> Response {
    let Ok(Json(request)) = body else {
        return refuse_json(StatusCode::BAD_REQUEST, "BAD_REQUEST");
    };
    let signed = (
        request
            .author_name
            .unwrap_or_else(|| SUPPORT_SIGNATURE.to_owned()),
        request.message,
    );
    let status = request.status.unwrap_or(InquiryStatus::Answered);
    let answered = instance
        .write()
        .answer(&number, signed, &request.attachment_ids, status);
    match answered {
        Ok(inquiry) => Json(WireInquiry::from(&inquiry)).into_response(),
        Err(NotChanged::Refused(refused)) => refusal(refused),
        Err(NotChanged::Invalid) => {
            refuse_json(StatusCode::UNPROCESSABLE_ENTITY, "INVALID_MESSAGE")
        }
    }
}

/// Moves an inquiry to any status, recording a change unless it already is there.
#[utoipa::path(
    post,
    path = "/admin/inquiries/{tracking_no}/status",
    operation_id = "setInquiryStatus",
    tag = "sandbox",
    params(("tracking_no" = String, Path, description = "The inquiry's tracking number.")),
    request_body = StatusRequest,
    responses(
        (status = 200, description = "The inquiry.", body = WireInquiry),
        (status = 400, description = "`BAD_REQUEST`: the body does not parse.", body = Refusal),
        (status = 404, description = "`UNKNOWN_INQUIRY`.", body = Refusal)
    )
)]
pub(super) async fn status(
    State(instance): State<Arc<Instance>>,
    Path(number): Path<String>,
    body: Result<Json<StatusRequest>, JsonRejection>,
) -> Response {
    let Ok(Json(request)) = body else {
        return refuse_json(StatusCode::BAD_REQUEST, "BAD_REQUEST");
    };
    match instance.write().set_status(&number, None, request.status) {
        Ok(inquiry) => Json(WireInquiry::from(&inquiry)).into_response(),
        Err(refused) => refusal(refused),
    }
}
