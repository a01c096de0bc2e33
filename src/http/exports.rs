//! `GET /exports/orders.{csv,xlsx,html}`: an order search or report as a spreadsheet or a
//! printable page, streamed page by page from the order-status systems into the response.
//!
//! Authenticated by a bearer token or by a signed link (`orderExport` hands those out; they work
//! without a token, for a browser download or an e-mail). Either way the caller's authorisation is
//! checked now, against their registration profile as it is now: a link outlives nothing it was
//! not still allowed. The search comes as `report=<id>` or `search=<base64url JSON>` (filter,
//! sort and columns, as `orderExport` writes it); every condition is checked before any backend
//! is asked. Each page costs the principal one rate unit per region, and the download waits for
//! the refill rather than outrunning it; a principal streams at most two exports at once, the
//! gateway sixteen.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::Utc;
use futures::StreamExt;

use super::HttpState;
use supportgraph_adapters::model::Region;

use crate::app::App;
use crate::error::GatewayError;
use crate::exports::{ExportFormat, export_body};
use crate::federation::orders_walk::OrderWalk;
use crate::graphql::orders::columns;
use crate::graphql::orders::export::order_walk;
use crate::graphql::orders::export_search::{ExportSearch, resolve_search};

/// The most orders one export holds.
pub const MAX_EXPORT_ORDERS: usize = 100_000;

/// The most exports streaming at once for one principal, and for the whole gateway: an export
/// holds a writer (for XLSX, a blocking thread and a temporary file) while it streams.
const EXPORTS_PER_PRINCIPAL: usize = 2;
const EXPORTS_IN_ALL: usize = 16;

/// Exports streaming now, per principal.
static RUNNING: std::sync::LazyLock<std::sync::Mutex<std::collections::HashMap<String, usize>>> =
    std::sync::LazyLock::new(Default::default);

/// One running export's place; given back when dropped.
pub(super) struct ExportSlot(String);

impl ExportSlot {
    /// A place for `principal`'s export, if it and the gateway are under their limits.
    pub(super) fn take(principal: &str) -> Option<Self> {
        let mut running = RUNNING
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let total: usize = running.values().sum();
        let theirs = running.get(principal).copied().unwrap_or(0);
        if total >= EXPORTS_IN_ALL || theirs >= EXPORTS_PER_PRINCIPAL {
            return None;
        }
        running.insert(principal.to_owned(), theirs + 1);
        Some(Self(principal.to_owned()))
    }
}

impl Drop for ExportSlot {
    fn drop(&mut self) {
        let mut running = RUNNING
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(count) = running.get_mut(&self.0) {
            *count -= 1;
            if *count == 0 {
                running.remove(&self.0);
            }
        }
    }
}

/// A refusal as JSON `{"error": message, "traceId": ...}` with `status`.
pub(super) fn refuse(status: StatusCode, message: &str) -> Response {
    let body = serde_json::json!({ "error": message });
    let mut response = (status, axum::Json(body)).into_response();
    // The request's trace id is added on the way out, as to every error.
    response
        .extensions_mut()
        .insert(super::trace_stamp::CarriesErrors);
    response
}

/// The `429` of a principal (or a gateway) with no export slot free.
pub(super) fn too_many_exports() -> Response {
    let mut response = refuse(
        StatusCode::TOO_MANY_REQUESTS,
        "too many exports are running: wait for one to finish",
    );
    crate::limits::set_retry_after(&mut response, 5);
    response
}

fn format_of(file: &str) -> Option<ExportFormat> {
    match file {
        "orders.csv" => Some(ExportFormat::Csv),
        "orders.xlsx" => Some(ExportFormat::Xlsx),
        "orders.html" => Some(ExportFormat::Html),
        _ => None,
    }
}

