//! `contracts` and `contract`: the contracts of every customer number the caller is authorised
//! for with Contracts, in countries where Contracts OnLine exists.
//!
//! `endingWithinDays: N` keeps the contracts whose end date is between today and today + N
//! days in the customer number's own country (its time zone's calendar: day N is in, day N + 1
//! out). Customer numbers whose countries are on different dates at the moment are asked
//! separately, each with its own window, and the answers merged in the listing's order.

use std::sync::Arc;

use async_graphql::{Context, Enum, InputObject, Object, Result};
use chrono::{Duration, NaiveDate, Utc};
use supportgraph_adapters::model::{self, ContractNumber, ContractQuery, ContractSortKey};

use super::alerts::by_local_today;
use super::scope::{contract_scope, find_contract};
use super::types::{Contract, ContractConnection, ContractEdge, ContractStatus, ContractType};
use crate::app::App;
use crate::auth::Caller;
use crate::error::GatewayError;
use crate::federation::call_budget::CallBudget;
use crate::graphql::common::connection::{PageInfo, page_size};
use crate::graphql::common::cursor::{invalid, open, seal};
use crate::graphql::common::exclusions::excluded_customers;
use crate::graphql::common::input::{customer_filter, customer_filter_not_empty, identifier};

const CURSOR_PREFIX: &str = "contract:v1:";

/// The longest `endingWithinDays`: ten years.
const MAX_ENDING_WITHIN_DAYS: i32 = 3_660;

/// The longest search text, in characters.
const MAX_TEXT: usize = 200;

/// The order of a listing of contracts.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Debug, Default)]
#[graphql(remote = "supportgraph_adapters::model::ContractSort")]
pub enum ContractSort {
    /// Ending soonest first (the default).
    #[default]
    EndDate,
    /// Ending latest first.
    EndDateDescending,
    /// Changed most recently first.
    RecentlyUpdated,
    /// By contract number.
    Number,
}

/// Which contracts to list: every condition given must hold.
#[derive(InputObject, Default)]
pub struct ContractFilter {
    /// In one of these statuses.
    pub statuses: Option<Vec<ContractStatus>>,
    /// Of one of these types.
    pub types: Option<Vec<ContractType>>,
    /// The number, title, a party's name or a comment contains this text (ignoring case; 1 to
    /// 200 characters).
    pub text: Option<String>,
    /// Only these customer numbers (yours, authorised for Contracts); all of them when left out.
    pub customer_numbers: Option<Vec<String>>,
    /// Ending between today and today + this many days (0 to 3660), in each customer number's
    /// country's calendar.
    pub ending_within_days: Option<i32>,
}

fn encode_cursor(key: &ContractSortKey) -> String {
    let json = serde_json::to_string(key).expect("a sort key always serialises");
    seal(CURSOR_PREFIX, &json)
}

fn decode_cursor(cursor: &str, sort: model::ContractSort) -> Result<ContractSortKey, GatewayError> {
    let key: ContractSortKey =
        serde_json::from_str(&open(cursor, CURSOR_PREFIX)?).map_err(|_| invalid())?;
    ContractNumber::check(&key.contract_number).map_err(|_| invalid())?;
    if key.sort != sort {
        return Err(GatewayError::bad_input(
            "after",
            "the cursor belongs to a listing in another order; start again without it",
        ));
    }
    Ok(key)
}

/// The filter's conditions the contracts system applies (all but the customer numbers and the
/// end-date window).
fn model_filter(filter: &ContractFilter) -> Result<model::ContractFilter, GatewayError> {
    let text = filter.text.as_deref().map(|t| t.trim().to_owned());
    if let Some(text) = &text {
        let ok = !text.is_empty()
            && text.chars().count() <= MAX_TEXT
            && !text.chars().any(char::is_control);
        if !ok {
            return Err(GatewayError::bad_input(
                "filter.text",
                format!("a search text is 1 to {MAX_TEXT} characters, without control characters"),
            ));
        }
    }
    Ok(model::ContractFilter {
        statuses: filter
            .statuses
            .iter()
            .flatten()
            .map(|s| (*s).into())
            .collect(),
        types: filter.types.iter().flatten().map(|t| (*t).into()).collect(),
        text,
        ends_from: None,
        ends_to: None,
    })
}

/// The contracts' query fields.
#[derive(Default)]
pub struct ContractsQuery;

