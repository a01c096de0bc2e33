//! The simulator's live half: orders that move, the change feed that reports it, and watchers
//! e-mailed through the sandbox's outbox.
//!
//! - `POST admin/orders/{orderNo}/advance` (demos and tests; not part of the real contract) moves
//!   an order one step along its life — received → in process → shipped → delivered; a
//!   back-ordered or partially shipped one to shipped — appends the status event (and the
//!   shipment, or the delivery day), records a change in the feed and e-mails the order's
//!   watchers. A delivered or cancelled order answers 409 `ORDER_CLOSED`, an unknown one 404.
//! - `GET v1/orders/changes?since=&limit=` answers the changes after `since`, oldest first; without
//!   `since`, none and the current position. The last [`RETAINED_CHANGES`] are kept.
//! - `POST v1/orders/{orderNo}/watchers {"email"}` adds a watcher (201), or answers 200 for one
//!   already watching.

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;

use axum::Json;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use utoipa::IntoParams;

use super::super::wire::{
    WireChange, WireChangeFeed, WireEvent, WireOrder, WireStatus, WireWatch, WireWatchRequest,
};
use super::{Book, Instance, orders};
use crate::model::{
    EmailAddress, MAX_FEED_CHANGES, MAX_WATCHERS_PER_ORDER, MailMessage, Region, WatchRefusal,
};
use crate::sandbox::SeededRng;
use crate::sandbox::openapi::Refusal;
use crate::sandbox::respond::refuse_json;

/// How many changes the feed keeps; a position older than that reads on from the oldest kept.
pub(super) const RETAINED_CHANGES: usize = 10_000;

/// The feed and the watchers of one instance.
#[derive(Debug, Default)]
pub(super) struct LiveState {
    /// The changes kept, oldest first.
    changes: VecDeque<WireChange>,
    /// The last change's position (0 before any).
    last_seq: u64,
    /// Watchers by order number.
    watchers: HashMap<String, Vec<EmailAddress>>,
}

/// The step after `status` in an order's life, or `None` for a closed order.
pub(super) fn next_status(status: WireStatus) -> Option<WireStatus> {
    match status {
        WireStatus::Received => Some(WireStatus::InProcess),
        WireStatus::InProcess | WireStatus::Backordered | WireStatus::PartiallyShipped => {
            Some(WireStatus::Shipped)
        }
        WireStatus::Shipped => Some(WireStatus::Delivered),
        WireStatus::Delivered | WireStatus::Cancelled => None,
    }
}

/// What an advance did: the change recorded, and whom to tell.
struct Advanced {
    change: WireChange,
    watchers: Vec<EmailAddress>,
}

impl Book {
    /// Moves `order_no` one step on at `now`, recording the change.
    fn advance(
        &mut self,
        order_no: &str,
        now: DateTime<Utc>,
        region: Region,
        seed: u64,
    ) -> Result<Advanced, WatchRefusal> {
        let at = *self.index.get(order_no).ok_or(WatchRefusal::UnknownOrder)?;
        let (wire, model) = self.records.get_mut(at).ok_or(WatchRefusal::UnknownOrder)?;
        let status = next_status(wire.status_code).ok_or(WatchRefusal::OrderClosed)?;
        let mut moved = wire.clone();
        step(
            &mut moved,
            status,
            now,
            region,
            seed,
            self.live.last_seq + 1,
        );
        // The simulator's own records always translate; an order that would not stays as it was.
        let Ok(translated) = moved.clone().into_model(region) else {
            return Err(WatchRefusal::OrderClosed);
        };
        let change = WireChange {
            seq: self.live.last_seq + 1,
            order_no: moved.order_no.clone(),
            cust_no: moved.cust_no.clone(),
            status_code: status,
            at: now,
        };
        *wire = moved;
        *model = translated;
        self.live.last_seq = change.seq;
        self.live.changes.push_back(change.clone());
        while self.live.changes.len() > RETAINED_CHANGES {
            self.live.changes.pop_front();
        }
        let watchers = self
            .live
            .watchers
            .get(order_no)
            .cloned()
            .unwrap_or_default();
        Ok(Advanced { change, watchers })
    }
}

