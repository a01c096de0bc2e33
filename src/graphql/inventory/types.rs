//! The schema's inventory types: installed items over every regional system, each with its
//! region and source system, and the connection that lists them. Fields a region does not have
//! are null (see `adapters::model::inventory`).

use async_graphql::{Enum, ID, SimpleObject};
use supportgraph_adapters::model;

use crate::graphql::common::connection::PageInfo;
use crate::graphql::common::domain::{ProductKind, Region};
use crate::graphql::common::exclusions::ExcludedCustomer;
use crate::graphql::common::global_id::GlobalId;
use crate::graphql::common::scalars::{Date, Money};

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
    /// Items matching the filter over every system that answered the listing; null when a
    /// system could not be counted (an error with this path says why). With a filter other than
    /// `customerNumbers` or `serialNumber`, counting reads every page.
    pub total_count: Option<u64>,
    /// Your customer numbers left out, and why.
    pub excluded_customers: Vec<ExcludedCustomer>,
}
