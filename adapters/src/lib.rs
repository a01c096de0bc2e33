//! Everything in supportgraph that knows a backend.
//!
//! The gateway speaks only [`model`] and [`ports`]; each regional backend lives in its own module
//! with its wire format (`wire.rs`), the port implementation over HTTP (`client.rs`) and the
//! simulator that serves it in the sandbox (`sandbox.rs`). Wire types never leave their module.
//!
//! # Layout
//! - [`model`] — the normalised domain model the gateway exposes.
//! - [`ports`] — one trait per capability, used by the gateway as `Arc<dyn ...>`.
//! - [`client`] — the one HTTP client wrapper every adapter uses (timeouts, retries, breaker,
//!   tracing, error mapping).
//! - [`resilience`] — the circuit breaker and retry budget behind it.
//! - [`order_status`], [`registration`]: the backends implemented so far.
//! - [`eu_services`] — the European Services Assistant (XML, grouped by location).
//! - [`us_inventory`] — US Inventory OnLine (JSON in US conventions).
//! - [`sandbox`] — deterministic demo data and the simulator server with latency and fault injection.

pub mod client;
pub mod error;
pub mod eu_services;
pub mod model;
pub mod order_status;
pub mod ports;
pub mod registration;
pub mod resilience;
pub mod sandbox;
pub mod us_inventory;

pub use error::AdapterError;
