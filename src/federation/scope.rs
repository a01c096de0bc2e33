//! Which of the caller's customer numbers a tool may touch, grouped by the region holding them.
//!
//! A customer number is in scope when the tool exists in its country and the user's first-time
//! authorisation for that tool and customer number is `AUTHORIZED`. Lists quietly narrow to the
//! scope and report what they left out; a request naming a customer number outside it is refused.

use std::collections::BTreeMap;

use supportgraph_adapters::model::{AuthorizationStatus, Region, UserProfile};

use crate::countries::{CountryDirectory, Tool};
use crate::error::GatewayError;

/// Why one of the caller's customer numbers is left out of an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExclusionReason {
    /// The tool does not exist in the customer number's country.
    FeatureNotAvailable,
    /// The customer number's country is not in the country directory.
    UnknownCountry,
    /// The user has not asked for access to this tool on this customer number.
    NotAuthorized,
    /// The user's request for access awaits a decision.
    AuthorizationPending,
    /// The user's request for access was refused.
    AuthorizationDenied,
    /// The country has no online inventory: questions go through an inquiry.
    InventoryByInquiry,
}

impl ExclusionReason {
    /// Whether the user's authorisation left it out: asking for access could change that.
    pub fn is_authorization(self) -> bool {
        match self {
            Self::NotAuthorized | Self::AuthorizationPending | Self::AuthorizationDenied => true,
            Self::FeatureNotAvailable | Self::UnknownCountry | Self::InventoryByInquiry => false,
        }
    }

    /// Whether the tool is not served where the customer number lives (missing there, or the
    /// country unknown): no authorisation could change that.
    pub fn is_not_served(self) -> bool {
        match self {
            Self::FeatureNotAvailable | Self::UnknownCountry => true,
            Self::NotAuthorized
            | Self::AuthorizationPending
            | Self::AuthorizationDenied
            | Self::InventoryByInquiry => false,
        }
    }
}

/// One customer number left out, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exclusion {
    /// The customer number.
    pub customer_number: String,
    /// Why.
    pub reason: ExclusionReason,
    /// The region holding its data, when its country is served.
    pub region: Option<Region>,
}

/// The customer numbers a tool touches for one caller.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ToolScope {
    /// Customer numbers to query, per region.
    pub by_region: BTreeMap<Region, Vec<String>>,
    /// Customer numbers of the caller's company that were left out.
    pub excluded: Vec<Exclusion>,
}

fn reason_for(
    tool: Tool,
    profile: &UserProfile,
    countries: &CountryDirectory,
    customer_number: &str,
    country: &str,
) -> Result<Region, ExclusionReason> {
    let Some(entry) = countries.get(country) else {
        tracing::warn!(%country, "customer number in a country missing from the country directory");
        return Err(ExclusionReason::UnknownCountry);
    };
    if !entry.has(tool) {
        return Err(ExclusionReason::FeatureNotAvailable);
    }
    match profile.authorization(tool, customer_number) {
        AuthorizationStatus::Authorized => Ok(entry.region),
        AuthorizationStatus::Pending => Err(ExclusionReason::AuthorizationPending),
        AuthorizationStatus::Denied => Err(ExclusionReason::AuthorizationDenied),
        AuthorizationStatus::NotRequested => Err(ExclusionReason::NotAuthorized),
    }
}

/// The refusal for a customer number the caller named but may not use with `tool`.
pub fn refusal(tool: Tool, customer_number: &str, reason: ExclusionReason) -> GatewayError {
    let how = "ask for access with the requestToolAuthorization mutation";
    let message = match reason {
        ExclusionReason::InventoryByInquiry => {
            return GatewayError::InventoryByInquiry {
                country: format!("the country of customer number {customer_number}"),
            };
        }
        ExclusionReason::FeatureNotAvailable | ExclusionReason::UnknownCountry => {
            return GatewayError::FeatureNotAvailable {
                tool: tool.as_str(),
                country: format!("the country of customer number {customer_number}"),
            };
        }
        ExclusionReason::NotAuthorized => {
            format!("you are not authorised for {tool} on customer number {customer_number}: {how}")
        }
        ExclusionReason::AuthorizationPending => format!(
            "your request for {tool} on customer number {customer_number} awaits your customer administrator's approval"
        ),
        ExclusionReason::AuthorizationDenied => format!(
            "your request for {tool} on customer number {customer_number} was refused; ask your customer administrator, or {how} again"
        ),
    };
    GatewayError::Forbidden(message)
}

