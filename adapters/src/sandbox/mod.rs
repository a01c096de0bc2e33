//! The sandbox: every backend simulated over real HTTP from deterministic, seeded demo data.
//!
//! `supportgraph serve` with the default profile starts it in-process on a free loopback port and
//! points every adapter at it, so a new user sees the whole API with no other setup; `supportgraph
//! sandbox` runs it alone. Latency, failures and the documented malformed payloads can be injected
//! per backend instance (from config or at run time through [`SandboxHandle`]), and every call is
//! counted, so tests and benches can assert on backend calls instead of timing the machine.
//!
//! Each backend's simulator lives with its backend (`<backend>/sandbox.rs`); here are what they
//! share: the demo cast ([`demo`]), the seeded generator, the server that mounts every instance
//! under its name, fault injection, the documented malformed payloads, the [`Outbox`] of every
//! e-mail a simulator "sent", and the small helpers of
//! every handler (`respond`: comma-separated lists, JSON refusals, listing and serial-lookup
//! queries, change details, page windows, request numbers).

pub mod demo;
mod faults;
pub mod identity;
mod malformed;
pub mod openapi;
mod outbox;
pub(crate) mod respond;
mod rng;
mod server;

pub use faults::{FaultSpec, InstanceStats, SandboxStats};
pub use outbox::{KeyReused, OUTBOX_ATTACHMENT_BYTES, OUTBOX_CAPACITY, Outbox, OutboxMessage};
pub use rng::SeededRng;
pub use server::{INSTANCES, SandboxConfig, SandboxError, SandboxHandle, start, validate_fault};
