//! Order reports: the standard ones (`OPEN`, `SHIPPED_LAST_30_DAYS`, `DELAYED`) and the custom
//! ones a user saves — a name, chosen columns, a filter and a sort — kept by the registration
//! system as the user's preferences, so every gateway instance sees them and a restart keeps
//! them. A report's `rows` are the orders its search finds today; its exports use its columns.
//!
//! A custom report stores its search as the client wrote it, so relative conditions (`delayed`)
//! mean "today" whenever it runs. Standard reports have fixed IDs (`standard:OPEN`, ...).

use std::sync::Arc;

use async_graphql::{Context, Enum, ID, Object, Result};
use chrono::{Duration, Utc};
use serde::{Deserialize, Serialize};
use supportgraph_adapters::model::{PreferenceDoc, PreferenceKind};

use super::columns::{DEFAULT_COLUMNS, OrderReportColumn};
use super::filter::{OrderFilter, OrderSortInput, check_search};
use super::query::search_orders;
use super::types::{OrderConnection, OrderStatus};
use crate::app::App;
use crate::auth::Caller;
use crate::error::GatewayError;
use crate::federation::call_budget::CallBudget;
use crate::graphql::common::domain::SortDirection;
use crate::graphql::common::scalars::{Date, DateTime};

/// What every standard report's ID starts with.
const STANDARD_PREFIX: &str = "standard:";

/// The reports every user has.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub enum StandardOrderReport {
    /// Orders not yet delivered nor cancelled, newest first.
    Open,
    /// Orders whose first shipment left in the last 30 days, latest first.
    ShippedLast30Days,
    /// Orders late today (expected delivery passed, neither delivered nor cancelled).
    Delayed,
}

impl StandardOrderReport {
    const ALL: [Self; 3] = [Self::Open, Self::ShippedLast30Days, Self::Delayed];

    fn code(self) -> &'static str {
        match self {
            Self::Open => "OPEN",
            Self::ShippedLast30Days => "SHIPPED_LAST_30_DAYS",
            Self::Delayed => "DELAYED",
        }
    }

    fn name(self) -> &'static str {
        match self {
            Self::Open => "Open orders",
            Self::ShippedLast30Days => "Shipped in the last 30 days",
            Self::Delayed => "Delayed orders",
        }
    }

    /// The report's search, as of today.
    fn definition(self) -> ReportDefinition {
        let today = Utc::now().date_naive();
        let (filter, sort) = match self {
            Self::Open => (
                OrderFilter {
                    statuses: Some(vec![
                        OrderStatus::Received,
                        OrderStatus::InProcess,
                        OrderStatus::Backordered,
                        OrderStatus::PartiallyShipped,
                        OrderStatus::Shipped,
                    ]),
                    ..OrderFilter::default()
                },
                None,
            ),
            Self::ShippedLast30Days => (
                OrderFilter {
                    shipped_from: Some(Date(today - Duration::days(30))),
                    shipped_to: Some(Date(today)),
                    ..OrderFilter::default()
                },
                Some(OrderSortInput {
                    field: super::filter::OrderSortField::ShipDate,
                    direction: SortDirection::Descending,
                }),
            ),
            Self::Delayed => (
                OrderFilter {
                    delayed: Some(true),
                    ..OrderFilter::default()
                },
                None,
            ),
        };
        ReportDefinition {
            columns: DEFAULT_COLUMNS.to_vec(),
            filter,
            sort,
        }
    }
}

/// What a report is: its columns and its search, as stored in a preference document's body.
#[derive(Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ReportDefinition {
    /// The columns, in order.
    pub columns: Vec<OrderReportColumn>,
    /// The search's conditions, as the client wrote them.
    pub filter: OrderFilter,
    /// The search's order.
    pub sort: Option<OrderSortInput>,
}

impl ReportDefinition {
    /// The body a preference document stores.
    pub fn to_body(&self) -> Result<supportgraph_adapters::model::PreferenceBody, GatewayError> {
        match serde_json::to_value(self).map_err(GatewayError::internal)? {
            serde_json::Value::Object(map) => Ok(map),
            _ => Err(GatewayError::internal("a report definition is an object")),
        }
    }

    fn from_body(doc: &PreferenceDoc) -> Result<Self, GatewayError> {
        serde_json::from_value(serde_json::Value::Object(doc.body.clone())).map_err(|error| {
            GatewayError::internal(format!("saved report {} is unreadable: {error}", doc.id))
        })
    }
}

/// Whose a report is, and since when.
#[derive(Clone)]
enum Origin {
    Standard(StandardOrderReport),
    Saved {
        id: String,
        version: u64,
        updated_at: chrono::DateTime<Utc>,
    },
}

/// An order report, standard or saved.
#[derive(Clone)]
pub struct OrderReport {
    origin: Origin,
    name: String,
    definition: ReportDefinition,
}

impl OrderReport {
    /// A saved report from its preference document.
    pub fn saved(doc: &PreferenceDoc) -> Result<Self, GatewayError> {
        Ok(Self {
            origin: Origin::Saved {
                id: doc.id.clone(),
                version: doc.version,
                updated_at: doc.updated_at,
            },
            name: doc.name.clone(),
            definition: ReportDefinition::from_body(doc)?,
        })
    }

    fn of_standard(report: StandardOrderReport) -> Self {
        Self {
            origin: Origin::Standard(report),
            name: report.name().to_owned(),
            definition: report.definition(),
        }
    }

    /// The report's ID.
    pub fn id(&self) -> String {
        match &self.origin {
            Origin::Standard(report) => format!("{STANDARD_PREFIX}{}", report.code()),
            Origin::Saved { id, .. } => id.clone(),
        }
    }

    /// The report's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The report's columns and search.
    pub fn definition(&self) -> &ReportDefinition {
        &self.definition
    }
}

