//! `orderExport` and `emailOrderReport`: a report or a search as a file — a signed link to
//! download it (`/exports/orders.{csv,xlsx,html}`, working without a token for the link's short
//! life), or an e-mail with the file attached, sent through the mail backend.
//!
//! Both check everything first (the report is the caller's, the search is valid, the
//! recipients are addresses); the route checks the caller's authorisation again when the link is
//! used. An e-mail's file is built here, within the mail service's attachment limit, and sent
//! through [`idempotency::once`]: a retry with the request's `Idempotency-Key` gets the first
//! answer back, and the mail service is given a key derived from it too, so a send that reached it
//! is never made twice.

use std::sync::Arc;
use std::time::Duration;

use async_graphql::{Context, ID, InputObject, Object, Result, SimpleObject};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::Utc;
use futures::StreamExt;
use serde::Serialize;
use supportgraph_adapters::model::{
    EmailAddress, FreeText, MAX_ATTACHMENT_BYTES, MAX_RECIPIENTS, MailAttachment, MailMessage,
    OrderQuery, Tool, UserProfile,
};

use super::columns;
use super::export_search::{
    ExportSearch, OrderExportFormat, OrderSearchInput, export_path, one_of, resolve_search,
};
use super::filter::check_search;
use super::reports::ReportDefinition;
use crate::app::App;
use crate::auth::Caller;
use crate::error::GatewayError;
use crate::exports::{ExportFormat, ExportOptions, export_stream};
use crate::federation::orders_walk::{OrderWalk, Pace, WalkError};
use crate::federation::scope::ToolScope;
use crate::graphql::common::idempotency::{self, IdempotencyKey, Step};
use crate::graphql::common::links::signed_url;
use crate::graphql::common::outcome::{Outcome, UserError, UserErrorCode};
use crate::graphql::common::scalars::DateTime;
use crate::hashing::sha256_hex;

/// The most orders an e-mailed report holds (its file must fit the mail service's limit).
const MAX_EMAILED_ORDERS: usize = 20_000;

/// The longest message to go with an e-mailed report.
const MAX_MESSAGE: usize = 2_000;

/// The origin (`http://host:port`) a request came to, for links when no
/// `links.public_base_url` is configured (the sandbox).
#[derive(Clone, Debug)]
pub struct RequestOrigin(pub String);

/// A link to download an export.
#[derive(SimpleObject)]
pub struct OrderExport {
    /// The file's URL: works without a token until `expiresAt`, for you only (your access is
    /// checked again when it is used).
    pub url: String,
    /// When the link stops working.
    pub expires_at: DateTime,
    /// The file's format.
    pub format: OrderExportFormat,
}

/// A report or search to e-mail as a file.
#[derive(InputObject)]
pub struct EmailOrderReportInput {
    /// A report's ID (`standard:DELAYED`, or one you saved); or give `search`.
    pub report: Option<ID>,
    /// A search with its columns; or give `report`.
    pub search: Option<OrderSearchInput>,
    /// The file's format.
    pub format: OrderExportFormat,
    /// Who receives it: 1 to 10 e-mail addresses.
    pub recipients: Vec<String>,
    /// A message to go with it (at most 2,000 characters).
    pub message: Option<String>,
}

/// The result of `emailOrderReport`.
#[derive(SimpleObject)]
pub struct EmailOrderReportPayload {
    /// The mail service's message ID; null when refused.
    pub message_id: Option<String>,
    /// Why it was refused; empty on success.
    pub user_errors: Vec<UserError>,
}

/// How long a walk's next page may wait for its caller's rate before the walk gives up.
const PATIENCE: Duration = Duration::from_secs(30);

/// The walk over what `profile`'s user may see of a report's search (checked now), paced by
/// `user_id`'s rate; pages bypass the cache.
pub fn order_walk(
    app: &Arc<App>,
    user_id: &str,
    profile: &UserProfile,
    definition: &ReportDefinition,
    max_orders: usize,
) -> Result<OrderWalk, GatewayError> {
    let search = check_search(&definition.filter, definition.sort)?;
    let scope = ToolScope::for_tool(
        Tool::OrderStatus,
        profile,
        &app.countries.snapshot(),
        search.customer_numbers.as_deref(),
    )?;
    if scope.is_empty() {
        return Err(scope.empty_error(Tool::OrderStatus, &profile.country));
    }
    let (paced_app, user) = (Arc::clone(app), user_id.to_owned());
    let pace: Pace = Arc::new(move |calls| {
        let (app, user) = (Arc::clone(&paced_app), user.clone());
        Box::pin(async move { app.rate_limits.pace(&user, calls, PATIENCE).await })
    });
    Ok(OrderWalk {
        backends: app.order_backends.clone(),
        cache: app.cache.clone(),
        ttl: Duration::ZERO,
        scope: scope.by_region,
        query: OrderQuery {
            filters: search.filters,
            sort: search.sort,
            ..OrderQuery::default()
        },
        max_orders,
        pace,
    })
}

