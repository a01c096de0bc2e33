//! Changes to the installed inventory: `requestInventoryUpdate` (US Inventory OnLine) and
//! `requestServiceChange` (the EU Services Assistant, for entitled customers only), each sent to
//! the system holding the item.
//!
//! The item must be visible to the caller (INVENTORY authorisation) before anything is asked of
//! a backend (see [`super::query::locate`]); business refusals are `userErrors`; a change bumps
//! the customer number's inventory namespace so every gateway serves the changed inventory at
//! once.

use std::sync::Arc;
use std::time::Duration;

use async_graphql::{Context, Enum, InputObject, Object, Result, SimpleObject};
use supportgraph_adapters::model::{
    self, AuthorizationStatus, CustomerNumber, InventoryRefusal, MAX_CHANGE_DETAILS, SerialNumber,
};

use super::query::locate;
use crate::app::App;
use crate::auth::Caller;
use crate::cache::Namespace;
use crate::countries::{InventorySource, InventorySystem, Tool};
use crate::error::GatewayError;
use crate::federation::inventory::{InventoryBatcher, region_of, system_of};
use crate::graphql::common::idempotency::{self, IdempotencyKey, Step};
use crate::graphql::common::input::{free_text, identifier};
use crate::graphql::common::outcome::{Outcome, UserError, UserErrorCode};
use crate::graphql::common::scalars::Date;

/// What to change about an item.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "supportgraph_adapters::model::InventoryChange")]
pub enum InventoryChange {
    /// It moved to another site.
    Moved,
    /// It was removed (deinstalled, returned, scrapped).
    Removed,
    /// Its record is wrong.
    Correction,
}

/// A change request as the regional system recorded it.
#[derive(SimpleObject)]
pub struct InventoryRequest {
    /// The system's tracking number.
    pub request_id: String,
    /// The item concerned.
    pub serial_number: String,
    /// What was asked.
    pub change: InventoryChange,
    /// Day the system received it.
    pub received_on: Date,
}

/// Ask for a change to one installed item.
#[derive(InputObject)]
pub struct InventoryChangeInput {
    /// The customer number the item is installed under.
    pub customer_number: String,
    /// The item's serial number.
    pub serial_number: String,
    /// What to change.
    pub change: InventoryChange,
    /// The details (new site, reason...), 1 to 2000 characters.
    pub details: String,
}

/// The result of a change request.
#[derive(SimpleObject)]
pub struct InventoryChangePayload {
    /// The request as recorded; null when refused.
    pub request: Option<InventoryRequest>,
    /// Why it was refused; empty on success.
    pub user_errors: Vec<UserError>,
}

impl InventoryChangePayload {
    fn from_outcome(outcome: Outcome<model::InventoryRequest>) -> Self {
        let (request, user_errors) = outcome.into_parts(|r| InventoryRequest {
            request_id: r.request_id,
            serial_number: r.serial_number,
            change: r.change.into(),
            received_on: Date(r.received_on),
        });
        Self {
            request,
            user_errors,
        }
    }
}

/// Checks, then sends one change request to the system holding the item (a write that runs to
/// completion even when the client goes away: see [`Step`]).
async fn request_change(
    ctx: &Context<'_>,
    app: &Arc<App>,
    caller: &Caller,
    input: &InventoryChangeInput,
    expected: InventorySource,
) -> Result<Step<Outcome<model::InventoryRequest>>, GatewayError> {
    let details = input.details.trim();
    if details.is_empty() || details.chars().count() > MAX_CHANGE_DETAILS {
        return Ok(Step::Answer(Outcome::refused(
            "details",
            UserErrorCode::InvalidRequest,
            format!("describe the change in 1 to {MAX_CHANGE_DETAILS} characters"),
        )));
    }
    let customer = input.customer_number.trim();
    let serial = input.serial_number.trim();
    // A mutation's lookup is not among the operation's batched ones: it asks at once.
    let ticket = ctx
        .data::<InventoryBatcher>()
        .map_err(|e| GatewayError::internal(e.message))?
        .ticket();
    let (system, item) = match locate(ticket, app, caller, customer, serial).await {
        Ok(found) => found,
        Err(GatewayError::NotFound) => {
            return Ok(Step::Answer(Outcome::refused(
                "serialNumber",
                UserErrorCode::UnknownItem,
                format!("no item {serial} is installed under customer number {customer}"),
            )));
        }
        Err(error) => return Err(error),
    };
    if system != expected {
        // `run` sends each customer number to its own system's mutation before we get here.
        return Err(GatewayError::internal(
            "a change request reached the wrong inventory system",
        ));
    }
    let backend = app
        .inventory_backends
        .get(&system)
        .cloned()
        .ok_or_else(|| GatewayError::internal("an inventory system in scope has no backend"))?;
    let (app, customer, details) = (Arc::clone(app), customer.to_owned(), details.to_owned());
    let change: model::InventoryChange = input.change.into();
    Ok(Step::write(async move {
        let answer = backend
            .request_change(&customer, &item.serial_number, change, &details)
            .await
            .map_err(|e| GatewayError::from_adapter(&e, Some(region_of(system))))?;
        app.cache
            .invalidate(&Namespace::new("inventory", customer))
            .await;
        Ok(match answer {
            Ok(request) => Outcome::Done(request),
            Err(InventoryRefusal::UnknownItem) => Outcome::refused(
                "serialNumber",
                UserErrorCode::UnknownItem,
                "the inventory system does not know this item",
            ),
            Err(InventoryRefusal::InvalidRequest) => Outcome::refused(
                "details",
                UserErrorCode::InvalidRequest,
                "the inventory system did not accept the request",
            ),
            Err(InventoryRefusal::NotEntitled) => return Err(GatewayError::NotEntitled),
        })
    }))
}

