//! `invoices` and `invoice`: Invoices On-Line over every region holding the caller's customer
//! numbers authorised for Invoices.
//!
//! Arguments are checked before any cache or backend is touched. A region that fails leaves its
//! invoices out and adds a `BACKEND_UNAVAILABLE` error with the field's path. The
//! `reconciliation` filter is the gateway's own: it walks the billing systems' pages (each page's
//! serial numbers looked up in one inventory call per system) until it has a page of matches, at
//! most [`MAX_ROUNDS`] pages per request; when it stops early, `pageInfo.endCursor` is where it
//! stopped, so the next request goes on from there.

use std::sync::Arc;
use std::time::Duration;

use async_graphql::{Context, Object, Result};
use supportgraph_adapters::model::{DocumentNumber, InvoiceQuery};

use super::cursor::{decode_invoice, encode_invoice};
use super::filter::{
    InvoiceFilter, InvoiceSearch, InvoiceSortInput, ReconciliationFilter, check_invoice_search,
};
use super::types::{Invoice, InvoiceConnection, InvoiceEdge, PageInventory};
use crate::app::App;
use crate::auth::Caller;
use crate::countries::Tool;
use crate::error::GatewayError;
use crate::federation::billing::{
    DocumentLookup, InvoiceBatcher, find_invoice, list_invoices_worldwide,
};
use crate::federation::call_budget::{CallBudget, is_spent};
use crate::federation::inventory::InventoryLoader;
use crate::federation::reconciliation::{Installed, LineMatch, installed};
use crate::federation::scope::ToolScope;
use crate::graphql::common::connection::{PageInfo, page_size};
use crate::graphql::common::exclusions::excluded_customers;
use crate::graphql::common::failures::{report_failures, unavailable};
use crate::graphql::common::input::identifier;

/// The most billing pages one `invoices` request with a `reconciliation` filter reads (each
/// costs a call per billing instance and per inventory system; past the estimate they are
/// charged after the fact, and a spent budget ends the walk where it is).
pub const MAX_ROUNDS: usize = 3;

/// The caller's scope for `tool`; refused when nothing is left to query.
pub async fn billing_scope(
    ctx: &Context<'_>,
    tool: Tool,
    requested: Option<&[String]>,
) -> Result<ToolScope, GatewayError> {
    let app = ctx
        .data::<Arc<App>>()
        .map_err(|e| GatewayError::internal(e.message))?;
    let caller = ctx
        .data::<Caller>()
        .map_err(|e| GatewayError::internal(e.message))?;
    let profile = caller.profile(&app.profiles).await?;
    let scope = ToolScope::for_tool(tool, profile, &app.countries.snapshot(), requested)?;
    if scope.is_empty() {
        return Err(scope.empty_error(tool, &profile.country));
    }
    Ok(scope)
}

/// Whether `invoice` meets the reconciliation condition.
fn keeps(condition: ReconciliationFilter, installed: &Installed, invoice: &model::Invoice) -> bool {
    let unmatched = installed.has_unmatched(invoice);
    match condition {
        ReconciliationFilter::Unmatched => unmatched,
        ReconciliationFilter::Matched => {
            !unmatched
                && invoice.lines.iter().any(|l| {
                    matches!(
                        installed.line(invoice, l.serial_number.as_deref()),
                        LineMatch::Matched(_)
                    )
                })
        }
    }
}

use supportgraph_adapters::model;

/// Query fields of Invoices On-Line.
#[derive(Default)]
pub struct InvoicesQuery;

#[Object]
impl InvoicesQuery {
    /// Your company's invoices worldwide, newest first unless sorted otherwise, over every
    /// customer number you are authorised for with Invoices. A region that cannot answer leaves
    /// its invoices out and adds a `BACKEND_UNAVAILABLE` error; the rest still arrives.
    async fn invoices(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which invoices to list.")] filter: Option<InvoiceFilter>,
        #[graphql(desc = "How to sort them (newest first unless given).")] sort: Option<
            InvoiceSortInput,
        >,
        #[graphql(desc = "Page size, 1 to the configured maximum (100 by default).")] first: Option<
            i32,
        >,
        #[graphql(desc = "Cursor to continue after (`pageInfo.endCursor`).")] after: Option<String>,
    ) -> Result<Option<InvoiceConnection>> {
        ctx.data::<Caller>()?.principal()?;
        let search = check_invoice_search(&filter.unwrap_or_default(), sort)?;
        search_invoices(ctx, search, first, after).await
    }

