//! Finding contracts — the filters, the orders a listing comes in, its keyset — and the change
//! feed the gateway reads for `contractAlerts`. One definition for both sides of the port: the
//! simulator filters, sorts and pages with it, the adapter checks every answer against it.

use std::cmp::Ordering;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{Contract, ContractAction, ContractStatus, ContractType};

/// The most contracts one listing page holds (each comes with its history and comments).
pub const MAX_CONTRACT_PAGE: u32 = 50;

/// Which contracts a listing holds; every condition set must hold, an empty list means "any".
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
pub struct ContractFilter {
    /// Only contracts in one of these statuses.
    pub statuses: Vec<ContractStatus>,
    /// Only contracts of one of these types.
    pub types: Vec<ContractType>,
    /// Only contracts whose number, title, a party's name or a comment contains this text,
    /// ignoring case (1 to 200 characters, not blank, no control characters).
    pub text: Option<String>,
    /// Only contracts ending on or after this day.
    pub ends_from: Option<NaiveDate>,
    /// Only contracts ending on or before this day.
    pub ends_to: Option<NaiveDate>,
}

impl ContractFilter {
    /// Whether `contract` meets every condition.
    pub fn matches(&self, contract: &Contract) -> bool {
        (self.statuses.is_empty() || self.statuses.contains(&contract.status))
            && (self.types.is_empty() || self.types.contains(&contract.contract_type))
            && self.ends_from.is_none_or(|from| contract.end_date >= from)
            && self.ends_to.is_none_or(|to| contract.end_date <= to)
            && self
                .text
                .as_deref()
                .is_none_or(|text| mentions(contract, text))
    }
}

fn mentions(contract: &Contract, text: &str) -> bool {
    let wanted = text.to_lowercase();
    [contract.contract_number.as_str(), &contract.title]
        .into_iter()
        .chain(contract.parties.iter().map(|p| p.name.as_str()))
        .chain(contract.comments.iter().map(|c| c.body.as_str()))
        .any(|field| field.to_lowercase().contains(&wanted))
}

/// The order of a listing; ties are broken by contract number, so every order is total.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ContractSort {
    /// Ending soonest first (the default: what needs attention first).
    #[default]
    EndDate,
    /// Ending latest first.
    EndDateDescending,
    /// Changed most recently first.
    RecentlyUpdated,
    /// By contract number.
    Number,
}

/// A contract's position in a listing of one sort (a keyset cursor's content).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
pub struct ContractSortKey {
    /// The listing's order.
    pub sort: ContractSort,
    /// The contract's end date.
    pub end_date: NaiveDate,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
    /// Its number.
    pub contract_number: String,
}

impl ContractSortKey {
    /// `contract`'s position in a listing sorted by `sort`.
    pub fn of(contract: &Contract, sort: ContractSort) -> Self {
        Self {
            sort,
            end_date: contract.end_date,
            updated_at: contract.updated_at,
            contract_number: contract.contract_number.clone(),
        }
    }

    /// How `self` and `other` (keys of the same sort) compare in the listing's order.
    pub fn listing_cmp(&self, other: &Self) -> Ordering {
        let by_number = self.contract_number.cmp(&other.contract_number);
        match self.sort {
            ContractSort::EndDate => self.end_date.cmp(&other.end_date).then(by_number),
            ContractSort::EndDateDescending => other.end_date.cmp(&self.end_date).then(by_number),
            ContractSort::RecentlyUpdated => other.updated_at.cmp(&self.updated_at).then(by_number),
            ContractSort::Number => by_number,
        }
    }
}

/// One page of a listing of contracts.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
pub struct ContractQuery {
    /// The customer numbers whose contracts to list (at least one).
    pub customer_numbers: Vec<String>,
    /// Which of them.
    pub filter: ContractFilter,
    /// In which order.
    pub sort: ContractSort,
    /// Continue after this position (of the same sort); `None` for the first page.
    pub after: Option<ContractSortKey>,
    /// The most contracts wanted: 1 to 50 (`MAX_CONTRACT_PAGE`).
    #[schema(minimum = 1, maximum = 50)]
    pub limit: u32,
}

/// A page of contracts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ContractPage {
    /// The page, in the listing's order.
    pub contracts: Vec<Contract>,
    /// How many contracts match on every page together.
    pub total_count: u64,
}

/// Why someone should look at a contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(tag = "kind", rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ContractAlertKind {
    /// It waits for an approver's decision (IN_REVIEW).
    ApprovalNeeded,
    /// It waits for the customer's signature (SENT_FOR_SIGNATURE).
    SignatureNeeded,
    /// It ends within this many days (a horizon: 90, 60 or 30 by default).
    EndingSoon {
        /// The horizon crossed.
        days: u32,
    },
}

/// One change the contracts system recorded.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
pub struct ContractChange {
    /// Its position in the feed: increasing, never reused.
    pub seq: u64,
    /// The contract.
    pub contract_number: String,
    /// Its customer number: whoever is told must be authorised for it.
    pub customer_number: String,
    /// The step taken, for a change of status (`None` for a comment or a daily-check alert).
    pub action: Option<ContractAction>,
    /// The status after the change.
    pub status: ContractStatus,
    /// The alert the change raises, if any: a step that needs the customer (approval,
    /// signature), or the daily check finding the contract within a horizon of its end.
    pub alert: Option<ContractAlertKind>,
    /// When it happened.
    pub at: DateTime<Utc>,
}

/// One answer of the contracts system's change feed (the rules of the order-status feed).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ContractFeed {
    /// The changes after the position asked for, oldest first.
    pub changes: Vec<ContractChange>,
    /// The position to ask from next time.
    pub next: u64,
    /// Whether more may be waiting.
    pub more: bool,
}
