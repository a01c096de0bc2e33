//! `orders` and `order`: Order Status OnLine over every region holding the caller's customer
//! numbers.
//!
//! Arguments are checked before any cache or backend is touched — identifiers by their types
//! (see [`super::global_id::identifier`]); the caller's scope comes from their registration
//! profile; a region that fails leaves its orders out and adds a `BACKEND_UNAVAILABLE` error with
//! the field's path, so the rest of the answer still arrives.

use std::sync::Arc;
use std::time::Duration;

use async_graphql::{Context, ErrorExtensions, InputObject, Object, Result};
use supportgraph_adapters::model::{
    CustomerNumber, OrderNumber, OrderQuery, OrderStatus as ModelStatus,
};

use super::cursor;
use super::global_id::{identifier, identifiers};
use super::order::{ExcludedCustomer, Order, OrderConnection, OrderEdge, OrderStatus};
use super::scalars::{Date, PageInfo};
use crate::app::App;
use crate::auth::Caller;
use crate::countries::Tool;
use crate::error::GatewayError;
use crate::federation::call_budget::CallBudget;
use crate::federation::loader::{ExplainBatcher, OrderBatcher, OrderTicket};
use crate::federation::orders::{OrderLookup, RegionFailure, find_order, list_worldwide};
use crate::federation::scope::{ToolScope, refusal};

/// The most values accepted in one list-valued filter.
const MAX_FILTER_VALUES: usize = 50;

/// Which orders to list.
#[derive(InputObject, Default)]
pub struct OrderFilter {
    /// Only orders in one of these statuses.
    pub statuses: Option<Vec<OrderStatus>>,
    /// Only orders of these customer numbers (each must be your company's).
    pub customer_numbers: Option<Vec<String>>,
    /// Only orders placed on or after this day.
    pub ordered_from: Option<Date>,
    /// Only orders placed on or before this day.
    pub ordered_to: Option<Date>,
}

/// Refuses anything that cannot be an order number (see [`OrderNumber`]) before a cache or
/// backend sees it.
pub(super) fn check_order_number(number: &str) -> Result<(), GatewayError> {
    identifier::<OrderNumber>("orderNumber", number).map(drop)
}

/// Query fields of Order Status OnLine.
#[derive(Default)]
pub struct OrdersQuery;

pub(super) fn page_size(first: Option<i32>, app: &App) -> Result<u32, GatewayError> {
    let limits = &app.settings.graphql;
    match first {
        None => Ok(limits.default_page_size),
        Some(n) if n >= 1 && n as u32 <= limits.max_page_size => Ok(n as u32),
        Some(_) => Err(GatewayError::bad_input(
            "first",
            format!("first must be between 1 and {}", limits.max_page_size),
        )),
    }
}

/// Checks the filter; its customer numbers, each checked by its type and trimmed.
fn check_filter(filter: &OrderFilter) -> Result<Option<Vec<String>>, GatewayError> {
    if let (Some(from), Some(to)) = (filter.ordered_from, filter.ordered_to)
        && from.0 > to.0
    {
        return Err(GatewayError::bad_input(
            "filter.orderedFrom",
            "orderedFrom must not be after orderedTo",
        ));
    }
    if filter.customer_numbers.as_ref().is_some_and(Vec::is_empty) {
        return Err(GatewayError::bad_input(
            "filter.customerNumbers",
            "name at least one customer number, or leave the filter out for all of yours",
        ));
    }
    for (field, len) in [
        (
            "filter.statuses",
            filter.statuses.as_ref().map_or(0, Vec::len),
        ),
        (
            "filter.customerNumbers",
            filter.customer_numbers.as_ref().map_or(0, Vec::len),
        ),
    ] {
        if len > MAX_FILTER_VALUES {
            return Err(GatewayError::bad_input(
                field,
                format!("at most {MAX_FILTER_VALUES} values"),
            ));
        }
    }
    let customers = filter
        .customer_numbers
        .as_deref()
        .map(|numbers| identifiers::<CustomerNumber>("filter.customerNumbers", numbers))
        .transpose()?;
    Ok(customers.map(|numbers| numbers.into_iter().map(String::from).collect()))
}

/// The caller's scope for Order Status; refused when nothing is left to query.
async fn order_scope(
    ctx: &Context<'_>,
    app: &App,
    requested: Option<&[String]>,
) -> Result<ToolScope, GatewayError> {
    let caller = ctx
        .data::<Caller>()
        .map_err(|e| GatewayError::internal(e.message))?;
    let profile = caller.profile(&app.profiles).await?;
    let scope = ToolScope::for_tool(Tool::OrderStatus, profile, &app.countries, requested)?;
    if scope.is_empty() {
        return Err(scope.empty_error(Tool::OrderStatus, &profile.country));
    }
    Ok(scope)
}

/// Adds one `BACKEND_UNAVAILABLE` error, with this field's path, per failed region.
pub(super) fn report_failures(ctx: &Context<'_>, failures: &[RegionFailure]) {
    for failure in failures {
        let error = GatewayError::from_adapter(&failure.error, Some(failure.region)).extend();
        ctx.add_error(ctx.set_error_path(error.into_server_error(ctx.item.pos)));
    }
}

