//! `statements` and `statementLines`: Statements OnLine over the customer numbers the caller is
//! authorised for with Statements.
//!
//! Arguments are checked before any cache or backend is touched. `statements` asks every
//! customer number's billing instance at once, through the cache; a region that fails leaves its
//! statements out and adds a `BACKEND_UNAVAILABLE` error with the field's path. `statementLines`
//! fetches the one statement (cached), and filters, sorts and pages its lines in the gateway
//! with keyset cursors.

use std::sync::Arc;
use std::time::Duration;

use async_graphql::{Context, Object, Result};
use chrono::Utc;
use supportgraph_adapters::model::{self, Region, StatementPeriod};

use super::args::{check_customer, check_period};
use super::cursor::{LineKey, decode_line, encode_line};
use super::filter::{
    LineSearch, LineSort, StatementLineFilter, StatementLineSortInput, check_line_search,
};
use super::lines::{PageDocuments, StatementLine, StatementLineConnection, StatementLineEdge};
use super::types::{Statement, StatementTotals, money};
use crate::app::App;
use crate::auth::Caller;
use crate::countries::Tool;
use crate::error::GatewayError;
use crate::federation::call_budget::{CallBudget, is_spent};
use crate::federation::statements::{StatementSource, fetch_statement, fetch_statements};
use crate::graphql::common::connection::{PageInfo, page_size};
use crate::graphql::common::failures::report_failures;
use crate::graphql::invoices::query::billing_scope;

/// Where the gateway's statements come from: the billing instances, through the cache for
/// `cache.orders_ttl_seconds`.
pub fn statement_source(app: &App) -> StatementSource<'_> {
    StatementSource {
        backends: &app.billing_backends,
        cache: &app.cache,
        ttl: Duration::from_secs(app.settings.cache.orders_ttl_seconds),
    }
}

/// The most statements one `statements` field reads (one billing call each): its cost in the
/// estimate (`graphql::limits::budget`).
pub const MAX_STATEMENTS_AT_ONCE: usize = 10;

/// Query fields of Statements OnLine.
#[derive(Default)]
pub struct StatementsQuery;

#[Object]
impl StatementsQuery {
    /// Your account statements for one month: one per customer number you are authorised for
    /// with Statements (at most 10 at once: with more, name one), or just the one you name. A region that cannot answer leaves its
    /// statements out and adds a `BACKEND_UNAVAILABLE` error; the rest still arrives.
    async fn statements(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Only this customer number's statement (yours, authorised for Statements); all of them when left out."
        )]
        customer_number: Option<String>,
        #[graphql(desc = "The month, `YYYY-MM`: this month or an earlier one.")] period: String,
    ) -> Result<Option<Vec<Statement>>> {
        ctx.data::<Caller>()?.principal()?;
        let requested = customer_number
            .as_deref()
            .map(|c| check_customer("customerNumber", c))
            .transpose()?
            .map(|c| vec![c]);
        let period = check_period("period", &period, Utc::now().date_naive())?;
        let scope = billing_scope(ctx, Tool::Statements, requested.as_deref()).await?;
        let asked: usize = scope.by_region.values().map(Vec::len).sum();
        if asked > MAX_STATEMENTS_AT_ONCE {
            // Each statement is its own call: refused before any is made, with what to do.
            return Err(GatewayError::bad_input(
                "customerNumber",
                format!(
                    "you are authorised for Statements on {asked} customer numbers; one request reads at most {MAX_STATEMENTS_AT_ONCE} statements: name a customerNumber"
                ),
            )
            .into());
        }
        let app = ctx.data::<Arc<App>>()?;
        let budget = ctx.data::<Arc<CallBudget>>()?;
        let found = fetch_statements(statement_source(app), &scope.by_region, period, budget).await;
        if found.failures.iter().any(|f| is_spent(&f.error)) {
            return Err(too_many_calls());
        }
        report_failures(ctx, &found.failures);
        if found.statements.is_empty() && found.failures.len() == asked && asked > 0 {
            return Ok(None);
        }
        Ok(Some(found.statements.into_iter().map(Statement).collect()))
    }

    /// The lines of one of your statements — invoices, credit notes and payments, each with the
    /// balance after it — filtered, sorted (the statement's own order unless asked otherwise)
    /// and paged, with the statement's totals and balances. Each line links to its invoice or
    /// credit note.
    async fn statement_lines(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which statement (customer number and month), and which of its lines.")]
        filter: StatementLineFilter,
        #[graphql(desc = "How to sort the lines (by date, ascending, unless given).")] sort: Option<
            StatementLineSortInput,
        >,
        #[graphql(desc = "Page size, 1 to the configured maximum (100 by default).")] first: Option<
            i32,
        >,
        #[graphql(desc = "Cursor to continue after (`pageInfo.endCursor`).")] after: Option<String>,
    ) -> Result<Option<StatementLineConnection>> {
        ctx.data::<Caller>()?.principal()?;
        let app = ctx.data::<Arc<App>>()?;
        let search = check_line_search(&filter, Utc::now().date_naive())?;
        let sort = LineSort::from(sort);
        let first = page_size(first, app)?;
        let after_key = after
            .as_deref()
            .map(|c| decode_line(c, &search.customer_number, search.period, sort))
            .transpose()?;
        let requested = [search.customer_number.clone()];
        let scope = billing_scope(ctx, Tool::Statements, Some(&requested)).await?;
        let Some(region) = scope.by_region.keys().next().copied() else {
            return Err(GatewayError::internal("a checked statement scope is empty").into());
        };
        let budget = ctx.data::<Arc<CallBudget>>()?;
        let statement = match fetch_statement(
            statement_source(app),
            region,
            &search.customer_number,
            search.period,
            budget,
        )
        .await
        {
            Ok(Some(statement)) => statement,
            Ok(None) => return Err(GatewayError::NotFound.into()),
            Err(error) if is_spent(&error) => return Err(too_many_calls()),
            Err(error) => return Err(GatewayError::from_adapter(&error, Some(region)).into()),
        };
        let page = page_of(
            &statement,
            &search,
            sort,
            after_key.as_ref(),
            first as usize,
        );
        Ok(Some(connection(&statement, region, page, after.is_some())))
    }
}

