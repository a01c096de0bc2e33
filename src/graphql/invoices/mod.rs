//! Invoices On-Line: a company's invoices over every region's billing system — search, the PDF
//! copy, forwarding a copy by e-mail, the review (start, approve, dispute), and reconciliation
//! of each invoice line with the installed inventory.
//!
//! [`types`] holds `Invoice`, `InvoiceLine`, `CreditNote` and their connection; [`filter`] and
//! [`cursor`] the search a client writes and its cursors; [`query`] `invoices` and `invoice`;
//! [`review`] the review's mutations; [`forward`] `forwardInvoice`; [`documents`] the signed links
//! to PDF copies (served by `http::documents`). Asking the billing instances and merging their
//! answers is `federation::billing`; the inventory side is `federation::reconciliation`.

mod cursor;
pub(crate) mod documents;
pub(crate) mod filter;
mod forward;
pub(crate) mod query;
mod review;
pub(crate) mod types;

pub use forward::ForwardMutation;
pub use query::InvoicesQuery;
pub use review::ReviewMutation;
pub use types::{CreditNote, Invoice};
