//! `excludedCustomers`: every list over the caller's customer numbers says which of them it
//! left out and why, so a client can tell "nothing there" from "not asked" and show how to get
//! access.

use async_graphql::{Enum, SimpleObject};

use crate::federation::scope::Exclusion;

/// Why one of the caller's customer numbers is missing from a list.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "crate::federation::scope::ExclusionReason")]
pub enum ExclusionReason {
    /// The tool does not exist in the customer number's country.
    FeatureNotAvailable,
    /// The customer number's country is not served by this gateway.
    UnknownCountry,
    /// You have not asked for access to this tool on this customer number.
    NotAuthorized,
    /// Your request for access awaits your customer administrator's decision.
    AuthorizationPending,
    /// Your request for access was refused.
    AuthorizationDenied,
    /// The country has no online inventory: ask with `submitInquiry` (category INVENTORY).
    InventoryByInquiry,
}

/// A customer number of the caller's company left out of a list.
#[derive(SimpleObject)]
pub struct ExcludedCustomer {
    /// The customer number.
    pub customer_number: String,
    /// Why it was left out.
    pub reason: ExclusionReason,
}

/// A list's `excludedCustomers`, from the scope it was asked in.
pub fn excluded_customers(exclusions: Vec<Exclusion>) -> Vec<ExcludedCustomer> {
    exclusions
        .into_iter()
        .map(|e| ExcludedCustomer {
            customer_number: e.customer_number,
            reason: e.reason.into(),
        })
        .collect()
}
