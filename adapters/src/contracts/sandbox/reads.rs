//! The reads of the contract: the search (the model's filter, order and keyset, so the adapter's
//! checks of an answer hold by construction), the batch lookup, the change feed (the rules of
//! the order-status and support feeds) and each version's document.

use std::cmp::Ordering;
use std::collections::HashSet;
use std::sync::Arc;

use axum::Json;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::{IntoParams, ToSchema};

use super::pdf::contract_pdf;
use super::{Instance, bad_request};
use crate::model::{
    Contract, ContractFeed, ContractPage, ContractQuery, ContractSortKey, CustomerNumber,
    MAX_CONTRACT_PAGE, MAX_FEED_CHANGES,
};
use crate::ports::LOOKUP_BATCH;
use crate::sandbox::openapi::{Pdf, Refusal};
use crate::sandbox::respond::{refuse_json, split};

/// The longest search text, in characters.
const MAX_SEARCH_TEXT: usize = 200;

fn bad_query(message: &str) -> Response {
    let body = Json(json!({ "error": "BAD_REQUEST", "message": message }));
    (StatusCode::BAD_REQUEST, body).into_response()
}

/// What is wrong with `query`, if anything.
fn broken_query(query: &ContractQuery) -> Option<&'static str> {
    if query.customer_numbers.is_empty() {
        return Some("customer_numbers must name at least one customer number");
    }
    if query
        .customer_numbers
        .iter()
        .any(|c| CustomerNumber::check(c).is_err())
    {
        return Some("every customer number is 7 digits");
    }
    if query.limit == 0 || query.limit > MAX_CONTRACT_PAGE {
        return Some("limit must be between 1 and MAX_CONTRACT_PAGE (50)");
    }
    if query.after.as_ref().is_some_and(|a| a.sort != query.sort) {
        return Some("after must be a position of the query's sort");
    }
    let bad_text = query.filter.text.as_deref().is_some_and(|text| {
        text.trim().is_empty()
            || text.chars().count() > MAX_SEARCH_TEXT
            || text.chars().any(char::is_control)
    });
    bad_text.then_some("text must be 1 to 200 characters, not blank, no control characters")
}

/// The contracts of `query`'s customer numbers matching its filter, in its order: the whole
/// listing, every page together.
pub(super) fn listing<'a>(contracts: &'a [Contract], query: &ContractQuery) -> Vec<&'a Contract> {
    let customers: HashSet<&str> = query.customer_numbers.iter().map(String::as_str).collect();
    let mut matching: Vec<(ContractSortKey, &Contract)> = contracts
        .iter()
        .filter(|c| customers.contains(c.customer_number.as_str()))
        .filter(|c| query.filter.matches(c))
        .map(|c| (ContractSortKey::of(c, query.sort), c))
        .collect();
    matching.sort_by(|a, b| a.0.listing_cmp(&b.0));
    matching.into_iter().map(|(_, c)| c).collect()
}

/// Searches contracts of customer numbers, one keyset page at a time.
///
/// A read, though a POST (the query is a body): safe to retry. Ties of every order are broken
/// by contract number.
#[utoipa::path(
    post,
    path = "/v1/contracts/search",
    operation_id = "searchContracts",
    tag = "contracts",
    request_body(content = ContractQuery, description = "The query: at least one customer number (7 digits each), a limit of 1 to 50, `after` a position of the same sort, a search text of 1 to 200 characters (not blank, no control characters)."),
    responses(
        (status = 200, description = "One page, in the query's order, with the number of matches.", body = ContractPage),
        (status = 400, description = "`BAD_REQUEST` with a `message`: a query that does not parse or breaks a rule.", body = Refusal)
    )
)]
pub(super) async fn search(
    State(instance): State<Arc<Instance>>,
    body: Result<Json<ContractQuery>, JsonRejection>,
) -> Response {
    let Ok(Json(query)) = body else {
        return bad_query("the body must be a ContractQuery");
    };
    if let Some(message) = broken_query(&query) {
        return bad_query(message);
    }
    let store = instance.read();
    let all = listing(&store.contracts, &query);
    let total_count = all.len() as u64;
    let contracts = all
        .into_iter()
        .filter(|c| {
            query.after.as_ref().is_none_or(|after| {
                ContractSortKey::of(c, query.sort).listing_cmp(after) == Ordering::Greater
            })
        })
        .take(query.limit as usize)
        .cloned()
        .collect();
    Json(ContractPage {
        contracts,
        total_count,
    })
    .into_response()
}

/// The query of a batch lookup.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct BatchParams {
    /// Comma-separated customer numbers: contracts of others are left out.
    customers: String,
    /// Comma-separated contract numbers, 1 to 100; unknown ones are left out.
    ids: String,
}

/// The answer to a batch lookup.
#[derive(Serialize, ToSchema)]
pub(super) struct ContractBatch<'a> {
    /// The contracts found, by contract number.
    #[schema(value_type = Vec<Contract>)]
    contracts: Vec<&'a Contract>,
}

