//! Rate limits that refuse abuse before any backend is called, so that capacity shared by every
//! company stays shared (DESIGN §7).
//!
//! - [`PrincipalLimiter`]: a token bucket of backend-call units per signed-in principal, checked
//!   by the GraphQL handler before a request runs.
//! - [`GuestLimiter`]: guests' order lookups, per client address and — across all addresses —
//!   per customer number, checked by `guestOrderStatus`.
//!
//! Both keep their counts in Redis when `redis.url` is set, so N gateway instances enforce one
//! limit, and in this process otherwise. A limiter whose store is down never fails a request: it
//! falls back to counting in this process. A refusal is `RATE_LIMITED` with
//! `extensions.retryAfterSeconds`, and over HTTP a 429 with `Retry-After` ([`too_many_requests`],
//! [`refused_whole`]).

mod guest;
mod principal;
mod window;

use crate::hashing::short_sha256_hex;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;

pub use guest::{CustomerAttempt, GuestLimiter};
pub use principal::PrincipalLimiter;
use window::rate_limited;

use crate::error::{ErrorCode, GatewayError};

/// The format version of the limiters' Redis keys: bump it when what a key holds changes.
const KEY_VERSION: u32 = 1;

/// The Redis key of one limited thing (`kind` says what it is). The identifier is hashed: it is
/// text a client chose (a token's subject, a customer number), and keys stay short and free of
/// personal data.
fn store_key(prefix: &str, kind: &str, id: &str) -> String {
    let hex = short_sha256_hex(id, 16);
    format!("{prefix}:rate{KEY_VERSION}:{kind}:{hex}")
}

/// Makes `response` a 429 with `Retry-After`, taken from `error` when it is `RATE_LIMITED`.
pub fn too_many_requests(response: &mut Response, error: &GatewayError) {
    if let GatewayError::RateLimited {
        retry_after_seconds,
    } = error
    {
        set_retry_after(response, *retry_after_seconds);
    }
}

/// Sets `Retry-After` (seconds) on a refusal.
pub fn set_retry_after(response: &mut Response, seconds: u64) {
    *response.status_mut() = StatusCode::TOO_MANY_REQUESTS;
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
}

/// When a request ran but the rate limits refused everything it asked (every error is
/// `RATE_LIMITED` and no field has a value — say a guest's only lookup), its answer is a 429:
/// this sets the status and `Retry-After` (the longest `retryAfterSeconds`). Anything answered
/// keeps its status.
pub fn refused_whole(graphql: &async_graphql::Response, response: &mut Response) {
    if let Some(seconds) = retry_after_of_refusal(graphql) {
        set_retry_after(response, seconds);
    }
}

fn retry_after_of_refusal(response: &async_graphql::Response) -> Option<u64> {
    use async_graphql::Value;
    let nothing_answered = match &response.data {
        Value::Null => true,
        Value::Object(fields) => fields.values().all(|v| *v == Value::Null),
        _ => false,
    };
    if response.errors.is_empty() || !nothing_answered {
        return None;
    }
    let mut longest = 0;
    for error in &response.errors {
        if !ErrorCode::RateLimited.is_on(error) {
            return None;
        }
        let seconds = match error.extensions.as_ref()?.get("retryAfterSeconds") {
            Some(Value::Number(n)) => n.as_u64().unwrap_or(1),
            _ => 1,
        };
        longest = longest.max(seconds);
    }
    Some(longest.max(1))
}

#[cfg(test)]
mod tests {
    use async_graphql::{ErrorExtensions, Name, Pos, ServerError, Value};

    use super::*;

    fn error(error: GatewayError, path: &str) -> ServerError {
        let mut server_error = ServerError::new(error.message(), Some(Pos { line: 1, column: 3 }));
        server_error.extensions = error.extend().extensions;
        server_error.path = vec![async_graphql::PathSegment::Field(path.to_owned())];
        server_error
    }

    fn response(fields: &[(&str, Value)], errors: Vec<ServerError>) -> async_graphql::Response {
        let data = fields
            .iter()
            .map(|(name, value)| (Name::new(*name), value.clone()))
            .collect();
        let mut response = async_graphql::Response::new(Value::Object(data));
        response.errors = errors;
        response
    }

    fn limited(seconds: u64) -> GatewayError {
        GatewayError::RateLimited {
            retry_after_seconds: seconds,
        }
    }

    #[test]
    fn a_request_refused_whole_is_a_429_with_the_longest_wait() {
        let refused = response(
            &[("a", Value::Null), ("b", Value::Null)],
            vec![error(limited(3), "a"), error(limited(40), "b")],
        );
        assert_eq!(retry_after_of_refusal(&refused), Some(40));
        let mut http = Response::default();
        refused_whole(&refused, &mut http);
        assert_eq!(http.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(http.headers()[header::RETRY_AFTER], "40");
    }

    #[test]
    fn a_partly_answered_or_otherwise_failed_request_keeps_its_status() {
        let partly = response(
            &[("a", Value::Null), ("b", Value::from("answer"))],
            vec![error(limited(3), "a")],
        );
        assert_eq!(retry_after_of_refusal(&partly), None);
        let mixed = response(
            &[("a", Value::Null), ("b", Value::Null)],
            vec![error(limited(3), "a"), error(GatewayError::NotFound, "b")],
        );
        assert_eq!(retry_after_of_refusal(&mixed), None);
        let fine = response(&[("a", Value::from(1))], vec![]);
        assert_eq!(retry_after_of_refusal(&fine), None);
    }

    #[test]
    fn a_refusal_before_execution_gets_retry_after() {
        let mut http = Response::default();
        too_many_requests(&mut http, &limited(7));
        assert_eq!(http.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(http.headers()[header::RETRY_AFTER], "7");
    }

    #[test]
    fn store_keys_are_prefixed_versioned_and_hashed() {
        let key = store_key("sg", "principal", "user@example.com");
        assert!(key.starts_with("sg:rate1:principal:"), "{key}");
        assert!(!key.contains("example"), "{key}");
        assert_ne!(key, store_key("sg", "principal", "other"));
        assert_ne!(key, store_key("sg", "guest-customer", "user@example.com"));
    }
}
