//! `GET /exports/invoices.{csv,xlsx}` and `GET /exports/statement-lines.{csv,xlsx}`: an invoice
//! search, or one statement's lines, as a spreadsheet, written by the shared export writers
//! (`crate::exports`).
//!
//! Authenticated as the order exports are (`http::exports`): by a signed link (`invoiceExport`,
//! `statementExport` hand those out) or a bearer token. Either way the user's authorisation —
//! Invoices on the searched customer numbers, Statements on the statement's — is checked now,
//! against their registration profile as it is now, so a link outlives nothing its user was not
//! still allowed. An invoice search comes as `search=<base64url JSON>` (see
//! `graphql::billing_exports::invoice_search`) and is walked page by page across the regions,
//! paced to the user's rate; a statement comes as `customer=NNNNNNN&period=YYYY-MM` and is one
//! fetch. Downloads share the order exports' slots: a principal streams at most two at once.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::State;
use axum::http::{HeaderMap, Uri};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use futures::StreamExt;
use supportgraph_adapters::model::{InvoiceQuery, Region, Statement, UserProfile};

use super::HttpState;
use super::exports::{ExportSlot, gateway_refusal, too_many_exports, user_of};
use crate::app::App;
use crate::countries::Tool;
use crate::error::GatewayError;
use crate::exports::{ExportError, ExportFormat, Row, export_body};
use crate::federation::call_budget::CallBudget;
use crate::federation::invoices_walk::{InvoiceWalk, WALK_PAGE};
use crate::federation::orders_walk::Pace;
use crate::federation::scope::ToolScope;
use crate::federation::statements::fetch_statement;
use crate::graphql::billing_exports::{columns, invoice_search};
use crate::graphql::statements::args::{check_customer, check_period, statement_region};
use crate::graphql::statements::query::statement_source;

/// The most invoices one download holds.
pub const MAX_EXPORT_INVOICES: usize = 100_000;

/// How long a walk's next page may wait for its caller's rate before the download gives up.
const PATIENCE: Duration = Duration::from_secs(30);

/// The format a download's path asks for (the routes are `….csv` and `….xlsx`).
fn format_of(uri: &Uri) -> ExportFormat {
    if uri.path().ends_with(".xlsx") {
        ExportFormat::Xlsx
    } else {
        ExportFormat::Csv
    }
}

/// A query parameter's value.
fn param<'a>(params: &'a [(String, String)], name: &str) -> Option<&'a str> {
    params
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// `user_id`'s registration profile as it is now.
async fn profile_of(app: &App, user_id: &str) -> Result<Arc<UserProfile>, GatewayError> {
    app.profiles
        .get(user_id)
        .await
        .map_err(|e| GatewayError::from_adapter(&e, None))?
        .ok_or_else(|| {
            GatewayError::Forbidden("your user ID is not registered for the e-tools".into())
        })
}

/// The invoices a search finds, as a spreadsheet.
pub async fn export_invoices(
    State(state): State<HttpState>,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let format = format_of(&uri);
    let app = state.app.clone();
    let (user_id, params) = match user_of(&app, &uri, &headers).await {
        Ok(found) => found,
        Err(response) => return response,
    };
    let Some(slot) = ExportSlot::take(&user_id) else {
        return too_many_exports();
    };
    let walk = match invoice_walk(&app, &user_id, &params).await {
        Ok(walk) => walk,
        Err(error) => return gateway_refusal(&error),
    };
    let rows = walk.pages().map(move |page| {
        // The slot is held while the file streams, and freed when it ends or is dropped.
        let _held = &slot;
        page.map(|invoices| {
            invoices
                .iter()
                .map(columns::invoice_row)
                .collect::<Vec<Row>>()
        })
        .map_err(ExportError::upstream)
    });
    let mut response = export_body(format, columns::invoice_table(), rows).into_response();
    response
        .headers_mut()
        .extend(format.response_headers("invoices"));
    response
}

