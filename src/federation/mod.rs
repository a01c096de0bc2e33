//! Federation: turning one question into calls to the regional instances that can answer it, and
//! their answers into one — one file per tool, on top of what every tool shares.
//!
//! Shared: [`scope`] decides which customer numbers (and so which regions) a caller's question
//! touches; [`fan_out`] asks an instance through the cache within the request's
//! [`call_budget`] and reports the instances that failed; [`batcher`] and [`loader`] gather one
//! request's lookups into batch calls.
//!
//! Per tool: [`orders`] fans out to the order-status instances, merges their pages and looks
//! orders up by number; [`inventory`] splits the caller's customer numbers by inventory system
//! and looks items up by serial number; [`inventory_listing`] lists their items system by
//! system, asking each system only for the pages a connection page needs.

pub mod batcher;
pub mod call_budget;
pub mod fan_out;
pub mod inventory;
pub mod inventory_listing;
mod inventory_walk;
pub mod loader;
pub mod orders;
pub mod orders_walk;
pub mod scope;
