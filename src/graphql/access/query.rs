//! `me`: the signed-in user, read from their registration profile.

use std::sync::Arc;

use async_graphql::{Context, Object, Result};

use super::types::Me;
use crate::app::App;
use crate::auth::Caller;

/// Query fields about the caller.
#[derive(Default)]
pub struct MeQuery;

#[Object]
impl MeQuery {
    /// The signed-in user. Needs a bearer token.
    async fn me(&self, ctx: &Context<'_>) -> Result<Option<Me>> {
        let app = ctx.data::<Arc<App>>()?;
        let profile = ctx.data::<Caller>()?.profile(&app.profiles).await?;
        Ok(Some(Me::new(profile.clone())))
    }
}
