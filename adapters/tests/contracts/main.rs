//! The adapters against their documented contracts: each fixture in `fixtures/` is served over
//! real HTTP and the adapter's translation checked; every request body an adapter POSTs is
//! compared with its fixture; every malformed payload must fail, for the reason
//! `fixtures/README.md` gives it.

mod billing;
mod contracts_system;
mod eu_services;
mod fixture_server;
mod identifiers;
mod mail;
mod malformed;
mod order_status;
mod order_status_live;
mod paging;
mod preferences;
mod preferences_sending;
mod registration;
mod support;
mod us_inventory;
