//! The customer's steps over HTTP: `POST v1/customers/{custNo}/contracts/{contractNo}/steps`,
//! once per `Idempotency-Key` (the store keeps the keys; here is only HTTP).
//!
//! The key is read first, as the support system reads it: none is 400
//! `IDEMPOTENCY_KEY_REQUIRED`, a malformed one 400 `INVALID_IDEMPOTENCY_KEY`; then the body (400
//! `BAD_REQUEST` when it is not a step, or its actor has no usable ID or name).

use std::sync::Arc;

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;

use super::life::acceptable_name;
use super::store::{NotTaken, StepRequest};
use super::{Instance, bad_request, contract, refusal};
use crate::client::IDEMPOTENCY_KEY;
use crate::model::{ContractActor, check_idempotency_key};
use crate::sandbox::respond::refuse_json;

/// The longest user ID an actor may carry.
const MAX_USER_ID: usize = 200;

/// Whether the gateway's actor is usable: an ID of visible characters, a name one could sign.
fn acceptable_actor(actor: &ContractActor) -> bool {
    !actor.user_id.is_empty()
        && actor.user_id.len() <= MAX_USER_ID
        && actor.user_id.bytes().all(|b| b.is_ascii_graphic())
        && acceptable_name(&actor.name)
}

/// How the simulator answers a change it did not make.
pub(super) fn not_taken(not_taken: &NotTaken) -> Response {
    match not_taken {
        NotTaken::Refused(refused) => refusal(refused),
        NotTaken::KeyReused => refuse_json(StatusCode::CONFLICT, "IDEMPOTENCY_KEY_REUSED"),
        NotTaken::Full => refuse_json(StatusCode::INSUFFICIENT_STORAGE, "FULL"),
    }
}

/// `POST v1/customers/{custNo}/contracts/{contractNo}/steps`: 200 with the contract afterwards.
pub(super) async fn step(
    State(instance): State<Arc<Instance>>,
    Path((customer_number, contract_number)): Path<(String, String)>,
    headers: HeaderMap,
    body: Result<Json<StepRequest>, JsonRejection>,
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
        return bad_request();
    };
    if !acceptable_actor(&request.actor) {
        return bad_request();
    }
    let taken = instance
        .write()
        .customer_step(key, &customer_number, &contract_number, request);
    match taken {
        Ok(after) => contract(&after),
        Err(refused) => not_taken(&refused),
    }
}
