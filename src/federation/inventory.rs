//! Installed inventory over the regional systems: the caller's customer numbers split by the
//! online system that holds their country's inventory (US Inventory OnLine, the EU Services
//! Assistant), what a listing's filter keeps, and lookups by serial number, batched per request.
//! Listing the items page by page is [`super::inventory_listing`].
//!
//! Countries whose inventory system is `inquiry-only` have no online inventory: their customer
//! numbers are reported as left out, and asking for one directly points to `submitInquiry`.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::NaiveDate;
use futures::future::BoxFuture;
use supportgraph_adapters::AdapterError;
use supportgraph_adapters::model::{InventoryItem, ProductKind, Region, UserProfile};
use supportgraph_adapters::ports::InventoryBackend;

use super::batcher::{Batcher, Ticket};
use super::loader::{InstanceLoader, Lookup};
use super::scope::{Exclusion, ExclusionReason, ToolScope};
use crate::countries::{CountryDirectory, InventorySource, InventorySystem, Tool};
use crate::error::GatewayError;

/// What a system without a configured backend fails with.
pub(super) const NOT_CONFIGURED: &str = "no such inventory system is configured";

/// The caller's customer numbers per online inventory system.
#[derive(Debug, Clone, Default)]
pub struct InventoryScope {
    /// Customer numbers to ask, per system.
    pub by_system: BTreeMap<InventorySource, Vec<String>>,
    /// Customer numbers left out, and why.
    pub excluded: Vec<Exclusion>,
}

/// The region whose system it is, for errors.
pub fn region_of(system: InventorySource) -> Region {
    match system {
        InventorySource::UsInventoryOnline => Region::Americas,
        InventorySource::EuServicesAssistant => Region::Emea,
    }
}

/// The system's name, for budgets, caches and errors.
pub(super) fn instance(system: InventorySource) -> &'static str {
    match system {
        InventorySource::UsInventoryOnline => supportgraph_adapters::us_inventory::INSTANCE,
        InventorySource::EuServicesAssistant => supportgraph_adapters::eu_services::INSTANCE,
    }
}

/// The inventory system of one of the caller's customer numbers, and its country; `None` when
/// it is not theirs or its country is not in the directory.
fn customer_system<'p>(
    profile: &'p UserProfile,
    countries: &CountryDirectory,
    customer_number: &str,
) -> Option<(InventorySystem, &'p str)> {
    let customer = profile.customer(customer_number)?;
    let entry = countries.get(&customer.country)?;
    Some((entry.inventory_system, customer.country.as_str()))
}

/// The inventory system holding one of the caller's customer numbers, if it is theirs.
pub fn system_of(
    profile: &UserProfile,
    countries: &CountryDirectory,
    customer_number: &str,
) -> Option<InventorySystem> {
    customer_system(profile, countries, customer_number).map(|(system, _)| system)
}

/// The caller's inventory scope, optionally narrowed to `requested` customer numbers.
pub fn inventory_scope(
    profile: &UserProfile,
    countries: &CountryDirectory,
    requested: Option<&[String]>,
) -> Result<InventoryScope, GatewayError> {
    let system_of = |number: &str| customer_system(profile, countries, number);
    for number in requested.into_iter().flatten() {
        if let Some((InventorySystem::InquiryOnly, country)) = system_of(number) {
            return Err(GatewayError::InventoryByInquiry {
                country: country.to_owned(),
            });
        }
    }
    let tool_scope = ToolScope::for_tool(Tool::Inventory, profile, countries, requested)?;
    // A country without an online inventory is the reason that matters, whatever the
    // authorisation: asking for access would not help.
    let excluded = tool_scope
        .excluded
        .into_iter()
        .map(|mut exclusion| {
            if let Some((InventorySystem::InquiryOnly, _)) = system_of(&exclusion.customer_number) {
                exclusion.reason = ExclusionReason::InventoryByInquiry;
            }
            exclusion
        })
        .collect();
    let mut scope = InventoryScope {
        excluded,
        ..InventoryScope::default()
    };
    for (region, customers) in tool_scope.by_region {
        for customer in customers {
            let reason = match system_of(&customer) {
                Some((InventorySystem::Online(system), _)) => {
                    scope.by_system.entry(system).or_default().push(customer);
                    continue;
                }
                Some((InventorySystem::InquiryOnly, _)) => ExclusionReason::InventoryByInquiry,
                None => ExclusionReason::UnknownCountry,
            };
            scope.excluded.push(Exclusion {
                customer_number: customer,
                reason,
                region: Some(region),
            });
        }
    }
    if scope.by_system.is_empty() {
        // Only when every customer number is inquiry-only is that the answer; otherwise the
        // authorisations that could be asked for must be said.
        let only_inquiry = !scope.excluded.is_empty()
            && scope
                .excluded
                .iter()
                .all(|e| e.reason == ExclusionReason::InventoryByInquiry);
        return Err(if only_inquiry {
            GatewayError::InventoryByInquiry {
                country: profile.country.clone(),
            }
        } else {
            ToolScope {
                excluded: scope.excluded,
                ..ToolScope::default()
            }
            .empty_error(Tool::Inventory, &profile.country)
        });
    }
    Ok(scope)
}

