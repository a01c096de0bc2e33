//! Federation: turning one question into calls to the regional instances that can answer it, and
//! their answers into one.
//!
//! [`scope`] decides which customer numbers (and so which regions) a caller's question touches;
//! [`orders`] fans out to the order-status instances concurrently and merges their pages;
//! [`loader`] batches lookups by order number.

pub mod batcher;
pub mod call_budget;
pub mod inventory;
pub mod loader;
pub mod orders;
pub mod scope;
