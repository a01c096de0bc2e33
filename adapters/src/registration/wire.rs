//! The registration wire format and its translation into [`crate::model`].

use serde::{Deserialize, Serialize};

use crate::model::{CustomerAccount, UserProfile};

/// The company block of a profile.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WireCompany {
    /// Company identifier.
    pub company_id: String,
    /// Registered name.
    pub name: String,
}

/// One customer number.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WireCustomerNumber {
    /// The number.
    pub number: String,
    /// ISO country it is registered in.
    pub country: String,
}

/// A user's profile.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WireUser {
    /// Identity-provider subject.
    pub user_id: String,
    /// Display name.
    pub display_name: String,
    /// E-mail.
    pub email: String,
    /// ISO country the user works in.
    pub country: String,
    /// The user's company.
    pub company: WireCompany,
    /// The company's customer numbers.
    pub customer_numbers: Vec<WireCustomerNumber>,
}

impl From<WireUser> for UserProfile {
    fn from(u: WireUser) -> Self {
        Self {
            user_id: u.user_id,
            name: u.display_name,
            email: u.email,
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
        }
    }
}
