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
use utoipa::openapi::{RefOr, schema::Schema};
use utoipa::{PartialSchema, ToSchema};

use super::life::acceptable_name;
use super::store::{NotTaken, StepRequest};
use super::{Instance, bad_request, contract, refusal};
use crate::client::IDEMPOTENCY_KEY;
use crate::model::{Contract, ContractActor, ContractRefusal, check_idempotency_key};
use crate::sandbox::openapi::{Refusal, any_of, register_both};
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

/// The body of a step's 409: the contracts system's refusal (`INVALID_TRANSITION`,
/// `VERSION_CHANGED`), or the plain one of a reused idempotency key.
struct StepConflict;

impl PartialSchema for StepConflict {
    fn schema() -> RefOr<Schema> {
        any_of::<ContractRefusal, Refusal>(
            "A refusal of the step (`ContractRefusal`), or `IDEMPOTENCY_KEY_REUSED` (`Refusal`).",
        )
    }
}

impl ToSchema for StepConflict {
    fn schemas(schemas: &mut Vec<(String, RefOr<Schema>)>) {
        register_both::<ContractRefusal, Refusal>(schemas);
    }
}

/// How the simulator answers a change it did not make.
pub(super) fn not_taken(not_taken: &NotTaken) -> Response {
    match not_taken {
        NotTaken::Refused(refused) => refusal(refused),
        NotTaken::KeyReused => refuse_json(StatusCode::CONFLICT, "IDEMPOTENCY_KEY_REUSED"),
        NotTaken::Full => refuse_json(StatusCode::INSUFFICIENT_STORAGE, "FULL"),
    }
}

/// Takes a customer's step on a contract, once per idempotency key.
///
/// `SUBMIT_FOR_APPROVAL`, `APPROVE`, `REJECT` (with a reason), `SIGN` (the current version, the
/// terms accepted) or `COMMENT` (in any status but expired and terminated). A repeat with the
/// same body answers the contract as it is now; another body with a used key is refused.
#[utoipa::path(
    post,
    path = "/v1/customers/{cust_no}/contracts/{contract_no}/steps",
    operation_id = "takeContractStep",
    tag = "contracts",
    params(
        ("cust_no" = String, Path, description = "The customer number the gateway authorised."),
        ("contract_no" = String, Path, description = "The contract number."),
        ("Idempotency-Key" = String, Header, description = "1 to 255 printable ASCII characters, no spaces: one step per key.")
    ),
    request_body(content = StepRequest, description = "Who takes the step (a user ID of at most 200 visible characters, a name one could sign) and the step; texts are 1 to 4,000 characters."),
    responses(
        (status = 200, description = "The contract after the step.", body = Contract),
        (status = 400, description = "`IDEMPOTENCY_KEY_REQUIRED`, `INVALID_IDEMPOTENCY_KEY` or `BAD_REQUEST` (not a step, or an unusable actor).", body = Refusal),
        (status = 404, description = "`UNKNOWN_CONTRACT`.", body = ContractRefusal),
        (status = 409, description = "`INVALID_TRANSITION` (with the contract's `status`), `VERSION_CHANGED` (with the `current` version) or `IDEMPOTENCY_KEY_REUSED` (the key was sent with another step).", body = StepConflict),
        (status = 422, description = "`TERMS_NOT_ACCEPTED` or `INVALID_TEXT`.", body = ContractRefusal),
        (status = 507, description = "`FULL`: the system keeps no more.", body = Refusal)
    )
)]
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
