//! Order Status OnLine: a company's hardware and software orders over every region, their status
//! until receipt, carrier tracking, and the guest lookup with basic information.
//!
//! [`types`] and [`tracking`] are the schema's order types; [`query`] holds `orders` and
//! `order`; [`guest`] `guestOrderStatus`; [`cursor`] the listing's cursors. Asking the regional
//! order-status instances and merging their answers is `federation::orders`.

mod cursor;
mod guest;
mod query;
mod tracking;
mod types;

pub use guest::GuestQuery;
pub use query::{OrdersQuery, order_by_id};
pub use types::Order;