/// Looks up contracts by number, among customer numbers.
#[utoipa::path(
    get,
    path = "/v1/contracts/batch",
    operation_id = "contractsByNumber",
    tag = "contracts",
    params(BatchParams),
    responses(
        (status = 200, description = "The contracts found, by contract number.", body = ContractBatch),
        (status = 400, description = "`BAD_REQUEST` with a `message`: no customer number, or not 1 to 100 contract numbers.", body = Refusal)
    )
)]
pub(super) async fn batch(
    State(instance): State<Arc<Instance>>,
    params: Result<Query<BatchParams>, QueryRejection>,
) -> Response {
    let Ok(Query(params)) = params else {
        return bad_query("customers and ids are both needed");
    };
    let customers: HashSet<&str> = split(&params.customers).collect();
    let ids: HashSet<&str> = split(&params.ids).collect();
    if customers.is_empty() || ids.is_empty() || ids.len() > LOOKUP_BATCH {
        return bad_query("customers must name a customer number, ids 1 to LOOKUP_BATCH numbers");
    }
    let store = instance.read();
    let mut positions: Vec<usize> = ids.iter().filter_map(|id| store.find(id, None)).collect();
    positions.sort_unstable();
    let contracts: Vec<&Contract> = positions
        .into_iter()
        .filter_map(|at| store.contracts.get(at))
        .filter(|c| customers.contains(c.customer_number.as_str()))
        .collect();
    Json(ContractBatch { contracts }).into_response()
}

/// The query of a feed call.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct FeedParams {
    /// The position read up to (the last answer's `next`); without it, no changes and the
    /// current position. A position the system never reached (it started again) answers the
    /// same.
    since: Option<u64>,
    /// The most changes to answer, 1 to 500 (default 500).
    #[param(minimum = 1, maximum = 500)]
    limit: Option<u32>,
}

/// What changed after a position, oldest first, every customer number's.
///
/// At most `limit` changes (500 by default and at most); `more` when changes after `next` are
/// waiting.
#[utoipa::path(
    get,
    path = "/v1/contracts/changes",
    operation_id = "contractChanges",
    tag = "contracts",
    params(FeedParams),
    responses(
        (status = 200, description = "The changes after `since`, the position to ask from next, and whether more wait.", body = ContractFeed),
        (status = 400, description = "`BAD_REQUEST`: a parameter that does not parse, or a limit out of range.", body = Refusal)
    )
)]
pub(super) async fn changes(
    State(instance): State<Arc<Instance>>,
    params: Result<Query<FeedParams>, QueryRejection>,
) -> Response {
    let Ok(Query(params)) = params else {
        return bad_request();
    };
    let limit = params.limit.unwrap_or(MAX_FEED_CHANGES);
    if limit == 0 || limit > MAX_FEED_CHANGES {
        return bad_request();
    }
    let store = instance.read();
    let feed = match params.since {
        // From now, or from a position this system never reached (it started again).
        Some(since) if since <= store.last_seq => {
            let changes: Vec<_> = store
                .changes
                .iter()
                .filter(|c| c.seq > since)
                .take(limit as usize)
                .cloned()
                .collect();
            let next = changes.last().map_or(since, |c| c.seq);
            ContractFeed {
                changes,
                next,
                more: next < store.last_seq,
            }
        }
        _ => ContractFeed {
            changes: Vec::new(),
            next: store.last_seq,
            more: false,
        },
    };
    Json(feed).into_response()
}

/// A version's document (PDF), whose SHA-256 is the version's `document_sha256`.
///
/// The simulator writes it again from the contract: the same bytes as when the version was
/// issued.
#[utoipa::path(
    get,
    path = "/v1/customers/{cust_no}/contracts/{contract_no}/versions/{version}/document",
    operation_id = "contractDocument",
    tag = "contracts",
    params(("cust_no" = String, Path, description = "The customer number the gateway authorised."), ("contract_no" = String, Path, description = "The contract number."), ("version" = u32, Path, description = "The version number.")),
    responses(
        (
            status = 200,
            description = "The PDF.",
            content_type = "application/pdf",
            body = inline(Pdf),
            headers(("Content-Disposition" = String, description = "`inline; filename=\"CTR-…-vN.pdf\"`."))
        ),
        (status = 404, description = "`UNKNOWN_CONTRACT` (no such contract of this customer number) or `UNKNOWN_VERSION`.", body = Refusal)
    )
)]
pub(super) async fn document(
    State(instance): State<Arc<Instance>>,
    Path((customer_number, contract_number, version)): Path<(String, String, String)>,
) -> Response {
    let (bytes, file_name) = {
        let store = instance.read();
        let Some(contract) = store.contract_of(&customer_number, &contract_number) else {
            return refuse_json(StatusCode::NOT_FOUND, "UNKNOWN_CONTRACT");
        };
        let wanted = version.parse::<u32>().ok();
        let found = contract.versions.iter().find(|v| Some(v.number) == wanted);
        let Some(found) = found else {
            return refuse_json(StatusCode::NOT_FOUND, "UNKNOWN_VERSION");
        };
        let file_name = format!("{}-v{}.pdf", contract.contract_number, found.number);
        (contract_pdf(contract, found), file_name)
    };
    let disposition = format!("inline; filename=\"{file_name}\"");
    (
        [
            (header::CONTENT_TYPE, "application/pdf".to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response()
}
