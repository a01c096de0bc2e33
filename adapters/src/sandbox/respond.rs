//! What every simulator's handlers share, written once: reading the comma-separated lists of a
//! query string, refusing the way the JSON backends refuse, reading the query of a listing (with
//! its page size) and of a lookup by serial number (with its batch), whether a change request's details are acceptable,
//! cutting a page out of a listing, and numbering the requests a backend records.

use std::collections::HashSet;
use std::ops::Range;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::Json;
use axum::extract::Query;
use axum::extract::rejection::QueryRejection;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::model::MAX_CHANGE_DETAILS;
use crate::ports::LOOKUP_BATCH;

/// The values of a comma-separated query parameter (`ids=a,b,c`), trimmed, empty ones dropped.
pub(crate) fn split(list: &str) -> impl Iterator<Item = &str> {
    list.split(',').map(str::trim).filter(|s| !s.is_empty())
}

/// `{"error": CODE}` with `status`: how the JSON backends refuse a request.
pub(crate) fn refuse_json(status: StatusCode, code: &str) -> Response {
    (status, Json(serde_json::json!({ "error": code }))).into_response()
}

/// A listing request's query and page size (`limit_of` the query, `max` when it names none);
/// `None` (a bad request) when the query does not parse or asks for 0 items or more than `max`.
pub(crate) fn listing<T>(
    query: Result<Query<T>, QueryRejection>,
    limit_of: impl FnOnce(&T) -> Option<u32>,
    max: u32,
) -> Option<(T, u32)> {
    let Query(params) = query.ok()?;
    let limit = limit_of(&params).unwrap_or(max);
    (limit != 0 && limit <= max).then_some((params, limit))
}

/// The query of a lookup by serial number: `serials=a,b,c`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct SerialParams {
    /// Comma-separated serial numbers, 1 to 100; unknown ones are left out of the answer.
    serials: String,
}

/// The serial numbers a lookup asks for; `None` (a bad request) when the query does not parse,
/// or names none or more than [`LOOKUP_BATCH`].
pub(crate) fn serial_batch(
    query: Result<Query<SerialParams>, QueryRejection>,
) -> Option<HashSet<String>> {
    let Query(params) = query.ok()?;
    let wanted: HashSet<String> = split(&params.serials).map(str::to_owned).collect();
    (!wanted.is_empty() && wanted.len() <= LOOKUP_BATCH).then_some(wanted)
}

/// Whether a change request's free-text details are acceptable: not blank, and at most
/// [`MAX_CHANGE_DETAILS`] characters.
pub(crate) fn details_acceptable(details: &str) -> bool {
    !details.trim().is_empty() && details.chars().count() <= MAX_CHANGE_DETAILS
}

/// The positions of a listing of `len` items that one page covers: from `start`, at most
/// `limit` items (none when `start` is past the end).
pub(crate) fn page_window(len: usize, start: usize, limit: u32) -> Range<usize> {
    let start = start.min(len);
    start..start.saturating_add(limit as usize).min(len)
}

/// Numbers the requests a simulator records: `IOL-000001`, `IOL-000002`, ...
#[derive(Debug)]
pub(crate) struct RequestNumbers {
    prefix: &'static str,
    next: AtomicU64,
}

impl RequestNumbers {
    /// Numbers starting at 1, written after `prefix` (e.g. `IOL-`).
    pub(crate) fn new(prefix: &'static str) -> Self {
        Self {
            prefix,
            next: AtomicU64::new(1),
        }
    }

    /// The next request's number.
    pub(crate) fn next(&self) -> String {
        let number = self.next.fetch_add(1, Ordering::SeqCst);
        format!("{}{number:06}", self.prefix)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_list_drops_blanks_and_spaces() {
        assert_eq!(split(" a,,b ,").collect::<Vec<_>>(), ["a", "b"]);
    }

    #[test]
    fn a_listing_page_is_between_one_and_the_maximum() {
        let limit =
            |asked| listing(Ok(Query(asked)), |a: &Option<u32>| *a, 50).map(|(_, limit)| limit);
        assert_eq!(limit(None), Some(50));
        assert_eq!(limit(Some(7)), Some(7));
        assert_eq!(limit(Some(50)), Some(50));
        assert_eq!(limit(Some(0)), None);
        assert_eq!(limit(Some(51)), None);
    }

    #[test]
    fn a_serial_batch_holds_one_to_lookup_batch_numbers() {
        let batch = |serials: String| serial_batch(Ok(Query(SerialParams { serials })));
        let expected = HashSet::from(["a".to_owned(), "b".to_owned()]);
        assert_eq!(batch("a, b,a".into()), Some(expected));
        assert_eq!(batch(" , ".into()), None);
        let many = (0..=LOOKUP_BATCH)
            .map(|i| i.to_string())
            .collect::<Vec<_>>();
        assert_eq!(
            batch(many[1..].join(",")).map(|b| b.len()),
            Some(LOOKUP_BATCH)
        );
        assert_eq!(batch(many.join(",")), None);
    }

    #[test]
    fn details_are_neither_blank_nor_too_long() {
        assert!(details_acceptable("moved to rack 4"));
        assert!(!details_acceptable(" \n"));
        assert!(details_acceptable(&"é".repeat(MAX_CHANGE_DETAILS)));
        assert!(!details_acceptable(&"é".repeat(MAX_CHANGE_DETAILS + 1)));
    }

    #[test]
    fn a_page_window_stays_within_the_listing() {
        assert_eq!(page_window(10, 0, 4), 0..4);
        assert_eq!(page_window(10, 8, 4), 8..10);
        assert_eq!(page_window(10, 12, 4), 10..10);
        assert_eq!(page_window(10, 0, u32::MAX), 0..10);
    }
}
