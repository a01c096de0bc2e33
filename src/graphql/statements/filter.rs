//! The statement-line search a client writes — `StatementLineFilter` and
//! `StatementLineSortInput` — and its check into [`LineSearch`]: the customer number by its
//! type, the period a month that has begun, amounts as exact decimals, every range the right way
//! round, before any cache or backend is touched. The gateway applies the search itself, to the
//! one statement it fetches.

use async_graphql::{Enum, InputObject};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use supportgraph_adapters::model::{self, StatementPeriod};

use super::args::{check_customer, check_period};
use super::types::StatementLineKind;
use crate::error::GatewayError;
use crate::graphql::common::domain::SortDirection;
use crate::graphql::common::input::free_text;
use crate::graphql::common::scalars::Date;

/// The longest reference text a filter takes.
const MAX_REFERENCE: usize = 40;

/// Which lines of which statement to list: every condition given must hold.
#[derive(InputObject, Clone)]
pub struct StatementLineFilter {
    /// The statement's customer number (yours, authorised for Statements).
    pub customer_number: String,
    /// The statement's month, `YYYY-MM` (this month or an earlier one).
    pub period: String,
    /// Only lines of these kinds (all kinds when left out).
    pub kinds: Option<Vec<StatementLineKind>>,
    /// Only lines whose reference (invoice, credit-note or payment number) contains this text,
    /// ignoring case.
    pub reference: Option<String>,
    /// Only lines moving the balance by at least this much, either way (a decimal string
    /// compared with the amount without its sign).
    pub amount_min: Option<String>,
    /// Only lines moving the balance by at most this much, either way.
    pub amount_max: Option<String>,
    /// Only lines booked on or after this day.
    pub date_from: Option<Date>,
    /// Only lines booked on or before this day.
    pub date_to: Option<Date>,
}

/// The field statement lines are sorted by.
#[derive(
    Enum, Clone, Copy, PartialEq, Eq, Hash, Default, Debug, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum StatementLineSortField {
    /// The day booked (the default: the statement's own order).
    #[default]
    Date,
    /// The amount, signed as on the statement (payments and credit notes are negative).
    Amount,
    /// The kind: invoices, then credit notes, then payments.
    Kind,
}

fn ascending() -> SortDirection {
    SortDirection::Ascending
}

/// How to sort statement lines; ties are broken by the statement's own order (date, then
/// reference), reversed when descending.
#[derive(InputObject, Clone, Copy)]
pub struct StatementLineSortInput {
    /// The field (the date unless given).
    #[graphql(default)]
    pub field: StatementLineSortField,
    /// The direction (ascending unless given).
    #[graphql(default_with = "ascending()")]
    pub direction: SortDirection,
}

/// A checked sort.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct LineSort {
    /// The field.
    pub field: StatementLineSortField,
    /// The direction.
    pub direction: model::SortDirection,
}

impl Default for LineSort {
    /// The statement's own order.
    fn default() -> Self {
        Self {
            field: StatementLineSortField::Date,
            direction: model::SortDirection::Ascending,
        }
    }
}

impl From<Option<StatementLineSortInput>> for LineSort {
    fn from(input: Option<StatementLineSortInput>) -> Self {
        input.map_or_else(Self::default, |sort| Self {
            field: sort.field,
            direction: sort.direction.into(),
        })
    }
}

/// A checked statement-line search.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineSearch {
    /// The statement's customer number.
    pub customer_number: String,
    /// The statement's month.
    pub period: StatementPeriod,
    /// The kinds kept (any, when empty).
    pub kinds: Vec<model::StatementLineKind>,
    /// Text the reference contains, in lower case.
    pub reference: Option<String>,
    /// The smallest absolute amount kept.
    pub amount_min: Option<Decimal>,
    /// The largest absolute amount kept.
    pub amount_max: Option<Decimal>,
    /// The first day kept.
    pub date_from: Option<NaiveDate>,
    /// The last day kept.
    pub date_to: Option<NaiveDate>,
}

impl LineSearch {
    /// Whether `line` meets every condition.
    pub fn matches(&self, line: &model::StatementLine) -> bool {
        let amount = line.amount.abs();
        (self.kinds.is_empty() || self.kinds.contains(&line.kind))
            && self
                .reference
                .as_ref()
                .is_none_or(|text| line.reference.to_lowercase().contains(text))
            && self.amount_min.is_none_or(|min| amount >= min)
            && self.amount_max.is_none_or(|max| amount <= max)
            && self.date_from.is_none_or(|from| line.date >= from)
            && self.date_to.is_none_or(|to| line.date <= to)
    }
}

fn amount(field: &str, text: Option<&str>) -> Result<Option<Decimal>, GatewayError> {
    let Some(text) = text else { return Ok(None) };
    let value = text.trim().parse::<Decimal>().map_err(|_| {
        GatewayError::bad_input(field, "an amount is a decimal number, e.g. 1250.00")
    })?;
    if value.is_sign_negative() && !value.is_zero() {
        return Err(GatewayError::bad_input(
            field,
            "amounts are compared without their sign: give a positive amount",
        ));
    }
    Ok(Some(value))
}

fn range<T: PartialOrd>(field: &str, from: Option<T>, to: Option<T>) -> Result<(), GatewayError> {
    if let (Some(from), Some(to)) = (from, to)
        && from > to
    {
        return Err(GatewayError::bad_input(
            field,
            "the range's start is after its end",
        ));
    }
    Ok(())
}

fn reference(text: Option<&str>) -> Result<Option<String>, GatewayError> {
    const FIELD: &str = "filter.reference";
    let Some(text) = text.map(str::trim) else {
        return Ok(None);
    };
    if text.is_empty() || text.chars().count() > MAX_REFERENCE {
        return Err(GatewayError::bad_input(
            FIELD,
            format!("a reference to look for is 1 to {MAX_REFERENCE} characters"),
        ));
    }
    free_text(FIELD, text)?;
    Ok(Some(text.to_lowercase()))
}

/// The search `filter` stands for as of `today`, or `BAD_USER_INPUT` naming the field at fault.
pub fn check_line_search(
    filter: &StatementLineFilter,
    today: NaiveDate,
) -> Result<LineSearch, GatewayError> {
    let customer_number = check_customer("filter.customerNumber", &filter.customer_number)?;
    let period = check_period("filter.period", &filter.period, today)?;
    let amount_min = amount("filter.amountMin", filter.amount_min.as_deref())?;
    let amount_max = amount("filter.amountMax", filter.amount_max.as_deref())?;
    range("filter.amountMin", amount_min, amount_max)?;
    let date_from = filter.date_from.map(|d| d.0);
    let date_to = filter.date_to.map(|d| d.0);
    range("filter.dateFrom", date_from, date_to)?;
    Ok(LineSearch {
        customer_number,
        period,
        kinds: filter.kinds.iter().flatten().map(|k| (*k).into()).collect(),
        reference: reference(filter.reference.as_deref())?,
        amount_min,
        amount_max,
        date_from,
        date_to,
    })
}
