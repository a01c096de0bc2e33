//! `contractAlerts`: what in Contracts OnLine needs the caller now — contracts waiting for their
//! approval or their signature, and contracts about to end — read from the contracts system when
//! asked, over every customer number the caller is authorised for with Contracts.
//!
//! - Action needed: contracts IN_REVIEW on a customer number the caller approves contracts for
//!   (the registration system says who does: `approves_contracts_for`), and contracts
//!   SENT_FOR_SIGNATURE on any of the caller's customer numbers. One search for both statuses;
//!   the IN_REVIEW ones of customer numbers the caller does not approve for are left out here.
//! - Ending soon: ACTIVE and SIGNED contracts ending between today and today + the largest of
//!   `contracts.alert_horizons_days`, in each customer number's country's calendar (as
//!   `endingWithinDays`): customer numbers whose countries are on different dates at the moment
//!   are searched separately, each with its own window. Each comes with its days left and the
//!   smallest horizon they fall within ([`ending_within`]).
//!
//! So one call for what needs action and one per distinct local date (at most two at any moment)
//! for what ends. Each list holds at most one page of the contracts system
//! ([`MAX_CONTRACT_PAGE`]); `complete` says whether that was all of them.
//!
//! [`ContractAlert`] is also what the `contractAlerts` subscription sends (see `subscription`),
//! from the alerts the contracts system raises in its change feed.

use std::collections::BTreeMap;
use std::sync::Arc;

use async_graphql::{Context, Enum, Object, Result, SimpleObject};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use supportgraph_adapters::model::{
    self, ContractQuery, ContractSort, ContractStatus, MAX_CONTRACT_PAGE,
};

use super::scope::contract_scope;
use super::types::Contract;
use crate::app::App;
use crate::auth::Caller;
use crate::countries::CountryDirectory;
use crate::error::GatewayError;
use crate::federation::call_budget::CallBudget;
use crate::graphql::common::exclusions::{ExcludedCustomer, excluded_customers};

/// Why a contract needs you.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Debug)]
pub enum ContractAlertKind {
    /// It waits for an approver's decision (IN_REVIEW), and you approve contracts for its
    /// customer number: `approveContract` or `rejectContract`.
    ApprovalNeeded,
    /// It waits for your company's signature on its current version (SENT_FOR_SIGNATURE):
    /// `signContract`.
    SignatureNeeded,
    /// It is in force (or signed) and ends soon: `daysLeft` and `horizon` say how soon.
    EndingSoon,
}

/// A contract that needs you, and why.
#[derive(SimpleObject)]
pub struct ContractAlert {
    /// Why it needs you.
    pub kind: ContractAlertKind,
    /// The contract's number (`CTR-20260001`).
    pub contract_number: String,
    /// The customer number it is with.
    pub customer_number: String,
    /// The contract. Always there in the `contractAlerts` query; in the subscription, as it was
    /// when the alert was passed on, and null when it could not be read then.
    pub contract: Option<Contract>,
    /// For ENDING_SOON, the days from today to its last day in force in its customer number's
    /// country's calendar (0 on its last day); null otherwise. In the subscription, the days
    /// the contracts system announced it at.
    pub days_left: Option<i32>,
    /// For ENDING_SOON, the horizon it falls within: the smallest of the configured horizons
    /// (`contracts.alert_horizons_days`, 90, 60 and 30 days by default) at least `daysLeft` —
    /// 30 for 0 to 30 days left, 60 for 31 to 60, 90 for 61 to 90. Null otherwise. In the
    /// subscription, the horizon the contracts system announced.
    pub horizon: Option<i32>,
}

impl ContractAlert {
    /// The alert `kind` (not ENDING_SOON) about `contract`.
    fn action(kind: ContractAlertKind, contract: model::Contract) -> Self {
        Self {
            kind,
            contract_number: contract.contract_number.clone(),
            customer_number: contract.customer_number.clone(),
            contract: Some(Contract(contract)),
            days_left: None,
            horizon: None,
        }
    }

