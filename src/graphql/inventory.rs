//! `inventory`: installed hardware and software over every regional inventory system the
//! caller's customer numbers live in, merged into one connection, each item with its region and
//! source system. Fields a region does not have are null (see `adapters::model::inventory`).

use std::sync::Arc;
use std::time::Duration;

use async_graphql::{Context, Enum, ID, InputObject, Object, Result, SimpleObject};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::Utc;
use supportgraph_adapters::model::{self, CustomerNumber, SerialNumber};

use super::global_id::{GlobalId, identifier, identifiers};
use super::order::{ExcludedCustomer, ProductKind, Region};
use super::orders::{page_size, report_failures};
use super::scalars::{Date, Money, PageInfo};
use crate::app::App;
use crate::auth::Caller;
use crate::error::GatewayError;
use crate::federation::call_budget::CallBudget;
use crate::federation::inventory::{
    fetch_inventory, inventory_scope, sort_key, with_customer_countries,
};

/// The longest horizon of the "ending within N days" filters.
const MAX_DAYS: i32 = 3650;

/// The regional system an item comes from.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "supportgraph_adapters::model::InventorySource")]
pub enum InventorySource {
    /// US Inventory OnLine.
    UsInventoryOnline,
    /// The European Services Assistant.
    EuServicesAssistant,
}

/// Where an item is installed.
#[derive(SimpleObject)]
pub struct InventoryLocation {
    /// The site's name.
    pub name: String,
    /// Street and number.
    pub street: String,
    /// City.
    pub city: String,
    /// Postal code.
    pub postal_code: String,
    /// ISO 3166-1 alpha-2 country.
    pub country: String,
}

/// Maintenance coverage.
#[derive(SimpleObject)]
pub struct Maintenance {
    /// The coverage, in words.
    pub coverage: String,
    /// Last day covered.
    pub ends_on: Date,
}

/// A lease (US Inventory OnLine only).
#[derive(SimpleObject)]
pub struct Lease {
    /// Who leases it.
    pub lessor: String,
    /// Last day of the lease.
    pub ends_on: Date,
    /// The monthly payment.
    pub monthly_amount: Money,
}

/// The service level of an item's contract (Services Assistant only).
#[derive(SimpleObject)]
pub struct ServiceLevel {
    /// The level's name.
    pub name: String,
    /// Hours within which a technician responds.
    pub response_hours: u32,
    /// When service is given.
    pub coverage_hours: String,
}

/// One installed feature (Services Assistant only).
#[derive(SimpleObject)]
pub struct ConfigurationFeature {
    /// Feature code.
    pub code: String,
    /// What it is.
    pub description: String,
    /// How many are installed.
    pub quantity: u32,
}

/// One installed machine or software product.
#[derive(SimpleObject)]
pub struct InventoryItem {
    /// Opaque global ID; `node(id:)` fetches the item again.
    #[graphql(owned)]
    pub id: ID,
    /// Serial number (machines) or licence number (software).
    pub serial_number: String,
    /// The customer number it is installed under.
    pub customer_number: String,
    /// ISO country of that customer number.
    pub country: String,
    /// The region whose system holds it.
    pub region: Region,
    /// The system it comes from.
    pub source: InventorySource,
    /// Hardware or software.
    pub kind: ProductKind,
    /// Machine type (or product number).
    pub machine_type: String,
    /// Model.
    pub model: String,
    /// What it is.
    pub description: String,
    /// Day it was installed, when known.
    pub installed_on: Option<Date>,
    /// Where it is installed.
    pub location: Option<InventoryLocation>,
    /// Its maintenance coverage.
    pub maintenance: Option<Maintenance>,
    /// Its lease (US only).
    pub lease: Option<Lease>,
    /// Its service contract (Europe only).
    pub contract_number: Option<String>,
    /// Its contract's service level (Europe only).
    pub service_level: Option<ServiceLevel>,
    /// Its installed features (Europe only; empty elsewhere).
    pub configuration: Vec<ConfigurationFeature>,
}

