//! supportgraph: one GraphQL API over the vendor's regional customer-administration systems —
//! orders and carrier tracking today; invoices, statements, contracts, inventory and inquiries as
//! they arrive.
//!
//! # Layout
//! - [`settings`] — typed, layered configuration (defaults <- file <- environment).
//! - [`startup`] — builds the [`app::App`] and the HTTP server; the one place naming adapters.
//! - [`app`] — the shared state every request sees.
//! - [`http`] — routes and middleware (`/graphql`, `/graphiql`, `/healthz`, `/readyz`).
//! - [`graphql`] — the schema, its types and resolvers.
//! - [`federation`] — which regions a question touches, and merging their answers.
//! - [`cache`] — the two-tier cache (in-process, Redis) and its keys.
//! - [`auth`] — token verification, the sandbox identity provider, the per-request caller.
//! - [`countries`], [`carriers`] — the directories in `config/`.
//! - [`limits`] — per-client limits applied before any backend call.
//! - [`error`] — [`error::GatewayError`] and the `extensions.code` values.
//! - [`telemetry`] — logging.
//!
//! Backend wire formats live in the `supportgraph-adapters` crate, never here.

pub mod app;
pub mod auth;
pub mod cache;
pub mod carriers;
pub mod countries;
pub mod error;
pub mod federation;
pub mod graphql;
pub mod http;
pub mod limits;
pub mod settings;
pub mod startup;
pub mod telemetry;
