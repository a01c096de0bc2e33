//! `me`: the signed-in user and what they can use.

use std::sync::Arc;

use async_graphql::{Context, Enum, ID, Object, Result, SimpleObject};

use crate::app::App;
use crate::auth::Caller;

/// A self-service tool.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "crate::countries::Tool")]
pub enum Tool {
    /// Order Status OnLine: orders, their status and carrier tracking.
    OrderStatus,
    /// Invoices On-Line.
    Invoices,
    /// Statements OnLine.
    Statements,
    /// Contracts OnLine.
    Contracts,
    /// Installed inventory (US Inventory OnLine, or inventory questions elsewhere).
    Inventory,
    /// The European Services Assistant.
    ServicesAssistant,
    /// My inquiries and the contact module.
    Inquiries,
}

/// The signed-in user.
#[derive(SimpleObject)]
pub struct Me {
    /// The user's ID at the identity provider (one ID for every tool).
    pub user_id: ID,
    /// Display name from the registration profile.
    pub name: String,
    /// ISO 3166-1 alpha-2 country the user works in.
    pub country: String,
    /// The tools that exist in the user's country; show only these.
    pub features: Vec<Tool>,
}

/// Query fields about the caller.
#[derive(Default)]
pub struct MeQuery;

#[Object]
impl MeQuery {
    /// The signed-in user. Needs a bearer token.
    async fn me(&self, ctx: &Context<'_>) -> Result<Me> {
        let app = ctx.data::<Arc<App>>()?;
        let profile = ctx.data::<Caller>()?.profile(&app.registration).await?;
        let features = app
            .countries
            .get(&profile.country)
            .map(|c| c.tools.iter().copied().map(Tool::from).collect())
            .unwrap_or_else(|| {
                tracing::warn!(country = %profile.country, "user's country is missing from the country directory");
                Vec::new()
            });
        Ok(Me {
            user_id: ID(profile.user_id.clone()),
            name: profile.name.clone(),
            country: profile.country.clone(),
            features,
        })
    }
}