    /// One of your company's invoices by its number. `NOT_FOUND` when none of your customer
    /// numbers authorised for Invoices has it (whether or not another company does).
    async fn invoice(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The billing system's invoice number.")] invoice_number: String,
    ) -> Result<Option<Invoice>> {
        let ticket = ctx.data::<InvoiceBatcher>()?.ticket();
        ctx.data::<Caller>()?.principal()?;
        let number: DocumentNumber = identifier("invoiceNumber", &invoice_number)?;
        let scope = billing_scope(ctx, Tool::Invoices, None).await?;
        match find_invoice(ticket, &scope.by_region, number.as_str()).await {
            DocumentLookup::Found(invoice) => Ok(Some(Invoice::single(*invoice))),
            DocumentLookup::NotFound => Err(GatewayError::NotFound.into()),
            DocumentLookup::Unavailable(failures) => Err(unavailable(ctx, &failures)),
        }
    }
}

/// The invoice a global ID names, fetched again through the request's batch: `NOT_FOUND` unless
/// the caller may still use Invoices or Statements (whose lines lead to invoices) on its customer
/// number, in the region the ID says.
pub async fn invoice_by_id(
    ticket: crate::federation::billing::InvoiceTicket,
    app: &App,
    profile: &model::UserProfile,
    region: model::Region,
    customer_number: String,
    invoice_number: String,
) -> Result<Invoice, GatewayError> {
    let allowed = [Tool::Invoices, Tool::Statements].into_iter().any(|tool| {
        ToolScope::region_for(tool, profile, &app.countries.snapshot(), &customer_number)
            == Some(region)
    });
    if !allowed {
        return Err(GatewayError::NotFound);
    }
    let key = crate::federation::billing::InvoiceRef {
        region,
        customers: vec![customer_number].into(),
        invoice_number,
    };
    match ticket.load_one(key).await {
        Some(Ok(invoice)) => Ok(Invoice::single(invoice)),
        Some(Err(error)) => Err(GatewayError::from_adapter(&error, Some(region))),
        None => Err(GatewayError::NotFound),
    }
}

/// The credit note a global ID names: `NOT_FOUND` unless the caller may use Invoices or
/// Statements on its customer number, in the region the ID says.
pub async fn credit_note_by_id(
    app: &App,
    budget: &Arc<CallBudget>,
    profile: &model::UserProfile,
    region: model::Region,
    customer_number: String,
    credit_note_number: String,
) -> Result<super::types::CreditNote, GatewayError> {
    let allowed = [Tool::Invoices, Tool::Statements].into_iter().any(|tool| {
        ToolScope::region_for(tool, profile, &app.countries.snapshot(), &customer_number)
            == Some(region)
    });
    if !allowed {
        return Err(GatewayError::NotFound);
    }
    let key = crate::federation::billing::CreditNoteRef {
        region,
        customers: vec![customer_number].into(),
        credit_note_number,
    };
    let loader = crate::federation::billing::CreditNoteLoader::new(
        app.billing_backends.clone(),
        budget.clone(),
    );
    let found =
        match async_graphql::dataloader::Loader::load(&loader, std::slice::from_ref(&key)).await {
            Ok(found) => found,
            Err(never) => match never {},
        };
    match found.get(&key) {
        Some(Ok(note)) => Ok(super::types::CreditNote(note.clone())),
        Some(Err(error)) => Err(GatewayError::from_adapter(error, Some(region))),
        None => Err(GatewayError::NotFound),
    }
}