/// The mutation that sends change requests to `system`: also the operation its
/// `Idempotency-Key` records are kept under.
fn mutation_of(system: InventorySource) -> &'static str {
    match system {
        InventorySource::UsInventoryOnline => "requestInventoryUpdate",
        InventorySource::EuServicesAssistant => "requestServiceChange",
    }
}

/// The tool a customer number must be entitled to before `system` takes its change requests.
fn entitlement_of(system: InventorySource) -> Option<Tool> {
    match system {
        InventorySource::UsInventoryOnline => None,
        InventorySource::EuServicesAssistant => Some(Tool::ServicesAssistant),
    }
}

async fn run(
    ctx: &Context<'_>,
    input: InventoryChangeInput,
    system: InventorySource,
) -> Result<InventoryChangePayload> {
    let app = ctx.data::<Arc<App>>()?;
    let caller = ctx.data::<Caller>()?;
    let user_id = caller.principal()?.user_id.clone();
    check_change_input(&input)?;
    let profile = caller.profile(&app.profiles).await?;
    let customer = input.customer_number.trim();
    // An item of the caller's kept by the other system: say which mutation serves it.
    if let Some(InventorySystem::Online(held_by)) =
        system_of(profile, &app.countries.snapshot(), customer)
        && held_by != system
    {
        let other = mutation_of(held_by);
        return Ok(InventoryChangePayload::from_outcome(Outcome::refused(
            "customerNumber",
            UserErrorCode::WrongSystem,
            format!("this customer number's inventory is kept elsewhere: use {other}"),
        )));
    }
    if let Some(tool) = entitlement_of(system) {
        let entitled = profile.authorization(tool, customer) == AuthorizationStatus::Authorized;
        if !entitled {
            return Err(GatewayError::NotEntitled.into());
        }
    }
    let backends = &app.settings.backends;
    let wait = match system {
        InventorySource::UsInventoryOnline => backends.us_inventory.timeout_ms,
        InventorySource::EuServicesAssistant => backends.eu_services_assistant.timeout_ms,
    };
    let fingerprint = (
        input.customer_number.trim(),
        input.serial_number.trim(),
        format!("{:?}", model::InventoryChange::from(input.change)),
        input.details.trim(),
    );
    let outcome = idempotency::once(
        app,
        ctx.data_opt::<IdempotencyKey>(),
        &user_id,
        mutation_of(system),
        &fingerprint,
        Duration::from_millis(wait),
        request_change(ctx, app, caller, &input, system),
    )
    .await?;
    Ok(InventoryChangePayload::from_outcome(outcome))
}

/// Checks a change request's identifiers by their types and its details for control characters,
/// before anything (profile, idempotency record, backend) is touched: `BAD_USER_INPUT`.
fn check_change_input(input: &InventoryChangeInput) -> Result<(), GatewayError> {
    identifier::<CustomerNumber>("input.customerNumber", &input.customer_number)?;
    identifier::<SerialNumber>("input.serialNumber", &input.serial_number)?;
    free_text("input.details", input.details.trim())
}

/// Inventory change mutations.
#[derive(Default)]
pub struct InventoryMutation;

#[Object]
impl InventoryMutation {
    /// Asks US Inventory OnLine to update an item's record (moved, removed, corrected). Send an
    /// `Idempotency-Key` header to make retries safe.
    async fn request_inventory_update(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The item and the change asked for.")] input: InventoryChangeInput,
    ) -> Result<InventoryChangePayload> {
        run(ctx, input, InventorySource::UsInventoryOnline).await
    }

    /// Asks the Services Assistant for a change to a machine (Europe). Only for customer
    /// numbers entitled to the Services Assistant; others get `SERVICES_ASSISTANT_NOT_ENTITLED`.
    async fn request_service_change(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The machine and the change asked for.")] input: InventoryChangeInput,
    ) -> Result<InventoryChangePayload> {
        run(ctx, input, InventorySource::EuServicesAssistant).await
    }
}
