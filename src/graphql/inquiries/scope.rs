//! Which inquiries a caller may touch: those of the customer numbers they are authorised for
//! with Inquiries, in countries where the tool exists. The support system is one instance for
//! every region, so the scope is a flat list of customer numbers; every call to it names them,
//! and an inquiry of any other customer number is simply not found.

use std::sync::Arc;

use async_graphql::Context;
use supportgraph_adapters::model;

use crate::app::App;
use crate::auth::Caller;
use crate::countries::Tool;
use crate::error::GatewayError;
use crate::federation::call_budget::CallBudget;
use crate::federation::scope::{Exclusion, ToolScope};

/// The customer numbers a caller may use with Inquiries.
pub struct InquiryScope {
    /// The customer numbers to ask the support system about.
    pub customers: Vec<String>,
    /// The caller's company's customer numbers left out, and why.
    pub excluded: Vec<Exclusion>,
}

/// The caller's scope (narrowed to `requested` when given: a requested number out of scope is
/// refused with the reason); refused when nothing is left.
pub async fn inquiry_scope(
    ctx: &Context<'_>,
    requested: Option<&[String]>,
) -> Result<InquiryScope, GatewayError> {
    let app = ctx
        .data::<Arc<App>>()
        .map_err(|e| GatewayError::internal(e.message))?;
    let caller = ctx
        .data::<Caller>()
        .map_err(|e| GatewayError::internal(e.message))?;
    let profile = caller.profile(&app.profiles).await?;
    let scope = ToolScope::for_tool(Tool::Inquiries, profile, &app.countries, requested)?;
    if scope.is_empty() {
        return Err(scope.empty_error(Tool::Inquiries, &profile.country));
    }
    Ok(InquiryScope {
        customers: scope.by_region.into_values().flatten().collect(),
        excluded: scope.excluded,
    })
}

/// The inquiry `tracking_number` among `customers`' (one call, paid from `budget`); `None` when
/// none of them has it.
pub async fn find_inquiry(
    app: &App,
    budget: &CallBudget,
    customers: &[String],
    tracking_number: &str,
) -> Result<Option<model::Inquiry>, GatewayError> {
    let support = &app.support;
    let found = budget
        .spend(
            support.instance(),
            support.inquiries_by_number(customers, &[tracking_number.to_owned()]),
        )
        .await
        .map_err(|e| GatewayError::from_adapter(&e, None))?;
    Ok(found
        .into_iter()
        .find(|i| i.tracking_number == tracking_number && customers.contains(&i.customer_number)))
}