impl From<model::InventoryItem> for InventoryItem {
    fn from(i: model::InventoryItem) -> Self {
        let id = GlobalId::InventoryItem {
            customer_number: i.customer_number.clone(),
            serial_number: i.serial_number.clone(),
        };
        Self {
            id: ID(id.encode()),
            serial_number: i.serial_number,
            customer_number: i.customer_number,
            country: i.country,
            region: i.region.into(),
            source: i.source.into(),
            kind: i.kind.into(),
            machine_type: i.machine_type,
            model: i.model,
            description: i.description,
            installed_on: i.installed_on.map(Date),
            location: i.location.map(|l| InventoryLocation {
                name: l.name,
                street: l.street,
                city: l.city,
                postal_code: l.postal_code,
                country: l.country,
            }),
            maintenance: i.maintenance.map(|m| Maintenance {
                coverage: m.coverage,
                ends_on: Date(m.ends_on),
            }),
            lease: i.lease.map(|l| Lease {
                lessor: l.lessor,
                ends_on: Date(l.ends_on),
                monthly_amount: l.monthly_amount.into(),
            }),
            contract_number: i.contract_number,
            service_level: i.service_level.map(|s| ServiceLevel {
                name: s.name,
                response_hours: s.response_hours,
                coverage_hours: s.coverage_hours,
            }),
            configuration: i
                .configuration
                .into_iter()
                .map(|f| ConfigurationFeature {
                    code: f.code,
                    description: f.description,
                    quantity: f.quantity,
                })
                .collect(),
        }
    }
}

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

/// An item in a connection.
#[derive(SimpleObject)]
pub struct InventoryEdge {
    /// Opaque cursor of this item's position.
    pub cursor: String,
    /// The item.
    pub node: InventoryItem,
}

/// A page of installed items over every regional inventory system.
#[derive(SimpleObject)]
pub struct InventoryConnection {
    /// The items of this page.
    pub edges: Vec<InventoryEdge>,
    /// Paging information.
    pub page_info: PageInfo,
    /// Items matching the filter over every system that answered.
    pub total_count: u64,
    /// Your customer numbers left out, and why.
    pub excluded_customers: Vec<ExcludedCustomer>,
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

fn encode_cursor(key: &(String, String, String, String)) -> String {
    let text = serde_json::to_string(&[&key.0, &key.1, &key.2, &key.3])
        .expect("four strings always serialise");
    URL_SAFE_NO_PAD.encode(format!("inv1:{text}"))
}

fn decode_cursor(cursor: &str) -> Result<(String, String, String, String), GatewayError> {
    let invalid = || GatewayError::bad_input("after", "the cursor is not one this API issued");
    let bytes = URL_SAFE_NO_PAD.decode(cursor).map_err(|_| invalid())?;
    let text = String::from_utf8(bytes).map_err(|_| invalid())?;
    let json = text.strip_prefix("inv1:").ok_or_else(invalid)?;
    let [a, b, c, d]: [String; 4] = serde_json::from_str(json).map_err(|_| invalid())?;
    Ok((a, b, c, d))
}

/// Query fields of the inventory tools.
#[derive(Default)]
pub struct InventoryQuery;

#[Object]
impl InventoryQuery {
    /// Your company's installed hardware and software, over US Inventory OnLine and the
    /// European Services Assistant, merged. Countries without an online inventory are listed in
    /// `excludedCustomers`; ask about them with `submitInquiry` (category INVENTORY). A system
    /// that cannot answer leaves its items out and adds a `BACKEND_UNAVAILABLE` error.
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
        let after_key = after.as_deref().map(decode_cursor).transpose()?;
        let filter = filter.unwrap_or_default();
        if filter.customer_numbers.as_ref().is_some_and(Vec::is_empty) {
            return Err(GatewayError::bad_input(
                "filter.customerNumbers",
                "name at least one customer number, or leave the filter out for all of yours",
            )
            .into());
        }
        let maintenance_days = days(
            "filter.maintenanceEndingWithinDays",
            filter.maintenance_ending_within_days,
        )?;
        let lease_days = days(
            "filter.leaseEndingWithinDays",
            filter.lease_ending_within_days,
        )?;
        let customer_numbers: Option<Vec<String>> = filter
            .customer_numbers
            .as_deref()
            .map(|numbers| identifiers::<CustomerNumber>("filter.customerNumbers", numbers))
            .transpose()?
            .map(|numbers| numbers.into_iter().map(String::from).collect());
        let serial_number: Option<SerialNumber> = filter
            .serial_number
            .as_deref()
            .map(|serial| identifier("filter.serialNumber", serial))
            .transpose()?;

