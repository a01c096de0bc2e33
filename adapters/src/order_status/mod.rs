//! The order-status system: one instance per region (americas, emea, ap), JSON over HTTP.
//!
//! Its contract, documented by `fixtures/order_status/`:
//! - `GET v1/orders?customers=A,B&limit=N[&afterKey=DATE~ORDERNO][&status=SHP,DLV][&from=DATE][&to=DATE]`
//!   lists orders newest first (order date, then order number, both descending) with `totalCount`;
//!   `limit` is 1 to 500 (`wire::MAX_LIMIT`);
//! - `GET v1/orders/batch?ids=A,B,C` returns the orders with those numbers (absent ones omitted),
//!   at most [`LOOKUP_BATCH`](crate::ports::LOOKUP_BATCH) of them.
//!
//! Here: `wire` (the format), `adapter` (the [`OrderBackend`](crate::ports::OrderBackend)
//! over HTTP), [`sandbox`] (the simulator).

mod adapter;
pub mod sandbox;
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
