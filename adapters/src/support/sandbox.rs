//! The support simulator: the demo inquiries of every demo company, served with the contract of
//! the real system — and changed by it: submissions, replies, closes and uploads from the
//! gateway, answers and status changes from support through the admin endpoints. The books sit
//! behind a lock, read by the listings, batches, feed and downloads, written by every change.
//!
//! Besides the contract, for demos and tests (support's side, which the real system has its own
//! tools for):
//! - `POST admin/inquiries/{trackingNo}/answer {"message", "status"?, "authorName"?,
//!   "attachmentIds"?}` adds a SUPPORT message (signed "Customer Support" unless `authorName`
//!   says otherwise) and moves the inquiry to `status` (ANSWERED by default; IN_PROGRESS or
//!   CLOSED also), recording a change with the message; 200 with the inquiry, 404
//!   `UNKNOWN_INQUIRY`, 409 `INQUIRY_CLOSED`, 422 `INVALID_MESSAGE`, `UNKNOWN_ATTACHMENT`.
//! - `POST admin/inquiries/{trackingNo}/status {"status"}` moves it to any status (a closed one
//!   may be reopened), recording a change unless it already is there; 200 with the inquiry, 404
//!   `UNKNOWN_INQUIRY`.
//!
//! The simulator sends no e-mail: the acknowledgment and the answer e-mails are the gateway's,
//! in the user's language, from the changes it reads in the feed.
//!
//! Here: the instance and its reads (listing, batch, feed); `customer` (submissions, replies,
//! closes, downloads), `uploads` (streamed uploads), `admin` (support's side), `store` (the books
//! and their rules), `demo` (the demo inquiries).

use std::collections::hash_map::RandomState;
use std::collections::{HashMap, HashSet};
use std::sync::atomic::AtomicU64;
use std::sync::{Arc, PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Json, Router};
use serde::Deserialize;
use utoipa::{IntoParams, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::search_params::from_params;
use super::wire::{WireChange, WireChangeFeed, WireInquiry, WireInquiryBatch, WireInquiryList};
use crate::model::{InquiryKey, MAX_FEED_CHANGES};
use crate::ports::LOOKUP_BATCH;
use crate::sandbox::openapi::{Refusal, SANDBOX_TAG_DESCRIPTION};
use crate::sandbox::respond::{refuse_json, split};

mod admin;
mod customer;
mod demo;
mod store;
mod uploads;

pub use demo::{DEMO_INQUIRIES, generate, present};
pub use store::{
    MAX_INQUIRIES, NUMBERS_AFTER, PENDING_UPLOAD_BYTES, RETAINED_CHANGES, STORED_BYTES,
    UPLOAD_TTL_HOURS,
};

use store::Store;

/// The running simulator: its books, and what makes upload IDs unguessable.
struct Instance {
    store: RwLock<Store>,
    /// Keys drawn at random when the simulator starts: an upload's ID hashes a counter with
    /// them, so nobody can guess another company's upload and attach it.
    secret: RandomState,
    /// Uploads received so far.
    uploads: AtomicU64,
}

impl Instance {
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

/// The instance's routes, serving the demo inquiries of `seed`.
pub fn router(seed: u64) -> Router {
    let (inquiries, files, messages) = demo::generate(seed);
    let instance = Instance {
        store: RwLock::new(Store::new(inquiries, files, messages)),
        secret: RandomState::new(),
        uploads: AtomicU64::new(0),
    };
    let (routes, _) = routes().split_for_parts();
    routes.with_state(Arc::new(instance))
}

/// The contract the support system offers (see [`crate::sandbox::openapi`]).
pub fn openapi() -> utoipa::openapi::OpenApi {
    routes().into_openapi()
}

/// What the contract says of itself.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Customer support",
        description = "What the customer-support system must offer to be federated: its \
            customers' inquiries and their threads, listed newest first with filters and keyset \
            pages and looked up in batches; submissions (once per idempotency key), replies and \
            closes; attachments uploaded and downloaded as streams; and a feed of what changed \
            (support's answers and status changes among it). One instance, at the base URL set \
            in `[backends.support]`; paths are relative to it. An inquiry or attachment of \
            another customer number than the path's is answered as an unknown one. Refusals are \
            `{\"error\": CODE}`."
    ),
    tags(
        (name = "inquiries", description = "Customers' inquiries, their threads and attachments."),
        (name = "sandbox", description = SANDBOX_TAG_DESCRIPTION)
    )
)]
struct ApiDoc;