    /// The alert a change of the contracts system raised, about `contract` as fetched for it.
    pub(crate) fn of_change(
        change: &model::ContractChange,
        alert: model::ContractAlertKind,
        contract: Option<model::Contract>,
    ) -> Self {
        let (kind, days) = match alert {
            model::ContractAlertKind::ApprovalNeeded => (ContractAlertKind::ApprovalNeeded, None),
            model::ContractAlertKind::SignatureNeeded => (ContractAlertKind::SignatureNeeded, None),
            model::ContractAlertKind::EndingSoon { days } => {
                (ContractAlertKind::EndingSoon, i32::try_from(days).ok())
            }
        };
        Self {
            kind,
            contract_number: change.contract_number.clone(),
            customer_number: change.customer_number.clone(),
            contract: contract.map(Contract),
            days_left: days,
            horizon: days,
        }
    }
}

/// What needs you in Contracts OnLine now.
#[derive(SimpleObject)]
pub struct ContractAlerts {
    /// Contracts waiting for you: IN_REVIEW on customer numbers you approve contracts for
    /// (APPROVAL_NEEDED), SENT_FOR_SIGNATURE on any of yours (SIGNATURE_NEEDED); ending soonest
    /// first, at most 50.
    pub action_needed: Vec<ContractAlert>,
    /// ACTIVE and SIGNED contracts ending within the largest horizon (ENDING_SOON), ending
    /// soonest first, at most 50.
    pub ending_soon: Vec<ContractAlert>,
    /// Whether the two lists hold every alert: false when one was cut at 50 (list the rest with
    /// `contracts`, filtering by status or `endingWithinDays`).
    pub complete: bool,
    /// Customer numbers of your company left out (no Contracts OnLine in their country, or no
    /// authorisation).
    pub excluded_customers: Vec<ExcludedCustomer>,
}

/// How soon a contract ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Ending {
    /// Days from today to its end date (0 on it).
    pub days_left: i64,
    /// The smallest horizon at least `days_left`.
    pub horizon: u32,
}

/// How soon a contract ending on `end_date` ends, seen on `today` (its customer number's
/// country's date), against `horizons` (smallest first): `None` once it has ended, or when it
/// ends beyond the largest horizon. Day `h` is within horizon `h`, day `h + 1` is not.
pub(crate) fn ending_within(
    end_date: NaiveDate,
    today: NaiveDate,
    horizons: &[u32],
) -> Option<Ending> {
    let days_left = (end_date - today).num_days();
    if days_left < 0 {
        return None;
    }
    horizons
        .iter()
        .find(|horizon| days_left <= i64::from(**horizon))
        .map(|horizon| Ending {
            days_left,
            horizon: *horizon,
        })
}

/// The date at `now` in the country `country` (its time zone's calendar); the UTC date for a
/// country the directory does not know.
fn local_today(
    countries: &CountryDirectory,
    country: Option<&str>,
    now: DateTime<Utc>,
) -> NaiveDate {
    country
        .and_then(|code| countries.get(code))
        .map_or_else(|| now.date_naive(), |country| country.local_date(now))
}

/// `customers` grouped by the date at `now` in their countries.
pub(super) fn by_local_today(
    countries: &CountryDirectory,
    profile: &model::UserProfile,
    customers: &[String],
    now: DateTime<Utc>,
) -> BTreeMap<NaiveDate, Vec<String>> {
    let mut groups: BTreeMap<NaiveDate, Vec<String>> = BTreeMap::new();
    for number in customers {
        let country = profile.customer(number).map(|c| c.country.as_str());
        groups
            .entry(local_today(countries, country, now))
            .or_default()
            .push(number.clone());
    }
    groups
}