/// Who asks: the signed link's user, or the bearer token's; and the query's parameters.
pub(super) async fn user_of(
    app: &App,
    uri: &Uri,
    headers: &HeaderMap,
) -> Result<(String, Vec<(String, String)>), Response> {
    let query = uri.query().unwrap_or("");
    let signed = url::form_urlencoded::parse(query.as_bytes()).any(|(k, _)| k == "signature");
    if signed {
        return match app.links.verify(uri.path(), query, Utc::now()) {
            Ok(grant) => Ok((grant.user, grant.params)),
            Err(error) => Err(refuse(
                StatusCode::FORBIDDEN,
                &format!("this link cannot be used: {error}"),
            )),
        };
    }
    let Some(value) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
    else {
        return Err(refuse(
            StatusCode::UNAUTHORIZED,
            "send a bearer token, or use a signed link (a `url` or `imageUrl` from the API)",
        ));
    };
    match app.tokens.verify_header(value).await {
        Ok(principal) => {
            let params = url::form_urlencoded::parse(query.as_bytes())
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect();
            Ok((principal.user_id, params))
        }
        Err(_) => Err(refuse(
            StatusCode::UNAUTHORIZED,
            "the bearer token is not valid",
        )),
    }
}

/// A gateway error as an HTTP refusal, with the status its code stands for.
pub(super) fn gateway_refusal(error: &GatewayError) -> Response {
    let status = match error {
        GatewayError::NotFound => StatusCode::NOT_FOUND,
        GatewayError::Forbidden(_) | GatewayError::FeatureNotAvailable { .. } => {
            StatusCode::FORBIDDEN
        }
        GatewayError::BadUserInput { .. } => StatusCode::BAD_REQUEST,
        GatewayError::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
        GatewayError::BackendUnavailable { .. } => StatusCode::SERVICE_UNAVAILABLE,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    };
    refuse(status, &error.message())
}

/// The export's response.
pub async fn export_orders(
    State(state): State<HttpState>,
    Path(file): Path<String>,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let Some(format) = format_of(&file) else {
        return refuse(
            StatusCode::NOT_FOUND,
            "exports are orders.csv, orders.xlsx and orders.html",
        );
    };
    let app = state.app.clone();
    let (user_id, params) = match user_of(&app, &uri, &headers).await {
        Ok(found) => found,
        Err(response) => return response,
    };
    let Some(slot) = ExportSlot::take(&user_id) else {
        let mut response = refuse(
            StatusCode::TOO_MANY_REQUESTS,
            "too many exports are running: wait for one to finish",
        );
        crate::limits::set_retry_after(&mut response, 5);
        return response;
    };
    match prepare(&app, &user_id, &params).await {
        Ok((title, columns, walk)) => {
            let today = Utc::now().date_naive();
            let table = columns::table(&title, &columns);
            let rows = walk.pages();
            let rows = columns::rows(rows, columns, today).map(move |page| {
                // The slot is held while the file streams, and freed when it ends or is dropped.
                let _held = &slot;
                page
            });
            let mut response = export_body(format, table, rows).into_response();
            response
                .headers_mut()
                .extend(format.response_headers("orders"));
            response
        }
        Err(error) => gateway_refusal(&error),
    }
}

/// Everything checked, nothing asked yet: the title, columns and walk of the export.
async fn prepare(
    app: &Arc<App>,
    user_id: &str,
    params: &[(String, String)],
) -> Result<(String, Vec<columns::OrderReportColumn>, OrderWalk), GatewayError> {
    let param = |name: &str| {
        params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let spec = match (param("report"), param("search")) {
        (Some(id), None) => ExportSearch::Report(id.to_owned()),
        (None, Some(encoded)) => {
            let bytes = URL_SAFE_NO_PAD
                .decode(encoded)
                .map_err(|_| GatewayError::bad_input("search", "not an export search"))?;
            let search = serde_json::from_slice(&bytes)
                .map_err(|_| GatewayError::bad_input("search", "not an export search"))?;
            ExportSearch::Search(Box::new(search))
        }
        _ => {
            return Err(GatewayError::bad_input(
                "report",
                "name a report (report=ID) or a search (search=...), one of them",
            ));
        }
    };
    // The first page's calls are paid before anything is asked (a leaked link cannot be used
    // to hammer the backends); the walk paces every later one to the caller's rate.
    app.rate_limits
        .check(user_id, Region::ALL.len() as u32)
        .await?;
    let (title, definition) = resolve_search(app, user_id, spec).await?;
    let profile = app
        .profiles
        .get(user_id)
        .await
        .map_err(|e| GatewayError::from_adapter(&e, None))?
        .ok_or_else(|| {
            GatewayError::Forbidden("your user ID is not registered for the e-tools".into())
        })?;
    let walk = order_walk(app, user_id, &profile, &definition, MAX_EXPORT_ORDERS)?;
    Ok((title, definition.columns, walk))
}