/// Every route with its description: the served router and the contract come from this one list.
fn routes() -> OpenApiRouter<Arc<Instance>> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(list, customer::create))
        .routes(routes!(batch))
        .routes(routes!(changes))
        .routes(routes!(uploads::upload))
        .routes(routes!(customer::reply))
        .routes(routes!(customer::close))
        .routes(routes!(customer::download))
        .routes(routes!(admin::answer))
        .routes(routes!(admin::status))
}

fn bad_request(message: String) -> Response {
    let body = Json(serde_json::json!({ "error": "BAD_REQUEST", "message": message }));
    (StatusCode::BAD_REQUEST, body).into_response()
}

/// Lists customers' inquiries, newest first, one keyset page at a time.
///
/// Newest by submission time, ties by tracking number.
#[utoipa::path(
    get,
    path = "/v1/inquiries",
    operation_id = "listInquiries",
    tag = "inquiries",
    params(
        ("customers" = String, Query, description = "Comma-separated customer numbers (at least one)."),
        ("limit" = Option<u32>, Query, description = "Inquiries per page, 1 to 50 (default 50).", minimum = 1, maximum = 50),
        ("status" = Option<String>, Query, description = "Comma-separated statuses (`SUBMITTED`, `IN_PROGRESS`, `ANSWERED`, `CLOSED`)."),
        ("category" = Option<String>, Query, description = "Comma-separated categories (see `InquiryCategory`)."),
        ("submittedFrom" = Option<String>, Query, format = Date, description = "Submitted on or after this day (UTC), `YYYY-MM-DD`."),
        ("submittedTo" = Option<String>, Query, format = Date, description = "Submitted on or before this day (UTC), `YYYY-MM-DD`."),
        ("q" = Option<String>, Query, description = "Text (at most 200 characters) the tracking number, subject, description or a message's body contains, any case."),
        ("afterSubmitted" = Option<String>, Query, format = DateTime, description = "With `afterNumber`, the keyset position to continue after: the previous page's last inquiry's submission time, RFC 3339."),
        ("afterNumber" = Option<String>, Query, description = "With `afterSubmitted`: that inquiry's tracking number.")
    ),
    responses(
        (status = 200, description = "One page of inquiries, with the number of matches.", body = WireInquiryList),
        (status = 400, description = "`BAD_REQUEST` with a `message`: no customer number, a limit out of range, or a parameter that does not parse.", body = Refusal)
    )
)]
async fn list(
    State(instance): State<Arc<Instance>>,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    let query = match from_params(&params) {
        Ok(query) => query,
        Err(message) => return bad_request(message),
    };
    let customers: HashSet<&str> = query.customer_numbers.iter().map(String::as_str).collect();
    let store = instance.read();
    let mut matching: Vec<(InquiryKey, usize)> = store
        .inquiries
        .iter()
        .enumerate()
        .filter(|(_, i)| customers.contains(i.customer_number.as_str()))
        .filter(|(_, i)| query.filter.matches(i))
        .map(|(at, i)| (i.key(), at))
        .collect();
    matching.sort_by(|a, b| b.0.cmp(&a.0));
    let total_count = matching.len() as u64;
    let inquiries = matching
        .into_iter()
        .filter(|(key, _)| query.after.as_ref().is_none_or(|after| key < after))
        .take(query.limit as usize)
        .filter_map(|(_, at)| store.inquiries.get(at).map(WireInquiry::from))
        .collect();
    Json(WireInquiryList {
        inquiries,
        total_count,
    })
    .into_response()
}

