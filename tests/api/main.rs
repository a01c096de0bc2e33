//! The gateway's integration tests: one test binary, every test against a real gateway on port 0
//! with its embedded sandbox backends, over real HTTP.

mod authorization;
mod batching;
mod cache;
mod config;
mod cross_tenant;
mod guest;
mod helpers;
mod http;
mod idempotency;
mod inventory;
mod inventory_requests;
mod lifecycle;
mod orders;
mod resilience;
mod schema;
mod tokens;
mod tracking;
