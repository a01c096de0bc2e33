//! `saveOrderReport`, `renameOrderReport`, `deleteOrderReport`: custom order reports kept by the
//! registration system as the user's preferences.
//!
//! Business refusals (a name taken or invalid, too many reports, unknown report, a change in
//! between) are `userErrors`; a malformed filter is `BAD_USER_INPUT`, checked before anything is
//! asked. Every write names the document's ID, so a retry stores once: a new report's ID is
//! derived from the `Idempotency-Key` when the request sends one.

use std::sync::Arc;

use async_graphql::{Context, ID, InputObject, Object, Result, SimpleObject};
use supportgraph_adapters::AdapterError;
use supportgraph_adapters::model::{
    MAX_PREFERENCE_NAME, PreferenceDoc, PreferenceKind, PreferenceRefusal, PreferenceWrite,
    check_preference_name,
};

use super::columns::{DEFAULT_COLUMNS, OrderReportColumn};
use super::filter::{OrderFilter, OrderSortInput, check_search};
use super::reports::{OrderReport, ReportDefinition};
use crate::app::App;
use crate::auth::Caller;
use crate::error::GatewayError;
use crate::graphql::common::idempotency::IdempotencyKey;
use crate::graphql::common::outcome::{UserError, UserErrorCode};
use crate::hashing::sha256_hex;

/// A custom report to save.
#[derive(InputObject)]
pub struct SaveOrderReportInput {
    /// Its name: 1 to 80 characters, unique among your reports (ignoring case).
    pub name: String,
    /// Its columns, in order (the standard set when left out).
    pub columns: Option<Vec<OrderReportColumn>>,
    /// Which orders it lists.
    pub filter: Option<OrderFilter>,
    /// How it sorts them (newest first when left out).
    pub sort: Option<OrderSortInput>,
}

/// A new name for one of your saved reports.
#[derive(InputObject)]
pub struct RenameOrderReportInput {
    /// The report's ID.
    pub id: ID,
    /// Its new name: 1 to 80 characters, unique among your reports (ignoring case).
    pub name: String,
}

/// One of your saved reports to delete.
#[derive(InputObject)]
pub struct DeleteOrderReportInput {
    /// The report's ID.
    pub id: ID,
}

/// The result of saving or renaming a report.
#[derive(SimpleObject)]
pub struct OrderReportPayload {
    /// The report as saved; null when refused.
    pub report: Option<OrderReport>,
    /// Why it was refused; empty on success.
    pub user_errors: Vec<UserError>,
}

/// The result of deleting a report.
#[derive(SimpleObject)]
pub struct DeleteOrderReportPayload {
    /// The ID of the report deleted; null when refused.
    pub deleted_report_id: Option<ID>,
    /// Why it was refused; empty on success.
    pub user_errors: Vec<UserError>,
}

fn refused(field: &str, code: UserErrorCode, message: impl Into<String>) -> OrderReportPayload {
    OrderReportPayload {
        report: None,
        user_errors: vec![UserError::new(field, code, message)],
    }
}

/// A UUID (version 4 layout) from 16 bytes.
fn uuid_from(bytes: [u8; 16]) -> String {
    let mut b = bytes;
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex = crate::hashing::hex(&b);
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// The ID of a new report: from the request's `Idempotency-Key` (so a retry names the same
/// document), else random.
fn new_report_id(user_id: &str, key: Option<&IdempotencyKey>) -> Result<String, GatewayError> {
    let mut bytes = [0u8; 16];
    match key {
        Some(key) => {
            let digest = sha256_hex(format!("order-report\n{user_id}\n{}", key.0));
            for (i, byte) in bytes.iter_mut().enumerate() {
                *byte = u8::from_str_radix(&digest[i * 2..i * 2 + 2], 16)
                    .map_err(GatewayError::internal)?;
            }
        }
        None => getrandom::fill(&mut bytes).map_err(GatewayError::internal)?,
    }
    Ok(uuid_from(bytes))
}

fn check_name(name: &str) -> Option<OrderReportPayload> {
    check_preference_name(name).err().map(|_| {
        refused(
            "name",
            UserErrorCode::InvalidName,
            format!("a name is 1 to {MAX_PREFERENCE_NAME} characters, without control characters"),
        )
    })
}

fn refusal(refusal: PreferenceRefusal) -> OrderReportPayload {
    match refusal {
        PreferenceRefusal::NameTaken => refused(
            "name",
            UserErrorCode::NameTaken,
            "you have another report with this name",
        ),
        PreferenceRefusal::TooMany => refused(
            "name",
            UserErrorCode::TooManyReports,
            "you keep the most reports allowed; delete one first",
        ),
        PreferenceRefusal::VersionConflict => refused(
            "id",
            UserErrorCode::Conflict,
            "the report changed meanwhile; read it again and retry",
        ),
        PreferenceRefusal::NotFound => {
            refused("id", UserErrorCode::NotFound, "you have no such report")
        }
    }
}

/// The payload of a write's answer.
fn payload(
    answer: Result<Result<PreferenceDoc, PreferenceRefusal>, AdapterError>,
) -> Result<OrderReportPayload> {
    Ok(
        match answer.map_err(|e| GatewayError::from_adapter(&e, None))? {
            Ok(doc) => OrderReportPayload {
                report: Some(OrderReport::saved(&doc)?),
                user_errors: Vec::new(),
            },
            Err(refused) => refusal(refused),
        },
    )
}

fn context<'a>(ctx: &'a Context<'_>) -> Result<(&'a Arc<App>, String)> {
    let app = ctx.data::<Arc<App>>()?;
    let user_id = ctx.data::<Caller>()?.principal()?.user_id.clone();
    Ok((app, user_id))
}

