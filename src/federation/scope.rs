//! Which of the caller's customer numbers a tool may touch, grouped by the region holding them.

use std::collections::BTreeMap;

use supportgraph_adapters::model::{CustomerAccount, Region};

use crate::countries::{CountryDirectory, Tool};
use crate::error::GatewayError;

/// Why one of the caller's customer numbers is left out of an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExclusionReason {
    /// The tool does not exist in the customer number's country.
    FeatureNotAvailable,
    /// The customer number's country is not in the country directory.
    UnknownCountry,
}

/// One customer number left out, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exclusion {
    /// The customer number.
    pub customer_number: String,
    /// Why.
    pub reason: ExclusionReason,
}

/// The customer numbers a tool touches for one caller.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ToolScope {
    /// Customer numbers to query, per region.
    pub by_region: BTreeMap<Region, Vec<String>>,
    /// Customer numbers of the caller's company that were left out.
    pub excluded: Vec<Exclusion>,
}

impl ToolScope {
    /// The caller's customer numbers that `tool` may touch, optionally narrowed to `requested`.
    ///
    /// A requested number that is not the caller's company's is `FORBIDDEN`, with the same message
    /// whether or not it exists elsewhere.
    pub fn for_tool(
        tool: Tool,
        customers: &[CustomerAccount],
        countries: &CountryDirectory,
        requested: Option<&[String]>,
    ) -> Result<Self, GatewayError> {
        let foreign = requested
            .into_iter()
            .flatten()
            .find(|r| !customers.iter().any(|c| &c.customer_number == *r));
        if let Some(foreign) = foreign {
            return Err(GatewayError::Forbidden(format!(
                "customer number {foreign} is not one of your company's registered customer numbers"
            )));
        }
        let mut scope = ToolScope::default();
        for customer in customers {
            if requested.is_some_and(|r| !r.contains(&customer.customer_number)) {
                continue;
            }
            let reason = match countries.get(&customer.country) {
                None => {
                    tracing::warn!(country = %customer.country, "customer number in a country missing from the country directory");
                    Some(ExclusionReason::UnknownCountry)
                }
                Some(country) if !country.has(tool) => Some(ExclusionReason::FeatureNotAvailable),
                Some(country) => {
                    scope
                        .by_region
                        .entry(country.region)
                        .or_default()
                        .push(customer.customer_number.clone());
                    None
                }
            };
            if let Some(reason) = reason {
                scope.excluded.push(Exclusion {
                    customer_number: customer.customer_number.clone(),
                    reason,
                });
            }
        }
        Ok(scope)
    }

    /// Whether no customer number is left to query.
    pub fn is_empty(&self) -> bool {
        self.by_region.is_empty()
    }
}
