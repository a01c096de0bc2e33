//! The order-status system: one instance per region (americas, emea, ap), JSON over HTTP.
//!
//! Its contract, documented by `fixtures/order_status/`:
//! - `GET v1/orders?customers=A,B&limit=N&...` lists the orders matching the search parameters
//!   (`search_params`: filters, a sort, `afterKey`) in the sort's order — newest first by
//!   default, ties broken by order number in the sort's direction — with `totalCount`; `limit`
//!   is 1 to 500 (`wire::MAX_LIMIT`). Orders carry ship-to and bill-to parties and an expected
//!   delivery day when the instance knows them;
//! - `GET v1/orders/batch?ids=A,B,C` returns the orders with those numbers (absent ones omitted),
//!   at most [`LOOKUP_BATCH`](crate::ports::LOOKUP_BATCH) of them.
//!
//! Live status (documented by `fixtures/order_status/changes.json`, `watch_request.json` and
//! `watch.json`):
//! - `GET v1/orders/changes?since=<seq>&limit=<n>` is the instance's change feed, every customer
//!   number together: `{"changes": [{"seq", "orderNo", "custNo", "statusCode", "at"}], "next"}`,
//!   the changes after position `since`, oldest first, at most `limit` (1 to
//!   [`MAX_FEED_CHANGES`](crate::model::MAX_FEED_CHANGES), the default); `next` is the last
//!   change's `seq`, or `since` again when nothing is new. Without `since` ("from now") it answers
//!   no changes and the current position. A `since` past the instance's last change (its feed
//!   started again) answers no changes and the current position, lower than `since`. Positions
//!   increase and are never reused; an instance keeps at least its last 10,000 changes.
//! - `POST v1/orders/{orderNo}/watchers {"email"}` records someone the instance e-mails each time
//!   the order's status changes: 201 `{"orderNo", "email", "created": true}`, or 200 with
//!   `"created": false` when already watching. Refusals, `{"error": CODE}`: 404 `UNKNOWN_ORDER`,
//!   409 `ORDER_CLOSED` (delivered or cancelled), 409 `TOO_MANY_WATCHERS` (more than
//!   [`MAX_WATCHERS_PER_ORDER`](crate::model::MAX_WATCHERS_PER_ORDER)), 422 `INVALID_EMAIL`.
//! - The simulator adds `POST admin/orders/{orderNo}/advance` (not part of the real contract):
//!   it moves an order one step along its life (RCV → INP → SHP → DLV; BKO and PSH → SHP),
//!   appends the status event, records a change and e-mails the watchers; it answers the change
//!   recorded, 404 `UNKNOWN_ORDER`, or 409 `ORDER_CLOSED` for a delivered or cancelled order.
//!
//! Here: `wire` (the format), `search_params` (the listing's parameters), `adapter` (the
//! [`OrderBackend`](crate::ports::OrderBackend) over HTTP) and `live` (its feed and watchers),
//! [`sandbox`] (the simulator).

mod adapter;
mod live;
pub mod sandbox;
mod search_params;
mod wire;

pub use adapter::HttpOrderBackend;

use crate::model::Region;

/// The name of `region`'s instance, e.g. `order-status/emea`: in errors, cache keys, call
/// budgets, fault settings and the sandbox's paths.
pub const fn instance_name(region: Region) -> &'static str {
    match region {
        Region::Americas => "order-status/americas",
        Region::Emea => "order-status/emea",
        Region::Ap => "order-status/ap",
    }
}
