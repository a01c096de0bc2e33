//! The order-status system: one instance per region (americas, emea, ap), JSON over HTTP.
//!
//! Its contract, documented by `fixtures/order_status/`:
//! - `GET v1/orders?customers=A,B&limit=N[&afterKey=DATE~ORDERNO][&status=SHP,DLV][&from=DATE][&to=DATE]`
//!   lists orders newest first (order date, then order number, both descending) with `totalCount`;
//! - `GET v1/orders/batch?ids=A,B,C` returns the orders with those numbers (absent ones omitted).

mod client;
pub mod sandbox;
mod wire;

pub use client::HttpOrderBackend;
