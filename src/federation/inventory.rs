//! Installed inventory over the regional systems: the caller's customer numbers split by the
//! online system that holds their country's inventory (US Inventory OnLine, the EU Services
//! Assistant), fetched concurrently through the cache, merged into one list, filtered, sorted and
//! paged; and lookups by serial number, batched per request.
//!
//! Countries whose inventory system is `inquiry-only` have no online inventory: their customer
//! numbers are reported as left out, and asking for one directly points to `submitInquiry`.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use chrono::NaiveDate;
use futures::future::{BoxFuture, join_all};
use supportgraph_adapters::AdapterError;
use supportgraph_adapters::model::{InventoryItem, ProductKind, Region, UserProfile};
use supportgraph_adapters::ports::InventoryBackend;

use super::batcher::{Batcher, Ticket};
use super::call_budget::CallBudget;
use super::fan_out::{RegionFailure, backend_of, cached_call};
use super::loader::{InstanceLoader, Lookup};
use super::scope::{Exclusion, ExclusionReason, ToolScope};
use crate::cache::{Cache, CacheKey, Namespace};
use crate::countries::{CountryDirectory, InventorySource, InventorySystem, Tool};
use crate::error::GatewayError;

/// What a system without a configured backend fails with.
const NOT_CONFIGURED: &str = "no such inventory system is configured";

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
fn instance(system: InventorySource) -> &'static str {
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

/// Every item of the scope, merged; the systems that failed are reported, not fatal.
pub async fn fetch_inventory(
    backends: &BTreeMap<InventorySource, Arc<dyn InventoryBackend>>,
    cache: &Cache,
    ttl: Duration,
    scope: &InventoryScope,
    budget: &CallBudget,
) -> (Vec<InventoryItem>, Vec<RegionFailure>) {
    let calls = scope
        .by_system
        .iter()
        .map(|(system, customers)| async move {
            let name = instance(*system);
            let result = match backend_of(backends, system, name, NOT_CONFIGURED) {
                Ok(backend) => {
                    let key = CacheKey::new(
                        name,
                        "inventory_items",
                        "",
                        customers.clone(),
                        customers
                            .iter()
                            .map(|c| Namespace::new("inventory", c.clone()))
                            .collect(),
                        ttl,
                    );
                    // The first page is paid for by the cache's reservation, every further page
                    // from the request's budget as it is asked for.
                    let pay = || budget.take(name);
                    let walk = backend.items_paying(customers, &pay);
                    cached_call(cache, &key, budget, name, walk).await
                }
                Err(missing) => Err(missing),
            };
            (*system, result)
        });
    let mut items = Vec::new();
    let mut failures = Vec::new();
    for (system, result) in join_all(calls).await {
        match result {
            Ok(found) => items.extend(found),
            Err(error) => failures.push(RegionFailure {
                region: region_of(system),
                error,
            }),
        }
    }
    (items, failures)
}

/// Where an item stands in a listing: country, location, serial number, customer number.
pub type ItemSortKey = (String, String, String, String);

/// The order items are listed in (see [`ItemSortKey`]).
pub fn sort_key(item: &InventoryItem) -> ItemSortKey {
    (
        item.country.clone(),
        item.location
            .as_ref()
            .map(|l| l.name.clone())
            .unwrap_or_default(),
        item.serial_number.clone(),
        item.customer_number.clone(),
    )
}

/// Which of the merged items a listing keeps: every condition that is set must hold.
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

/// One page of a filtered, sorted listing.
#[derive(Debug, Clone, Default)]
pub struct ItemPage {
    /// At most `first` items, in [`sort_key`] order.
    pub items: Vec<InventoryItem>,
    /// Whether more items follow the last one.
    pub has_next_page: bool,
    /// Items matching the filter.
    pub total_count: u64,
}

/// The page of `first` items after `after` among those `filter` keeps, sorted; `today` is the
/// day the "ending within" conditions count from.
pub fn page(
    items: Vec<InventoryItem>,
    filter: &ItemFilter,
    after: Option<&ItemSortKey>,
    first: usize,
    today: NaiveDate,
) -> ItemPage {
    let within = |day: NaiveDate, horizon: Option<i64>| {
        horizon.is_none_or(|n| day >= today && day <= today + chrono::Duration::days(n))
    };
    let location = filter.location.as_deref().map(str::to_lowercase);
    let mut matching: Vec<InventoryItem> = items
        .into_iter()
        .filter(|i| {
            location.as_deref().is_none_or(|text| {
                i.location.as_ref().is_some_and(|l| {
                    l.name.to_lowercase().contains(text) || l.city.to_lowercase().contains(text)
                })
            })
        })
        .filter(|i| filter.kind.is_none_or(|k| k == i.kind))
        .filter(|i| {
            filter
                .machine_type
                .as_deref()
                .is_none_or(|t| t == i.machine_type)
        })
        .filter(|i| filter.model.as_deref().is_none_or(|m| m == i.model))
        .filter(|i| {
            filter
                .serial_number
                .as_deref()
                .is_none_or(|s| s == i.serial_number)
        })
        .filter(|i| {
            filter.maintenance_within_days.is_none()
                || i.maintenance
                    .as_ref()
                    .is_some_and(|m| within(m.ends_on, filter.maintenance_within_days))
        })
        .filter(|i| {
            filter.lease_within_days.is_none()
                || i.lease
                    .as_ref()
                    .is_some_and(|l| within(l.ends_on, filter.lease_within_days))
        })
        .collect();
    matching.sort_by_key(sort_key);
    let total_count = matching.len() as u64;
    let mut remaining: Vec<InventoryItem> = matching
        .into_iter()
        .filter(|i| after.is_none_or(|after| sort_key(i) > *after))
        .collect();
    let has_next_page = remaining.len() > first;
    remaining.truncate(first);
    ItemPage {
        items: remaining,
        has_next_page,
        total_count,
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