/// Puts `order` in `status` at `now`: the event, and what entering it means for the shipments
/// (the lines not shipped yet leave today; on delivery, every shipment arrives today).
fn step(
    order: &mut WireOrder,
    status: WireStatus,
    now: DateTime<Utc>,
    region: Region,
    seed: u64,
    seq: u64,
) {
    let today = now.date_naive().max(order.order_date);
    order.status_code = status;
    order.events.push(WireEvent {
        code: status,
        timestamp: now,
    });
    match status {
        WireStatus::Shipped => {
            let unshipped: Vec<u32> = order
                .lines
                .iter()
                .map(|l| l.line_no)
                .filter(|no| !order.shipments.iter().any(|s| s.line_nos.contains(no)))
                .collect();
            if !unshipped.is_empty() {
                let mut rng = SeededRng::new(seed, &format!("{}-{seq}", order.order_no));
                let shipment = orders::new_shipment(&mut rng, region, unshipped, today);
                order.shipments.push(shipment);
            }
        }
        WireStatus::Delivered => {
            for shipment in &mut order.shipments {
                let shipped = shipment.ship_date;
                shipment.delivery_date.get_or_insert(today.max(shipped));
            }
        }
        _ => {}
    }
}

/// The e-mail a watcher gets when `change` happened.
fn notification(change: &WireChange, to: EmailAddress) -> MailMessage {
    let status = match change.status_code {
        WireStatus::Received => "received",
        WireStatus::InProcess => "in process",
        WireStatus::Backordered => "back-ordered",
        WireStatus::PartiallyShipped => "partially shipped",
        WireStatus::Shipped => "shipped",
        WireStatus::Delivered => "delivered",
        WireStatus::Cancelled => "cancelled",
    };
    MailMessage {
        to: vec![to],
        subject: format!("Order {} is now {status}", change.order_no),
        text_body: format!(
            "Hello,\n\norder {} of customer number {} is now {status} ({}).\n\
             Follow it in Order Status OnLine.\n\n\
             You receive this message because you asked to watch this order.",
            change.order_no,
            change.cust_no,
            change.at.format("%Y-%m-%d %H:%M UTC"),
        ),
        attachments: Vec::new(),
    }
}

/// Moves an order one step along its life.
///
/// Received → in process → shipped → delivered; a back-ordered or partially shipped order goes to
/// shipped. The change is recorded in the feed and the order's watchers are e-mailed.
#[utoipa::path(
    post,
    path = "/admin/orders/{order_no}/advance",
    operation_id = "advanceOrder",
    tag = "sandbox",
    params(("order_no" = String, Path, description = "The order number.")),
    responses(
        (status = 200, description = "The change recorded.", body = WireChange),
        (status = 404, description = "`UNKNOWN_ORDER`.", body = Refusal),
        (status = 409, description = "`ORDER_CLOSED`: delivered or cancelled.", body = Refusal)
    )
)]
pub(super) async fn advance(
    State(instance): State<Arc<Instance>>,
    Path(order_no): Path<String>,
) -> Response {
    let advanced = instance
        .write()
        .advance(&order_no, Utc::now(), instance.region, instance.seed);
    let Advanced { change, watchers } = match advanced {
        Ok(advanced) => advanced,
        Err(WatchRefusal::UnknownOrder) => {
            return refuse_json(StatusCode::NOT_FOUND, WatchRefusal::UnknownOrder.code());
        }
        Err(refusal) => return refuse_json(StatusCode::CONFLICT, refusal.code()),
    };
    for watcher in watchers {
        let message = notification(&change, watcher);
        if message.check().is_ok() {
            instance.outbox.deliver(message);
        }
    }
    Json(change).into_response()
}

/// The query of a feed call.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct FeedParams {
    /// The position read up to (the last answer's `next`); without it, no changes and the
    /// current position. A position the instance never reached (it started again) answers the
    /// same.
    since: Option<u64>,
    /// The most changes to answer, 1 to 500 (default 500).
    #[param(minimum = 1, maximum = 500)]
    limit: Option<u32>,
}

