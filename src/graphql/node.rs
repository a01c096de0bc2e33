//! `node(id:)`: refetch anything by its global ID, with the caller's authorisation checked again.

use std::sync::Arc;

use async_graphql::{Context, ID, Interface, Object, Result};

use super::global_id::GlobalId;
use super::order::Order;
use crate::app::App;
use crate::auth::Caller;
use crate::countries::Tool;
use crate::error::GatewayError;
use crate::federation::loader::{OrderLoader, OrderRef};
use crate::federation::scope::ToolScope;
use async_graphql::dataloader::DataLoader;

/// Anything with a global ID.
#[derive(Interface)]
#[graphql(field(name = "id", ty = "ID", desc = "Opaque global ID."))]
pub enum Node {
    /// An order.
    Order(Order),
}

/// The `node` query field.
#[derive(Default)]
pub struct NodeQuery;

#[Object]
impl NodeQuery {
    /// The object with this global ID. `NOT_FOUND` for an ID that is malformed, edited, or
    /// belongs to a customer number you may not see — the answer never says which.
    async fn node(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A global ID.")] id: ID,
    ) -> Result<Option<Node>> {
        let app = ctx.data::<Arc<App>>()?;
        let caller = ctx.data::<Caller>()?;
        caller.principal()?;
        let Some(global_id) = GlobalId::decode(&id) else {
            return Err(GatewayError::NotFound.into());
        };
        let profile = caller.profile(&app.profiles).await?;
        match global_id {
            GlobalId::Order {
                region,
                customer_number,
                order_number,
            } => {
                let home = ToolScope::region_for(
                    Tool::OrderStatus,
                    profile,
                    &app.countries,
                    &customer_number,
                );
                if home != Some(region) {
                    return Err(GatewayError::NotFound.into());
                }
                let key = OrderRef {
                    region,
                    customers: vec![customer_number].into(),
                    order_number,
                };
                let loader = ctx.data::<DataLoader<OrderLoader>>()?;
                match loader.load_one(key).await {
                    Ok(Some(Ok(order))) => Ok(Some(Node::Order(Order(order)))),
                    Ok(Some(Err(error))) => {
                        Err(GatewayError::from_adapter(&error, Some(region)).into())
                    }
                    Ok(None) => Err(GatewayError::NotFound.into()),
                    Err(never) => match never {},
                }
            }
        }
    }
}
