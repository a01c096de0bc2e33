//! The scope of a tool served by one instance for every region (the support system, the
//! contracts system): a flat list of the caller's customer numbers authorised for the tool in
//! countries where it exists. Every call to such a system names them, so anything of another
//! customer number is simply not found.

use std::sync::Arc;

use async_graphql::Context;

use crate::app::App;
use crate::auth::Caller;
use crate::countries::Tool;
use crate::error::GatewayError;
use crate::federation::scope::{Exclusion, ToolScope};

/// The customer numbers a caller may use with one tool.
pub struct FlatScope {
    /// The customer numbers to ask the system about.
    pub customers: Vec<String>,
    /// The caller's company's customer numbers left out, and why.
    pub excluded: Vec<Exclusion>,
}

/// The caller's scope for `tool` (narrowed to `requested` when given: a requested number out of
/// scope is refused with the reason); refused when nothing is left.
pub async fn flat_scope(
    ctx: &Context<'_>,
    tool: Tool,
    requested: Option<&[String]>,
) -> Result<FlatScope, GatewayError> {
    let app = ctx
        .data::<Arc<App>>()
        .map_err(|e| GatewayError::internal(e.message))?;
    let caller = ctx
        .data::<Caller>()
        .map_err(|e| GatewayError::internal(e.message))?;
    let profile = caller.profile(&app.profiles).await?;
    let scope = ToolScope::for_tool(tool, profile, &app.countries.snapshot(), requested)?;
    if scope.is_empty() {
        return Err(scope.empty_error(tool, &profile.country));
    }
    Ok(FlatScope {
        customers: scope.by_region.into_values().flatten().collect(),
        excluded: scope.excluded,
    })
}