/// One page of `customers`' contracts meeting `filter`, ending soonest first (one call, paid from
/// `budget`), keeping only contracts of those customer numbers; and whether it held every match.
async fn search(
    app: &App,
    budget: &CallBudget,
    customers: &[String],
    filter: model::ContractFilter,
) -> Result<(Vec<model::Contract>, bool), GatewayError> {
    let query = ContractQuery {
        customer_numbers: customers.to_vec(),
        filter,
        sort: ContractSort::EndDate,
        after: None,
        limit: MAX_CONTRACT_PAGE,
    };
    let contracts = &app.contracts;
    let page = budget
        .spend(contracts.instance(), contracts.contracts(&query))
        .await
        .map_err(|e| GatewayError::from_adapter(&e, None))?;
    let complete = page.total_count <= page.contracts.len() as u64;
    let found = page
        .contracts
        .into_iter()
        .filter(|c| customers.contains(&c.customer_number))
        .collect();
    Ok((found, complete))
}

/// What waits for the caller among `customers`' contracts, and whether that is all of it.
async fn action_needed(
    app: &App,
    budget: &CallBudget,
    profile: &model::UserProfile,
    customers: &[String],
) -> Result<(Vec<ContractAlert>, bool), GatewayError> {
    // Signatures over every customer number; approvals only over those the caller approves
    // for, so contracts the caller cannot act on never take a place on the page.
    let signing = model::ContractFilter {
        statuses: vec![ContractStatus::SentForSignature],
        ..model::ContractFilter::default()
    };
    let (to_sign, mut complete) = search(app, budget, customers, signing).await?;
    let mut alerts: Vec<ContractAlert> = to_sign
        .into_iter()
        .map(|contract| ContractAlert::action(ContractAlertKind::SignatureNeeded, contract))
        .collect();
    let approves: Vec<String> = customers
        .iter()
        .filter(|c| profile.approves_contracts_for(c))
        .cloned()
        .collect();
    if !approves.is_empty() {
        let reviewing = model::ContractFilter {
            statuses: vec![ContractStatus::InReview],
            ..model::ContractFilter::default()
        };
        let (to_approve, all) = search(app, budget, &approves, reviewing).await?;
        complete &= all;
        alerts.extend(
            to_approve
                .into_iter()
                .map(|contract| ContractAlert::action(ContractAlertKind::ApprovalNeeded, contract)),
        );
    }
    Ok((alerts, complete))
}

/// `customers`' ACTIVE and SIGNED contracts ending within the largest of `horizons` (smallest
/// first) as seen at `now` in each one's country, ending soonest first; and whether that is all
/// of them.
async fn ending_soon(
    app: &App,
    budget: &CallBudget,
    profile: &model::UserProfile,
    customers: &[String],
    horizons: &[u32],
    now: DateTime<Utc>,
) -> Result<(Vec<ContractAlert>, bool), GatewayError> {
    let Some(largest) = horizons.last() else {
        return Ok((Vec::new(), true));
    };
    let mut complete = true;
    let mut found: Vec<(model::Contract, Ending)> = Vec::new();
    for (today, group) in by_local_today(&app.countries.snapshot(), profile, customers, now) {
        let filter = model::ContractFilter {
            statuses: vec![ContractStatus::Active, ContractStatus::Signed],
            ends_from: Some(today),
            ends_to: Some(today + Duration::days(i64::from(*largest))),
            ..model::ContractFilter::default()
        };
        let (contracts, all) = search(app, budget, &group, filter).await?;
        complete &= all;
        found.extend(contracts.into_iter().filter_map(|contract| {
            ending_within(contract.end_date, today, horizons).map(|ending| (contract, ending))
        }));
    }
    found.sort_by(|(a, _), (b, _)| {
        (a.end_date, &a.contract_number).cmp(&(b.end_date, &b.contract_number))
    });
    let page = MAX_CONTRACT_PAGE as usize;
    complete &= found.len() <= page;
    let alerts = found
        .into_iter()
        .take(page)
        .map(|(contract, ending)| ContractAlert {
            kind: ContractAlertKind::EndingSoon,
            contract_number: contract.contract_number.clone(),
            customer_number: contract.customer_number.clone(),
            contract: Some(Contract(contract)),
            days_left: i32::try_from(ending.days_left).ok(),
            horizon: i32::try_from(ending.horizon).ok(),
        })
        .collect();
    Ok((alerts, complete))
}

