//! The European Services Assistant: installed machines grouped by installation location, each
//! with its configuration, the contract it is serviced under and that contract's service level;
//! and change requests, for entitled customers only. XML, with European dates (`DD.MM.YYYY`).
//!
//! Contract (see `fixtures/eu_services/`):
//! - `GET v1/installations?customers=A,B[&offset=N][&limit=M]` — `<InstalledBase total="T"
//!   offset="N">` of `<Location>`s of `<Machine>`s: the machines at positions `N` to `N+M-1` of
//!   the listing (location by location, machines in order), each under its location — a location
//!   split between pages appears on each, with its share of the machines. `offset` defaults to 0;
//!   `limit` is 1 to 500 (`wire::MAX_PAGE`), which is also the page size without one. `total` counts
//!   the machines of every page;
//! - `GET v1/machines?serials=A,B` — the same shape without `total` and `offset`, only those
//!   machines (at most [`LOOKUP_BATCH`](crate::ports::LOOKUP_BATCH) serial numbers);
//! - `POST v1/change-requests` with a `<ChangeRequest>` (`fixtures/eu_services/change_request.xml`;
//!   details at most [`MAX_CHANGE_DETAILS`](crate::model::MAX_CHANGE_DETAILS) characters) — 201
//!   `<ChangeReceipt>`, or 4xx `<Error code="UNKNOWN_MACHINE|NOT_ENTITLED|INVALID_REQUEST"/>`.
//!
//! Here: `wire` (the format), `adapter` (the
//! [`InventoryBackend`](crate::ports::InventoryBackend) over HTTP), [`sandbox`] (the simulator).

mod adapter;
pub mod sandbox;
mod wire;

pub use adapter::HttpEuServices;

/// The instance's name: in errors, cache keys, fault settings and the sandbox's paths.
pub const INSTANCE: &str = "eu-services-assistant";

/// The simulator's seeded demo machines, read as this adapter reads them: for in-process
/// stand-ins of the Services Assistant (the `operations` bench), without a copy of the reading.
pub fn demo_items(seed: u64) -> Result<Vec<crate::model::InventoryItem>, String> {
    wire::WireInstalledBase {
        total: None,
        offset: None,
        locations: sandbox::generate(seed),
    }
    .into_model()
}
