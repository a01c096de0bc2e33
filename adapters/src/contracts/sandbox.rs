//! The contracts simulator: the demo contracts of the demo companies, served with the contract of
//! the real system ([`super`]) — and changed by it: the customer's steps and comments from the
//! gateway, the vendor's steps, comments and daily check through the admin endpoints. The books
//! sit behind a lock, read by the search, batch, feed and documents, written by every change.
//!
//! Besides the contract, for demos and tests (the vendor's side, which the real system has its
//! own tools for), under the instance's `admin/`:
//! - `POST admin/contracts/{contractNo}/steps {"action", "changeSummary"?}` takes a vendor step
//!   (`SEND_FOR_SIGNATURE`, `ACTIVATE`, `EXPIRE`, `TERMINATE` or `REVISE`) as the vendor's
//!   contracts team; `REVISE` needs `changeSummary` and issues version n+1 (its PDF, its hash)
//!   and puts the contract back in DRAFT; for another step the summary, if any, is the history
//!   entry's note. 200 with the contract; 400 for a customer's step; 404 `UNKNOWN_CONTRACT`;
//!   409 `INVALID_TRANSITION`; 422 `INVALID_TEXT`.
//! - `POST admin/contracts/{contractNo}/comments {"author", "body"}` adds a vendor comment; 200
//!   with the contract, 404, 409 `INVALID_TRANSITION` (expired or terminated), 422
//!   `INVALID_TEXT`.
//! - `POST admin/daily-check {"date": "YYYY-MM-DD"}` is the system's daily run for that date
//!   (see `daily`): "action needed" e-mails, "ending soon" e-mails and alerts, expiries; each
//!   once per contract, kind and date. 200 `{"actionNeeded", "endingSoon", "expired"}`: what
//!   this run did (a second run for the same date does nothing, and answers zeros).
//!
//! The e-mails go to the sandbox's shared [`Outbox`], as the order-status system's
//! notifications do. New contracts are not created through the API: the demo ones are all.
//!
//! Here: the instance and its routes; `reads` (search, batch, feed, documents), `steps` (the
//! customer's steps, once per idempotency key), `admin` (the vendor's side), `daily` (the daily
//! check), `life` (what a step or a comment does to a contract — the one place the rules of
//! [`ContractAction`](crate::model::ContractAction) are applied), `store` (the books), `demo`
//! (the demo contracts) and `pdf` (each version's document).

use std::sync::{Arc, PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};

use axum::Json;
use axum::Router;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::model::ContractRefusal;
use crate::sandbox::Outbox;
use crate::sandbox::openapi::SANDBOX_TAG_DESCRIPTION;
use crate::sandbox::respond::refuse_json;

mod admin;
mod daily;
mod demo;
mod life;
mod pdf;
mod reads;
mod steps;
mod store;

pub use daily::{CheckSummary, HORIZONS};
pub use demo::{DEMO_CONTRACTS, VENDOR, generate};
pub use pdf::contract_pdf;
pub use store::{MAX_HISTORY, RETAINED_CHANGES, RETAINED_KEYS};

use store::Store;

/// The running simulator: its books, and the outbox its e-mail goes to.
struct Instance {
    store: RwLock<Store>,
    outbox: Arc<Outbox>,
}

impl Instance {
    /// The instance over the demo contracts of `seed`, mailing to `outbox`.
    fn new(seed: u64, outbox: Arc<Outbox>) -> Self {
        let (contracts, comments) = demo::generate_counted(seed);
        Self {
            store: RwLock::new(Store::new(contracts, comments)),
            outbox,
        }
    }

    /// The books, for reading. No handler panics holding the lock, so a poisoned lock still
    /// holds consistent books.
    fn read(&self) -> RwLockReadGuard<'_, Store> {
        self.store.read().unwrap_or_else(PoisonError::into_inner)
    }

    /// The books, for a change.
    fn write(&self) -> RwLockWriteGuard<'_, Store> {
        self.store.write().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The instance's routes, serving the demo contracts of `seed`; the daily check's e-mail goes to
/// `outbox`.
pub fn router(seed: u64, outbox: Arc<Outbox>) -> Router {
    let (routes, _) = routes().split_for_parts();
    routes.with_state(Arc::new(Instance::new(seed, outbox)))
}

/// The contract the contracts system offers (see [`crate::sandbox::openapi`]).
pub fn openapi() -> utoipa::openapi::OpenApi {
    routes().into_openapi()
}

/// What the contract says of itself.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Contracts",
        description = "What the contracts system (Contracts OnLine) must offer to be federated: \
            contracts with their versions, dated history, comments, internal approvals and \
            signatures, searched with filters, sorts and keyset pages and looked up in batches; \
            each version's document (PDF); the customer's steps (submit, approve, reject, sign, \
            comment), once per idempotency key; and a feed of what changed, with the alerts it \
            raises. One instance, at the base URL set in `[backends.contracts]`; paths are \
            relative to it. Bodies use snake_case fields and SCREAMING_SNAKE_CASE codes; times are \
            RFC 3339 in UTC, days `YYYY-MM-DD`. A contract of another customer number than the \
            path's is answered as an unknown one. Refusals are `{\"error\": CODE}`, some with a \
            detail (`ContractRefusal`)."
    ),
    tags(
        (name = "contracts", description = "Contracts of the customers' companies."),
        (name = "sandbox", description = SANDBOX_TAG_DESCRIPTION)
    )
)]
struct ApiDoc;

/// Every route with its description: the served router and the contract come from this one list.
fn routes() -> OpenApiRouter<Arc<Instance>> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(reads::search))
        .routes(routes!(reads::batch))
        .routes(routes!(reads::changes))
        .routes(routes!(steps::step))
        .routes(routes!(reads::document))
        .routes(routes!(admin::step))
        .routes(routes!(admin::comment))
        .routes(routes!(admin::daily_check))
}

/// A contract as the answer to a change.
fn contract(contract: &crate::model::Contract) -> Response {
    Json(contract).into_response()
}

/// The answer to a refusal of the contract: the refusal as serde writes it, with its status.
fn refusal(refusal: &ContractRefusal) -> Response {
    let status = match refusal {
        ContractRefusal::UnknownContract => StatusCode::NOT_FOUND,
        ContractRefusal::InvalidTransition { .. } | ContractRefusal::VersionChanged { .. } => {
            StatusCode::CONFLICT
        }
        ContractRefusal::TermsNotAccepted | ContractRefusal::InvalidText => {
            StatusCode::UNPROCESSABLE_ENTITY
        }
    };
    (status, Json(refusal)).into_response()
}

/// A request the simulator cannot read: 400 `BAD_REQUEST`.
fn bad_request() -> Response {
    refuse_json(StatusCode::BAD_REQUEST, "BAD_REQUEST")
}

#[cfg(test)]
mod tests;