/// One of the caller's statements by customer number and month (`YYYY-MM`), for a federation
/// router's `_entities` (`graphql::subgraph`): checked and authorised as `statementLines` checks
/// its filter. `NOT_FOUND` or `FORBIDDEN` when the caller may not see it.
pub async fn statement_by_key(
    ctx: &Context<'_>,
    customer_number: &str,
    period: &str,
) -> Result<Statement> {
    ctx.data::<Caller>()?.principal()?;
    let app = ctx.data::<Arc<App>>()?;
    let customer_number = check_customer("customerNumber", customer_number)?;
    let period = check_period("period", period, Utc::now().date_naive())?;
    let requested = [customer_number];
    let scope = billing_scope(ctx, Tool::Statements, Some(&requested)).await?;
    let Some(region) = scope.by_region.keys().next().copied() else {
        return Err(GatewayError::NotFound.into());
    };
    let budget = ctx.data::<Arc<CallBudget>>()?;
    match fetch_statement(statement_source(app), region, &requested[0], period, budget).await {
        Ok(Some(statement)) => Ok(Statement(statement)),
        Ok(None) => Err(GatewayError::NotFound.into()),
        Err(error) if is_spent(&error) => Err(too_many_calls()),
        Err(error) => Err(GatewayError::from_adapter(&error, Some(region)).into()),
    }
}

/// One page of a statement's lines.
#[derive(Debug, Clone, PartialEq)]
pub struct LinePage {
    /// The page's lines with their keys, in the listing's order.
    pub lines: Vec<(LineKey, model::StatementLine)>,
    /// Whether more lines follow.
    pub has_next_page: bool,
    /// How many lines match the search.
    pub total_count: u64,
}

/// The lines of `statement` that `search` keeps, sorted by `sort`, the first `first` after
/// `after`.
pub fn page_of(
    statement: &model::Statement,
    search: &LineSearch,
    sort: LineSort,
    after: Option<&LineKey>,
    first: usize,
) -> LinePage {
    let period = StatementPeriod::of(statement.period_start);
    let mut keyed: Vec<(LineKey, model::StatementLine)> = statement
        .lines
        .iter()
        .filter(|line| search.matches(line))
        .map(|line| {
            let key = LineKey::of(line, &statement.customer_number, period, sort);
            (key, line.clone())
        })
        .collect();
    let total_count = keyed.len() as u64;
    keyed.sort_by(|a, b| a.0.cmp(&b.0));
    let start = after.map_or(0, |after| keyed.partition_point(|(key, _)| key <= after));
    let mut lines = keyed.split_off(start);
    let has_next_page = lines.len() > first;
    lines.truncate(first);
    LinePage {
        lines,
        has_next_page,
        total_count,
    }
}

/// The connection of `page` of `statement`'s lines.
fn connection(
    statement: &model::Statement,
    region: Region,
    page: LinePage,
    after_given: bool,
) -> StatementLineConnection {
    let documents = PageDocuments::new(
        region,
        &statement.customer_number,
        page.lines.iter().map(|(_, line)| line),
    );
    let currency: Arc<str> = statement.currency.as_str().into();
    let customer_number: Arc<str> = statement.customer_number.as_str().into();
    let edges: Vec<StatementLineEdge> = page
        .lines
        .into_iter()
        .map(|(key, line)| StatementLineEdge {
            cursor: encode_line(&key),
            node: StatementLine {
                line,
                currency: currency.clone(),
                customer_number: customer_number.clone(),
                documents: documents.clone(),
            },
        })
        .collect();
    StatementLineConnection {
        page_info: PageInfo::of(&edges, |e| &e.cursor, page.has_next_page, after_given),
        edges,
        total_count: page.total_count,
        totals: StatementTotals::of(statement),
        opening_balance: money(statement.opening_balance, &statement.currency),
        closing_balance: money(statement.closing_balance, &statement.currency),
    }
}

fn too_many_calls() -> async_graphql::Error {
    GatewayError::bad_input(
        "customerNumber",
        "this request asks the billing systems more often than one request may (limits.max_backend_calls): ask for fewer statements at once",
    )
    .into()
}
