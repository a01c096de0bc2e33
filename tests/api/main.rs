//! The gateway's integration tests: one test binary, every test against a real gateway on port 0
//! with its embedded sandbox backends, over real HTTP.

// Tests drive the sandbox and real HTTP clients directly; the boundary lint is for the gateway.
#![allow(clippy::disallowed_types, clippy::disallowed_methods)]

mod authorization;
mod batching;
mod billing_exports;
mod breaker_isolation;
mod budget;
mod cache;
mod clients;
mod config;
mod contract_alerts;
mod contract_documents;
mod contracts;
mod cors_compression;
mod cross_tenant;
mod csrf;
mod draining;
mod examples;
mod federation;
mod guest;
mod helpers;
mod http;
mod idempotency;
mod identifiers;
mod ids;
mod inquiries;
mod inquiry_attachments;
mod inquiry_updates;
mod inquiry_uploads;
mod introspection;
mod inventory;
mod inventory_paging;
mod inventory_requests;
mod invoices;
mod lifecycle;
mod live;
mod mail;
mod metrics;
mod orders;
mod orders_search;
mod overflow;
mod persisted_queries;
mod production_profile;
mod rate_limits;
mod reload;
mod reports;
mod resilience;
mod safelist;
mod schema;
mod statements;
mod tokens;
mod tracking;
mod upload_transport;
