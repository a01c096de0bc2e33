//! US Inventory OnLine: installed hardware and software of US customer numbers, with maintenance
//! and lease information, and requests to update the inventory. JSON in US conventions: dates as
//! `MM/DD/YYYY`, amounts in cents, its own field names.
//!
//! Contract (see `fixtures/us_inventory/`):
//! - `GET v1/inventory?customerNumbers=A,B[&limit=N][&pageToken=T]` — one page of the records of
//!   those customer numbers, in a stable order: `{records, totalCount, nextPageToken}`. `limit`
//!   is 1 to 1,000 (`wire::MAX_PAGE`), which is also the page size without one; `nextPageToken` is
//!   present, and the page holds records, exactly when more follow; passing it back as
//!   `pageToken` (with the same customer numbers) gives the next page; an unknown token is 400
//!   `BAD_PAGE_TOKEN`;
//! - `GET v1/inventory/by-serial?serials=A,B` — records by serial number (absent ones omitted), at
//!   most [`LOOKUP_BATCH`](crate::ports::LOOKUP_BATCH) of them;
//! - `POST v1/inventory/update-requests` `{custNo, serialNo, requestType: MOVE|REMOVE|CORRECT,
//!   details}` (`fixtures/us_inventory/update_request.json`; details at most
//!   [`MAX_CHANGE_DETAILS`](crate::model::MAX_CHANGE_DETAILS) characters) — 201 with a receipt,
//!   404 `UNKNOWN_SERIAL`, 422 `INVALID_REQUEST`.
//!
//! Here: `wire` (the format), `adapter` (the
//! [`InventoryBackend`](crate::ports::InventoryBackend) over HTTP), [`sandbox`] (the simulator).

mod adapter;
pub mod sandbox;
mod wire;

pub use adapter::HttpUsInventory;

/// The instance's name: in errors, cache keys, fault settings and the sandbox's paths.
pub const INSTANCE: &str = "us-inventory-online";
