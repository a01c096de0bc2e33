//! The GraphQL schema: types converted from `adapters::model`, resolvers that check the caller
//! before touching a backend, and the execution limits every request runs under.
//!
//! # Layout
//! - One folder per tool, holding its types, queries and mutations: [`orders`] (Order Status
//!   OnLine, tracking, guest access), [`inventory`] (US Inventory OnLine, the Services
//!   Assistant), [`invoices`] (Invoices On-Line), [`inquiries`] (My inquiries), [`access`] (`me` and tool authorisations). Asking a tool's backends and merging
//!   their answers is its file in `federation`.
//! - [`common`]: what every tool shares — connections, cursors, `excludedCustomers`, failure
//!   reporting, input checks, scalars, global IDs and `node`, `userErrors`, idempotency.
//! - [`limits`]: what a request may cost, checked before and while it runs.
//! - [`request_data`]: the per-request data (caller, budget, lookup batchers) every request
//!   carries; [`errors`]: async-graphql's own errors in the gateway's shape.
//!
//! A new tool adds its folder and its merged objects to [`Query`], [`Mutation`] and
//! [`Subscription`] below. Subscriptions are served over the websocket at `/graphql/ws` only
//! (`http::ws`); over HTTP they are refused.

mod access;
pub(crate) mod billing_exports;
pub mod common;
pub(crate) mod contracts;
pub mod errors;
pub mod inquiries;
mod inventory;
pub(crate) mod invoices;
pub mod limits;
pub(crate) mod orders;
mod request;
pub(crate) mod statements;

use std::sync::Arc;

use async_graphql::{MergedObject, MergedSubscription, Schema, SchemaBuilder};

pub use orders::RequestOrigin;
pub use request::request_data;

use crate::app::App;

/// Every query field.
#[derive(MergedObject, Default)]
pub struct Query(
    access::MeQuery,
    orders::OrdersQuery,
    orders::ReportsQuery,
    orders::ExportQuery,
    common::node::NodeQuery,
    orders::GuestQuery,
    inventory::InventoryQuery,
    invoices::InvoicesQuery,
    statements::StatementsQuery,
    billing_exports::BillingExportQuery,
    inquiries::form::InquiryFormQuery,
    inquiries::history::InquiriesQuery,
    contracts::query::ContractsQuery,
    contracts::alerts::ContractAlertsQuery,
    contracts::print::ContractPrintQuery,
);

/// Every mutation.
#[derive(MergedObject, Default)]
pub struct Mutation(
    access::AuthorizationMutation,
    inventory::InventoryMutation,
    orders::WatchMutation,
    orders::ReportsMutation,
    orders::EmailReportMutation,
    invoices::ReviewMutation,
    invoices::ForwardMutation,
    inquiries::submit::SubmitMutation,
    inquiries::reply::ReplyMutation,
    contracts::steps::ContractStepsMutation,
);

/// Every subscription (served at `/graphql/ws`).
#[derive(MergedSubscription, Default)]
pub struct Subscription(
    orders::OrdersSubscription,
    inquiries::subscription::InquiriesSubscription,
    contracts::subscription::ContractsSubscription,
);

/// The executable schema.
pub type AppSchema = Schema<Query, Mutation, Subscription>;

fn builder() -> SchemaBuilder<Query, Mutation, Subscription> {
    Schema::build(
        Query::default(),
        Mutation::default(),
        Subscription::default(),
    )
}

/// The schema bound to a running gateway, with its limits.
pub fn build(app: Arc<App>) -> AppSchema {
    let limits = &app.settings.graphql;
    let mut builder = builder()
        // The only extension: each one costs every field (see limits::extension).
        .extension(limits::extension::Limits {
            cap: limits::response_cap::ResponseCap {
                max_bytes: app.settings.limits.max_response_bytes,
            },
        })
        .limit_recursive_depth(limits.max_recursive_depth);
    if !limits.field_suggestions {
        builder = builder.disable_suggestions();
    }
    if !app.settings.server.introspection {
        builder = builder.disable_introspection();
    }
    builder.data(app).finish()
}

/// The schema's SDL, as checked in at `schema/supportgraph.graphql`.
pub fn sdl() -> String {
    builder().finish().sdl()
}