        let profile = caller.profile(&app.profiles).await?;
        let scope = inventory_scope(profile, &app.countries, customer_numbers.as_deref())?;
        let ttl = Duration::from_secs(app.settings.cache.inventory_ttl_seconds);
        let budget = ctx.data::<Arc<CallBudget>>()?;
        let (mut items, failures) =
            fetch_inventory(&app.inventory_backends, &app.cache, ttl, &scope, budget).await;
        with_customer_countries(&mut items, profile);
        report_failures(ctx, &failures);
        if failures.len() == scope.by_system.len() {
            return Ok(None);
        }

        let today = Utc::now().date_naive();
        let within = |day: chrono::NaiveDate, horizon: Option<i64>| {
            horizon.is_none_or(|n| day >= today && day <= today + chrono::Duration::days(n))
        };
        let location = filter.location.as_deref().map(str::to_lowercase);
        let mut matching: Vec<model::InventoryItem> = items
            .into_iter()
            .filter(|i| {
                location.as_deref().is_none_or(|text| {
                    i.location.as_ref().is_some_and(|l| {
                        l.name.to_lowercase().contains(text) || l.city.to_lowercase().contains(text)
                    })
                })
            })
            .filter(|i| {
                filter
                    .kind
                    .is_none_or(|k| model::ProductKind::from(k) == i.kind)
            })
            .filter(|i| {
                filter
                    .machine_type
                    .as_deref()
                    .is_none_or(|t| t == i.machine_type)
            })
            .filter(|i| filter.model.as_deref().is_none_or(|m| m == i.model))
            .filter(|i| {
                serial_number
                    .as_ref()
                    .is_none_or(|s| s.as_str() == i.serial_number)
            })
            .filter(|i| {
                maintenance_days.is_none()
                    || i.maintenance
                        .as_ref()
                        .is_some_and(|m| within(m.ends_on, maintenance_days))
            })
            .filter(|i| {
                lease_days.is_none()
                    || i.lease
                        .as_ref()
                        .is_some_and(|l| within(l.ends_on, lease_days))
            })
            .collect();
        matching.sort_by_key(sort_key);
        let total_count = matching.len() as u64;
        let remaining: Vec<model::InventoryItem> = matching
            .into_iter()
            .filter(|i| after_key.as_ref().is_none_or(|after| sort_key(i) > *after))
            .collect();
        let has_next_page = remaining.len() > first;
        let edges: Vec<InventoryEdge> = remaining
            .into_iter()
            .take(first)
            .map(|item| InventoryEdge {
                cursor: encode_cursor(&sort_key(&item)),
                node: item.into(),
            })
            .collect();
        Ok(Some(InventoryConnection {
            page_info: PageInfo {
                has_next_page,
                has_previous_page: after.is_some(),
                start_cursor: edges.first().map(|e| e.cursor.clone()),
                end_cursor: edges.last().map(|e| e.cursor.clone()),
            },
            edges,
            total_count,
            excluded_customers: scope
                .excluded
                .into_iter()
                .map(|e| ExcludedCustomer {
                    customer_number: e.customer_number,
                    reason: e.reason.into(),
                })
                .collect(),
        }))
    }
}
