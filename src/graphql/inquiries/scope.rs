//! Which inquiries a caller may touch: those of the customer numbers they are authorised for
//! with Inquiries, in countries where the tool exists. The support system is one instance for
//! every region, so the scope is a flat list of customer numbers; every call to it names them,
//! and an inquiry of any other customer number is simply not found.

use async_graphql::Context;
use supportgraph_adapters::model;

use crate::app::App;
use crate::countries::Tool;
use crate::error::GatewayError;
use crate::federation::call_budget::CallBudget;
use crate::graphql::common::single_instance::{FlatScope, flat_scope};

/// The caller's scope for Inquiries (see [`flat_scope`]).
pub async fn inquiry_scope(
    ctx: &Context<'_>,
    requested: Option<&[String]>,
) -> Result<FlatScope, GatewayError> {
    flat_scope(ctx, Tool::Inquiries, requested).await
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