#[Object]
impl ContractsQuery {
    /// Your company's contracts, ending soonest first unless sorted otherwise, over every
    /// customer number you are authorised for with Contracts, each with its versions, history,
    /// comments, approvals and signatures.
    async fn contracts(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which contracts to list.")] filter: Option<ContractFilter>,
        #[graphql(desc = "Their order (ending soonest first unless given).")] sort: Option<
            ContractSort,
        >,
        #[graphql(
            desc = "Page size: 1 to the configured maximum, and at most 49 (each contract comes with its history and comments)."
        )]
        first: Option<i32>,
        #[graphql(desc = "Cursor to continue after (`pageInfo.endCursor`).")] after: Option<String>,
    ) -> Result<ContractConnection> {
        let caller = ctx.data::<Caller>()?;
        caller.principal()?;
        let app = ctx.data::<Arc<App>>()?;
        let filter = filter.unwrap_or_default();
        customer_filter_not_empty(filter.customer_numbers.as_ref())?;
        let requested = customer_filter(filter.customer_numbers.as_deref())?;
        let base = model_filter(&filter)?;
        let within = match filter.ending_within_days {
            None => None,
            Some(days) if (0..=MAX_ENDING_WITHIN_DAYS).contains(&days) => Some(i64::from(days)),
            Some(_) => {
                return Err(GatewayError::bad_input(
                    "filter.endingWithinDays",
                    format!("endingWithinDays is 0 to {MAX_ENDING_WITHIN_DAYS}"),
                )
                .into());
            }
        };
        let sort: model::ContractSort = sort.unwrap_or_default().into();
        // One more than the page is asked for, to know whether another follows.
        let limit = page_size(first, app)?.min(model::MAX_CONTRACT_PAGE - 1);
        let after_key = after
            .as_deref()
            .map(|c| decode_cursor(c, sort))
            .transpose()?;
        let scope = contract_scope(ctx, requested.as_deref()).await?;
        let profile = caller.profile(&app.profiles).await?;
        let budget = ctx.data::<Arc<CallBudget>>()?;
        let mut total_count = 0;
        let mut found: Vec<model::Contract> = Vec::new();
        // With an end-date window, one search per date the customer numbers' countries are on.
        let groups: Vec<(Option<NaiveDate>, Vec<String>)> = match within {
            Some(_) => by_local_today(
                &app.countries.snapshot(),
                profile,
                &scope.customers,
                Utc::now(),
            )
            .into_iter()
            .map(|(today, customers)| (Some(today), customers))
            .collect(),
            None => vec![(None, scope.customers.clone())],
        };
        for (today, customers) in groups {
            let mut conditions = base.clone();
            if let (Some(today), Some(days)) = (today, within) {
                conditions.ends_from = Some(today);
                conditions.ends_to = Some(today + Duration::days(days));
            }
            let query = ContractQuery {
                customer_numbers: customers.clone(),
                filter: conditions,
                sort,
                after: after_key.clone(),
                limit: limit + 1,
            };
            let contracts = &app.contracts;
            let page = budget
                .spend(contracts.instance(), contracts.contracts(&query))
                .await
                .map_err(|e| GatewayError::from_adapter(&e, None))?;
            total_count += page.total_count;
            found.extend(
                page.contracts
                    .into_iter()
                    .filter(|c| customers.contains(&c.customer_number)),
            );
        }
        found.sort_by(|a, b| {
            ContractSortKey::of(a, sort).listing_cmp(&ContractSortKey::of(b, sort))
        });
        let has_next_page = found.len() > limit as usize;
        let edges: Vec<ContractEdge> = found
            .into_iter()
            .take(limit as usize)
            .map(|contract| ContractEdge {
                cursor: encode_cursor(&ContractSortKey::of(&contract, sort)),
                node: Contract(contract),
            })
            .collect();
        Ok(ContractConnection {
            page_info: PageInfo::of(&edges, |e| &e.cursor, has_next_page, after.is_some()),
            edges,
            total_count,
            excluded_customers: excluded_customers(scope.excluded),
        })
    }

    /// One of your company's contracts by its number. `NOT_FOUND` when none of your customer
    /// numbers authorised for Contracts has it (whether or not another company does).
    async fn contract(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The contract's number, e.g. CTR-20260001.")] contract_number: String,
    ) -> Result<Contract> {
        ctx.data::<Caller>()?.principal()?;
        let number: ContractNumber = identifier("contractNumber", &contract_number)?;
        let app = ctx.data::<Arc<App>>()?;
        let scope = contract_scope(ctx, None).await?;
        let budget = ctx.data::<Arc<CallBudget>>()?;
        find_contract(app, budget, &scope.customers, number.as_str())
            .await?
            .map(Contract)
            .ok_or_else(|| GatewayError::NotFound.into())
    }
}