impl ToolScope {
    /// The caller's customer numbers that `tool` may touch, optionally narrowed to `requested`.
    ///
    /// A requested number that is not the caller's company's is `FORBIDDEN` with the same message
    /// whether or not it exists elsewhere; a requested number of theirs that is out of scope is
    /// refused with the reason and how to get access.
    pub fn for_tool(
        tool: Tool,
        profile: &UserProfile,
        countries: &CountryDirectory,
        requested: Option<&[String]>,
    ) -> Result<Self, GatewayError> {
        if let Some(foreign) = requested.into_iter().flatten().find(|r| !profile.owns(r)) {
            return Err(GatewayError::Forbidden(format!(
                "customer number {foreign} is not one of your company's registered customer numbers"
            )));
        }
        let mut scope = ToolScope::default();
        for customer in &profile.customers {
            let number = &customer.customer_number;
            if requested.is_some_and(|r| !r.contains(number)) {
                continue;
            }
            match reason_for(tool, profile, countries, number, &customer.country) {
                Ok(region) => scope
                    .by_region
                    .entry(region)
                    .or_default()
                    .push(number.clone()),
                Err(reason) if requested.is_some() => return Err(refusal(tool, number, reason)),
                Err(reason) => scope.excluded.push(Exclusion {
                    customer_number: number.clone(),
                    reason,
                    region: countries.get(&customer.country).map(|c| c.region),
                }),
            }
        }
        Ok(scope)
    }

    /// The region holding `customer_number` if the caller may use `tool` on it, else `None`.
    /// Used for lookups by global ID, where `None` is reported as `NOT_FOUND`.
    pub fn region_for(
        tool: Tool,
        profile: &UserProfile,
        countries: &CountryDirectory,
        customer_number: &str,
    ) -> Option<Region> {
        let customer = profile.customer(customer_number)?;
        reason_for(tool, profile, countries, customer_number, &customer.country).ok()
    }

    /// The caller's own customer numbers left out because of their authorisation (not because
    /// the tool is missing), per region: where a lookup may look to explain a refusal.
    pub fn unauthorized_by_region(&self) -> BTreeMap<Region, Vec<String>> {
        let mut by_region: BTreeMap<Region, Vec<String>> = BTreeMap::new();
        for exclusion in &self.excluded {
            if let (true, Some(region)) = (exclusion.reason.is_authorization(), exclusion.region) {
                by_region
                    .entry(region)
                    .or_default()
                    .push(exclusion.customer_number.clone());
            }
        }
        by_region
    }

    /// Why one of the caller's customer numbers was left out, if it was.
    pub fn exclusion_of(&self, customer_number: &str) -> Option<ExclusionReason> {
        self.excluded
            .iter()
            .find(|e| e.customer_number == customer_number)
            .map(|e| e.reason)
    }

    /// Whether no customer number is left to query.
    pub fn is_empty(&self) -> bool {
        self.by_region.is_empty()
    }

    /// The error for a list with nothing left to query: `FEATURE_NOT_AVAILABLE` when the tool
    /// exists in none of the caller's countries, else `FORBIDDEN` saying how to get access.
    pub fn empty_error(&self, tool: Tool, user_country: &str) -> GatewayError {
        let not_available = self.excluded.iter().all(|e| e.reason.is_not_served());
        if not_available {
            GatewayError::FeatureNotAvailable {
                tool: tool.as_str(),
                country: user_country.to_owned(),
            }
        } else {
            GatewayError::Forbidden(format!(
                "you are not authorised for {tool} on any of your company's customer numbers: ask for access with the requestToolAuthorization mutation"
            ))
        }
    }
}
