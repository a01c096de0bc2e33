//! The GraphQL schema: types converted from `adapters::model`, resolvers that check the caller
//! before touching a backend, and the execution limits every request runs under.

mod authorization;
pub mod budget;
mod cursor;
pub mod document_limits;
mod global_id;
mod guest;
pub mod idempotency;
mod inventory;
mod inventory_requests;
mod me;
mod node;
mod order;
mod orders;
mod outcome;
pub mod response_cap;
mod scalars;

use std::sync::Arc;

use async_graphql::{EmptySubscription, MergedObject, Schema, SchemaBuilder};

use crate::app::App;

/// Every query field.
#[derive(MergedObject, Default)]
pub struct Query(
    me::MeQuery,
    orders::OrdersQuery,
    node::NodeQuery,
    guest::GuestQuery,
    inventory::InventoryQuery,
    inventory_requests::InventoryItemQuery,
);

/// Every mutation.
#[derive(MergedObject, Default)]
pub struct Mutation(
    authorization::AuthorizationMutation,
    inventory_requests::InventoryMutation,
);

/// The executable schema.
pub type AppSchema = Schema<Query, Mutation, EmptySubscription>;

fn builder() -> SchemaBuilder<Query, Mutation, EmptySubscription> {
    Schema::build(Query::default(), Mutation::default(), EmptySubscription)
}

/// The schema bound to a running gateway, with its limits.
pub fn build(app: Arc<App>) -> AppSchema {
    let limits = &app.settings.graphql;
    let mut builder = builder()
        .extension(response_cap::ResponseCap {
            max_bytes: app.settings.limits.max_response_bytes,
        })
        .limit_recursive_depth(limits.max_recursive_depth)
        .disable_suggestions();
    if !app.settings.server.introspection {
        builder = builder.disable_introspection();
    }
    builder.data(app).finish()
}

/// The schema's SDL, as checked in at `schema/supportgraph.graphql`.
pub fn sdl() -> String {
    builder().finish().sdl()
}
