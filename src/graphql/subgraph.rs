//! Federation subgraph mode (`federation.enabled`): what lets a partner's supergraph router
//! (Apollo Router, Hive Gateway, Cosmo) compose this gateway's schema with their own.
//!
//! With it on, the schema is built with [`super::SubgraphQuery`] as its query root: every field
//! of [`super::Query`] plus the entity resolvers below, so async-graphql serves Federation v2's `_service { sdl }`
//! (the schema with `@link` to the federation spec and `@key` on each entity) and
//! `_entities(representations:)`. With it off, the schema has neither field (see
//! [`super::AppSchema`]).
//!
//! Six types are entities. Five are keyed by their global `id` — `Order`, `InventoryItem`,
//! `Invoice`, `Contract`, `Inquiry` — and found again exactly as `node` finds them
//! ([`find_node`]): the caller's authorisation is checked again for each representation.
//! `Statement`, which has no global ID, is keyed by `customerNumber period` and found as
//! `statementLines` finds it. A representation the caller may not see (another company's order,
//! an edited ID) answers `null`: never data, and never an error that would tell it exists. A
//! backend that cannot answer is an error, as for `node`.

use async_graphql::{Context, ID, Object, Result};

use super::common::node::{Node, find_node};
use super::contracts::types::Contract;
use super::inquiries::types::Inquiry;
use super::inventory::InventoryItem;
use super::invoices::Invoice;
use super::orders::Order;
use super::statements::query::statement_by_key;
use super::statements::types::Statement;
use crate::error::ErrorCode;

/// The entity resolvers (not fields of `Query`: async-graphql serves them through `_entities`).
#[derive(Default)]
pub struct EntitiesQuery;

#[Object]
impl EntitiesQuery {
    /// An order, by its global ID.
    #[graphql(entity)]
    async fn order_entity(&self, ctx: &Context<'_>, id: ID) -> Result<Option<Order>> {
        node_entity(ctx, &id, |node| match node {
            Node::Order(order) => Some(order),
            _ => None,
        })
        .await
    }

    /// An installed item, by its global ID.
    #[graphql(entity)]
    async fn inventory_item_entity(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> Result<Option<InventoryItem>> {
        node_entity(ctx, &id, |node| match node {
            Node::InventoryItem(item) => Some(item),
            _ => None,
        })
        .await
    }

    /// An invoice, by its global ID.
    #[graphql(entity)]
    async fn invoice_entity(&self, ctx: &Context<'_>, id: ID) -> Result<Option<Invoice>> {
        node_entity(ctx, &id, |node| match node {
            Node::Invoice(invoice) => Some(invoice),
            _ => None,
        })
        .await
    }

    /// A contract, by its global ID.
    #[graphql(entity)]
    async fn contract_entity(&self, ctx: &Context<'_>, id: ID) -> Result<Option<Contract>> {
        node_entity(ctx, &id, |node| match node {
            Node::Contract(contract) => Some(contract),
            _ => None,
        })
        .await
    }

    /// An inquiry, by its global ID.
    #[graphql(entity)]
    async fn inquiry_entity(&self, ctx: &Context<'_>, id: ID) -> Result<Option<Inquiry>> {
        node_entity(ctx, &id, |node| match node {
            Node::Inquiry(inquiry) => Some(inquiry),
            _ => None,
        })
        .await
    }

    /// A statement, by customer number and month (`YYYY-MM`).
    #[graphql(entity)]
    async fn statement_entity(
        &self,
        ctx: &Context<'_>,
        customer_number: String,
        period: String,
    ) -> Result<Option<Statement>> {
        hidden_is_null(statement_by_key(ctx, &customer_number, &period).await)
    }
}

/// The object `id` names, when it is the kind `pick` keeps and the caller may see it.
async fn node_entity<T>(
    ctx: &Context<'_>,
    id: &ID,
    pick: impl FnOnce(Node) -> Option<T>,
) -> Result<Option<T>> {
    Ok(hidden_is_null(find_node(ctx, id).await)?
        .flatten()
        .and_then(pick))
}

/// `NOT_FOUND` and `FORBIDDEN` as `null`: a router asking for an entity the caller may not see
/// gets nothing, in the same shape as an entity that does not exist.
fn hidden_is_null<T>(found: Result<T>) -> Result<Option<T>> {
    match found {
        Ok(value) => Ok(Some(value)),
        Err(error)
            if [ErrorCode::NotFound, ErrorCode::Forbidden]
                .iter()
                .any(|code| code.is_on_error(&error)) =>
        {
            Ok(None)
        }
        Err(error) => Err(error),
    }
}
