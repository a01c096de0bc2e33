//! US Inventory OnLine: installed hardware and software of US customer numbers, with maintenance
//! and lease information, and requests to update the inventory. JSON in US conventions: dates as
//! `MM/DD/YYYY`, amounts in cents, its own field names.
//!
//! Contract (see `fixtures/us_inventory/`):
//! - `GET v1/inventory?customerNumbers=A,B` — every record of those customer numbers;
//! - `GET v1/inventory/by-serial?serials=A,B` — records by serial number (absent ones omitted);
//! - `POST v1/inventory/update-requests` `{custNo, serialNo, requestType: MOVE|REMOVE|CORRECT,
//!   details}` — 201 with a receipt, 404 `UNKNOWN_SERIAL`, 422 `INVALID_REQUEST`.

mod client;
pub mod sandbox;
mod wire;

pub use client::HttpUsInventory;