/// The title, columns and walk of what the caller asks for.
async fn walk_for(
    app: &Arc<App>,
    caller: &Caller,
    spec: ExportSearch,
    max_orders: usize,
) -> Result<(String, Vec<columns::OrderReportColumn>, OrderWalk), GatewayError> {
    let user_id = caller.principal()?.user_id.clone();
    let (title, definition) = resolve_search(app, &user_id, spec).await?;
    let profile = caller.profile(&app.profiles).await?;
    let walk = order_walk(app, &user_id, profile, &definition, max_orders)?;
    Ok((title, definition.columns, walk))
}

/// Mutations and fields of order exports.
#[derive(Default)]
pub struct ExportQuery;

#[Object]
impl ExportQuery {
    /// A short-lived link to download a report or a search as CSV, XLSX or a printable page
    /// (`links.lifetime_seconds`, 5 minutes by default). Give `report` or `search`.
    async fn order_export(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A report's ID; or give `search`.")] report: Option<ID>,
        #[graphql(desc = "A search with its columns; or give `report`.")] search: Option<
            OrderSearchInput,
        >,
        #[graphql(desc = "The file's format.")] format: OrderExportFormat,
    ) -> Result<OrderExport> {
        let app = ctx.data::<Arc<App>>()?;
        let caller = ctx.data::<Caller>()?;
        let user_id = caller.principal()?.user_id.clone();
        let spec = one_of(report.map(|id| id.to_string()), search)?;
        let param = match &spec {
            ExportSearch::Report(id) => ("report", id.clone()),
            ExportSearch::Search(search) => (
                "search",
                URL_SAFE_NO_PAD.encode(serde_json::to_vec(search).map_err(GatewayError::internal)?),
            ),
        };
        // Refuse now what the link would refuse later: an unknown report, a bad search.
        let (_, definition) = resolve_search(app, &user_id, spec).await?;
        check_search(&definition.filter, definition.sort)?;
        let link = signed_url(ctx, export_path(format), &[(param.0, param.1.as_str())])?;
        Ok(OrderExport {
            url: link.url,
            expires_at: DateTime(link.expires_at),
            format,
        })
    }
}

/// What `emailOrderReport` came to, recorded for `Idempotency-Key` replays: the mail service's
/// message ID, or a refusal.
type Emailed = Outcome<String>;

/// What an `Idempotency-Key` is compared on: the same key with other input is refused.
#[derive(Serialize)]
struct EmailFingerprint<'a> {
    report: Option<&'a str>,
    search: Option<&'a OrderSearchInput>,
    format: OrderExportFormat,
    recipients: Vec<String>,
    message: &'a str,
}

impl<'a> EmailFingerprint<'a> {
    fn of(input: &'a EmailOrderReportInput) -> Self {
        Self {
            report: input.report.as_ref().map(|id| id.as_str()),
            search: input.search.as_ref(),
            format: input.format,
            recipients: input
                .recipients
                .iter()
                .map(|r| r.trim().to_ascii_lowercase())
                .collect(),
            message: input.message.as_deref().unwrap_or_default(),
        }
    }
}

/// The checks and the file, in the request; then the send, as a write of its own (see
/// [`Step`]). `mail_key` makes the mail service send one message however often it is asked.
async fn prepare(
    app: &Arc<App>,
    caller: &Caller,
    input: EmailOrderReportInput,
    mail_key: String,
) -> Result<Step<Emailed>, GatewayError> {
    if input.recipients.is_empty() || input.recipients.len() > MAX_RECIPIENTS {
        return Ok(Step::Answer(Outcome::refused(
            "recipients",
            UserErrorCode::TooManyRecipients,
            format!("name 1 to {MAX_RECIPIENTS} recipients"),
        )));
    }
    let mut to = Vec::new();
    for recipient in &input.recipients {
        match recipient.trim().parse::<EmailAddress>() {
            Ok(address) => to.push(address),
            Err(error) => {
                return Ok(Step::Answer(Outcome::refused(
                    "recipients",
                    UserErrorCode::InvalidEmail,
                    error.to_string(),
                )));
            }
        }
    }
    let message = input.message.unwrap_or_default();
    if message.chars().count() > MAX_MESSAGE || FreeText::check(&message).is_err() {
        return Ok(Step::Answer(Outcome::refused(
            "message",
            UserErrorCode::InvalidRequest,
            format!("a message is at most {MAX_MESSAGE} characters, without control characters"),
        )));
    }
    let spec = one_of(input.report.map(|id| id.to_string()), input.search)?;
    let (title, columns, walk) = walk_for(app, caller, spec, MAX_EMAILED_ORDERS).await?;
    let format: ExportFormat = input.format.into();
    let today = Utc::now().date_naive();
    let file = match build_file(format, &title, columns, walk, today).await? {
        Ok(file) => file,
        Err(refusal) => return Ok(Step::Answer(refusal)),
    };
    let mut text = format!("{title}: attached, as of {today}.\n");
    if !message.trim().is_empty() {
        text = format!("{}\n\n{text}", message.trim());
    }
    let mail = MailMessage {
        to,
        subject: format!("Order report: {title}"),
        text_body: text,
        attachments: vec![MailAttachment {
            filename: format!("orders.{}", format.extension()),
            content_type: format.content_type().to_owned(),
            bytes: file,
        }],
    };
    let mail_backend = Arc::clone(&app.mail);
    Ok(Step::write(async move {
        let receipt = mail_backend
            .send(&mail, &mail_key)
            .await
            .map_err(|e| GatewayError::from_adapter(&e, None))?;
        Ok(Outcome::Done(receipt.message_id))
    }))
}