/// Everything checked, nothing listed yet: the walk over the invoices the user may see of the
/// search the parameters carry, paced to the user's rate.
async fn invoice_walk(
    app: &Arc<App>,
    user_id: &str,
    params: &[(String, String)],
) -> Result<InvoiceWalk, GatewayError> {
    let Some(encoded) = param(params, "search") else {
        return Err(GatewayError::bad_input(
            "search",
            "name the invoice search: search=... (invoiceExport writes it)",
        ));
    };
    let search = invoice_search::decode(encoded)?;
    // The first page's calls are paid before anything is asked (a leaked link cannot be used
    // to hammer the backends); the walk paces every later one to the user's rate.
    app.rate_limits
        .check(user_id, Region::ALL.len() as u32)
        .await?;
    let profile = profile_of(app, user_id).await?;
    let scope = ToolScope::for_tool(
        Tool::Invoices,
        &profile,
        &app.countries.snapshot(),
        search.customer_numbers.as_deref(),
    )?;
    if scope.is_empty() {
        return Err(scope.empty_error(Tool::Invoices, &profile.country));
    }
    let (paced_app, user) = (Arc::clone(app), user_id.to_owned());
    let pace: Pace = Arc::new(move |calls| {
        let (app, user) = (Arc::clone(&paced_app), user.clone());
        Box::pin(async move { app.rate_limits.pace(&user, calls, PATIENCE).await })
    });
    Ok(InvoiceWalk {
        backends: app.billing_backends.clone(),
        cache: app.cache.clone(),
        ttl: Duration::ZERO,
        scope: scope.by_region,
        query: InvoiceQuery {
            filters: search.filters,
            sort: search.sort,
            ..InvoiceQuery::default()
        },
        page: WALK_PAGE,
        max_invoices: MAX_EXPORT_INVOICES,
        pace,
    })
}

/// One statement's lines, as a spreadsheet.
pub async fn export_statement_lines(
    State(state): State<HttpState>,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let format = format_of(&uri);
    let app = state.app.clone();
    let (user_id, params) = match user_of(&app, &uri, &headers).await {
        Ok(found) => found,
        Err(response) => return response,
    };
    let Some(slot) = ExportSlot::take(&user_id) else {
        return too_many_exports();
    };
    let statement = match statement(&app, &user_id, &params).await {
        Ok(statement) => statement,
        Err(error) => return gateway_refusal(&error),
    };
    let table = columns::statement_table(&statement);
    let rows: Vec<Row> = statement
        .lines
        .iter()
        .map(|line| columns::statement_row(line, &statement.currency))
        .collect();
    let page = futures::stream::once(async move {
        let _held = slot;
        Ok::<_, ExportError>(rows)
    });
    let name = format!(
        "statement-{}-{}",
        statement.customer_number,
        supportgraph_adapters::model::StatementPeriod::of(statement.period_start)
    );
    let mut response = export_body(format, table, page).into_response();
    response
        .headers_mut()
        .extend(format.response_headers(&name));
    response
}

/// The statement the parameters name, once the user's authorisation on it is checked.
async fn statement(
    app: &App,
    user_id: &str,
    params: &[(String, String)],
) -> Result<Statement, GatewayError> {
    let (Some(customer), Some(period)) = (param(params, "customer"), param(params, "period"))
    else {
        return Err(GatewayError::bad_input(
            "customer",
            "name the statement: customer=NNNNNNN&period=YYYY-MM",
        ));
    };
    let customer = check_customer("customer", customer)?;
    let period = check_period("period", period, Utc::now().date_naive())?;
    app.rate_limits.check(user_id, 1).await?;
    let profile = profile_of(app, user_id).await?;
    let region = statement_region(&profile, &app.countries.snapshot(), &customer)?;
    let budget = CallBudget::new(1);
    fetch_statement(statement_source(app), region, &customer, period, &budget)
        .await
        .map_err(|e| GatewayError::from_adapter(&e, Some(region)))?
        .ok_or(GatewayError::NotFound)
}
