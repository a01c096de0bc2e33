//! `orders` and `order`: Order Status OnLine over every region holding the caller's customer
//! numbers.
//!
//! Arguments are checked before any cache or backend is touched — identifiers by their types
//! (see [`crate::graphql::common::input`]); the caller's scope comes from their registration
//! profile; a region that fails leaves its orders out and adds a `BACKEND_UNAVAILABLE` error with
//! the field's path, so the rest of the answer still arrives.

use std::sync::Arc;
use std::time::Duration;

use async_graphql::{Context, Object, Result};
use supportgraph_adapters::model::{OrderNumber, OrderQuery, Region, UserProfile};

use super::cursor;
use super::filter::{OrderFilter, OrderSearch, OrderSortInput, check_search};
use super::types::{Order, OrderConnection, OrderEdge};
use crate::app::App;
use crate::auth::Caller;
use crate::countries::Tool;
use crate::error::GatewayError;
use crate::federation::call_budget::{CallBudget, is_spent};
use crate::federation::orders::{
    ExplainBatcher, OrderBatcher, OrderLookup, OrderRef, OrderTicket, find_order, list_worldwide,
};
use crate::federation::scope::{ToolScope, refusal};
use crate::graphql::common::connection::{PageInfo, page_size};
use crate::graphql::common::exclusions::excluded_customers;
use crate::graphql::common::failures::{report_failures, unavailable};
use crate::graphql::common::input::identifier;

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
    let scope = ToolScope::for_tool(
        Tool::OrderStatus,
        profile,
        &app.countries.snapshot(),
        requested,
    )?;
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
    /// Your company's orders worldwide, newest first unless sorted otherwise: every region
    /// holding your customer numbers is asked at once and the answers merged, in one order
    /// whatever the sort, so paging never skips or repeats an order. A region that cannot answer
    /// leaves its orders out and adds a `BACKEND_UNAVAILABLE` error; the rest still arrives.
    async fn orders(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which orders to list.")] filter: Option<OrderFilter>,
        #[graphql(desc = "How to sort them (newest first unless given).")] sort: Option<
            OrderSortInput,
        >,
        #[graphql(desc = "Page size, 1 to the configured maximum (100 by default).")] first: Option<
            i32,
        >,
        #[graphql(desc = "Cursor of the order to continue after (`pageInfo.endCursor`).")]
        after: Option<String>,
    ) -> Result<Option<OrderConnection>> {
        let search = check_search(&filter.unwrap_or_default(), sort)?;
        search_orders(ctx, search, first, after).await
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

/// One page of the orders a checked search finds, over every region of the caller's scope:
/// what `orders` and a report's `rows` answer.
pub async fn search_orders(
    ctx: &Context<'_>,
    search: OrderSearch,
    first: Option<i32>,
    after: Option<String>,
) -> Result<Option<OrderConnection>> {
    let app = ctx.data::<Arc<App>>()?;
    ctx.data::<Caller>()?.principal()?;
    let first = page_size(first, app)?;
    let after_key = after
        .as_deref()
        .map(|cursor| cursor::decode_order(cursor, search.sort))
        .transpose()?;

    let scope = order_scope(ctx, app, search.customer_numbers.as_deref()).await?;
    let template = OrderQuery {
        filters: search.filters,
        sort: search.sort,
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
    if page.failures.iter().any(|f| is_spent(&f.error)) {
        return Err(GatewayError::bad_input(
            "first",
            "this request asks the order systems more often than one request may (limits.max_backend_calls): ask for fewer lists at once",
        )
        .into());
    }
    report_failures(ctx, &page.failures);
    if page.failures.len() == scope.by_region.len() {
        return Ok(None);
    }
    let edges: Vec<OrderEdge> = page
        .orders
        .into_iter()
        .map(|order| OrderEdge {
            sort: template.sort,
            node: Order(order),
        })
        .collect();
    Ok(Some(OrderConnection {
        page_info: PageInfo {
            has_next_page: page.has_next_page,
            has_previous_page: after.is_some(),
            start_cursor: edges.first().map(OrderEdge::cursor_text),
            end_cursor: edges.last().map(OrderEdge::cursor_text),
        },
        edges,
        total_count: page.total_count,
        excluded_customers: excluded_customers(scope.excluded),
    }))
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
    let home = ToolScope::region_for(
        Tool::OrderStatus,
        profile,
        &app.countries.snapshot(),
        &customer_number,
    );
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
