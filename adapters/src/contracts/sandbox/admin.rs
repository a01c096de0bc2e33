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

use super::life::{Change, Person, acceptable_name};
use super::steps::not_taken;
use super::{Instance, bad_request, contract, refusal};
use crate::model::{ContractAction, ContractRefusal, ContractSide};

/// Who the vendor's steps are taken by, in a contract's history.
pub(super) const VENDOR_TEAM: &str = "Vendor contracts team";

/// The body of `POST admin/contracts/{contractNo}/steps`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(super) struct VendorStep {
    action: ContractAction,
    #[serde(default)]
    change_summary: Option<String>,
}

/// The body of `POST admin/contracts/{contractNo}/comments`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct VendorComment {
    author: String,
    body: String,
}

/// The body of `POST admin/daily-check`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct DailyCheck {
    date: NaiveDate,
}

/// `POST admin/contracts/{contractNo}/steps`.
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

/// `POST admin/contracts/{contractNo}/comments`.
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

/// `POST admin/daily-check`: the e-mails go to the outbox once the books are written.
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