/// An order report: a name, columns and a search.
#[Object]
impl OrderReport {
    /// The report's ID: `standard:OPEN`, `standard:SHIPPED_LAST_30_DAYS`, `standard:DELAYED`,
    /// or a saved report's own.
    #[graphql(name = "id")]
    async fn gql_id(&self) -> ID {
        ID(self.id())
    }

    /// Its name.
    #[graphql(name = "name")]
    async fn gql_name(&self) -> &str {
        &self.name
    }

    /// Which standard report this is; null for a report you saved.
    async fn standard(&self) -> Option<StandardOrderReport> {
        match self.origin {
            Origin::Standard(report) => Some(report),
            Origin::Saved { .. } => None,
        }
    }

    /// Its columns, in order (what its exports hold).
    async fn columns(&self) -> &[OrderReportColumn] {
        &self.definition.columns
    }

    /// Its search's conditions, as JSON in the shape of `OrderFilter`.
    async fn filter(&self) -> Result<String> {
        Ok(serde_json::to_string(&self.definition.filter).map_err(GatewayError::internal)?)
    }

    /// Its sort, as JSON in the shape of `OrderSortInput`; null for newest first.
    async fn sort(&self) -> Result<Option<String>> {
        Ok(self
            .definition
            .sort
            .map(|s| serde_json::to_string(&s))
            .transpose()
            .map_err(GatewayError::internal)?)
    }

    /// When you last changed it; null for a standard report.
    async fn updated_at(&self) -> Option<DateTime> {
        match &self.origin {
            Origin::Saved { updated_at, .. } => Some(DateTime(*updated_at)),
            Origin::Standard(_) => None,
        }
    }

    /// Its version (1 when saved, one more at every change); null for a standard report.
    async fn version(&self) -> Option<u64> {
        match &self.origin {
            Origin::Saved { version, .. } => Some(*version),
            Origin::Standard(_) => None,
        }
    }

    /// The orders it finds today, over every region, in its sort.
    async fn rows(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, 1 to the configured maximum.")] first: Option<i32>,
        #[graphql(desc = "Cursor of the order to continue after.")] after: Option<String>,
    ) -> Result<Option<OrderConnection>> {
        let search = check_search(&self.definition.filter, self.definition.sort)?;
        search_orders(ctx, search, first, after).await
    }
}

/// The standard report with this code; `NOT_FOUND` for another.
fn standard_by_code(code: &str) -> Result<OrderReport, GatewayError> {
    StandardOrderReport::ALL
        .into_iter()
        .find(|r| r.code() == code)
        .map(OrderReport::of_standard)
        .ok_or(GatewayError::NotFound)
}

/// The caller's saved reports, through the request's budget.
async fn saved_reports(ctx: &Context<'_>) -> Result<Vec<OrderReport>, GatewayError> {
    let app = ctx
        .data::<Arc<App>>()
        .map_err(|e| GatewayError::internal(e.message))?;
    let caller = ctx
        .data::<Caller>()
        .map_err(|e| GatewayError::internal(e.message))?;
    let budget = ctx
        .data::<Arc<CallBudget>>()
        .map_err(|e| GatewayError::internal(e.message))?;
    let user_id = &caller.principal()?.user_id;
    let registration = &app.registration;
    let docs = budget
        .spend(
            registration.instance(),
            registration.list_preferences(user_id, PreferenceKind::OrderReport),
        )
        .await
        .map_err(|e| GatewayError::from_adapter(&e, None))?;
    docs.iter().map(OrderReport::saved).collect()
}

/// Every report of the caller: the standard ones first, then the saved ones by name.
pub async fn all_reports(ctx: &Context<'_>) -> Result<Vec<OrderReport>, GatewayError> {
    let mut reports: Vec<OrderReport> = StandardOrderReport::ALL
        .into_iter()
        .map(OrderReport::of_standard)
        .collect();
    reports.extend(saved_reports(ctx).await?);
    Ok(reports)
}

/// The caller's report with this ID; `NOT_FOUND` when they have none.
pub async fn report_by_id(ctx: &Context<'_>, id: &str) -> Result<OrderReport, GatewayError> {
    if let Some(code) = id.strip_prefix(STANDARD_PREFIX) {
        return standard_by_code(code);
    }
    saved_reports(ctx)
        .await?
        .into_iter()
        .find(|r| r.id() == id)
        .ok_or(GatewayError::NotFound)
}

/// Query fields of order reports.
#[derive(Default)]
pub struct ReportsQuery;

#[Object]
impl ReportsQuery {
    /// One of your order reports by ID (a standard one, `standard:OPEN`, or one you saved);
    /// `NOT_FOUND` when you have no such report. Its `rows` are the orders it finds today.
    async fn order_report(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The report's ID: `standard:OPEN` or the ID of one you saved.")] id: ID,
    ) -> Result<Option<OrderReport>> {
        ctx.data::<Caller>()?.principal()?;
        Ok(Some(report_by_id(ctx, id.as_str()).await?))
    }
}

/// The report `id` of `user_id`, outside a GraphQL request (an export link, an e-mail):
/// `NOT_FOUND` when they have none.
pub async fn report_for_user(
    app: &App,
    user_id: &str,
    id: &str,
) -> Result<OrderReport, GatewayError> {
    if let Some(code) = id.strip_prefix(STANDARD_PREFIX) {
        return standard_by_code(code);
    }
    let docs = app
        .registration
        .list_preferences(user_id, PreferenceKind::OrderReport)
        .await
        .map_err(|e| GatewayError::from_adapter(&e, None))?;
    let doc = docs
        .iter()
        .find(|d| d.id == id)
        .ok_or(GatewayError::NotFound)?;
    OrderReport::saved(doc)
}
