//! Installed inventory over the regional systems: the caller's customer numbers split by the
//! system that holds their country's inventory (US Inventory OnLine, the EU Services Assistant),
//! fetched concurrently through the cache, merged into one list, filtered and sorted.
//!
//! Countries whose inventory system is `inquiry-only` have no online inventory: their customer
//! numbers are reported as left out, and asking for one directly points to `submitInquiry`.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use futures::future::join_all;
use supportgraph_adapters::AdapterError;
use supportgraph_adapters::model::{InventoryItem, Region, UserProfile};
use supportgraph_adapters::ports::InventoryBackend;

use super::call_budget::CallBudget;
use super::orders::RegionFailure;
use super::scope::{Exclusion, ExclusionReason, ToolScope};
use crate::cache::{Cache, CacheKey, Namespace};
use crate::countries::{CountryDirectory, InventorySystem, Tool};
use crate::error::GatewayError;

/// The caller's customer numbers per online inventory system.
#[derive(Debug, Clone, Default)]
pub struct InventoryScope {
    /// Customer numbers to ask, per system.
    pub by_system: BTreeMap<InventorySystem, Vec<String>>,
    /// Customer numbers left out, and why.
    pub excluded: Vec<Exclusion>,
}

/// The region whose system it is, for errors.
pub fn region_of(system: InventorySystem) -> Region {
    match system {
        InventorySystem::UsInventoryOnline => Region::Americas,
        InventorySystem::EuServicesAssistant | InventorySystem::InquiryOnly => Region::Emea,
    }
}

fn system_name(system: InventorySystem) -> &'static str {
    match system {
        InventorySystem::UsInventoryOnline => "us-inventory-online",
        InventorySystem::EuServicesAssistant => "eu-services-assistant",
        InventorySystem::InquiryOnly => "inquiry",
    }
}

/// The caller's inventory scope, optionally narrowed to `requested` customer numbers.
pub fn inventory_scope(
    profile: &UserProfile,
    countries: &CountryDirectory,
    requested: Option<&[String]>,
) -> Result<InventoryScope, GatewayError> {
    let system_of = |customer_number: &str| {
        profile
            .customers
            .iter()
            .find(|c| c.customer_number == customer_number)
            .and_then(|c| {
                countries
                    .get(&c.country)
                    .map(|e| (e.inventory_system, c.country.clone()))
            })
    };
    for number in requested.into_iter().flatten() {
        if let Some((InventorySystem::InquiryOnly, country)) = system_of(number) {
            return Err(GatewayError::InventoryByInquiry { country });
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
                Some((InventorySystem::InquiryOnly, _)) => ExclusionReason::InventoryByInquiry,
                None => ExclusionReason::UnknownCountry,
                Some((system, _)) => {
                    scope.by_system.entry(system).or_default().push(customer);
                    continue;
                }
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
    backends: &BTreeMap<InventorySystem, Arc<dyn InventoryBackend>>,
    cache: &Cache,
    ttl: Duration,
    scope: &InventoryScope,
    budget: &CallBudget,
) -> (Vec<InventoryItem>, Vec<RegionFailure>) {
    let calls = scope.by_system.iter().map(|(system, customers)| {
        let backend = backends.get(system).cloned();
        async move {
            let result = match backend {
                None => Err(AdapterError::Transport {
                    backend: system_name(*system).to_owned(),
                    detail: "no such inventory system is configured".to_owned(),
                }),
                Some(backend) => {
                    let key = CacheKey::new(
                        system_name(*system),
                        "inventory_items",
                        "",
                        customers.clone(),
                        customers
                            .iter()
                            .map(|c| Namespace::new("inventory", c.clone()))
                            .collect(),
                        ttl,
                    );
                    match budget.reserve(system_name(*system)) {
                        Ok(unit) => {
                            cache
                                .get_or_load(&key, unit.run(backend.items(customers)))
                                .await
                        }
                        Err(spent) => Err(spent),
                    }
                }
            };
            (*system, result)
        }
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

/// The order items are listed in: country, location, serial number, customer number.
pub fn sort_key(item: &InventoryItem) -> (String, String, String, String) {
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

/// Sets each item's `country` to its customer number's registered country: a system may only
/// know where a machine stands (its location keeps that), not the customer number's country.
pub fn with_customer_countries(items: &mut [InventoryItem], profile: &UserProfile) {
    for item in items {
        if let Some(customer) = profile
            .customers
            .iter()
            .find(|c| c.customer_number == item.customer_number)
        {
            item.country.clone_from(&customer.country);
        }
    }
}

/// The inventory system holding one of the caller's customer numbers, if it is theirs.
pub fn system_of(
    profile: &UserProfile,
    countries: &CountryDirectory,
    customer_number: &str,
) -> Option<InventorySystem> {
    let customer = profile
        .customers
        .iter()
        .find(|c| c.customer_number == customer_number)?;
    countries.get(&customer.country).map(|c| c.inventory_system)
}
