//! Statements OnLine: a company's account statements — every invoice, credit note and payment of
//! a month with the running balance — over every region's billing system; search, sort and page
//! a statement's lines, follow a line to its invoice or credit note, and download it
//! (`statementExport`, in `graphql::billing_exports`).
//!
//! [`args`] holds the checks every statement request passes (also used by the download route);
//! [`types`] `Statement` and its totals; [`filter`] and [`cursor`] the line search a client
//! writes and its keyset cursors; [`lines`] a line, its document and the connection; [`query`]
//! `statements` and `statementLines`. Fetching statements is `federation::statements`.

pub(crate) mod args;
mod cursor;
mod filter;
mod lines;
pub(crate) mod query;
pub(crate) mod types;

pub use query::{MAX_STATEMENTS_AT_ONCE, StatementsQuery};
