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
//! system, asking each system only for the pages a connection page needs; [`billing`] fans out
//! to the billing instances and looks invoices and credit notes up by number;
//! [`reconciliation`] checks a page of invoices' serial numbers against the installed inventory;
//! [`statements`] fetches account statements; [`invoices_walk`] walks every page of an invoice
//! search for downloads.

pub mod batcher;
pub mod billing;
pub mod call_budget;
pub mod fan_out;
pub mod inventory;
pub mod inventory_listing;
mod inventory_walk;
pub mod invoices_walk;
pub mod loader;
pub mod orders;
pub mod orders_walk;
pub mod reconciliation;
pub mod scope;
pub mod statements;