/// The status changes after a position, oldest first.
///
/// The instance keeps the last 10,000 changes; a position older than that reads on from the
/// oldest kept.
#[utoipa::path(
    get,
    path = "/v1/orders/changes",
    operation_id = "orderChanges",
    tag = "orders",
    params(FeedParams),
    responses(
        (status = 200, description = "The changes after `since` and the position to ask from next.", body = WireChangeFeed),
        (status = 400, description = "`BAD_REQUEST`: a parameter that does not parse, or a limit out of range.", body = Refusal)
    )
)]
pub(super) async fn changes(
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
    let book = instance.read();
    let live = &book.live;
    let feed = match params.since {
        // From now, or from a position this instance never reached (it started again).
        None => WireChangeFeed {
            changes: Vec::new(),
            next: live.last_seq,
        },
        Some(since) if since > live.last_seq => WireChangeFeed {
            changes: Vec::new(),
            next: live.last_seq,
        },
        Some(since) => {
            let changes: Vec<WireChange> = live
                .changes
                .iter()
                .filter(|c| c.seq > since)
                .take(limit as usize)
                .cloned()
                .collect();
            let next = changes.last().map_or(since, |c| c.seq);
            WireChangeFeed { changes, next }
        }
    };
    Json(feed).into_response()
}

/// Registers an e-mail address to be told when the order moves.
///
/// A watcher is e-mailed each status change until the order is delivered or cancelled; an order
/// has at most 20.
#[utoipa::path(
    post,
    path = "/v1/orders/{order_no}/watchers",
    operation_id = "watchOrder",
    tag = "orders",
    params(("order_no" = String, Path, description = "The order number.")),
    request_body = WireWatchRequest,
    responses(
        (status = 201, description = "The watcher was added.", body = WireWatch),
        (status = 200, description = "The address was already watching (any case).", body = WireWatch),
        (status = 400, description = "`BAD_REQUEST`: the body is not `{\"email\"}`.", body = Refusal),
        (status = 404, description = "`UNKNOWN_ORDER`.", body = Refusal),
        (status = 409, description = "`ORDER_CLOSED` (delivered or cancelled) or `TOO_MANY_WATCHERS` (20 already).", body = Refusal),
        (status = 422, description = "`INVALID_EMAIL`.", body = Refusal)
    )
)]
pub(super) async fn watch(
    State(instance): State<Arc<Instance>>,
    Path(order_no): Path<String>,
    body: Result<Json<WireWatchRequest>, JsonRejection>,
) -> Response {
    let Ok(Json(request)) = body else {
        return refuse_json(StatusCode::BAD_REQUEST, "BAD_REQUEST");
    };
    let Ok(email) = request.email.parse::<EmailAddress>() else {
        return refuse_json(
            StatusCode::UNPROCESSABLE_ENTITY,
            WatchRefusal::InvalidEmail.code(),
        );
    };
    let mut book = instance.write();
    let Some(order) = book
        .index
        .get(&order_no)
        .and_then(|at| book.records.get(*at))
        .map(|(wire, _)| wire)
    else {
        return refuse_json(StatusCode::NOT_FOUND, WatchRefusal::UnknownOrder.code());
    };
    if next_status(order.status_code).is_none() {
        return refuse_json(StatusCode::CONFLICT, WatchRefusal::OrderClosed.code());
    }
    let watchers = book.live.watchers.entry(order_no.clone()).or_default();
    let known = watchers
        .iter()
        .any(|w| w.as_str().eq_ignore_ascii_case(email.as_str()));
    if !known && watchers.len() >= MAX_WATCHERS_PER_ORDER {
        return refuse_json(StatusCode::CONFLICT, WatchRefusal::TooManyWatchers.code());
    }
    if !known {
        watchers.push(email.clone());
    }
    let status = if known {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    let answer = WireWatch {
        order_no,
        email: email.as_str().to_owned(),
        created: !known,
    };
    (status, Json(answer)).into_response()
}

#[cfg(test)]
#[path = "live_tests.rs"]
mod tests;
