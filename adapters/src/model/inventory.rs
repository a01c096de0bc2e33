//! Installed inventory: machines and software at the customer's sites, with their maintenance,
//! lease, contract and service level — one model over regional systems that describe them
//! differently.
//!
//! Which system fills what:
//!
//! | field | US Inventory OnLine | EU Services Assistant |
//! |---|---|---|
//! | `location` | the site | the installation location |
//! | `maintenance` | coverage and end date | from the contract (end date) |
//! | `lease` | lessor, end date, monthly amount | — (`None`) |
//! | `contract_number`, `service_level` | — (`None`) | the contract and its service level |
//! | `configuration` | — (empty) | the machine's installed features |

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{Money, ProductKind, Region};

/// The regional system an inventory item comes from: one of the online inventory systems.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum InventorySource {
    /// US Inventory OnLine.
    UsInventoryOnline,
    /// The European Services Assistant.
    EuServicesAssistant,
}

impl InventorySource {
    /// Every online inventory system, in a fixed order.
    pub const ALL: [InventorySource; 2] = [
        InventorySource::UsInventoryOnline,
        InventorySource::EuServicesAssistant,
    ];
}

/// Where an item is installed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InventoryLocation {
    /// The site's name at the customer, e.g. `Chicago DC1`.
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

/// Maintenance coverage of an item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Maintenance {
    /// The coverage, in words (e.g. `24x7, 4-hour on-site response`).
    pub coverage: String,
    /// Last day covered.
    pub ends_on: NaiveDate,
}

/// A lease on an item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lease {
    /// Who leases it.
    pub lessor: String,
    /// Last day of the lease.
    pub ends_on: NaiveDate,
    /// The monthly payment.
    pub monthly_amount: Money,
}

/// The service level an item is serviced under.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceLevel {
    /// The level's name (e.g. `Premium`).
    pub name: String,
    /// Hours within which a technician responds.
    pub response_hours: u32,
    /// When service is given (e.g. `24x7`, `Mon-Fri 08-18`).
    pub coverage_hours: String,
}

/// One installed feature of a machine's configuration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConfigurationFeature {
    /// The feature code.
    pub code: String,
    /// What it is.
    pub description: String,
    /// How many are installed.
    pub quantity: u32,
}

/// One installed machine or software product.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InventoryItem {
    /// The serial number (machines) or licence number (software); unique per source.
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
    /// The machine type (or product number for software), e.g. `9105`.
    pub machine_type: String,
    /// The model, e.g. `22A`.
    pub model: String,
    /// What it is.
    pub description: String,
    /// Day it was installed, when known.
    pub installed_on: Option<NaiveDate>,
    /// Where it is installed.
    pub location: Option<InventoryLocation>,
    /// Its maintenance coverage.
    pub maintenance: Option<Maintenance>,
    /// Its lease (US only).
    pub lease: Option<Lease>,
    /// The service contract it is under (Europe only).
    pub contract_number: Option<String>,
    /// The service level of that contract (Europe only).
    pub service_level: Option<ServiceLevel>,
    /// Its installed features (Europe only).
    pub configuration: Vec<ConfigurationFeature>,
}

/// What a customer asks to change in their inventory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum InventoryChange {
    /// The item moved to another site.
    Moved,
    /// The item was removed (deinstalled, returned, scrapped).
    Removed,
    /// The record is wrong and must be corrected.
    Correction,
}

/// The longest details of a change request, in characters: both regional inventory systems
/// refuse longer ones (`INVALID_REQUEST`), and the gateway says so before asking.
pub const MAX_CHANGE_DETAILS: usize = 2000;

/// Why a regional system refused a change request (a business rule, not a failure).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum InventoryRefusal {
    /// No such item under that customer number.
    UnknownItem,
    /// The customer is not entitled to request changes online.
    NotEntitled,
    /// The request itself is not acceptable (e.g. empty details).
    InvalidRequest,
}

/// A change request as the regional system recorded it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InventoryRequest {
    /// The system's tracking number for the request.
    pub request_id: String,
    /// The item concerned.
    pub serial_number: String,
    /// What was asked.
    pub change: InventoryChange,
    /// Day the system received it.
    pub received_on: NaiveDate,
}
