//! The request body limit, chosen per request.
//!
//! One limit cannot fit both kinds of body the gateway reads: a GraphQL request in JSON is small
//! (`server.max_body_bytes`, 256 KiB by default), while a file upload to `POST /graphql` in
//! `multipart/form-data` carries up to `inquiries.max_files_per_message` files of up to
//! `inquiries.max_file_bytes` each. Raising the global limit to the upload size would let every
//! JSON request, and every other route, make the gateway buffer tens of megabytes; so uploads get
//! [`InquiriesSettings::max_upload_request_bytes`] and everything else keeps the small limit.
//!
//! A body whose `Content-Length` is over its limit is refused with 413 before a byte of it is
//! read. A body without one (chunked) is wrapped in [`Limited`], so reading past the limit fails
//! with a [`LengthLimitError`] in the error's source chain; the readers turn that into 413 too
//! ([`exceeded`] finds it). The answers get the GraphQL shape here (uploads, whose message names
//! the limits) or in `graphql_shaped_refusals` (the rest).

use std::error::Error;
use std::io;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http_body_util::{LengthLimitError, Limited};

use super::graphql::error_response;
use super::negotiation::{RequestBody, ResponseFormat};
use crate::error::GatewayError;
use crate::settings::{InquiriesSettings, Settings};

/// The limits the middleware picks from.
#[derive(Debug, Clone)]
pub struct BodyLimits {
    /// Every body but an upload: `server.max_body_bytes`.
    default_bytes: u64,
    /// The attachment limits, and from them the limit of an upload.
    inquiries: InquiriesSettings,
}

impl BodyLimits {
    /// The limits of these settings.
    pub fn new(settings: &Settings) -> Self {
        Self {
            default_bytes: u64::try_from(settings.server.max_body_bytes).unwrap_or(u64::MAX),
            inquiries: settings.inquiries.clone(),
        }
    }
}

/// Whether a request is a file upload: a POST to `/graphql` in `multipart/form-data`.
pub(super) fn is_upload(request: &Request) -> bool {
    request.method() == Method::POST
        && request.uri().path() == "/graphql"
        && RequestBody::of(request.headers()) == Ok(RequestBody::Multipart)
}

/// Refuses a body over its limit by `Content-Length`, and limits the reading of the rest.
pub async fn limit_request_body(
    State(limits): State<BodyLimits>,
    request: Request,
    next: Next,
) -> Response {
    let upload = is_upload(&request);
    let limit = if upload {
        limits.inquiries.max_upload_request_bytes()
    } else {
        limits.default_bytes
    };
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<u64>().ok());
    if declared.is_some_and(|length| length > limit) {
        if upload {
            let format =
                ResponseFormat::negotiate(request.headers()).unwrap_or(ResponseFormat::Json);
            return error_response(
                format,
                StatusCode::PAYLOAD_TOO_LARGE,
                upload_too_large(&limits.inquiries),
            );
        }
        // Given the GraphQL shape by `graphql_shaped_refusals`.
        return StatusCode::PAYLOAD_TOO_LARGE.into_response();
    }
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    next.run(request.map(|body| Body::new(Limited::new(body, limit))))
        .await
}

/// The refusal of a body over `server.max_body_bytes`.
pub fn body_too_large() -> GatewayError {
    GatewayError::bad_input("request", "the request body is too large")
}

/// The refusal of an upload over the attachment limits, naming them.
pub fn upload_too_large(inquiries: &InquiriesSettings) -> GatewayError {
    let files = inquiries.max_files_per_message;
    let plural = if files == 1 { "file" } else { "files" };
    GatewayError::bad_input(
        "request",
        format!(
            "the upload is too large: a file is at most {}, and a request carries at most {files} {plural}",
            size(inquiries.max_file_bytes)
        ),
    )
}

/// A size for people, in MiB (or KiB below one MiB) and exactly in bytes: `10 MiB (10485760
/// bytes)`, `1.5 KiB (1536 bytes)`, `100 bytes`.
pub(super) fn size(bytes: u64) -> String {
    const KIB: u64 = 1024;
    const MIB: u64 = 1024 * KIB;
    let (unit, name) = match bytes {
        0..KIB => return format!("{bytes} bytes"),
        KIB..MIB => (KIB, "KiB"),
        _ => (MIB, "MiB"),
    };
    // Sizes are at most a few GiB: exact enough as f64.
    let amount = format!("{:.2}", bytes as f64 / unit as f64);
    let amount = amount.trim_end_matches('0').trim_end_matches('.');
    format!("{amount} {name} ({bytes} bytes)")
}

/// Whether reading a body failed because it ran over its limit: a [`LengthLimitError`]
/// anywhere in the source chain, looking inside `io::Error`s too (whose `source` skips the error
/// they wrap).
pub fn exceeded(error: &(dyn Error + 'static)) -> bool {
    let mut current = Some(error);
    while let Some(error) = current {
        if error.is::<LengthLimitError>() {
            return true;
        }
        if let Some(inner) = error
            .downcast_ref::<io::Error>()
            .and_then(io::Error::get_ref)
            && exceeded(inner)
        {
            return true;
        }
        current = error.source();
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_in_mib_or_kib_and_in_bytes() {
        assert_eq!(size(10 * 1024 * 1024), "10 MiB (10485760 bytes)");
        assert_eq!(size(1024 * 1024 + 1024 * 256), "1.25 MiB (1310720 bytes)");
        assert_eq!(size(1536), "1.5 KiB (1536 bytes)");
        assert_eq!(size(1024), "1 KiB (1024 bytes)");
        assert_eq!(size(100), "100 bytes");
    }

    #[tokio::test]
    async fn a_length_limit_is_found_through_io_and_axum_errors() {
        let over = axum::body::to_bytes(Body::from("more than four bytes"), 4)
            .await
            .expect_err("over the limit");
        assert!(exceeded(&io::Error::other(over)));
        assert!(!exceeded(&io::Error::other("connection reset")));
    }
}
