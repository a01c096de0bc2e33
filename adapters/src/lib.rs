//! Everything in supportgraph that knows a backend.
//!
//! The gateway speaks only [`model`] and [`ports`]; each regional backend lives in its own module
//! with its wire format (`wire.rs`), the port implementation over HTTP (`adapter.rs`) and the
//! simulator that serves it in the sandbox (`sandbox.rs`), and names its instances (e.g.
//! [`us_inventory::INSTANCE`]). Wire types never leave their module, except where a simulator
//! exposes its generated demo records for tests.
//!
//! # Layout
//! - [`model`] — the normalised domain model the gateway exposes, with the limits both sides
//!   keep (e.g. [`model::MAX_CHANGE_DETAILS`]).
//! - [`ports`] — one trait per capability, used by the gateway as `Arc<dyn ...>`; every port
//!   names its instance, inventory comes a page at a time, batch lookups carry at most
//!   [`ports::LOOKUP_BATCH`] identifiers.
//! - [`client`] — the one HTTP client wrapper every adapter uses: timeouts, retries of idempotent
//!   calls, a circuit breaker per operation, a tracing span per call, error mapping.
//! - [`resilience`] — the circuit breakers and retry budget behind it.
//! - [`error`] — [`AdapterError`], the one error at the boundary.
//! - [`order_status`] — the regional order-status instances (JSON).
//! - [`registration`] — profiles, customer numbers and tool authorisations (JSON).
//! - [`us_inventory`] — US Inventory OnLine (JSON in US conventions, paged by token).
//! - [`eu_services`] — the European Services Assistant (XML grouped by location, paged by offset).
//! - [`mail`] — the outgoing mail service every tool sends e-mail through (JSON, once per
//!   idempotency key).
//! - [`support`] — the customer-support system: inquiries, their threads, and attachments
//!   streamed both ways (JSON, once per idempotency key for a submission).
//! - `inventory_adapter` — the inventory port written once for both inventory adapters: each
//!   reads its own cursors and fetches its own pages, lookups and change requests.
//! - [`sandbox`] — deterministic demo data, the simulator server with latency and fault
//!   injection, and what every simulator shares (the outbox of the e-mail they "send" among it).

pub mod billing;
pub mod client;
pub mod contracts;
pub mod error;
pub mod eu_services;
mod inventory_adapter;
pub mod mail;
pub mod model;
pub mod order_status;
pub mod ports;
pub mod registration;
pub mod resilience;
pub mod sandbox;
pub mod support;
pub mod us_inventory;
pub mod wire_dates;

pub use error::AdapterError;
