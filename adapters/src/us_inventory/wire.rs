//! The US Inventory OnLine wire format and its translation into [`crate::model`].

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use utoipa::openapi::{RefOr, schema::Schema};
use utoipa::{PartialSchema, ToSchema};

use crate::model::{
    InventoryChange, InventoryItem, InventoryLocation, InventoryRequest, InventorySource, Lease,
    Maintenance, Money, ProductKind, Region,
};
use crate::sandbox::openapi::written_date;

/// A date written `MM/DD/YYYY`, as the US system writes them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UsDate(pub NaiveDate);

impl Serialize for UsDate {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0.format("%m/%d/%Y").to_string())
    }
}

impl PartialSchema for UsDate {
    fn schema() -> RefOr<Schema> {
        written_date("A day, `MM/DD/YYYY`.", r"^\d{2}/\d{2}/\d{4}$")
    }
}

impl ToSchema for UsDate {}

impl<'de> Deserialize<'de> for UsDate {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        let valid_shape =
            text.len() == 10 && text.as_bytes()[2] == b'/' && text.as_bytes()[5] == b'/';
        match NaiveDate::parse_from_str(&text, "%m/%d/%Y") {
            Ok(date) if valid_shape => Ok(UsDate(date)),
            _ => Err(serde::de::Error::custom(format!(
                "{text:?} is not an MM/DD/YYYY date"
            ))),
        }
    }
}

/// `HARDWARE` or `SOFTWARE`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[schema(as = Category)]
pub enum WireCategory {
    /// A machine.
    Hardware,
    /// A software product.
    Software,
}

/// A site's US address.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = Address)]
pub struct WireAddress {
    /// Street.
    pub street1: String,
    /// City.
    pub city: String,
    /// Two-letter state.
    pub state: String,
    /// ZIP code.
    pub zip: String,
}

/// Maintenance coverage.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = Maintenance)]
pub struct WireMaintenance {
    /// The coverage's code, e.g. `24X7-4H`.
    pub coverage_code: String,
    /// The coverage in words.
    pub coverage_desc: String,
    /// Last day covered.
    pub end_date: UsDate,
}

/// A lease.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = Lease)]
pub struct WireLease {
    /// The lessor.
    pub lessor: String,
    /// Last day of the lease.
    pub lease_end_date: UsDate,
    /// Monthly payment in US cents.
    pub monthly_payment_cents: i64,
}

/// One inventory record.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = Record)]
pub struct WireRecord {
    /// Serial number.
    pub serial_no: String,
    /// Customer number.
    pub cust_no: String,
    /// Machine type.
    pub machine_type: String,
    /// Model.
    pub model_no: String,
    /// Description.
    pub desc: String,
    /// Hardware or software.
    pub category: WireCategory,
    /// Install date.
    pub install_date: Option<UsDate>,
    /// The site's name.
    pub site_name: Option<String>,
    /// The site's address.
    pub site_address: Option<WireAddress>,
    /// Maintenance, if covered.
    pub maintenance: Option<WireMaintenance>,
    /// Lease, if leased.
    pub lease: Option<WireLease>,
}

/// The answer to a by-serial call.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(as = Inventory)]
pub struct WireInventory {
    /// The records.
    pub records: Vec<WireRecord>,
}

/// The most records one page holds, and the page size when the call names none.
pub const MAX_PAGE: u32 = 1000;

/// One page of an inventory listing.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = InventoryPage)]
pub struct WireInventoryPage {
    /// The page's records.
    pub records: Vec<WireRecord>,
    /// Records of those customer numbers over every page.
    pub total_count: u64,
    /// Where the next page starts (`pageToken`); absent on the last page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_page_token: Option<String>,
}

/// `MOVE`, `REMOVE` or `CORRECT`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[schema(as = RequestType)]
pub enum WireRequestType {
    /// Moved to another site.
    Move,
    /// Removed.
    Remove,
    /// Correct the record.
    Correct,
}

impl From<InventoryChange> for WireRequestType {
    fn from(change: InventoryChange) -> Self {
        match change {
            InventoryChange::Moved => Self::Move,
            InventoryChange::Removed => Self::Remove,
            InventoryChange::Correction => Self::Correct,
        }
    }
}

impl From<WireRequestType> for InventoryChange {
    fn from(kind: WireRequestType) -> Self {
        match kind {
            WireRequestType::Move => Self::Moved,
            WireRequestType::Remove => Self::Removed,
            WireRequestType::Correct => Self::Correction,
        }
    }
}

/// An update request.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = UpdateRequest)]
pub struct WireUpdateRequest {
    /// Customer number.
    pub cust_no: String,
    /// Serial number.
    pub serial_no: String,
    /// What to change.
    pub request_type: WireRequestType,
    /// The details, in words.
    pub details: String,
}

/// The receipt for an update request.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = Receipt)]
pub struct WireReceipt {
    /// Tracking number.
    pub request_id: String,
    /// Serial number.
    pub serial_no: String,
    /// What was asked.
    pub request_type: WireRequestType,
    /// Day received.
    pub received_date: UsDate,
}

impl WireReceipt {
    /// Translates the receipt into the model.
    pub fn into_model(self) -> InventoryRequest {
        InventoryRequest {
            request_id: self.request_id,
            serial_number: self.serial_no,
            change: self.request_type.into(),
            received_on: self.received_date.0,
        }
    }
}

impl WireRecord {
    /// Translates the record into the model, checking what serde cannot.
    pub fn into_model(self) -> Result<InventoryItem, String> {
        let lease = match self.lease {
            None => None,
            Some(lease) if lease.monthly_payment_cents < 0 => {
                return Err(format!(
                    "record {}: negative monthly payment {}",
                    self.serial_no, lease.monthly_payment_cents
                ));
            }
            Some(lease) => Some(Lease {
                lessor: lease.lessor,
                ends_on: lease.lease_end_date.0,
                monthly_amount: Money::new(Decimal::new(lease.monthly_payment_cents, 2), "USD"),
            }),
        };
        let location = match (self.site_name, self.site_address) {
            (Some(name), Some(address)) => Some(InventoryLocation {
                name,
                street: address.street1,
                city: address.city,
                postal_code: address.zip,
                country: "US".to_owned(),
            }),
            (None, None) => None,
            _ => {
                return Err(format!(
                    "record {}: a site needs both a name and an address",
                    self.serial_no
                ));
            }
        };
        Ok(InventoryItem {
            serial_number: self.serial_no,
            customer_number: self.cust_no,
            country: "US".to_owned(),
            region: Region::Americas,
            source: InventorySource::UsInventoryOnline,
            kind: match self.category {
                WireCategory::Hardware => ProductKind::Hardware,
                WireCategory::Software => ProductKind::Software,
            },
            machine_type: self.machine_type,
            model: self.model_no,
            description: self.desc,
            installed_on: self.install_date.map(|d| d.0),
            location,
            maintenance: self.maintenance.map(|m| Maintenance {
                coverage: m.coverage_desc,
                ends_on: m.end_date.0,
            }),
            lease,
            contract_number: None,
            service_level: None,
            configuration: Vec::new(),
        })
    }
}
