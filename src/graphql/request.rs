//! What one request carries into its resolvers, built in one place: the caller, the estimate made
//! before it ran, its backend-call budget, and one lookup batcher per kind of lookup, each sized
//! by the estimate (see `federation::batcher`).
//!
//! The HTTP layer admits the document ([`super::limits::admit`]), identifies the caller, and
//! hands both here; a tool that adds a kind of batched lookup adds its batcher here, and its
//! count to the estimate ([`super::limits::budget`]).

use std::sync::Arc;

use async_graphql::Request;

use super::limits::Estimate;
use crate::app::App;
use crate::auth::Caller;
use crate::federation::billing::{InvoiceBatcher, InvoiceLoader};
use crate::federation::call_budget::CallBudget;
use crate::federation::inventory::{InventoryBatcher, InventoryLoader};
use crate::federation::orders::{ExplainBatcher, OrderBatcher, OrderLoader};

/// `request` with everything its resolvers need for `caller`, within `estimate` and the
/// `max_backend_calls` of the limits it was admitted under; and its budget, to read what the
/// request spent once it has run.
pub fn request_data(
    app: &App,
    request: Request,
    caller: Caller,
    estimate: Estimate,
    max_backend_calls: u32,
) -> (Request, Arc<CallBudget>) {
    let budget = Arc::new(CallBudget::new(max_backend_calls));
    let orders = || OrderLoader::new(app.order_backends.clone(), budget.clone());
    let order_lookups = OrderBatcher::new(orders(), estimate.order_lookups as usize);
    let explanations = ExplainBatcher(OrderBatcher::new(
        orders(),
        estimate.explain_lookups as usize,
    ));
    let item_lookups = InventoryBatcher::new(
        InventoryLoader::new(app.inventory_backends.clone(), budget.clone()),
        estimate.item_lookups as usize,
    );
    let invoice_lookups = InvoiceBatcher::new(
        InvoiceLoader::new(app.billing_backends.clone(), budget.clone()),
        estimate.invoice_lookups as usize,
    );
    let request = request
        .data(caller)
        .data(invoice_lookups)
        .data(order_lookups)
        .data(explanations)
        .data(item_lookups)
        .data(estimate)
        .data(budget.clone());
    (request, budget)
}
