//! `inventory` and `inventoryItem`: installed hardware and software over every regional
//! inventory system the caller's customer numbers live in, merged into one connection, and one
//! item by serial number — the lookup the change requests and `node` rely on, batched per system.
//!
//! The filter's values are checked here, at the edge; splitting the caller's customer numbers by
//! system, merging, filtering and paging the items is `federation::inventory`.

use std::sync::Arc;
use std::time::Duration;

use async_graphql::{Context, ErrorExtensions, InputObject, Object, Result};
use chrono::Utc;
use supportgraph_adapters::model::{self, CustomerNumber, SerialNumber};

use super::types::{InventoryConnection, InventoryEdge, InventoryItem};
use crate::app::App;
use crate::auth::Caller;
use crate::countries::InventorySource;
use crate::error::GatewayError;
use crate::federation::call_budget::{CallBudget, is_spent};
use crate::federation::inventory::{
    InventoryBatcher, InventoryTicket, ItemFilter, SerialRef, inventory_scope, region_of,
    with_customer_countries,
};
use crate::federation::inventory_listing::{
    ListingPosition, ListingRequest, ListingSources, list_inventory,
};
use crate::graphql::common::connection::{PageInfo, page_size};
use crate::graphql::common::cursor::{invalid, open, seal};
use crate::graphql::common::domain::ProductKind;
use crate::graphql::common::exclusions::excluded_customers;
use crate::graphql::common::failures::report_failures;
use crate::graphql::common::input::{customer_filter, customer_filter_not_empty, identifier};

/// The longest horizon of the "ending within N days" filters.
const MAX_DAYS: i32 = 3650;

/// What every inventory cursor starts with (`inv1:` cursors held a sort key, before the
/// listing was paged at the systems).
const CURSOR_PREFIX: &str = "inv2:";

/// Which items to list.
#[derive(InputObject, Default)]
pub struct InventoryFilter {
    /// Only items of these customer numbers (each must be your company's).
    pub customer_numbers: Option<Vec<String>>,
    /// Only items at a location whose name or city contains this text (any case).
    pub location: Option<String>,
    /// Only hardware, or only software.
    pub kind: Option<ProductKind>,
    /// Only this machine type.
    pub machine_type: Option<String>,
    /// Only this model.
    pub model: Option<String>,
    /// Only the item with this serial number.
    pub serial_number: Option<String>,
    /// Only items whose maintenance ends between today and this many days from now.
    pub maintenance_ending_within_days: Option<i32>,
    /// Only items whose lease ends between today and this many days from now.
    pub lease_ending_within_days: Option<i32>,
}

fn days(field: &str, value: Option<i32>) -> Result<Option<i64>, GatewayError> {
    match value {
        None => Ok(None),
        Some(n) if (0..=MAX_DAYS).contains(&n) => Ok(Some(i64::from(n))),
        Some(_) => Err(GatewayError::bad_input(
            field,
            format!("must be between 0 and {MAX_DAYS} days"),
        )),
    }
}

/// Checks the filter before anything is asked: its customer numbers (each checked by its type
/// and trimmed), and what the merged items are filtered by.
fn check_filter(
    filter: InventoryFilter,
) -> Result<(Option<Vec<String>>, ItemFilter), GatewayError> {
    customer_filter_not_empty(filter.customer_numbers.as_ref())?;
    let maintenance_within_days = days(
        "filter.maintenanceEndingWithinDays",
        filter.maintenance_ending_within_days,
    )?;
    let lease_within_days = days(
        "filter.leaseEndingWithinDays",
        filter.lease_ending_within_days,
    )?;
    let customer_numbers = customer_filter(filter.customer_numbers.as_deref())?;
    let serial_number: Option<SerialNumber> = filter
        .serial_number
        .as_deref()
        .map(|serial| identifier("filter.serialNumber", serial))
        .transpose()?;
    let location = match filter.location.as_deref().map(str::trim) {
        Some("") => {
            return Err(GatewayError::bad_input(
                "filter.location",
                "name some text, or leave the filter out",
            ));
        }
        other => other.map(str::to_owned),
    };
    let items = ItemFilter {
        location,
        kind: filter.kind.map(model::ProductKind::from),
        machine_type: filter.machine_type,
        model: filter.model,
        serial_number: serial_number.map(String::from),
        maintenance_within_days,
        lease_within_days,
    };
    Ok((customer_numbers, items))
}

fn encode_cursor(position: &ListingPosition) -> String {
    let text = serde_json::to_string(position).expect("a position always serialises");
    seal(CURSOR_PREFIX, &text)
}

fn decode_cursor(cursor: &str) -> Result<ListingPosition, GatewayError> {
    let json = open(cursor, CURSOR_PREFIX)?;
    serde_json::from_str(&json).map_err(|_| invalid())
}

/// Finds an item the caller may see: its system and the item, `NOT_FOUND` when there is none.
/// Callers pass a customer number and serial number that passed their types.
pub async fn locate(
    ticket: InventoryTicket,
    app: &App,
    caller: &Caller,
    customer_number: &str,
    serial_number: &str,
) -> Result<(InventorySource, model::InventoryItem), GatewayError> {
    let profile = caller.profile(&app.profiles).await?;
    let requested = [customer_number.to_owned()];
    let scope = inventory_scope(profile, &app.countries.snapshot(), Some(&requested))?;
    let Some((system, customers)) = scope.by_system.into_iter().next() else {
        return Err(GatewayError::NotFound);
    };
    let key = SerialRef {
        system,
        customers: customers.into(),
        serial_number: serial_number.to_owned(),
    };
    match ticket.load_one(key).await {
        Some(Ok(mut item)) => {
            with_customer_countries(std::slice::from_mut(&mut item), profile);
            Ok((system, item))
        }
        Some(Err(error)) => Err(GatewayError::from_adapter(&error, Some(region_of(system)))),
        None => Err(GatewayError::NotFound),
    }
}

