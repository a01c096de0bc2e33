//! What every simulator's handlers share, written once: reading the comma-separated lists of a
//! query string, refusing the way the JSON backends refuse, cutting a page out of a listing, and
//! numbering the requests a backend records.

use std::ops::Range;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

/// The values of a comma-separated query parameter (`ids=a,b,c`), trimmed, empty ones dropped.
pub(crate) fn split(list: &str) -> impl Iterator<Item = &str> {
    list.split(',').map(str::trim).filter(|s| !s.is_empty())
}

/// `{"error": CODE}` with `status`: how the JSON backends refuse a request.
pub(crate) fn refuse_json(status: StatusCode, code: &str) -> Response {
    (status, Json(serde_json::json!({ "error": code }))).into_response()
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
    fn a_page_window_stays_within_the_listing() {
        assert_eq!(page_window(10, 0, 4), 0..4);
        assert_eq!(page_window(10, 8, 4), 8..10);
        assert_eq!(page_window(10, 12, 4), 10..10);
        assert_eq!(page_window(10, 0, u32::MAX), 0..10);
    }
}