/// One page of the invoices a checked search finds.
async fn search_invoices(
    ctx: &Context<'_>,
    search: InvoiceSearch,
    first: Option<i32>,
    after: Option<String>,
) -> Result<Option<InvoiceConnection>> {
    let app = ctx.data::<Arc<App>>()?;
    let first = page_size(first, app)?;
    let after_key = after
        .as_deref()
        .map(|cursor| decode_invoice(cursor, search.sort))
        .transpose()?;
    let scope = billing_scope(ctx, Tool::Invoices, search.customer_numbers.as_deref()).await?;
    let mut template = InvoiceQuery {
        filters: search.filters,
        sort: search.sort,
        after: after_key,
        ..InvoiceQuery::default()
    };
    let ttl = Duration::from_secs(app.settings.cache.orders_ttl_seconds);
    let budget = ctx.data::<Arc<CallBudget>>()?;
    let by_region = &scope.by_region;
    let list = |template: InvoiceQuery, size: u32| async move {
        list_invoices_worldwide(
            &app.billing_backends,
            &app.cache,
            ttl,
            by_region,
            &template,
            size,
            budget,
        )
        .await
    };

    let Some(condition) = search.reconciliation else {
        let page = list(template.clone(), first).await;
        if page.failures.iter().any(|f| is_spent(&f.error)) {
            return Err(too_many_calls());
        }
        report_failures(ctx, &page.failures);
        if page.failures.len() == scope.by_region.len() {
            return Ok(None);
        }
        let cursors: Vec<String> = page
            .invoices
            .iter()
            .map(|i| encode_invoice(&i.sort_key(template.sort)))
            .collect();
        let edges: Vec<InvoiceEdge> = cursors
            .into_iter()
            .zip(Invoice::page(page.invoices))
            .map(|(cursor, node)| InvoiceEdge { cursor, node })
            .collect();
        return Ok(Some(InvoiceConnection {
            page_info: PageInfo::of(&edges, |e| &e.cursor, page.has_next_page, after.is_some()),
            edges,
            total_count: Some(page.total_count),
            excluded_customers: excluded_customers(scope.excluded.clone()),
        }));
    };

    // The reconciliation filter: walk pages, keep the invoices that meet it.
    let caller = ctx.data::<Caller>()?;
    let profile = caller.profile(&app.profiles).await?;
    let loader = InventoryLoader::new(app.inventory_backends.clone(), budget.clone());
    let scan = app.settings.graphql.max_page_size.max(first);
    let mut kept: Vec<model::Invoice> = Vec::new();
    let mut answers = Installed::default();
    let mut stopped_at: Option<String> = None;
    let mut has_next_page = false;
    for round in 0..MAX_ROUNDS {
        // A page that could not be read or checked whole stops the walk before it, so none of
        // its invoices is skipped: the next request goes on from the last page read whole.
        let page = list(template.clone(), scan).await;
        let checked = if page.failures.is_empty() {
            installed(&page.invoices, profile, &app.countries.snapshot(), &loader).await
        } else {
            Installed::default()
        };
        let failures: Vec<_> = page.failures.iter().chain(&checked.failures).collect();
        if !failures.is_empty() {
            let spent = failures.iter().any(|f| is_spent(&f.error));
            if round == 0 {
                if spent {
                    return Err(too_many_calls());
                }
                let failures: Vec<_> = failures.into_iter().cloned().collect();
                report_failures(ctx, &failures);
                return Ok(None);
            }
            if !spent {
                let failures: Vec<_> = failures.into_iter().cloned().collect();
                report_failures(ctx, &failures);
            }
            has_next_page = true;
            break;
        }
        let last_scanned = page.invoices.last().map(|i| i.sort_key(template.sort));
        for invoice in page.invoices {
            if keeps(condition, &checked, &invoice) {
                kept.push(invoice);
            }
            if kept.len() > first as usize {
                break;
            }
        }
        answers.absorb(checked);
        if kept.len() > first as usize {
            has_next_page = true;
            break;
        }
        let Some(last) = last_scanned else { break };
        if !page.has_next_page {
            break;
        }
        // More pages follow: where the next round (or the next request) goes on.
        has_next_page = round + 1 == MAX_ROUNDS;
        stopped_at = Some(encode_invoice(&last));
        template.after = Some(last);
    }
    kept.truncate(first as usize);
    let cursors: Vec<String> = kept
        .iter()
        .map(|i| encode_invoice(&i.sort_key(template.sort)))
        .collect();
    let inventory = PageInventory::known(kept.clone(), answers);
    let edges: Vec<InvoiceEdge> = cursors
        .into_iter()
        .zip(Invoice::sharing(kept, &inventory))
        .map(|(cursor, node)| InvoiceEdge { cursor, node })
        .collect();
    let mut page_info = PageInfo::of(&edges, |e| &e.cursor, has_next_page, after.is_some());
    if has_next_page && edges.len() < first as usize {
        // Stopped before a full page: go on from the last invoice read, not the last kept.
        page_info.end_cursor = stopped_at.or(page_info.end_cursor);
    }
    Ok(Some(InvoiceConnection {
        page_info,
        edges,
        total_count: None,
        excluded_customers: excluded_customers(scope.excluded.clone()),
    }))
}

fn too_many_calls() -> async_graphql::Error {
    GatewayError::bad_input(
        "first",
        "this request asks the billing systems more often than one request may (limits.max_backend_calls): ask for fewer lists at once",
    )
    .into()
}
