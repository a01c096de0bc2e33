//! The Services Assistant's XML and its translation into [`crate::model`].

use chrono::NaiveDate;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{AllOfBuilder, Schema};
use utoipa::openapi::xml::XmlBuilder;
use utoipa::{PartialSchema, ToSchema};

use crate::model::{
    ConfigurationFeature, InventoryChange, InventoryItem, InventoryLocation, InventoryRequest,
    InventorySource, Maintenance, ProductKind, Region, ServiceLevel,
};
use crate::sandbox::openapi::written_date;

/// A date written `DD.MM.YYYY`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EuDate(pub NaiveDate);

impl Serialize for EuDate {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0.format("%d.%m.%Y").to_string())
    }
}

/// `T`'s schema as the XML attribute `name`. OpenAPI describes an attribute by the `xml` of the
/// property's own schema, which a reference to a shared one cannot carry: the attributes whose
/// type has a schema of its own get a copy of it.
fn as_attribute<T: PartialSchema>(name: &'static str, description: &str) -> Schema {
    let xml = XmlBuilder::new()
        .name(Some(name))
        .attribute(Some(true))
        .build();
    match T::schema() {
        RefOr::T(Schema::Object(mut object)) => {
            object.description = Some(description.to_owned());
            object.xml = Some(xml);
            Schema::Object(object)
        }
        other => Schema::AllOf(AllOfBuilder::new().item(other).build()),
    }
}

fn ends_attribute() -> Schema {
    as_attribute::<EuDate>("ends", "Last day of the contract, `DD.MM.YYYY`.")
}

fn received_attribute() -> Schema {
    as_attribute::<EuDate>("received", "Day received, `DD.MM.YYYY`.")
}

fn kind_attribute() -> Schema {
    as_attribute::<WireKind>("kind", "Hardware (`HW`) or software (`SW`).")
}

fn change_type_attribute() -> Schema {
    as_attribute::<WireChangeType>("type", "What to change.")
}

impl PartialSchema for EuDate {
    fn schema() -> RefOr<Schema> {
        written_date("A day, `DD.MM.YYYY`.", r"^\d{2}\.\d{2}\.\d{4}$")
    }
}

impl ToSchema for EuDate {}

impl<'de> Deserialize<'de> for EuDate {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        let shape = text.len() == 10 && text.as_bytes()[2] == b'.' && text.as_bytes()[5] == b'.';
        match NaiveDate::parse_from_str(&text, "%d.%m.%Y") {
            Ok(date) if shape => Ok(EuDate(date)),
            _ => Err(serde::de::Error::custom(format!(
                "{text:?} is not a DD.MM.YYYY date"
            ))),
        }
    }
}

/// `HW` or `SW`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(as = Kind)]
pub enum WireKind {
    /// A machine.
    #[serde(rename = "HW")]
    Hardware,
    /// Software.
    #[serde(rename = "SW")]
    Software,
}

/// A location's address.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(as = Address)]
pub struct WireAddress {
    /// Street.
    #[serde(rename = "Street")]
    pub street: String,
    /// Postal code.
    #[serde(rename = "PostCode")]
    pub post_code: String,
    /// City.
    #[serde(rename = "City")]
    pub city: String,
    /// ISO country.
    #[serde(rename = "Country")]
    pub country: String,
}

/// A contract's service level.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(as = ServiceLevel)]
pub struct WireServiceLevel {
    /// Its name.
    #[serde(rename = "@name")]
    #[schema(xml(name = "name", attribute))]
    pub name: String,
    /// Response time in hours.
    #[serde(rename = "@responseHours")]
    #[schema(xml(name = "responseHours", attribute))]
    pub response_hours: u32,
    /// Coverage hours.
    #[serde(rename = "@coverage")]
    #[schema(xml(name = "coverage", attribute))]
    pub coverage: String,
}

/// The contract a machine is serviced under.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(as = Contract)]
pub struct WireContract {
    /// Contract number.
    #[serde(rename = "@number")]
    #[schema(xml(name = "number", attribute))]
    pub number: String,
    /// Last day of the contract.
    #[serde(rename = "@ends")]
    #[schema(schema_with = ends_attribute)]
    pub ends: EuDate,
    /// Its service level.
    #[serde(rename = "ServiceLevel")]
    pub service_level: WireServiceLevel,
}

