//! What every tool's part of the schema shares, so that a tool's folder holds only what is its
//! own and every tool pages, refuses, reports and identifies things the same way:
//!
//! - [`connection`] and [`cursor`]: the page size a client may ask for, `PageInfo`, and opaque
//!   cursors.
//! - [`exclusions`]: `excludedCustomers`, the caller's customer numbers a list left out.
//! - [`failures`]: regions or systems that could not answer, as errors with the field's path.
//! - [`input`]: identifiers and free text checked by their model types, once, at the edge.
//! - [`links`]: signed download links for the caller.
//! - [`global_id`] and [`node`]: opaque global IDs, and `node(id:)` to fetch anything again.
//! - [`outcome`] and [`idempotency`]: a mutation's `userErrors`, and one answer per
//!   `Idempotency-Key`.
//! - [`single_instance`]: the scope of a tool one system serves for every region.
//! - [`scalars`] and [`domain`]: `Date`, `DateTime`, `Money`, and the model's enums more than
//!   one tool shows.

pub mod connection;
pub mod cursor;
pub mod domain;
pub mod exclusions;
pub mod failures;
pub mod global_id;
pub mod idempotency;
pub mod input;
pub mod links;
pub mod node;
pub mod outcome;
pub mod scalars;
pub mod single_instance;
