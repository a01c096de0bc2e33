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
pub mod subgraph;

use std::sync::Arc;

use async_graphql::{MergedObject, MergedSubscription, ObjectType, Schema, SchemaBuilder};
use futures::stream::BoxStream;

pub use orders::RequestOrigin;
pub use request::request_data;

use crate::app::App;

/// Declares a query root named `Query`: every query field, plus the `$extra` objects.
macro_rules! query_root {
    ($(#[$doc:meta])* $name:ident $(, $extra:ty)*) => {
        $(#[$doc])*
        #[derive(MergedObject, Default)]
        #[graphql(name = "Query")]
        pub struct $name(
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
            $($extra,)*
        );
    };
}

// The doc comments below are the schema's description of `Query`, which clients read.
query_root!(
    /// What you can read: your company's orders, installed inventory, invoices, statements,
    /// inquiries and contracts, each checked against your authorisations.
    Query
);

// The query root of a Federation v2 subgraph: every query field, plus the entity resolvers
// ([`subgraph`]). A root of its own rather than `Query` merged with them, because async-graphql
// would register both under the name `Query`.
query_root!(
    /// What you can read: your company's orders, installed inventory, invoices, statements,
    /// inquiries and contracts, each checked against your authorisations.
    SubgraphQuery,
    subgraph::EntitiesQuery
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

/// The executable schema: plain, or a Federation v2 subgraph (`federation.enabled`). Two schema
/// types, because async-graphql serves `_service` and `_entities` whenever the query root has
/// entity resolvers: only the subgraph's root has them.
#[derive(Clone)]
pub enum AppSchema {
    /// Without `_service` and `_entities`.
    Plain(Schema<Query, Mutation, Subscription>),
    /// With them ([`subgraph`]).
    Subgraph(Schema<SubgraphQuery, Mutation, Subscription>),
}

impl AppSchema {
    /// Runs one query or mutation.
    pub async fn execute(&self, request: async_graphql::Request) -> async_graphql::Response {
        // Each on the heap: the two executions' futures are large, and kept side by side in
        // this one's state they would deepen every request's stack (a debug build's test thread
        // overflowed its 2 MiB).
        match self {
            Self::Plain(schema) => Box::pin(schema.execute(request)).await,
            Self::Subgraph(schema) => Box::pin(schema.execute(request)).await,
        }
    }

    /// Runs one subscription (or a query or mutation, as a one-item stream).
    pub fn execute_stream(
        &self,
        request: async_graphql::Request,
    ) -> BoxStream<'static, async_graphql::Response> {
        match self {
            Self::Plain(schema) => schema.execute_stream(request),
            Self::Subgraph(schema) => schema.execute_stream(request),
        }
    }
}

fn builder<Q: ObjectType + Default + 'static>() -> SchemaBuilder<Q, Mutation, Subscription> {
    Schema::build(Q::default(), Mutation::default(), Subscription::default())
}

/// The schema bound to a running gateway, with its limits.
pub fn build(app: Arc<App>) -> AppSchema {
    if app.settings.federation.enabled {
        // Always on for a subgraph's root (it has entities): said here so async-graphql need not
        // look for entities in the registry on every root field.
        AppSchema::Subgraph(configure(builder().enable_federation(), app))
    } else {
        AppSchema::Plain(configure(builder(), app))
    }
}

/// `builder` with the gateway's extension, limits and data.
fn configure<Q: ObjectType + 'static>(
    builder: SchemaBuilder<Q, Mutation, Subscription>,
    app: Arc<App>,
) -> Schema<Q, Mutation, Subscription> {
    let limits = &app.settings.graphql;
    let mut builder = builder
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
    builder::<Query>().finish().sdl()
}

/// The schema as a Federation v2 subgraph's SDL: what `_service { sdl }` answers, with `@link` to
/// the federation spec and `@key` on each entity (a router's composition reads this).
pub fn subgraph_sdl() -> String {
    builder::<SubgraphQuery>()
        .enable_federation()
        .finish()
        .sdl_with_options(
            async_graphql::SDLExportOptions::new()
                .federation()
                .compose_directive(),
        )
}
