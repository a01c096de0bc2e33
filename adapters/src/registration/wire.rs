//! The registration wire format and its translation into [`crate::model`].

use std::borrow::Cow;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::model::{
    Address, AuthorizationStatus, CustomerAccount, PreferenceBody, PreferenceDoc, PreferenceKind,
    PreferenceWrite, Tool, ToolAuthorization, UserProfile,
};

/// The company block of a profile.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = Company)]
pub struct WireCompany {
    /// Company identifier.
    pub company_id: String,
    /// Registered name.
    pub name: String,
}

/// A postal address.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = Address)]
pub struct WireAddress {
    /// Street and number.
    pub street: String,
    /// City.
    pub city: String,
    /// Postal code.
    pub postal_code: String,
    /// ISO country.
    pub country: String,
}

/// One customer number.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = CustomerNumber)]
pub struct WireCustomerNumber {
    /// The number.
    pub number: String,
    /// ISO country it is registered in.
    pub country: String,
}

/// One authorisation.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = Authorization)]
pub struct WireAuthorization {
    /// The tool, SCREAMING_SNAKE_CASE.
    pub tool: Tool,
    /// The customer number.
    pub customer_number: String,
    /// AUTHORIZED, PENDING, NOT_REQUESTED or DENIED.
    pub status: AuthorizationStatus,
}

/// A user's profile.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = User)]
pub struct WireUser {
    /// Identity-provider subject.
    pub user_id: String,
    /// Display name.
    pub display_name: String,
    /// E-mail.
    pub email: String,
    /// Telephone.
    pub phone: String,
    /// Preferred language, BCP 47.
    pub language: String,
    /// ISO country the user works in.
    pub country: String,
    /// Business address.
    pub address: WireAddress,
    /// The user's company.
    pub company: WireCompany,
    /// The company's customer numbers.
    pub customer_numbers: Vec<WireCustomerNumber>,
    /// The user's tool authorisations.
    pub tool_authorizations: Vec<WireAuthorization>,
    /// The customer numbers for which the user approves contracts (absent: none).
    #[serde(default)]
    pub contract_approver_for: Vec<String>,
}

/// The body of an authorisation request.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = AuthorizationRequest)]
pub struct WireAuthorizationRequest {
    /// The tool.
    pub tool: Tool,
    /// The customer number.
    pub customer_number: String,
    /// Why the user needs access.
    pub justification: String,
}

impl From<WireAuthorization> for ToolAuthorization {
    fn from(a: WireAuthorization) -> Self {
        Self {
            tool: a.tool,
            customer_number: a.customer_number,
            status: a.status,
        }
    }
}

impl From<WireUser> for UserProfile {
    fn from(u: WireUser) -> Self {
        Self {
            user_id: u.user_id,
            name: u.display_name,
            email: u.email,
            phone: u.phone,
            language: u.language,
            address: Address {
                street: u.address.street,
                city: u.address.city,
                postal_code: u.address.postal_code,
                country: u.address.country,
            },
            country: u.country,
            company_id: u.company.company_id,
            company_name: u.company.name,
            customers: u
                .customer_numbers
                .into_iter()
                .map(|c| CustomerAccount {
                    customer_number: c.number,
                    country: c.country,
                })
                .collect(),
            authorizations: u.tool_authorizations.into_iter().map(Into::into).collect(),
            contract_approver_for: u.contract_approver_for,
        }
    }
}

/// A stored preference document, as a listing and a PUT answer it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = Preference)]
pub struct WirePreference {
    /// The caller's UUID for it.
    pub id: String,
    /// `order-report`, ...
    pub kind: PreferenceKind,
    /// The user's name for it.
    pub name: String,
    /// A JSON object the backend stores without reading.
    #[schema(value_type = Object)]
    pub body: PreferenceBody,
    /// 1 when created, one more at every change.
    pub version: u64,
    /// When it was last written, RFC 3339.
    pub updated_at: DateTime<Utc>,
}

/// The answer to `GET v1/users/{userId}/preferences?kind=...`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(as = PreferenceList)]
pub struct WirePreferenceList {
    /// The user's documents of the kind asked for.
    pub preferences: Vec<WirePreference>,
}

/// The body of `PUT v1/users/{userId}/preferences/{id}`: the ID is the path's, the version to
/// replace the `If-Match` header's.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(as = PreferenceWrite)]
pub struct WirePreferenceWrite<'a> {
    /// `order-report`, ...
    pub kind: PreferenceKind,
    /// The user's name for it.
    pub name: Cow<'a, str>,
    /// A JSON object the backend stores without reading.
    #[schema(value_type = Object)]
    pub body: Cow<'a, PreferenceBody>,
}

impl<'a> From<&'a PreferenceWrite> for WirePreferenceWrite<'a> {
    fn from(write: &'a PreferenceWrite) -> Self {
        Self {
            kind: write.kind,
            name: Cow::Borrowed(&write.name),
            body: Cow::Borrowed(&write.body),
        }
    }
}

/// The entity tag of a version, as `If-Match` carries it: `"3"`, quotes included.
pub fn entity_tag(version: u64) -> String {
    format!("\"{version}\"")
}

impl From<WirePreference> for PreferenceDoc {
    fn from(p: WirePreference) -> Self {
        Self {
            id: p.id,
            kind: p.kind,
            name: p.name,
            body: p.body,
            version: p.version,
            updated_at: p.updated_at,
        }
    }
}
