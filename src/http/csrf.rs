//! Cross-site request forgery prevention, on by default (`csrf.enabled`).
//!
//! A browser sends a "simple" request to any site without asking it first (no CORS preflight):
//! a POST whose `Content-Type` is `text/plain`, `application/x-www-form-urlencoded` or
//! `multipart/form-data`, or that has none. A page on another site can make the user's browser
//! send one, with whatever ambient credentials the browser holds for the gateway (a client
//! certificate, a cookie a proxy in front adds). Such a POST is refused with `CSRF_BLOCKED`
//! before a byte of its body is read, unless it carries a non-empty header that no form can set
//! and no script on another origin can add without a preflight the gateway answered:
//! `graphql-require-preflight`, `apollo-require-preflight` or `x-supportgraph-csrf`.
//! `application/json` already forces a preflight, so JSON clients need nothing more.
//!
//! GET carries queries only (a mutation over GET is 405, with no side effect), so a GET needs no
//! header, as the GraphQL-over-HTTP spec and its audit expect.

use axum::http::{HeaderMap, header};

use crate::error::GatewayError;

/// The headers that prove a request is not a simple cross-site one (any non-empty value).
pub const PREFLIGHT_HEADERS: [&str; 3] = [
    "graphql-require-preflight",
    "apollo-require-preflight",
    "x-supportgraph-csrf",
];

/// The media types a browser sends cross-site without a preflight (the CORS "simple" types).
const SIMPLE_TYPES: [&str; 3] = [
    "text/plain",
    "application/x-www-form-urlencoded",
    "multipart/form-data",
];

/// Whether the request carries one of the [`PREFLIGHT_HEADERS`] with a value.
pub fn has_preflight_header(headers: &HeaderMap) -> bool {
    PREFLIGHT_HEADERS
        .iter()
        .any(|name| headers.get(*name).is_some_and(|value| !value.is_empty()))
}

/// Whether a browser could send a POST with these headers to another site without a preflight:
/// no `Content-Type`, or one of the simple types (whatever its parameters or case). A value that
/// is not even text counts as simple too: it proves nothing.
pub fn is_simple_post(headers: &HeaderMap) -> bool {
    let Some(value) = headers.get(header::CONTENT_TYPE) else {
        return true;
    };
    let Ok(text) = value.to_str() else {
        return true;
    };
    let essence = text
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    essence.is_empty() || SIMPLE_TYPES.contains(&essence.as_str())
}

/// Refuses a POST a browser could send cross-site without a preflight, unless it carries a
/// preflight header; `enabled` is `csrf.enabled`.
pub fn check_post(enabled: bool, headers: &HeaderMap) -> Result<(), GatewayError> {
    if enabled && is_simple_post(headers) && !has_preflight_header(headers) {
        return Err(GatewayError::CsrfBlocked);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(content_type: Option<&'static str>, preflight: Option<&'static str>) -> HeaderMap {
        let mut headers = HeaderMap::new();
        if let Some(value) = content_type {
            headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(value));
        }
        if let Some(name) = preflight {
            headers.insert(name, HeaderValue::from_static("1"));
        }
        headers
    }

    #[test]
    fn only_simple_posts_without_a_preflight_header_are_refused() {
        let blocked = |ct, pre| check_post(true, &headers(ct, pre)).is_err();
        for simple in [
            None,
            Some("text/plain"),
            Some("TEXT/PLAIN; charset=utf-8"),
            Some("application/x-www-form-urlencoded"),
            Some("multipart/form-data; boundary=x"),
            Some(""),
        ] {
            assert!(blocked(simple, None), "{simple:?}");
            for name in PREFLIGHT_HEADERS {
                assert!(!blocked(simple, Some(name)), "{simple:?} with {name}");
            }
        }
        for preflighted in [
            Some("application/json"),
            Some("application/json; charset=utf-8"),
            Some("application/graphql-response+json"),
        ] {
            assert!(!blocked(preflighted, None), "{preflighted:?}");
        }
        assert!(
            check_post(false, &headers(Some("text/plain"), None)).is_ok(),
            "switched off, nothing is refused"
        );
    }

    #[test]
    fn an_empty_preflight_header_proves_nothing() {
        let mut headers = headers(Some("text/plain"), None);
        headers.insert("graphql-require-preflight", HeaderValue::from_static(""));
        assert!(check_post(true, &headers).is_err());
    }
}