/// The alerts' query field.
#[derive(Default)]
pub struct ContractAlertsQuery;

#[Object]
impl ContractAlertsQuery {
    /// What needs you in Contracts OnLine now, over every customer number you are authorised
    /// for with Contracts: contracts waiting for your approval (customer numbers you approve
    /// contracts for) or your company's signature, and ACTIVE or SIGNED contracts ending within
    /// the configured horizons (90, 60 and 30 days by default), counted in each customer
    /// number's country's calendar. To hear of new alerts as they are raised, subscribe to
    /// `contractAlerts` at `/graphql/ws`.
    async fn contract_alerts(&self, ctx: &Context<'_>) -> Result<ContractAlerts> {
        let caller = ctx.data::<Caller>()?;
        caller.principal()?;
        let app = ctx.data::<Arc<App>>()?;
        let scope = contract_scope(ctx, None).await?;
        let profile = caller.profile(&app.profiles).await?;
        let budget = ctx.data::<Arc<CallBudget>>()?;
        let horizons = app.settings.contracts.horizons_ascending();
        let (action_needed, all_waiting) =
            action_needed(app, budget, profile, &scope.customers).await?;
        let (ending_soon, all_ending) = ending_soon(
            app,
            budget,
            profile,
            &scope.customers,
            &horizons,
            Utc::now(),
        )
        .await?;
        Ok(ContractAlerts {
            action_needed,
            ending_soon,
            complete: all_waiting && all_ending,
            excluded_customers: excluded_customers(scope.excluded),
        })
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use chrono::TimeZone;

    use super::*;

    fn day(text: &str) -> NaiveDate {
        text.parse().expect("a date")
    }

    #[test]
    fn each_contract_falls_within_the_smallest_horizon_that_holds_its_days_left_in_its_country() {
        let countries = CountryDirectory::load(Path::new("config/countries.toml"))
            .expect("the shipped file loads");
        // 03:30 UTC on 21 November is still the evening of the 20th in the United States.
        let now = Utc
            .with_ymd_and_hms(2026, 11, 21, 3, 30, 0)
            .single()
            .expect("an instant");
        let today = local_today(&countries, Some("US"), now);
        assert_eq!(today, day("2026-11-20"), "the US calendar, not UTC's");
        let horizons = [30, 60, 90];
        let ending = |end: &str| ending_within(day(end), today, &horizons);
        let within = |days_left, horizon| Some(Ending { days_left, horizon });

        assert_eq!(ending("2026-11-20"), within(0, 30), "its last day");
        assert_eq!(ending("2026-12-20"), within(30, 30), "day 30");
        assert_eq!(ending("2026-12-21"), within(31, 60), "day 31");
        assert_eq!(ending("2027-01-19"), within(60, 60), "day 60");
        assert_eq!(ending("2027-01-20"), within(61, 90), "day 61");
        assert_eq!(ending("2027-02-18"), within(90, 90), "day 90");
        assert_eq!(ending("2027-02-19"), None, "day 91");
        assert_eq!(ending("2026-11-19"), None, "ended yesterday");

        let utc_today = local_today(&countries, None, now);
        assert_eq!(
            utc_today,
            day("2026-11-21"),
            "an unknown country: UTC's date"
        );
        assert_eq!(
            ending_within(day("2026-12-20"), utc_today, &horizons),
            within(29, 30),
            "a day fewer on the UTC calendar"
        );
    }

    #[test]
    fn a_single_horizon_is_its_own_smallest() {
        let today = day("2026-11-20");
        assert_eq!(
            ending_within(day("2026-11-27"), today, &[7]),
            Some(Ending {
                days_left: 7,
                horizon: 7
            })
        );
        assert_eq!(ending_within(day("2026-11-28"), today, &[7]), None);
    }
}