/// The item a global ID names, fetched again: whatever stops the lookup short of the item, the
/// answer is `NOT_FOUND` and never says which.
pub async fn item_by_id(
    ticket: InventoryTicket,
    app: &App,
    caller: &Caller,
    customer_number: &str,
    serial_number: &str,
) -> Result<InventoryItem, GatewayError> {
    let (_, item) = locate(ticket, app, caller, customer_number, serial_number)
        .await
        .map_err(|error| match error {
            GatewayError::Forbidden(_)
            | GatewayError::FeatureNotAvailable { .. }
            | GatewayError::InventoryByInquiry { .. } => GatewayError::NotFound,
            other => other,
        })?;
    Ok(item.into())
}

/// Query fields of the inventory tools.
#[derive(Default)]
pub struct InventoryQuery;

#[Object]
impl InventoryQuery {
    /// Your company's installed hardware and software, over US Inventory OnLine and the
    /// European Services Assistant, in one list: system by system (US Inventory OnLine first),
    /// each in its system's own order. Countries without an online inventory are listed in
    /// `excludedCustomers`; ask about them with `submitInquiry` (category INVENTORY). A system
    /// that cannot answer leaves its items out and adds a `BACKEND_UNAVAILABLE` error. With a
    /// filter other than `customerNumbers` or `serialNumber`, `totalCount` reads every page of a
    /// large inventory: leave it out where you do not need it.
    async fn inventory(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which items to list.")] filter: Option<InventoryFilter>,
        #[graphql(desc = "Page size, 1 to the configured maximum.")] first: Option<i32>,
        #[graphql(desc = "Cursor of the item to continue after.")] after: Option<String>,
    ) -> Result<Option<InventoryConnection>> {
        let app = ctx.data::<Arc<App>>()?;
        let caller = ctx.data::<Caller>()?;
        caller.principal()?;
        let first = page_size(first, app)? as usize;
        let after_position = after.as_deref().map(decode_cursor).transpose()?;
        let (customer_numbers, item_filter) = check_filter(filter.unwrap_or_default())?;

        let profile = caller.profile(&app.profiles).await?;
        let scope = inventory_scope(
            profile,
            &app.countries.snapshot(),
            customer_numbers.as_deref(),
        )?;
        let sources = ListingSources {
            backends: &app.inventory_backends,
            cache: &app.cache,
            ttl: Duration::from_secs(app.settings.cache.inventory_ttl_seconds),
            budget: ctx.data::<Arc<CallBudget>>()?,
        };
        let request = ListingRequest {
            scope: &scope,
            filter: &item_filter,
            after: after_position.as_ref(),
            first,
            count: ctx.look_ahead().field("totalCount").exists(),
            today: Utc::now().date_naive(),
        };
        let listing = list_inventory(&sources, &request).await?;
        report_failures(ctx, &listing.failures);
        for failure in &listing.count_failures {
            if is_spent(&failure.error) {
                let error = GatewayError::bad_input(
                    "totalCount",
                    "counting every matching item takes more backend calls than one request may make; leave totalCount out or narrow the filter",
                );
                ctx.add_error(ctx.set_error_path(error.extend().into_server_error(ctx.item.pos)));
            } else {
                report_failures(ctx, std::slice::from_ref(failure));
            }
        }
        if listing.failures.len() == scope.by_system.len() {
            return Ok(None);
        }
        let edges: Vec<InventoryEdge> = listing
            .items
            .into_iter()
            .map(|(position, mut item)| {
                with_customer_countries(std::slice::from_mut(&mut item), profile);
                InventoryEdge {
                    cursor: encode_cursor(&position),
                    node: item.into(),
                }
            })
            .collect();
        Ok(Some(InventoryConnection {
            page_info: PageInfo::of(
                &edges,
                |e| &e.cursor,
                listing.has_next_page,
                after.is_some(),
            ),
            edges,
            total_count: listing.total_count,
            excluded_customers: excluded_customers(scope.excluded),
        }))
    }

    /// One installed item by customer number and serial number. `NOT_FOUND` when you have no
    /// such item.
    async fn inventory_item(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The customer number it is installed under.")] customer_number: String,
        #[graphql(desc = "Its serial number.")] serial_number: String,
    ) -> Result<Option<InventoryItem>> {
        // A place in the request's batch first: whatever ends this lookup early gives it up.
        let ticket = ctx.data::<InventoryBatcher>()?.ticket();
        let app = ctx.data::<Arc<App>>()?;
        let caller = ctx.data::<Caller>()?;
        caller.principal()?;
        let customer: CustomerNumber = identifier("customerNumber", &customer_number)?;
        let serial: SerialNumber = identifier("serialNumber", &serial_number)?;
        let (_, item) = locate(ticket, app, caller, customer.as_str(), serial.as_str()).await?;
        Ok(Some(item.into()))
    }
}
