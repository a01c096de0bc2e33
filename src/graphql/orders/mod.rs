//! Order Status OnLine: a company's hardware and software orders over every region, their status
//! until receipt, carrier tracking, and the guest lookup with basic information.
//!
//! [`types`] and [`tracking`] are the schema's order types; [`filter`] the search clients write
//! (filter and sort); [`query`] holds `orders` and `order`; [`guest`] `guestOrderStatus`;
//! [`cursor`] the listing's cursors; [`reports`] and [`reports_mutation`] the standard and saved
//! reports, [`columns`] their columns and rows; [`export_search`] and [`export`] the export
//! links and e-mailed reports. Asking the regional
//! order-status instances and merging their answers is `federation::orders`. Live status:
//! [`subscription`] holds `orderStatusChanged` (fed by `crate::live`), [`watch`] `watchOrder`.

pub(crate) mod columns;
mod cursor;
pub(crate) mod export;
pub(crate) mod export_search;
pub(crate) mod filter;
mod guest;
mod query;
mod reports;
mod reports_mutation;
mod subscription;
mod tracking;
mod types;
mod watch;

pub use export::{EmailReportMutation, ExportQuery, RequestOrigin};
pub use guest::GuestQuery;
pub use query::{OrdersQuery, order_by_id};
pub use reports::{OrderReport, ReportsQuery, all_reports};
pub use reports_mutation::ReportsMutation;
pub use subscription::OrdersSubscription;
pub use types::Order;
pub use watch::WatchMutation;
