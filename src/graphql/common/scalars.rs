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
        Value::String(iso_date(self.0))
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
        Value::String(iso_timestamp(self.0))
    }
}

/// `day` as `YYYY-MM-DD`, written digit by digit: chrono's `format` interprets its format string
/// on every call, and an answer holds dozens of dates. Years outside 0–9999 (which no backend
/// sends) go through chrono, which writes them with a sign.
fn iso_date(day: NaiveDate) -> String {
    let mut text = String::with_capacity(20);
    push_date(&mut text, day);
    text
}

/// `at` as `YYYY-MM-DDTHH:MM:SSZ`, as [`iso_date`] writes dates; fractions of a second are
/// dropped, as `to_rfc3339_opts(Secs, true)` drops them.
fn iso_timestamp(at: chrono::DateTime<chrono::Utc>) -> String {
    use chrono::Timelike;
    let mut text = String::with_capacity(20);
    push_date(&mut text, at.date_naive());
    let time = at.time();
    text.push('T');
    push_digits(&mut text, time.hour(), 2);
    text.push(':');
    push_digits(&mut text, time.minute(), 2);
    text.push(':');
    // A leap second is stored as second 59 plus a nanosecond overflow; chrono writes it as 60.
    let leap = u32::from(time.nanosecond() >= 1_000_000_000);
    push_digits(&mut text, time.second() + leap, 2);
    text.push('Z');
    text
}

fn push_date(text: &mut String, day: NaiveDate) {
    use chrono::Datelike;
    match u32::try_from(day.year()) {
        Ok(year) if year <= 9999 => {
            push_digits(text, year, 4);
            text.push('-');
            push_digits(text, day.month(), 2);
            text.push('-');
            push_digits(text, day.day(), 2);
        }
        _ => text.push_str(&day.format("%Y-%m-%d").to_string()),
    }
}

/// `value`'s last `width` decimal digits, zero-padded.
fn push_digits(text: &mut String, value: u32, width: u32) {
    for place in (0..width).rev() {
        let digit = (value / 10u32.pow(place)) % 10;
        text.push(char::from(b'0' + u8::try_from(digit).unwrap_or(0)));
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

#[cfg(test)]
mod formatting_tests {
    use chrono::{NaiveDate, TimeZone, Utc};
    use proptest::prelude::*;

    use super::{iso_date, iso_timestamp};

    proptest! {
        /// Dates are written exactly as chrono's `%Y-%m-%d` writes them, from year −1095 to 13688
        /// (past 9999, where the fallback writes them).
        #[test]
        fn dates_are_written_as_chrono_writes_them(days in -400_000i64..5_000_000) {
            let day = NaiveDate::from_num_days_from_ce_opt(i32::try_from(days).unwrap()).unwrap();
            prop_assert_eq!(iso_date(day), day.format("%Y-%m-%d").to_string());
        }

        /// Timestamps are written exactly as `to_rfc3339_opts(Secs, true)` writes them.
        #[test]
        fn timestamps_are_written_as_chrono_writes_them(
            seconds in -10_000_000_000i64..300_000_000_000,
            nanos in 0u32..2_000_000_000,
        ) {
            let Some(at) = Utc.timestamp_opt(seconds, nanos).single() else {
                return Ok(());
            };
            prop_assert_eq!(
                iso_timestamp(at),
                at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
            );
        }
    }
}