/// One installed feature.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(as = Feature)]
pub struct WireFeature {
    /// Feature code.
    #[serde(rename = "@code")]
    #[schema(xml(name = "code", attribute))]
    pub code: String,
    /// Quantity.
    #[serde(rename = "@qty")]
    #[schema(xml(name = "qty", attribute))]
    pub qty: u32,
    /// Description: the element's text content, not a child element.
    #[serde(rename = "$text")]
    pub description: String,
}

/// A machine's configuration.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[schema(as = Configuration)]
pub struct WireConfiguration {
    /// Its features.
    #[serde(rename = "Feature", default)]
    pub features: Vec<WireFeature>,
}

/// One installed machine or software product. Absent parts are absent elements (never empty
/// ones: `<Contract/>` would be a contract without a number).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(as = Machine)]
pub struct WireMachine {
    /// Serial number.
    #[serde(rename = "@serial")]
    #[schema(xml(name = "serial", attribute))]
    pub serial: String,
    /// Machine type.
    #[serde(rename = "@type")]
    #[schema(xml(name = "type", attribute))]
    pub machine_type: String,
    /// Model.
    #[serde(rename = "@model")]
    #[schema(xml(name = "model", attribute))]
    pub model: String,
    /// Hardware or software.
    #[serde(rename = "@kind")]
    #[schema(schema_with = kind_attribute)]
    pub kind: WireKind,
    /// Description.
    #[serde(rename = "Description")]
    pub description: String,
    /// Installation date.
    #[serde(rename = "Installed", default, skip_serializing_if = "Option::is_none")]
    pub installed: Option<EuDate>,
    /// The service contract.
    #[serde(rename = "Contract", default, skip_serializing_if = "Option::is_none")]
    pub contract: Option<WireContract>,
    /// Installed features.
    #[serde(
        rename = "Configuration",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub configuration: Option<WireConfiguration>,
}

/// One installation location and its machines.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(as = Location)]
pub struct WireLocation {
    /// Location id.
    #[serde(rename = "@id")]
    #[schema(xml(name = "id", attribute))]
    pub id: String,
    /// The customer number the machines are installed under.
    #[serde(rename = "@customer")]
    #[schema(xml(name = "customer", attribute))]
    pub customer: String,
    /// Location name.
    #[serde(rename = "Name")]
    pub name: String,
    /// Its address.
    #[serde(rename = "Address")]
    pub address: WireAddress,
    /// Its machines.
    #[serde(rename = "Machine", default)]
    pub machines: Vec<WireMachine>,
}

/// The most machines one page of installations holds, and the page size when the call names
/// none.
pub const MAX_PAGE: u32 = 500;

/// The answer to an installations call (one page) or a machines call.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename = "InstalledBase")]
#[schema(as = InstalledBase)]
pub struct WireInstalledBase {
    /// Machines of the customer numbers over every page (installations only).
    #[serde(rename = "@total", default, skip_serializing_if = "Option::is_none")]
    #[schema(xml(name = "total", attribute))]
    pub total: Option<u64>,
    /// The position of the page's first machine in the listing (installations only).
    #[serde(rename = "@offset", default, skip_serializing_if = "Option::is_none")]
    #[schema(xml(name = "offset", attribute))]
    pub offset: Option<u64>,
    /// The locations.
    #[serde(rename = "Location", default)]
    pub locations: Vec<WireLocation>,
}

/// `RELOCATE`, `DEINSTALL` or `CORRECT`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[schema(as = ChangeType)]
pub enum WireChangeType {
    /// Moved.
    Relocate,
    /// Removed.
    Deinstall,
    /// Correct the record.
    Correct,
}

impl From<InventoryChange> for WireChangeType {
    fn from(change: InventoryChange) -> Self {
        match change {
            InventoryChange::Moved => Self::Relocate,
            InventoryChange::Removed => Self::Deinstall,
            InventoryChange::Correction => Self::Correct,
        }
    }
}

