//! A registered user, their company's customer numbers and their tool authorisations, from the
//! registration backend.

use super::{AuthorizationStatus, Tool, ToolAuthorization};
use serde::{Deserialize, Serialize};

/// A postal address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Address {
    /// Street and number.
    pub street: String,
    /// City.
    pub city: String,
    /// Postal code.
    pub postal_code: String,
    /// ISO 3166-1 alpha-2 country.
    pub country: String,
}

/// One customer number of a company, as registered in one country.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerAccount {
    /// The vendor's customer number, unique worldwide.
    pub customer_number: String,
    /// ISO 3166-1 alpha-2 country the customer number is registered in.
    pub country: String,
}

/// A user's registration profile: one user ID for every tool.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserProfile {
    /// The identity provider's subject for this user.
    pub user_id: String,
    /// Display name.
    pub name: String,
    /// Contact e-mail address.
    pub email: String,
    /// Contact telephone number.
    pub phone: String,
    /// Preferred language, BCP 47 (e.g. `es-ES`).
    pub language: String,
    /// The user's business address.
    pub address: Address,
    /// ISO 3166-1 alpha-2 country the user works in.
    pub country: String,
    /// The company's identifier at the vendor.
    pub company_id: String,
    /// The company's registered name.
    pub company_name: String,
    /// Every customer number of the user's company.
    pub customers: Vec<CustomerAccount>,
    /// The user's authorisations; a (tool, customer number) pair not listed is `NotRequested`.
    pub authorizations: Vec<ToolAuthorization>,
    /// The customer numbers for which the user approves contracts internally (Contracts
    /// OnLine's approval step): the registration system's to say, like the authorisations.
    #[serde(default)]
    pub contract_approver_for: Vec<String>,
}

impl UserProfile {
    /// The user's authorisation status for `tool` on `customer_number`.
    pub fn authorization(&self, tool: Tool, customer_number: &str) -> AuthorizationStatus {
        self.authorizations
            .iter()
            .find(|a| a.tool == tool && a.customer_number == customer_number)
            .map_or(AuthorizationStatus::NotRequested, |a| a.status)
    }

    /// Whether the user approves contracts for `customer_number`.
    pub fn approves_contracts_for(&self, customer_number: &str) -> bool {
        self.contract_approver_for
            .iter()
            .any(|c| c == customer_number)
    }

    /// Whether `customer_number` is one of the user's company's.
    pub fn owns(&self, customer_number: &str) -> bool {
        self.customer(customer_number).is_some()
    }

    /// The user's company's account with this customer number, if it is theirs.
    pub fn customer(&self, customer_number: &str) -> Option<&CustomerAccount> {
        self.customers
            .iter()
            .find(|c| c.customer_number == customer_number)
    }
}
