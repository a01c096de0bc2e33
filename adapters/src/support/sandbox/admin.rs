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

use super::Instance;
use super::customer::refusal;
use super::store::NotChanged;
use crate::model::InquiryStatus;
use crate::sandbox::respond::refuse_json;
use crate::support::wire::WireInquiry;

/// How support signs an answer that names no author.
const SUPPORT_SIGNATURE: &str = "Customer Support";

/// The body of `POST admin/inquiries/{trackingNo}/answer`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(super) struct AnswerRequest {
    message: String,
    #[serde(default)]
    status: Option<InquiryStatus>,
    #[serde(default)]
    author_name: Option<String>,
    #[serde(default)]
    attachment_ids: Vec<String>,
}

/// The body of `POST admin/inquiries/{trackingNo}/status`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct StatusRequest {
    status: InquiryStatus,
}

/// `POST admin/inquiries/{trackingNo}/answer`.
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

/// `POST admin/inquiries/{trackingNo}/status`.
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
