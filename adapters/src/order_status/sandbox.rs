//! The order-status simulator: deterministic orders for every demo customer number of one region,
//! served with the same contract as the real instances.
//!
//! The orders start as the seed makes them and then live: `POST admin/orders/{orderNo}/advance`
//! (for demos and tests) moves one a step along its life, which the change feed reports and its
//! watchers are e-mailed about through the sandbox's [`Outbox`] (see `live`). So the records sit
//! behind a lock, read by the listings and written by an advance.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Json, Router};
use serde::Deserialize;
use utoipa::{IntoParams, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::search_params::from_params;
use super::wire::{MAX_LIMIT, WireOrder, WireOrderBatch, WireOrderList};
use crate::model::{Order, Region};
use crate::ports::LOOKUP_BATCH;
use crate::sandbox::demo;
use crate::sandbox::openapi::{Refusal, SANDBOX_TAG_DESCRIPTION};
use crate::sandbox::respond::split;
use crate::sandbox::{Outbox, SeededRng};

mod live;
mod orders;

/// Every demo order held by `region`'s instance, newest first.
pub fn generate(seed: u64, region: Region) -> Vec<WireOrder> {
    generate_with_extra(seed, region, 0)
}

/// The demo orders plus `extra` more for [`demo::LARGE_US_CUSTOMER`] (see
/// [`SandboxConfig::extra_orders`](crate::sandbox::SandboxConfig::extra_orders)), newest first.
pub fn generate_with_extra(seed: u64, region: Region, extra: u32) -> Vec<WireOrder> {
    let mut orders: Vec<WireOrder> = demo::accounts()
        .iter()
        .filter(|a| demo::region_of(a.country) == Some(region))
        .flat_map(|account| {
            let mut rng = SeededRng::new(seed, account.customer_number);
            let count = if account.customer_number == demo::LARGE_US_CUSTOMER {
                account.orders.saturating_add(extra)
            } else {
                account.orders
            };
            (1..=count)
                .map(|seq| orders::make_order(&mut rng, account, region, seq))
                .collect::<Vec<_>>()
        })
        .collect();
    orders.sort_by(|a, b| {
        b.order_date
            .cmp(&a.order_date)
            .then_with(|| b.order_no.cmp(&a.order_no))
    });
    orders
}

/// One instance's orders, on the wire and in the model (which the search reads), with what the
/// live half keeps: the change feed and the watchers.
struct Book {
    records: Vec<(WireOrder, Order)>,
    /// Positions in `records` by order number.
    index: HashMap<String, usize>,
    live: live::LiveState,
}

/// One running instance: its region, its book, and the outbox its watchers' e-mail goes to.
struct Instance {
    region: Region,
    seed: u64,
    book: RwLock<Book>,
    outbox: Arc<Outbox>,
}

impl Instance {
    /// The book, for reading. A handler never panics holding the lock, so a poisoned lock still
    /// holds consistent records.
    fn read(&self) -> RwLockReadGuard<'_, Book> {
        self.book.read().unwrap_or_else(PoisonError::into_inner)
    }

    /// The book, for a change.
    fn write(&self) -> RwLockWriteGuard<'_, Book> {
        self.book.write().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The instance's routes, serving `region`'s demo orders (with `extra_orders`, see
/// [`generate_with_extra`]); watchers' e-mail goes to `outbox`.
pub fn router(seed: u64, region: Region, extra_orders: u32, outbox: Arc<Outbox>) -> Router {
    let (routes, _) = routes().split_for_parts();
    routes.with_state(Arc::new(instance(seed, region, extra_orders, outbox)))
}

/// The contract every order-status instance offers (see [`crate::sandbox::openapi`]).
pub fn openapi() -> utoipa::openapi::OpenApi {
    routes().into_openapi()
}

/// What the contract says of itself.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Order status",
        description = "What a regional order-status system must offer to be federated: its \
            customers' orders (lines, shipments, status history) listed by customer number with \
            filters, sorts and keyset pages, looked up in batches, a feed of status changes, and \
            watchers e-mailed when an order moves. One instance per region (Americas, EMEA, \
            Asia-Pacific), each at the base URL set in `[backends.order_status]`; paths are \
            relative to it. Refusals are `{\"error\": CODE}`."
    ),
    tags(
        (name = "orders", description = "The orders of one region's customers."),
        (name = "sandbox", description = SANDBOX_TAG_DESCRIPTION)
    )
)]
struct ApiDoc;

/// Every route with its description: the served router and the contract come from this one list.
fn routes() -> OpenApiRouter<Arc<Instance>> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(list_orders))
        .routes(routes!(orders_by_number))
        .routes(routes!(live::changes))
        .routes(routes!(live::watch))
        .routes(routes!(live::advance))
}

/// `region`'s instance as the seed makes it, before anything moved.
fn instance(seed: u64, region: Region, extra_orders: u32, outbox: Arc<Outbox>) -> Instance {
    let records: Vec<(WireOrder, Order)> = generate_with_extra(seed, region, extra_orders)
        .into_iter()
        .filter_map(|wire| {
            let model = wire.clone().into_model(region).ok()?;
            Some((wire, model))
        })
        .collect();
    let index = records
        .iter()
        .enumerate()
        .map(|(at, (wire, _))| (wire.order_no.clone(), at))
        .collect();
    Instance {
        region,
        seed,
        book: RwLock::new(Book {
            records,
            index,
            live: live::LiveState::default(),
        }),
        outbox,
    }
}

fn bad_request(message: String) -> Response {
    let body = Json(serde_json::json!({ "error": "BAD_REQUEST", "message": message }));
    (StatusCode::BAD_REQUEST, body).into_response()
}