/// Mutations of order reports.
#[derive(Default)]
pub struct ReportsMutation;

#[Object]
impl ReportsMutation {
    /// Saves a custom order report: a name, columns, a filter and a sort. Kept by the
    /// registration system, so it is there on every device and after any restart. Send an
    /// `Idempotency-Key` header to make a retry save it once.
    async fn save_order_report(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The report's name, columns, filter and sort.")]
        input: SaveOrderReportInput,
    ) -> Result<OrderReportPayload> {
        let (app, user_id) = context(ctx)?;
        let filter = input.filter.unwrap_or_default();
        check_search(&filter, input.sort)?;
        let name = input.name.trim().to_owned();
        if let Some(refused) = check_name(&name) {
            return Ok(refused);
        }
        let columns = input.columns.unwrap_or_else(|| DEFAULT_COLUMNS.to_vec());
        let mut seen = std::collections::HashSet::new();
        if columns.is_empty() || !columns.iter().all(|c| seen.insert(*c)) {
            return Ok(refused(
                "columns",
                UserErrorCode::InvalidColumns,
                "name at least one column, each once",
            ));
        }
        let definition = ReportDefinition {
            columns,
            filter,
            sort: input.sort,
        };
        let write = PreferenceWrite {
            id: new_report_id(&user_id, ctx.data_opt::<IdempotencyKey>())?,
            kind: PreferenceKind::OrderReport,
            name,
            body: definition.to_body()?,
            expected_version: None,
        };
        let answer = app.registration.put_preference(&user_id, &write).await;
        payload(answer)
    }

    /// Renames one of your saved reports.
    async fn rename_order_report(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which saved report, and its new name.")] input: RenameOrderReportInput,
    ) -> Result<OrderReportPayload> {
        let (app, user_id) = context(ctx)?;
        let name = input.name.trim().to_owned();
        if let Some(refused) = check_name(&name) {
            return Ok(refused);
        }
        let docs = app
            .registration
            .list_preferences(&user_id, PreferenceKind::OrderReport)
            .await
            .map_err(|e| GatewayError::from_adapter(&e, None))?;
        let Some(doc) = docs.into_iter().find(|d| d.id == input.id.as_str()) else {
            return Ok(refusal(PreferenceRefusal::NotFound));
        };
        let write = PreferenceWrite {
            id: doc.id.clone(),
            kind: PreferenceKind::OrderReport,
            name,
            body: doc.body.clone(),
            expected_version: Some(doc.version),
        };
        let answer = app.registration.put_preference(&user_id, &write).await;
        payload(answer)
    }

    /// Deletes one of your saved reports (standard reports cannot be deleted).
    async fn delete_order_report(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which saved report.")] input: DeleteOrderReportInput,
    ) -> Result<DeleteOrderReportPayload> {
        let (app, user_id) = context(ctx)?;
        let id = input.id.to_string();
        let not_found = || DeleteOrderReportPayload {
            deleted_report_id: None,
            user_errors: vec![UserError::new(
                "id",
                UserErrorCode::NotFound,
                "you have no such saved report",
            )],
        };
        if supportgraph_adapters::model::check_preference_id(&id).is_err() {
            return Ok(not_found());
        }
        let answer = app
            .registration
            .delete_preference(&user_id, PreferenceKind::OrderReport, &id)
            .await
            .map_err(|e| GatewayError::from_adapter(&e, None))?;
        Ok(match answer {
            Ok(()) => DeleteOrderReportPayload {
                deleted_report_id: Some(ID(id)),
                user_errors: Vec::new(),
            },
            Err(_) => not_found(),
        })
    }
}