#[Object]
impl OrdersQuery {
    /// Your company's orders worldwide, newest first: every region holding your customer numbers
    /// is asked at once and the answers merged. A region that cannot answer leaves its orders out
    /// and adds a `BACKEND_UNAVAILABLE` error; the rest still arrives.
    async fn orders(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which orders to list.")] filter: Option<OrderFilter>,
        #[graphql(desc = "Page size, 1 to the configured maximum (100 by default).")] first: Option<
            i32,
        >,
        #[graphql(desc = "Cursor of the order to continue after (`pageInfo.endCursor`).")]
        after: Option<String>,
    ) -> Result<Option<OrderConnection>> {
        let app = ctx.data::<Arc<App>>()?;
        ctx.data::<Caller>()?.principal()?;
        let first = page_size(first, app)?;
        let after_key = after.as_deref().map(cursor::decode_order).transpose()?;
        if let Some(key) = &after_key {
            // The cursor's order number goes to the backends as `afterKey`: a cursor we issued
            // carries a backend's order number and passes; a forged one is refused here.
            if OrderNumber::check(&key.order_number).is_err() {
                return Err(GatewayError::bad_input(
                    "after",
                    "the cursor is not one this API issued",
                )
                .into());
            }
        }
        let filter = filter.unwrap_or_default();
        let customer_numbers = check_filter(&filter)?;

        let scope = order_scope(ctx, app, customer_numbers.as_deref()).await?;
        let template = OrderQuery {
            statuses: filter
                .statuses
                .unwrap_or_default()
                .into_iter()
                .map(ModelStatus::from)
                .collect(),
            ordered_from: filter.ordered_from.map(|d| d.0),
            ordered_to: filter.ordered_to.map(|d| d.0),
            after: after_key,
            ..OrderQuery::default()
        };
        let ttl = Duration::from_secs(app.settings.cache.orders_ttl_seconds);
        let budget = ctx.data::<Arc<CallBudget>>()?;
        let page = list_worldwide(
            &app.order_backends,
            &app.cache,
            ttl,
            &scope.by_region,
            &template,
            first,
            budget,
        )
        .await;
        report_failures(ctx, &page.failures);
        if page.failures.len() == scope.by_region.len() {
            return Ok(None);
        }
        let edges: Vec<OrderEdge> = page
            .orders
            .into_iter()
            .map(|order| OrderEdge {
                cursor: cursor::encode_order(&order.sort_key()),
                node: Order(order),
            })
            .collect();
        Ok(Some(OrderConnection {
            page_info: PageInfo {
                has_next_page: page.has_next_page,
                has_previous_page: after.is_some(),
                start_cursor: edges.first().map(|e| e.cursor.clone()),
                end_cursor: edges.last().map(|e| e.cursor.clone()),
            },
            edges,
            total_count: page.total_count,
            excluded_customers: scope
                .excluded
                .into_iter()
                .map(|e| ExcludedCustomer {
                    customer_number: e.customer_number,
                    reason: e.reason.into(),
                })
                .collect(),
        }))
    }

    /// One of your company's orders by its order number. `NOT_FOUND` when none of your customer
    /// numbers has such an order (whether or not another company does); `FORBIDDEN`, saying how to
    /// get access, when it belongs to one of your customer numbers you are not authorised for.
    async fn order(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The vendor's order number.")] order_number: String,
    ) -> Result<Option<Order>> {
        // Places in the request's batches first: whatever ends this lookup early gives them up.
        let ticket = ctx.data::<OrderBatcher>()?.ticket();
        let explain_ticket = ctx.data::<ExplainBatcher>()?.0.ticket();
        let app = ctx.data::<Arc<App>>()?;
        ctx.data::<Caller>()?.principal()?;
        let number: OrderNumber = identifier("orderNumber", &order_number)?;
        let number = number.as_str();
        let scope = order_scope(ctx, app, None).await?;
        match find_order(ticket, &scope.by_region, number).await {
            OrderLookup::Found(order) => Ok(Some(Order(*order))),
            OrderLookup::NotFound => Err(explain_not_found(explain_ticket, &scope, number)
                .await
                .into()),
            OrderLookup::Unavailable(failures) => Err(unavailable(ctx, &failures)),
        }
    }
}

/// An order not found among the authorised customer numbers may belong to one of the caller's
/// own customer numbers they are not authorised for; then say so, and how to get access. The
/// order itself is never returned.
async fn explain_not_found(ticket: OrderTicket, scope: &ToolScope, number: &str) -> GatewayError {
    let unauthorized = scope.unauthorized_by_region();
    if unauthorized.is_empty() {
        return GatewayError::NotFound;
    }
    match find_order(ticket, &unauthorized, number).await {
        OrderLookup::Found(order) => match scope.exclusion_of(&order.customer_number) {
            Some(reason) => refusal(Tool::OrderStatus, &order.customer_number, reason),
            None => GatewayError::NotFound,
        },
        OrderLookup::NotFound | OrderLookup::Unavailable(_) => GatewayError::NotFound,
    }
}

/// The error of a lookup that no region answered: the first failure as the field's error, the
/// others added beside it.
pub(super) fn unavailable(ctx: &Context<'_>, failures: &[RegionFailure]) -> async_graphql::Error {
    let Some((first, rest)) = failures.split_first() else {
        return GatewayError::internal("a lookup reported unavailable without a failure").into();
    };
    report_failures(ctx, rest);
    GatewayError::from_adapter(&first.error, Some(first.region)).into()
}
