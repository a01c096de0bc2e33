//! Scalars and small value types shared by every part of the schema: dates are ISO 8601, money
//! is a decimal string plus its currency, never a float.

use async_graphql::{InputValueError, InputValueResult, Scalar, ScalarType, SimpleObject, Value};
use chrono::NaiveDate;
use supportgraph_adapters::model;

/// A calendar date, ISO 8601 (`YYYY-MM-DD`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct Date(pub NaiveDate);

/// A calendar date, ISO 8601 (`YYYY-MM-DD`).
#[Scalar(name = "Date")]
impl ScalarType for Date {
    fn parse(value: Value) -> InputValueResult<Self> {
        match &value {
            Value::String(text) => NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .map(Date)
                .map_err(|_| InputValueError::custom(format!("{text:?} is not a YYYY-MM-DD date"))),
            _ => Err(InputValueError::expected_type(value)),
        }
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.format("%Y-%m-%d").to_string())
    }
}

/// An instant in time, ISO 8601 / RFC 3339 in UTC (`2026-03-02T09:14:00Z`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateTime(pub chrono::DateTime<chrono::Utc>);

/// An instant in time, ISO 8601 / RFC 3339 in UTC (`2026-03-02T09:14:00Z`).
#[Scalar(name = "DateTime")]
impl ScalarType for DateTime {
    fn parse(value: Value) -> InputValueResult<Self> {
        match &value {
            Value::String(text) => chrono::DateTime::parse_from_rfc3339(text)
                .map(|t| DateTime(t.with_timezone(&chrono::Utc)))
                .map_err(|_| {
                    InputValueError::custom(format!("{text:?} is not an RFC 3339 date-time"))
                }),
            _ => Err(InputValueError::expected_type(value)),
        }
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
    }
}

/// An exact amount of money: a decimal string in the currency's major unit, plus the currency.
#[derive(Debug, Clone, SimpleObject)]
pub struct Money {
    /// The amount as a decimal string, e.g. `"1234.50"`; never a float.
    pub amount: String,
    /// ISO 4217 currency code, e.g. `EUR`.
    pub currency: String,
}

impl From<model::Money> for Money {
    fn from(m: model::Money) -> Self {
        Self {
            amount: m.amount.to_string(),
            currency: m.currency,
        }
    }
}
