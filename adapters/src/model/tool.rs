//! The self-service tools and the per-user, per-customer-number authorisation to use them.
//!
//! One user ID serves every tool, but company data is shown only after a first-time
//! authorisation per tool and customer number (the seed's "e-tools registration").

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A self-service tool of the customer-support site.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Tool {
    /// Order Status OnLine.
    OrderStatus,
    /// Invoices On-Line.
    Invoices,
    /// Statements OnLine.
    Statements,
    /// Contracts OnLine.
    Contracts,
    /// Inventory (US Inventory OnLine, or inventory questions elsewhere).
    Inventory,
    /// The European Services Assistant.
    ServicesAssistant,
    /// My inquiries and the contact module.
    Inquiries,
}

impl Tool {
    /// Every tool.
    pub const ALL: [Tool; 7] = [
        Tool::OrderStatus,
        Tool::Invoices,
        Tool::Statements,
        Tool::Contracts,
        Tool::Inventory,
        Tool::ServicesAssistant,
        Tool::Inquiries,
    ];

    /// The SCREAMING_SNAKE_CASE name used on the wire, in config and in errors.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::OrderStatus => "ORDER_STATUS",
            Self::Invoices => "INVOICES",
            Self::Statements => "STATEMENTS",
            Self::Contracts => "CONTRACTS",
            Self::Inventory => "INVENTORY",
            Self::ServicesAssistant => "SERVICES_ASSISTANT",
            Self::Inquiries => "INQUIRIES",
        }
    }
}

impl fmt::Display for Tool {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The text is not a tool's name.
#[derive(Debug, thiserror::Error)]
#[error("`{0}` is not a tool")]
pub struct UnknownTool(pub String);

impl FromStr for Tool {
    type Err = UnknownTool;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Tool::ALL
            .into_iter()
            .find(|t| t.as_str() == s)
            .ok_or_else(|| UnknownTool(s.to_owned()))
    }
}

/// Where a user's authorisation for one tool and customer number stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum AuthorizationStatus {
    /// The user may see this customer number's data in this tool.
    Authorized,
    /// Requested, awaiting the customer administrator's decision.
    Pending,
    /// Never requested.
    NotRequested,
    /// Requested and refused.
    Denied,
}

/// A user's authorisation for one tool on one customer number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ToolAuthorization {
    /// The tool.
    pub tool: Tool,
    /// The customer number.
    pub customer_number: String,
    /// Where it stands.
    pub status: AuthorizationStatus,
}

/// The longest justification of an authorisation request, in characters: the registration
/// system refuses a longer one (`INVALID_JUSTIFICATION`), and the gateway says so before asking.
pub const MAX_JUSTIFICATION: usize = 1000;

/// Why the registration system refused an authorisation request (a business rule, not a failure).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthorizationRefusal {
    /// The customer number is not one of the user's company's.
    NotCompanyCustomer,
    /// The user is already authorised.
    AlreadyAuthorized,
    /// The justification is missing or too long.
    InvalidJustification,
}
