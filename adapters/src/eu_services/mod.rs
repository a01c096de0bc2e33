//! The European Services Assistant: installed machines grouped by installation location, each
//! with its configuration, the contract it is serviced under and that contract's service level;
//! and change requests, for entitled customers only. XML, with European dates (`DD.MM.YYYY`).
//!
//! Contract (see `fixtures/eu_services/`):
//! - `GET v1/installations?customers=A,B` — `<InstalledBase>` of `<Location>`s of `<Machine>`s;
//! - `GET v1/machines?serials=A,B` — the same shape, only those machines;
//! - `POST v1/change-requests` with a `<ChangeRequest>` — 201 `<ChangeReceipt>`, or 4xx
//!   `<Error code="UNKNOWN_MACHINE|NOT_ENTITLED|INVALID_REQUEST"/>`.

mod client;
pub mod sandbox;
mod wire;

pub use client::HttpEuServices;
