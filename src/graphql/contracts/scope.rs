//! Which contracts a caller may touch: those of the customer numbers they are authorised for
//! with Contracts, in countries where Contracts OnLine exists. The contracts system is one instance for
//! every region, so the scope is a flat list of customer numbers; every call to it names them,
//! and a contract of any other customer number is simply not found.

use async_graphql::Context;
use supportgraph_adapters::model;

use crate::app::App;
use crate::countries::Tool;
use crate::error::GatewayError;
use crate::federation::call_budget::CallBudget;
use crate::graphql::common::single_instance::{FlatScope, flat_scope};

/// The caller's scope for Contracts (see [`flat_scope`]).
pub async fn contract_scope(
    ctx: &Context<'_>,
    requested: Option<&[String]>,
) -> Result<FlatScope, GatewayError> {
    flat_scope(ctx, Tool::Contracts, requested).await
}

/// The contract `contract_number` among `customers`' (one call, paid from `budget`); `None`
/// when none of them has it.
pub async fn find_contract(
    app: &App,
    budget: &CallBudget,
    customers: &[String],
    contract_number: &str,
) -> Result<Option<model::Contract>, GatewayError> {
    let contracts = &app.contracts;
    let found = budget
        .spend(
            contracts.instance(),
            contracts.contracts_by_number(customers, &[contract_number.to_owned()]),
        )
        .await
        .map_err(|e| GatewayError::from_adapter(&e, None))?;
    Ok(found
        .into_iter()
        .find(|c| c.contract_number == contract_number && customers.contains(&c.customer_number)))
}