/// The query of a batch lookup.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct BatchParams {
    /// Comma-separated customer numbers: inquiries of others are left out.
    customers: String,
    /// Comma-separated tracking numbers, 1 to 100; unknown ones are left out.
    ids: String,
}

/// Looks up inquiries by tracking number, among customer numbers.
#[utoipa::path(
    get,
    path = "/v1/inquiries/batch",
    operation_id = "inquiriesByNumber",
    tag = "inquiries",
    params(BatchParams),
    responses(
        (status = 200, description = "The inquiries found.", body = WireInquiryBatch),
        (status = 400, description = "`BAD_REQUEST` with a `message`: no customer number, or not 1 to 100 tracking numbers.", body = Refusal)
    )
)]
async fn batch(
    State(instance): State<Arc<Instance>>,
    params: Result<Query<BatchParams>, QueryRejection>,
) -> Response {
    let Ok(Query(params)) = params else {
        return bad_request("customers and ids are both needed".into());
    };
    let customers: HashSet<&str> = split(&params.customers).collect();
    let ids: HashSet<&str> = split(&params.ids).collect();
    if customers.is_empty() || ids.is_empty() || ids.len() > LOOKUP_BATCH {
        return bad_request(format!(
            "customers must name a customer number, ids 1 to {LOOKUP_BATCH} tracking numbers"
        ));
    }
    let store = instance.read();
    let mut positions: Vec<usize> = ids
        .iter()
        .filter_map(|id| store.index.get(*id).copied())
        .collect();
    positions.sort_unstable();
    let inquiries = positions
        .into_iter()
        .filter_map(|at| store.inquiries.get(at))
        .filter(|i| customers.contains(i.customer_number.as_str()))
        .map(WireInquiry::from)
        .collect();
    Json(WireInquiryBatch { inquiries }).into_response()
}

/// The query of a feed call.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct FeedParams {
    /// The position read up to (the last answer's `next`); without it, no changes and the
    /// current position. A position the system never reached (it started again) answers the
    /// same.
    since: Option<u64>,
    /// The most changes to answer, 1 to 500 (default 500).
    #[param(minimum = 1, maximum = 500)]
    limit: Option<u32>,
}

/// What changed after a position, oldest first: submissions, messages and status changes.
#[utoipa::path(
    get,
    path = "/v1/inquiries/changes",
    operation_id = "inquiryChanges",
    tag = "inquiries",
    params(FeedParams),
    responses(
        (status = 200, description = "The changes after `since` and the position to ask from next.", body = WireChangeFeed),
        (status = 400, description = "`BAD_REQUEST`: a parameter that does not parse, or a limit out of range.", body = Refusal)
    )
)]
async fn changes(
    State(instance): State<Arc<Instance>>,
    params: Result<Query<FeedParams>, QueryRejection>,
) -> Response {
    let Ok(Query(params)) = params else {
        return refuse_json(StatusCode::BAD_REQUEST, "BAD_REQUEST");
    };
    let limit = params.limit.unwrap_or(MAX_FEED_CHANGES);
    if limit == 0 || limit > MAX_FEED_CHANGES {
        return refuse_json(StatusCode::BAD_REQUEST, "BAD_REQUEST");
    }
    let store = instance.read();
    let feed = match params.since {
        // From now, or from a position this system never reached (it started again).
        Some(since) if since <= store.last_seq => {
            let changes: Vec<WireChange> = store
                .changes
                .iter()
                .filter(|c| c.seq > since)
                .take(limit as usize)
                .map(WireChange::from)
                .collect();
            let next = changes.last().map_or(since, |c| c.seq);
            WireChangeFeed { changes, next }
        }
        _ => WireChangeFeed {
            changes: Vec::new(),
            next: store.last_seq,
        },
    };
    Json(feed).into_response()
}