/// Lists customers' orders, one keyset page at a time.
#[utoipa::path(
    get,
    path = "/v1/orders",
    operation_id = "listOrders",
    tag = "orders",
    params(
        ("customers" = String, Query, description = "Comma-separated customer numbers (at least one)."),
        ("limit" = u32, Query, description = "Orders per page, 1 to 500.", minimum = 1, maximum = 500),
        ("status" = Option<String>, Query, description = "Comma-separated status codes (`RCV`, `INP`, `BKO`, `PSH`, `SHP`, `DLV`, `CAN`)."),
        ("from" = Option<String>, Query, format = Date, description = "Ordered on or after, `YYYY-MM-DD`."),
        ("to" = Option<String>, Query, format = Date, description = "Ordered on or before, `YYYY-MM-DD`."),
        ("shippedFrom" = Option<String>, Query, format = Date, description = "First shipment on or after, `YYYY-MM-DD`."),
        ("shippedTo" = Option<String>, Query, format = Date, description = "First shipment on or before, `YYYY-MM-DD`."),
        ("country" = Option<String>, Query, description = "Comma-separated ISO countries of the customer numbers."),
        ("productType" = Option<String>, Query, description = "`HW` or `SW`. The product filters (`productType`, `machineType`, `model`, `description`) match when one line meets them all."),
        ("machineType" = Option<String>, Query, description = "Machine type: the part number before its `-`, any case."),
        ("model" = Option<String>, Query, description = "Model: the part number after its `-`, any case."),
        ("description" = Option<String>, Query, description = "Text the line's description contains."),
        ("po" = Option<String>, Query, description = "Purchase-order reference, whole, any case."),
        ("q" = Option<String>, Query, description = "Text the order number, the purchase-order reference or a line's description contains."),
        ("delayed" = Option<bool>, Query, description = "With `asOf`: `true` for orders late on that day (expected delivery passed, neither delivered nor cancelled), `false` for the others."),
        ("asOf" = Option<String>, Query, format = Date, description = "The day `delayed` is judged on, `YYYY-MM-DD`."),
        ("sort" = Option<String>, Query, description = "`orderDate` (default), `shipDate` (first shipment), `status` (in life order: received first, cancelled last) or `total`; ties by order number."),
        ("direction" = Option<String>, Query, description = "`desc` (default) or `asc`."),
        ("afterKey" = Option<String>, Query, description = "The keyset position to continue after: `VALUE~ORDERNO`, where VALUE is the last order's value in the sorted field (a date `YYYY-MM-DD` or `-` for not shipped, a status code, or a total's decimal amount).")
    ),
    responses(
        (status = 200, description = "One page of orders, sorted, with the number of matches.", body = WireOrderList),
        (status = 400, description = "`BAD_REQUEST` with a `message`: no customer number, a limit out of range, or a parameter that does not parse.", body = Refusal)
    )
)]
async fn list_orders(
    State(instance): State<Arc<Instance>>,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    let query = match from_params(&params) {
        Ok(query) => query,
        Err(message) => return bad_request(message),
    };
    if query.customer_numbers.is_empty() {
        return bad_request("customers must name at least one customer number".into());
    }
    if query.limit == 0 || query.limit > MAX_LIMIT {
        return bad_request(format!("limit must be between 1 and {MAX_LIMIT}"));
    }
    let customers: HashSet<&str> = query.customer_numbers.iter().map(String::as_str).collect();
    let book = instance.read();
    let mut matching: Vec<(crate::model::OrderSortKey, &WireOrder)> = book
        .records
        .iter()
        .filter(|(_, o)| customers.contains(o.customer_number.as_str()))
        .filter(|(_, o)| query.filters.matches(o))
        .map(|(wire, o)| (o.sort_key(query.sort), wire))
        .collect();
    matching.sort_by(|a, b| a.0.cmp(&b.0));
    let total_count = matching.len() as u64;
    let page = matching
        .into_iter()
        .filter(|(key, _)| query.after.as_ref().is_none_or(|after| key > after))
        .take(query.limit as usize)
        .map(|(_, wire)| wire.clone())
        .collect();
    Json(WireOrderList {
        orders: page,
        total_count,
    })
    .into_response()
}

/// The query of a batch lookup.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct BatchParams {
    /// Comma-separated order numbers, 1 to 100.
    ids: String,
}

/// Looks up orders by number, in listing order (newest first); unknown numbers are left out.
#[utoipa::path(
    get,
    path = "/v1/orders/batch",
    operation_id = "ordersByNumber",
    tag = "orders",
    params(BatchParams),
    responses(
        (status = 200, description = "The orders found.", body = WireOrderBatch),
        (status = 400, description = "`BAD_REQUEST` with a `message`: no `ids`, or more than 100.", body = Refusal)
    )
)]
async fn orders_by_number(
    State(instance): State<Arc<Instance>>,
    params: Result<Query<BatchParams>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let Ok(Query(params)) = params else {
        return bad_request("ids is required".into());
    };
    let ids: HashSet<&str> = split(&params.ids).collect();
    if ids.is_empty() || ids.len() > LOOKUP_BATCH {
        return bad_request(format!("ids must name 1 to {LOOKUP_BATCH} order numbers"));
    }
    let book = instance.read();
    // In listing order (newest first), as the batch always answered.
    let mut positions: Vec<usize> = ids
        .iter()
        .filter_map(|id| book.index.get(*id).copied())
        .collect();
    positions.sort_unstable();
    let found = positions
        .into_iter()
        .filter_map(|at| book.records.get(at))
        .map(|(o, _)| o.clone())
        .collect();
    Json(WireOrderBatch { orders: found }).into_response()
}
