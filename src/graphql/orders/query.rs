//! `orders` and `order`: Order Status OnLine over every region holding the caller's customer
//! numbers.
//!
//! Arguments are checked before any cache or backend is touched — identifiers by their types
//! (see [`crate::graphql::common::input`]); the caller's scope comes from their registration
//! profile; a region that fails leaves its orders out and adds a `BACKEND_UNAVAILABLE` error with
//! the field's path, so the rest of the answer still arrives.

use std::sync::Arc;
use std::time::Duration;

use async_graphql::{Context, InputObject, Object, Result};
use supportgraph_adapters::model::{
    OrderNumber, OrderQuery, OrderStatus as ModelStatus, Region, UserProfile,
};

use super::cursor;
use super::types::{Order, OrderConnection, OrderEdge, OrderStatus};
use crate::app::App;
use crate::auth::Caller;
use crate::countries::Tool;
use crate::error::GatewayError;
use crate::federation::call_budget::CallBudget;
use crate::federation::orders::{
    ExplainBatcher, OrderBatcher, OrderLookup, OrderRef, OrderTicket, find_order, list_worldwide,
};
use crate::federation::scope::{ToolScope, refusal};
use crate::graphql::common::connection::{PageInfo, page_size};
use crate::graphql::common::exclusions::excluded_customers;
use crate::graphql::common::failures::{report_failures, unavailable};
use crate::graphql::common::input::{customer_filter, customer_filter_not_empty, identifier};
use crate::graphql::common::scalars::Date;

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
    customer_filter_not_empty(filter.customer_numbers.as_ref())?;
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
    customer_filter(filter.customer_numbers.as_deref())
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

/// Query fields of Order Status OnLine.
#[derive(Default)]
pub struct OrdersQuery;

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
            page_info: PageInfo::of(&edges, |e| &e.cursor, page.has_next_page, after.is_some()),
            edges,
            total_count: page.total_count,
            excluded_customers: excluded_customers(scope.excluded),
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

/// The order a global ID names, fetched again through the request's batch: `NOT_FOUND` unless
/// the caller may still use Order Status on its customer number, in the region the ID says.
pub async fn order_by_id(
    ticket: OrderTicket,
    app: &App,
    profile: &UserProfile,
    region: Region,
    customer_number: String,
    order_number: String,
) -> Result<Order, GatewayError> {
    let home = ToolScope::region_for(Tool::OrderStatus, profile, &app.countries, &customer_number);
    if home != Some(region) {
        return Err(GatewayError::NotFound);
    }
    let key = OrderRef {
        region,
        customers: vec![customer_number].into(),
        order_number,
    };
    match ticket.load_one(key).await {
        Some(Ok(order)) => Ok(Order(order)),
        Some(Err(error)) => Err(GatewayError::from_adapter(&error, Some(region))),
        None => Err(GatewayError::NotFound),
    }
}
