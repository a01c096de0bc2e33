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
//! an edited ID, an ID of another type than the representation's) answers `null`: never data,
//! and never an error that would tell it exists. A backend that cannot answer makes its
//! representations `null` with a `BACKEND_UNAVAILABLE` error on `_entities`; the others arrive.
//!
//! What the representations cost is counted per request before anything runs
//! (`limits::entities`): too many are refused at once, and those admitted share lookup batches.

use std::sync::Arc;

use async_graphql::{Context, ID, Object, Result};

use super::common::global_id::GlobalId;
use super::common::node::{Node, find_node};
use super::contracts::types::Contract;
use super::inquiries::types::Inquiry;
use super::inventory::InventoryItem;
use super::invoices::Invoice;
use super::orders::Order;
use super::statements::query::statement_by_key;
use super::statements::types::Statement;
use crate::app::App;
use crate::auth::Caller;
use crate::error::ErrorCode;
use crate::federation::billing::InvoiceBatcher;
use crate::federation::inventory::InventoryBatcher;
use crate::federation::orders::OrderBatcher;

/// The entity resolvers (not fields of `Query`: async-graphql serves them through `_entities`).
#[derive(Default)]
pub struct EntitiesQuery;

#[Object]
impl EntitiesQuery {
    /// An order, by its global ID.
    #[graphql(entity)]
    async fn order_entity(&self, ctx: &Context<'_>, id: ID) -> Result<Option<Order>> {
        let kind = |g: &GlobalId| matches!(g, GlobalId::Order { .. });
        node_entity(ctx, &id, kind, |node| match node {
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
        let kind = |g: &GlobalId| matches!(g, GlobalId::InventoryItem { .. });
        node_entity(ctx, &id, kind, |node| match node {
            Node::InventoryItem(item) => Some(item),
            _ => None,
        })
        .await
    }

    /// An invoice, by its global ID.
    #[graphql(entity)]
    async fn invoice_entity(&self, ctx: &Context<'_>, id: ID) -> Result<Option<Invoice>> {
        let kind = |g: &GlobalId| matches!(g, GlobalId::Invoice { .. });
        node_entity(ctx, &id, kind, |node| match node {
            Node::Invoice(invoice) => Some(invoice),
            _ => None,
        })
        .await
    }

    /// A contract, by its global ID.
    #[graphql(entity)]
    async fn contract_entity(&self, ctx: &Context<'_>, id: ID) -> Result<Option<Contract>> {
        let kind = |g: &GlobalId| matches!(g, GlobalId::Contract { .. });
        node_entity(ctx, &id, kind, |node| match node {
            Node::Contract(contract) => Some(contract),
            _ => None,
        })
        .await
    }

    /// An inquiry, by its global ID.
    #[graphql(entity)]
    async fn inquiry_entity(&self, ctx: &Context<'_>, id: ID) -> Result<Option<Inquiry>> {
        let kind = |g: &GlobalId| matches!(g, GlobalId::Inquiry { .. });
        node_entity(ctx, &id, kind, |node| match node {
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
        signed_in(ctx).await?;
        Ok(hidden_is_null(
            ctx,
            statement_by_key(ctx, &customer_number, &period).await,
        ))
    }
}

/// The caller's profile, loaded before any lookup: a caller who is not signed in, or whose user
/// is not registered, is told so (as `node` tells them), not answered with nulls.
async fn signed_in(ctx: &Context<'_>) -> Result<()> {
    let app = ctx.data::<Arc<App>>()?;
    ctx.data::<Caller>()?.profile(&app.profiles).await?;
    Ok(())
}

/// The object `id` names, when `id` is of the `kind` the representation's type says (checked
/// before anything is fetched) and the caller may see it.
async fn node_entity<T>(
    ctx: &Context<'_>,
    id: &ID,
    kind: impl FnOnce(&GlobalId) -> bool,
    pick: impl FnOnce(Node) -> Option<T>,
) -> Result<Option<T>> {
    signed_in(ctx).await?;
    if !GlobalId::decode(id).as_ref().is_some_and(kind) {
        // The estimate counted this representation in every lookup batch (as `node` joins
        // them): its places are given up, so the batches do not wait for it.
        drop((
            ctx.data::<OrderBatcher>()?.ticket(),
            ctx.data::<InventoryBatcher>()?.ticket(),
            ctx.data::<InvoiceBatcher>()?.ticket(),
        ));
        return Ok(None);
    }
    Ok(hidden_is_null(ctx, find_node(ctx, id).await)
        .flatten()
        .and_then(pick))
}

/// What one representation answers. `NOT_FOUND` and `FORBIDDEN` are `null`: a router asking for
/// an entity the caller may not see gets nothing, in the same shape as one that does not exist.
/// Any other error (a region that cannot answer, the request's call budget spent) is `null` plus
/// that error at `_entities` (a resolver is not told its representation's index), so the other
/// representations still arrive — async-graphql would
/// otherwise fail the whole `_entities` list for one representation.
fn hidden_is_null<T>(ctx: &Context<'_>, found: Result<T>) -> Option<T> {
    match found {
        Ok(value) => Some(value),
        Err(error)
            if [ErrorCode::NotFound, ErrorCode::Forbidden]
                .iter()
                .any(|code| code.is_on_error(&error)) =>
        {
            None
        }
        Err(error) => {
            ctx.add_error(ctx.set_error_path(error.into_server_error(ctx.item.pos)));
            None
        }
    }
}
