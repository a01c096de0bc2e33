//! The order-status simulator: deterministic orders for every demo customer number of one region,
//! served with the same contract as the real instances.

use std::collections::HashSet;
use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use chrono::NaiveDate;
use serde::Deserialize;

use super::wire::{
    MAX_LIMIT, WireOrder, WireOrderBatch, WireOrderList, WireStatus, parse_after_key,
};
use crate::model::{OrderSortKey, Region};
use crate::ports::LOOKUP_BATCH;
use crate::sandbox::SeededRng;
use crate::sandbox::demo;
use crate::sandbox::respond::split;

mod orders;

fn key_of(order: &WireOrder) -> OrderSortKey {
    OrderSortKey {
        order_date: order.order_date,
        order_number: order.order_no.clone(),
    }
}

/// Every demo order held by `region`'s instance, in listing order.
pub fn generate(seed: u64, region: Region) -> Vec<WireOrder> {
    let mut orders: Vec<WireOrder> = demo::accounts()
        .iter()
        .filter(|a| demo::region_of(a.country) == Some(region))
        .flat_map(|account| {
            let mut rng = SeededRng::new(seed, account.customer_number);
            (1..=account.orders)
                .map(|seq| orders::make_order(&mut rng, account, region, seq))
                .collect::<Vec<_>>()
        })
        .collect();
    orders.sort_by_key(key_of);
    orders
}

/// The instance's routes, serving `region`'s demo orders.
pub fn router(seed: u64, region: Region) -> Router {
    let orders = Arc::new(generate(seed, region));
    Router::new()
        .route("/v1/orders", get(list_orders))
        .route("/v1/orders/batch", get(orders_by_number))
        .with_state(orders)
}

fn bad_request(message: String) -> Response {
    let body = Json(serde_json::json!({ "error": "BAD_REQUEST", "message": message }));
    (StatusCode::BAD_REQUEST, body).into_response()
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ListParams {
    customers: String,
    limit: u32,
    after_key: Option<String>,
    status: Option<String>,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
}

async fn list_orders(
    State(orders): State<Arc<Vec<WireOrder>>>,
    params: Result<Query<ListParams>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let Ok(Query(params)) = params else {
        return bad_request("customers and limit are required; dates are YYYY-MM-DD".into());
    };
    let customers: HashSet<&str> = split(&params.customers).collect();
    if customers.is_empty() {
        return bad_request("customers must name at least one customer number".into());
    }
    if params.limit == 0 || params.limit > MAX_LIMIT {
        return bad_request(format!("limit must be between 1 and {MAX_LIMIT}"));
    }
    let after = match params.after_key.as_deref().map(parse_after_key) {
        Some(None) => return bad_request("afterKey must be YYYY-MM-DD~ORDERNO".into()),
        Some(Some(key)) => Some(key),
        None => None,
    };
    let mut statuses = Vec::new();
    for code in split(params.status.as_deref().unwrap_or("")) {
        match WireStatus::from_code(code) {
            Some(s) => statuses.push(s),
            None => return bad_request(format!("unknown status code {code}")),
        }
    }
    let matching: Vec<&WireOrder> = orders
        .iter()
        .filter(|o| customers.contains(o.cust_no.as_str()))
        .filter(|o| statuses.is_empty() || statuses.contains(&o.status_code))
        .filter(|o| params.from.is_none_or(|from| o.order_date >= from))
        .filter(|o| params.to.is_none_or(|to| o.order_date <= to))
        .collect();
    let page = matching
        .iter()
        .filter(|o| after.as_ref().is_none_or(|after| key_of(o) > *after))
        .take(params.limit as usize)
        .map(|o| (*o).clone())
        .collect();
    Json(WireOrderList {
        orders: page,
        total_count: matching.len() as u64,
    })
    .into_response()
}

#[derive(Debug, Deserialize)]
struct BatchParams {
    ids: String,
}

async fn orders_by_number(
    State(orders): State<Arc<Vec<WireOrder>>>,
    params: Result<Query<BatchParams>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let Ok(Query(params)) = params else {
        return bad_request("ids is required".into());
    };
    let ids: HashSet<&str> = split(&params.ids).collect();
    if ids.is_empty() || ids.len() > LOOKUP_BATCH {
        return bad_request(format!("ids must name 1 to {LOOKUP_BATCH} order numbers"));
    }
    let found = orders
        .iter()
        .filter(|o| ids.contains(o.order_no.as_str()))
        .cloned()
        .collect();
    Json(WireOrderBatch { orders: found }).into_response()
}
