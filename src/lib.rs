//! supportgraph: one GraphQL API over the vendor's regional customer-administration systems —
//! orders and carrier tracking, installed inventory, invoices and statements today; contracts
//! and inquiries as they arrive.
//!
//! # Layout
//! - [`settings`] — typed, layered configuration (defaults <- file <- environment).
//! - [`startup`] — builds the [`app::App`] and the HTTP server; the one place naming adapters
//!   (enforced by clippy's `disallowed-types` in `clippy.toml`).
//! - [`app`] — the shared state every request sees.
//! - [`http`] — routes and middleware (`/graphql` over HTTP with content negotiation, automatic
//!   persisted queries, CORS, compression, the panic guard; `/graphiql`; `/healthz`; `/readyz`).
//! - [`graphql`] — the schema, its types and resolvers, and what a document may cost before it
//!   runs (depth, introspection, root fields, estimated backend calls, the response cap).
//! - [`federation`] — which regions a question touches, and merging their answers.
//! - [`cache`] — the two-tier cache (in-process, Redis) and its keys.
//! - [`auth`] — token verification, registration profiles, the per-request caller.
//! - [`countries`], [`carriers`] — the directories in `config/`.
//! - [`reload`] — hot reload of the directories, limits, CORS origins and the safelist, on
//!   SIGHUP and on file change.
//! - [`limits`] — rate limits per user (weighted by the estimate) and for guests, shared through
//!   Redis when configured.
//! - [`error`] — [`error::GatewayError`] and the `extensions.code` values.
//! - [`live`] — live order status: one poller per region fanning the order-status change feeds
//!   out to `orderStatusChanged` subscribers (`/graphql/ws`), and the subscription limits.
//! - [`links`] — signed links: short-lived URLs that work without the bearer token.
//! - [`exports`] — streaming CSV, XLSX and printable-HTML writers for every tool's downloads.
//! - [`inquiry_mail`] — the acknowledgment and answer e-mails of an inquiry.
//! - [`inquiry_feed`] — the support system's change feed, read once per instance while it runs:
//!   answer e-mails, and the changes fanned out to `inquiryUpdated` subscribers.
//! - [`contract_feed`] — the contracts system's change feed, read while anyone subscribes to
//!   `contractAlerts`, and its alerts fanned out to them.
//! - [`mail_templates`] — the mails the gateway writes, per language, from `templates/mail/`.
//! - [`uploads`] — what an uploaded file really is (by its bytes) and a safe name for it.
//! - [`telemetry`] — logging.
//!
//! Backend wire formats live in the `supportgraph-adapters` crate, never here.

pub mod app;
pub mod auth;
pub mod cache;
pub mod carriers;
pub mod contract_feed;
pub mod countries;
pub mod error;
pub mod exports;
pub mod federation;
pub mod graphql;
pub mod hashing;
pub mod http;
pub mod inquiry_feed;
pub mod inquiry_mail;
pub mod limits;
pub mod links;
pub mod live;
pub mod mail_templates;
pub mod reload;
pub mod settings;
pub mod startup;
pub mod telemetry;
pub mod uploads;