/// The report's file, within the mail service's attachment limit; a refusal when it is too large.
async fn build_file(
    format: ExportFormat,
    title: &str,
    columns: Vec<columns::OrderReportColumn>,
    walk: OrderWalk,
    today: chrono::NaiveDate,
) -> Result<Result<Vec<u8>, Emailed>, GatewayError> {
    let table = columns::table(title, &columns);
    let rows = columns::rows(walk.pages(), columns, today);
    let mut file = Vec::new();
    let mut stream = export_stream(format, table, rows, ExportOptions::default());
    while let Some(chunk) = stream.next().await {
        let chunk = match chunk {
            Ok(chunk) => chunk,
            Err(error) => match walk_error(&error) {
                Some(WalkError::TooMany(most)) => {
                    return Ok(Err(Outcome::refused(
                        "report",
                        UserErrorCode::TooLarge,
                        format!(
                            "the search finds more than {most} orders; narrow it or download it"
                        ),
                    )));
                }
                Some(WalkError::Region(failure)) => {
                    return Err(GatewayError::from_adapter(failure, None));
                }
                Some(WalkError::Paced(refused)) => return Err(refused.clone()),
                None => return Err(GatewayError::internal(format!("export: {error}"))),
            },
        };
        if file.len() + chunk.len() > MAX_ATTACHMENT_BYTES {
            return Ok(Err(Outcome::refused(
                "report",
                UserErrorCode::TooLarge,
                "the file is larger than an e-mail may carry; narrow the search or download it",
            )));
        }
        file.extend_from_slice(&chunk);
    }
    Ok(Ok(file))
}

/// The e-mail mutation.
#[derive(Default)]
pub struct EmailReportMutation;

#[Object]
impl EmailReportMutation {
    /// E-mails a report or a search as a file (CSV, XLSX or a printable page) to 1 to 10
    /// recipients, with an optional message. Send an `Idempotency-Key` header so a retry sends
    /// one e-mail and gets the first answer back; the same key with other input is
    /// `BAD_USER_INPUT`.
    async fn email_order_report(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to send (a report or a search), in which format, to whom.")]
        input: EmailOrderReportInput,
    ) -> Result<EmailOrderReportPayload> {
        let app = ctx.data::<Arc<App>>()?;
        let caller = ctx.data::<Caller>()?;
        let user_id = caller.principal()?.user_id.clone();
        let key = ctx.data_opt::<IdempotencyKey>();
        // The mail service sends one message per key, whatever happens to this request.
        let mail_key = match key {
            Some(key) => format!(
                "report-{}",
                &sha256_hex(format!("{user_id}\n{}", key.0))[..40]
            ),
            None => format!(
                "report-{}",
                &sha256_hex(format!("{user_id}\n{}", uuid_like()?))[..40]
            ),
        };
        let fingerprint =
            serde_json::to_string(&EmailFingerprint::of(&input)).map_err(GatewayError::internal)?;
        // The file is built before the send: a retry waits that long for the first answer.
        let wait = PATIENCE + Duration::from_millis(app.settings.backends.mail.timeout_ms);
        let outcome = idempotency::once(
            app,
            key,
            &user_id,
            "emailOrderReport",
            &fingerprint,
            wait,
            prepare(app, caller, input, mail_key),
        )
        .await?;
        let (message_id, user_errors) = outcome.into_parts(|id| id);
        Ok(EmailOrderReportPayload {
            message_id,
            user_errors,
        })
    }
}

/// The walk's error behind an export's, if that is what stopped it.
fn walk_error(error: &crate::exports::ExportError) -> Option<&WalkError> {
    match error {
        crate::exports::ExportError::Upstream(inner) => inner.downcast_ref::<WalkError>(),
        _ => None,
    }
}

/// A random token, for a message sent without an `Idempotency-Key`.
fn uuid_like() -> Result<String, GatewayError> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(GatewayError::internal)?;
    Ok(crate::hashing::hex(&bytes))
}
