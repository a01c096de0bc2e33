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
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;

use super::search_params::from_params;
use super::wire::{WireChange, WireChangeFeed, WireInquiry, WireInquiryBatch, WireInquiryList};
use crate::model::{InquiryKey, MAX_FEED_CHANGES};
use crate::ports::LOOKUP_BATCH;
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
    Router::new()
        .route("/v1/inquiries", get(list).post(customer::create))
        .route("/v1/inquiries/batch", get(batch))
        .route("/v1/inquiries/changes", get(changes))
        .route("/v1/customers/{cust_no}/attachments", post(uploads::upload))
        .route(
            "/v1/customers/{cust_no}/inquiries/{tracking_no}/messages",
            post(customer::reply),
        )
        .route(
            "/v1/customers/{cust_no}/inquiries/{tracking_no}/close",
            post(customer::close),
        )
        .route(
            "/v1/customers/{cust_no}/inquiries/{tracking_no}/attachments/{attachment_id}",
            get(customer::download),
        )
        .route("/admin/inquiries/{tracking_no}/answer", post(admin::answer))
        .route("/admin/inquiries/{tracking_no}/status", post(admin::status))
        .with_state(Arc::new(instance))
}

fn bad_request(message: String) -> Response {
    let body = Json(serde_json::json!({ "error": "BAD_REQUEST", "message": message }));
    (StatusCode::BAD_REQUEST, body).into_response()
}

/// `GET v1/inquiries`.
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
#[derive(Debug, Deserialize)]
struct BatchParams {
    customers: String,
    ids: String,
}

/// `GET v1/inquiries/batch`.
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
#[derive(Debug, Deserialize)]
struct FeedParams {
    since: Option<u64>,
    limit: Option<u32>,
}

/// `GET v1/inquiries/changes`.
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
