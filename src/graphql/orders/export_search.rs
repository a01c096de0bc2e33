//! What an export or an e-mailed report holds: a saved or standard report, or a search with its
//! columns as a client wrote it. `orderExport` and `emailOrderReport` take one; a signed link
//! carries one (`report=ID` or `search=` base64url JSON); [`resolve_search`] turns it into a
//! title and a definition for the caller, now.

use async_graphql::{Enum, InputObject};
use serde::{Deserialize, Serialize};

use super::columns::{DEFAULT_COLUMNS, OrderReportColumn};
use super::filter::{OrderFilter, OrderSortInput};
use super::reports::{ReportDefinition, report_for_user};
use crate::app::App;
use crate::error::GatewayError;
use crate::exports::ExportFormat;

/// A search with its columns, as a client writes it.
#[derive(InputObject, Clone, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
pub struct OrderSearchInput {
    /// Which orders.
    pub filter: Option<OrderFilter>,
    /// In which order (newest first when left out).
    pub sort: Option<OrderSortInput>,
    /// Which columns, in order (the standard set when left out).
    pub columns: Option<Vec<OrderReportColumn>>,
}

/// A report, or a search.
pub enum ExportSearch {
    /// A report by ID (`standard:OPEN`, or a saved one).
    Report(String),
    /// A search.
    Search(Box<OrderSearchInput>),
}

/// The file formats of an export.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Debug, Serialize)]
pub enum OrderExportFormat {
    /// Comma-separated values (RFC 4180).
    Csv,
    /// An Excel workbook.
    Xlsx,
    /// A printable web page.
    Html,
}

impl From<OrderExportFormat> for ExportFormat {
    fn from(format: OrderExportFormat) -> Self {
        match format {
            OrderExportFormat::Csv => Self::Csv,
            OrderExportFormat::Xlsx => Self::Xlsx,
            OrderExportFormat::Html => Self::Html,
        }
    }
}

/// The export path of a format.
pub fn export_path(format: OrderExportFormat) -> &'static str {
    match format {
        OrderExportFormat::Csv => "/exports/orders.csv",
        OrderExportFormat::Xlsx => "/exports/orders.xlsx",
        OrderExportFormat::Html => "/exports/orders.html",
    }
}

/// One of a report ID and a search: `BAD_USER_INPUT` for both or neither.
pub fn one_of(
    report: Option<String>,
    search: Option<OrderSearchInput>,
) -> Result<ExportSearch, GatewayError> {
    match (report, search) {
        (Some(id), None) => Ok(ExportSearch::Report(id)),
        (None, Some(search)) => Ok(ExportSearch::Search(Box::new(search))),
        _ => Err(GatewayError::bad_input(
            "report",
            "name a report or a search, one of them",
        )),
    }
}

/// Columns as a client chose them: at least one, each once (so never more than there are).
pub fn checked_columns(
    columns: Vec<OrderReportColumn>,
) -> Result<Vec<OrderReportColumn>, GatewayError> {
    let mut seen = std::collections::HashSet::new();
    if columns.is_empty() || !columns.iter().all(|c| seen.insert(*c)) {
        return Err(GatewayError::bad_input(
            "columns",
            "name at least one column, each once",
        ));
    }
    Ok(columns)
}

/// The title and definition of what `user_id` asks for now; `NOT_FOUND` for a report they do
/// not have.
pub async fn resolve_search(
    app: &App,
    user_id: &str,
    search: ExportSearch,
) -> Result<(String, ReportDefinition), GatewayError> {
    match search {
        ExportSearch::Report(id) => {
            let report = report_for_user(app, user_id, &id).await?;
            Ok((report.name().to_owned(), report.definition().clone()))
        }
        ExportSearch::Search(search) => Ok((
            "Orders".to_owned(),
            ReportDefinition {
                columns: match search.columns {
                    None => DEFAULT_COLUMNS.to_vec(),
                    Some(columns) => checked_columns(columns)?,
                },
                filter: search.filter.unwrap_or_default(),
                sort: search.sort,
            },
        )),
    }
}
