//! Signed links handed out by fields (`Invoice.imageUrl`, `InquiryAttachment.downloadUrl`, the
//! export links): one way to sign a path for the caller and make it absolute, so every link
//! points at the same origin and lives as long as `links.lifetime_seconds` says.

use std::sync::Arc;

use async_graphql::{Context, Result};
use chrono::{DateTime, Utc};

use crate::app::App;
use crate::auth::Caller;
use crate::error::GatewayError;
use crate::graphql::orders::RequestOrigin;

/// A link signed for the caller.
pub struct SignedUrl {
    /// The absolute URL.
    pub url: String,
    /// When it stops working.
    pub expires_at: DateTime<Utc>,
}

/// `path` with `params`, signed for the caller: on `links.public_base_url` when one is
/// configured, else on the origin the request came to.
pub fn signed_url(ctx: &Context<'_>, path: &str, params: &[(&str, &str)]) -> Result<SignedUrl> {
    let app = ctx.data::<Arc<App>>()?;
    let user_id = &ctx.data::<Caller>()?.principal()?.user_id;
    let link = app
        .links
        .sign(path, params, user_id, Utc::now())
        .map_err(GatewayError::internal)?;
    let origin = match app.links.public_base_url() {
        Some(base) => base.as_str().trim_end_matches('/').to_owned(),
        None => ctx
            .data_opt::<RequestOrigin>()
            .map(|o| o.0.clone())
            .unwrap_or_default(),
    };
    Ok(SignedUrl {
        url: format!("{origin}{}", link.path_and_query),
        expires_at: link.expires_at,
    })
}
