//! Dates and timestamps read from backend JSON without chrono's general parser.
//!
//! Decoding a page of orders reads several dates per order, and chrono's `FromStr` (what its
//! serde support uses) walks a list of format items for each: a visible share of the gateway's
//! CPU under load. The backends write `YYYY-MM-DD` and `YYYY-MM-DDTHH:MM:SSZ`; those are read
//! here by position, and anything else — another offset, fractions of a second — falls back to
//! chrono's parser, so what is accepted is exactly what chrono's serde support accepts.
//!
//! Use with `#[serde(deserialize_with = "crate::wire_dates::date")]` (and `optional_date` with
//! `#[serde(default)]`, `timestamp`).

use std::fmt;

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime, Utc};
use serde::Deserializer;
use serde::de::{Error, Visitor};

/// A `YYYY-MM-DD` day.
pub fn date<'de, D: Deserializer<'de>>(deserializer: D) -> Result<NaiveDate, D::Error> {
    deserializer.deserialize_str(DateVisitor)
}

/// A `YYYY-MM-DD` day, or null.
pub fn optional_date<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<NaiveDate>, D::Error> {
    deserializer.deserialize_option(OptionalDateVisitor)
}

/// An RFC 3339 timestamp, in UTC.
pub fn timestamp<'de, D: Deserializer<'de>>(deserializer: D) -> Result<DateTime<Utc>, D::Error> {
    deserializer.deserialize_str(TimestampVisitor)
}

/// `text`'s digits at `range` as a number, when they are all ASCII digits.
fn digits(text: &[u8], range: std::ops::Range<usize>) -> Option<u32> {
    text.get(range)?.iter().try_fold(0u32, |n, &b| {
        b.is_ascii_digit().then(|| n * 10 + u32::from(b - b'0'))
    })
}

/// `YYYY-MM-DD` exactly, by position.
fn plain_date(text: &[u8]) -> Option<NaiveDate> {
    if text.len() != 10 || text[4] != b'-' || text[7] != b'-' {
        return None;
    }
    let year = i32::try_from(digits(text, 0..4)?).ok()?;
    NaiveDate::from_ymd_opt(year, digits(text, 5..7)?, digits(text, 8..10)?)
}

fn parse_date(text: &str) -> Result<NaiveDate, chrono::ParseError> {
    match plain_date(text.as_bytes()) {
        Some(day) => Ok(day),
        None => text.parse(),
    }
}

/// `YYYY-MM-DDTHH:MM:SSZ` exactly, by position.
fn plain_timestamp(text: &[u8]) -> Option<DateTime<Utc>> {
    if text.len() != 20 || text[10] != b'T' || text[13] != b':' || text[16] != b':' {
        return None;
    }
    if text[19] != b'Z' {
        return None;
    }
    let day = plain_date(&text[..10])?;
    let time = NaiveTime::from_hms_opt(
        digits(text, 11..13)?,
        digits(text, 14..16)?,
        digits(text, 17..19)?,
    )?;
    Some(day.and_time(time).and_utc())
}

fn parse_timestamp(text: &str) -> Result<DateTime<Utc>, chrono::ParseError> {
    match plain_timestamp(text.as_bytes()) {
        Some(at) => Ok(at),
        // What chrono's own serde support does.
        None => text
            .parse::<DateTime<FixedOffset>>()
            .map(|at| at.with_timezone(&Utc)),
    }
}

struct DateVisitor;

impl Visitor<'_> for DateVisitor {
    type Value = NaiveDate;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a date, YYYY-MM-DD")
    }

    fn visit_str<E: Error>(self, text: &str) -> Result<NaiveDate, E> {
        parse_date(text).map_err(E::custom)
    }
}

struct OptionalDateVisitor;

impl<'de> Visitor<'de> for OptionalDateVisitor {
    type Value = Option<NaiveDate>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a date, YYYY-MM-DD, or null")
    }

    fn visit_none<E: Error>(self) -> Result<Option<NaiveDate>, E> {
        Ok(None)
    }

    fn visit_unit<E: Error>(self) -> Result<Option<NaiveDate>, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Option<NaiveDate>, D::Error> {
        date(d).map(Some)
    }
}

struct TimestampVisitor;

impl Visitor<'_> for TimestampVisitor {
    type Value = DateTime<Utc>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an RFC 3339 timestamp")
    }

    fn visit_str<E: Error>(self, text: &str) -> Result<DateTime<Utc>, E> {
        parse_timestamp(text).map_err(E::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every text is read as chrono reads it, fast path or not.
    #[test]
    fn dates_read_as_chrono_reads_them() {
        for text in [
            "2026-11-20",
            "2024-02-29",
            "2023-02-29",
            "2026-13-01",
            "2026-00-10",
            "0000-01-01",
            "2026-1-20",
            "2026/11/20",
            "+2026-11-20",
            "20261120xx",
            "２026-11-20",
            "",
        ] {
            assert_eq!(
                parse_date(text).ok(),
                text.parse::<NaiveDate>().ok(),
                "{text:?}"
            );
        }
    }

    #[test]
    fn timestamps_read_as_chrono_reads_them() {
        for text in [
            "2026-11-20T11:20:00Z",
            "2026-11-20T23:59:59Z",
            "2026-11-20T24:00:00Z",
            "2026-11-20T11:60:00Z",
            "2026-11-20T11:20:60Z",
            "2026-11-20T11:20:00+01:00",
            "2026-11-20T11:20:00.125Z",
            "2026-11-20 11:20:00Z",
            "2026-11-20T11:20:00z",
            "2026-02-30T11:20:00Z",
            "2026-11-20T11:20:00",
        ] {
            let chrono = text
                .parse::<DateTime<FixedOffset>>()
                .map(|at| at.with_timezone(&Utc))
                .ok();
            assert_eq!(parse_timestamp(text).ok(), chrono, "{text:?}");
        }
    }

    #[test]
    fn fields_decode_from_json() {
        #[derive(serde::Deserialize)]
        struct Fields {
            #[serde(deserialize_with = "date")]
            day: NaiveDate,
            #[serde(default, deserialize_with = "optional_date")]
            maybe: Option<NaiveDate>,
            #[serde(default, deserialize_with = "optional_date")]
            absent: Option<NaiveDate>,
            #[serde(deserialize_with = "timestamp")]
            at: DateTime<Utc>,
        }
        let fields: Fields = serde_json::from_str(
            r#"{"day": "2026-11-20", "maybe": null, "at": "2026-11-20T11:20:00Z"}"#,
        )
        .expect("decodes");
        assert_eq!(fields.day.to_string(), "2026-11-20");
        assert_eq!((fields.maybe, fields.absent), (None, None));
        assert_eq!(fields.at.to_rfc3339(), "2026-11-20T11:20:00+00:00");
        let refused = serde_json::from_str::<Fields>(
            r#"{"day": "2026-02-30", "at": "2026-11-20T11:20:00Z"}"#,
        );
        assert!(refused.is_err());
    }
}