/// Which items a listing keeps: every condition that is set must hold.
#[derive(Debug, Clone, Default)]
pub struct ItemFilter {
    /// Text the location's name or city contains, in any case.
    pub location: Option<String>,
    /// Only hardware, or only software.
    pub kind: Option<ProductKind>,
    /// This machine type.
    pub machine_type: Option<String>,
    /// This model.
    pub model: Option<String>,
    /// This serial number.
    pub serial_number: Option<String>,
    /// Maintenance ends between today and this many days from now.
    pub maintenance_within_days: Option<i64>,
    /// The lease ends between today and this many days from now.
    pub lease_within_days: Option<i64>,
}

impl ItemFilter {
    /// Whether any condition is set.
    pub fn is_set(&self) -> bool {
        let Self {
            location,
            kind,
            machine_type,
            model,
            serial_number,
            maintenance_within_days,
            lease_within_days,
        } = self;
        location.is_some()
            || kind.is_some()
            || machine_type.is_some()
            || model.is_some()
            || serial_number.is_some()
            || maintenance_within_days.is_some()
            || lease_within_days.is_some()
    }

    /// Whether `item` meets every condition that is set; `today` is the day the "ending
    /// within" conditions count from.
    pub fn keeps(&self, item: &InventoryItem, today: NaiveDate) -> bool {
        let ends_within =
            |day: NaiveDate, days: i64| day >= today && day <= today + chrono::Duration::days(days);
        let at_location = |text: &str| {
            let text = text.to_lowercase();
            item.location.as_ref().is_some_and(|l| {
                l.name.to_lowercase().contains(&text) || l.city.to_lowercase().contains(&text)
            })
        };
        self.location.as_deref().is_none_or(at_location)
            && self.kind.is_none_or(|k| k == item.kind)
            && self
                .machine_type
                .as_deref()
                .is_none_or(|t| t == item.machine_type)
            && self.model.as_deref().is_none_or(|m| m == item.model)
            && self
                .serial_number
                .as_deref()
                .is_none_or(|s| s == item.serial_number)
            && self.maintenance_within_days.is_none_or(|days| {
                item.maintenance
                    .as_ref()
                    .is_some_and(|m| ends_within(m.ends_on, days))
            })
            && self.lease_within_days.is_none_or(|days| {
                item.lease
                    .as_ref()
                    .is_some_and(|l| ends_within(l.ends_on, days))
            })
    }
}

/// Sets each item's `country` to its customer number's registered country: a system may only
/// know where a machine stands (its location keeps that), not the customer number's country.
pub fn with_customer_countries(items: &mut [InventoryItem], profile: &UserProfile) {
    for item in items {
        if let Some(customer) = profile.customer(&item.customer_number) {
            item.country.clone_from(&customer.country);
        }
    }
}

/// One request's lookups by serial number, batched (see [`super::batcher`]).
pub type InventoryBatcher = Batcher<SerialRef, InventoryLoader>;

/// A lookup field's place in the serial-number batch.
pub type InventoryTicket = Ticket<SerialRef, InventoryLoader>;

/// One inventory item to look up by serial number: in which system, for whom.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SerialRef {
    /// The system to ask.
    pub system: InventorySource,
    /// The customer numbers the caller may see in that system.
    pub customers: Arc<[String]>,
    /// The serial number.
    pub serial_number: String,
}

/// Loads inventory items by serial number: one batch call per system per query (see
/// [`super::loader`]).
pub type InventoryLoader = InstanceLoader<SerialRef>;

impl Lookup for SerialRef {
    type Instance = InventorySource;
    type Backend = dyn InventoryBackend;
    type Value = InventoryItem;

    const NOT_CONFIGURED: &'static str = NOT_CONFIGURED;

    fn instance_name(system: InventorySource) -> String {
        instance(system).to_owned()
    }

    fn instance(&self) -> InventorySource {
        self.system
    }

    fn id(&self) -> &str {
        &self.serial_number
    }

    fn call<'a>(
        backend: &'a dyn InventoryBackend,
        serials: &'a [String],
    ) -> BoxFuture<'a, Result<Vec<InventoryItem>, AdapterError>> {
        backend.items_by_serial(serials)
    }

    fn answers(&self, item: &InventoryItem) -> bool {
        item.serial_number == self.serial_number && self.customers.contains(&item.customer_number)
    }
}
