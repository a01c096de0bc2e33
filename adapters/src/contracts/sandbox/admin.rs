//! The vendor's side of the simulator (not part of the contract the gateway uses): the steps
//! only the vendor takes, its comments, and the daily check — as the vendor's own tools and jobs
//! would, so demos and tests can move a contract through its whole life and see the alerts and
//! e-mails it raises. The routes are described in the module above.

use std::sync::Arc;

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use serde::Deserialize;
use utoipa::ToSchema;

use super::daily::CheckSummary;
use super::life::{Change, Person, acceptable_name};
use super::steps::not_taken;
use super::{Instance, bad_request, contract, refusal};
use crate::model::{Contract, ContractAction, ContractRefusal, ContractSide};
use crate::sandbox::openapi::Refusal;

/// Who the vendor's steps are taken by, in a contract's history.
pub(super) const VENDOR_TEAM: &str = "Vendor contracts team";

/// The body of `POST admin/contracts/{contractNo}/steps`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(super) struct VendorStep {
    /// A vendor's step: `SEND_FOR_SIGNATURE`, `ACTIVATE`, `EXPIRE`, `TERMINATE` or `REVISE`.
    action: ContractAction,
    /// `REVISE`'s summary of the new version (required there); for another step, the history
    /// entry's note.
    #[serde(default)]
    change_summary: Option<String>,
}

/// The body of `POST admin/contracts/{contractNo}/comments`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct VendorComment {
    /// Who at the vendor writes.
    author: String,
    /// The text.
    body: String,
}

/// The body of `POST admin/daily-check`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct DailyCheck {
    /// The day the run is for, `YYYY-MM-DD`.
    date: NaiveDate,
}

/// Takes a vendor's step as the vendor's contracts team.
///
/// `REVISE` issues version n+1 (its PDF, its hash) and puts the contract back in draft.
#[utoipa::path(
    post,
    path = "/admin/contracts/{contract_no}/steps",
    operation_id = "takeVendorStep",
    tag = "sandbox",
    params(("contract_no" = String, Path, description = "The contract number.")),
    request_body = VendorStep,
    responses(
        (status = 200, description = "The contract after the step.", body = Contract),
        (status = 400, description = "`BAD_REQUEST`: not a vendor's step.", body = Refusal),
        (status = 404, description = "`UNKNOWN_CONTRACT`.", body = ContractRefusal),
        (status = 409, description = "`INVALID_TRANSITION`.", body = ContractRefusal),
        (status = 422, description = "`INVALID_TEXT`.", body = ContractRefusal)
    )
)]
pub(super) async fn step(
    State(instance): State<Arc<Instance>>,
    Path(number): Path<String>,
    body: Result<Json<VendorStep>, JsonRejection>,
) -> Response {
    let Ok(Json(request)) = body else {
        return bad_request();
    };
    if request.action.side() != ContractSide::Vendor {
        return bad_request();
    }
    let mut store = instance.write();
    let Some(at) = store.find(&number, None) else {
        return refusal(&ContractRefusal::UnknownContract);
    };
    let change = Change::Step {
        action: request.action,
        by: Person::vendor(VENDOR_TEAM),
        note: request.change_summary,
    };
    match store.apply(at, change) {
        Ok(after) => contract(&after),
        Err(refused) => not_taken(&refused),
    }
}

/// Adds a vendor's comment to a contract's conversation.
#[utoipa::path(
    post,
    path = "/admin/contracts/{contract_no}/comments",
    operation_id = "addVendorComment",
    tag = "sandbox",
    params(("contract_no" = String, Path, description = "The contract number.")),
    request_body = VendorComment,
    responses(
        (status = 200, description = "The contract with the comment.", body = Contract),
        (status = 400, description = "`BAD_REQUEST`: the body does not parse.", body = Refusal),
        (status = 404, description = "`UNKNOWN_CONTRACT`.", body = ContractRefusal),
        (status = 409, description = "`INVALID_TRANSITION`: expired or terminated.", body = ContractRefusal),
        (status = 422, description = "`INVALID_TEXT`.", body = ContractRefusal)
    )
)]
pub(super) async fn comment(
    State(instance): State<Arc<Instance>>,
    Path(number): Path<String>,
    body: Result<Json<VendorComment>, JsonRejection>,
) -> Response {
    let Ok(Json(request)) = body else {
        return bad_request();
    };
    let mut store = instance.write();
    let Some(at) = store.find(&number, None) else {
        return refusal(&ContractRefusal::UnknownContract);
    };
    if !acceptable_name(&request.author) {
        return refusal(&ContractRefusal::InvalidText);
    }
    let change = Change::Comment {
        id: store.next_comment_id(),
        by: Person::vendor(&request.author),
        body: request.body,
    };
    match store.apply(at, change) {
        Ok(after) => contract(&after),
        Err(refused) => not_taken(&refused),
    }
}

/// Runs the system's daily check for a date.
///
/// "Action needed" e-mails, "ending soon" e-mails and alerts, expiries: each once per contract,
/// kind and date (a second run for the same date does nothing, and answers zeros). The e-mails
/// go to the outbox once the books are written.
#[utoipa::path(
    post,
    path = "/admin/daily-check",
    operation_id = "runDailyCheck",
    tag = "sandbox",
    request_body = DailyCheck,
    responses(
        (status = 200, description = "What this run did.", body = CheckSummary),
        (status = 400, description = "`BAD_REQUEST`: the body does not parse.", body = Refusal)
    )
)]
pub(super) async fn daily_check(
    State(instance): State<Arc<Instance>>,
    body: Result<Json<DailyCheck>, JsonRejection>,
) -> Response {
    let Ok(Json(request)) = body else {
        return bad_request();
    };
    let (summary, mail) = instance.write().daily_check(request.date);
    for (key, message) in mail {
        // A key already used (the outbox remembers it) was sent before: nothing to send again.
        let _ = instance.outbox.deliver_once(&key, message);
    }
    Json(summary).into_response()
}