/// A change request.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename = "ChangeRequest")]
#[schema(as = ChangeRequest)]
pub struct WireChangeRequest {
    /// Customer number.
    #[serde(rename = "@customer")]
    #[schema(xml(name = "customer", attribute))]
    pub customer: String,
    /// Serial number.
    #[serde(rename = "@serial")]
    #[schema(xml(name = "serial", attribute))]
    pub serial: String,
    /// What to change.
    #[serde(rename = "@type")]
    #[schema(schema_with = change_type_attribute)]
    pub change: WireChangeType,
    /// Details in words.
    #[serde(rename = "Details")]
    pub details: String,
}

/// The receipt for a change request.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename = "ChangeReceipt")]
#[schema(as = ChangeReceipt)]
pub struct WireChangeReceipt {
    /// Tracking number.
    #[serde(rename = "@id")]
    #[schema(xml(name = "id", attribute))]
    pub id: String,
    /// Serial number.
    #[serde(rename = "@serial")]
    #[schema(xml(name = "serial", attribute))]
    pub serial: String,
    /// What was asked.
    #[serde(rename = "@type")]
    #[schema(schema_with = change_type_attribute)]
    pub change: WireChangeType,
    /// Day received.
    #[serde(rename = "@received")]
    #[schema(schema_with = received_attribute)]
    pub received: EuDate,
}

/// A refusal.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename = "Error")]
#[schema(as = Error)]
pub struct WireError {
    /// The machine-readable code.
    #[serde(rename = "@code")]
    #[schema(xml(name = "code", attribute))]
    pub code: String,
}

impl WireChangeReceipt {
    /// Translates the receipt into the model.
    pub fn into_model(self) -> InventoryRequest {
        InventoryRequest {
            request_id: self.id,
            serial_number: self.serial,
            change: match self.change {
                WireChangeType::Relocate => InventoryChange::Moved,
                WireChangeType::Deinstall => InventoryChange::Removed,
                WireChangeType::Correct => InventoryChange::Correction,
            },
            received_on: self.received.0,
        }
    }
}

impl WireInstalledBase {
    /// Every machine of every location, translated into the model.
    pub fn into_model(self) -> Result<Vec<InventoryItem>, String> {
        let mut items = Vec::new();
        for location in self.locations {
            let country = location.address.country.clone();
            if country.len() != 2 || !country.bytes().all(|b| b.is_ascii_uppercase()) {
                return Err(format!(
                    "location {}: country {country:?} is not ISO 3166",
                    location.id
                ));
            }
            let place = InventoryLocation {
                name: location.name.clone(),
                street: location.address.street.clone(),
                city: location.address.city.clone(),
                postal_code: location.address.post_code.clone(),
                country: country.clone(),
            };
            for machine in location.machines {
                let service_level = machine.contract.as_ref().map(|c| ServiceLevel {
                    name: c.service_level.name.clone(),
                    response_hours: c.service_level.response_hours,
                    coverage_hours: c.service_level.coverage.clone(),
                });
                items.push(InventoryItem {
                    serial_number: machine.serial,
                    customer_number: location.customer.clone(),
                    country: country.clone(),
                    region: Region::Emea,
                    source: InventorySource::EuServicesAssistant,
                    kind: match machine.kind {
                        WireKind::Hardware => ProductKind::Hardware,
                        WireKind::Software => ProductKind::Software,
                    },
                    machine_type: machine.machine_type,
                    model: machine.model,
                    description: machine.description,
                    installed_on: machine.installed.map(|d| d.0),
                    location: Some(place.clone()),
                    maintenance: machine.contract.as_ref().map(|c| Maintenance {
                        coverage: format!(
                            "{}: {}, {}-hour response",
                            c.service_level.name,
                            c.service_level.coverage,
                            c.service_level.response_hours
                        ),
                        ends_on: c.ends.0,
                    }),
                    lease: None,
                    contract_number: machine.contract.map(|c| c.number),
                    service_level,
                    configuration: machine
                        .configuration
                        .unwrap_or_default()
                        .features
                        .into_iter()
                        .map(|f| ConfigurationFeature {
                            code: f.code,
                            description: f.description,
                            quantity: f.qty,
                        })
                        .collect(),
                });
            }
        }
        Ok(items)
    }
}
