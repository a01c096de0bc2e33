//! Receiving an upload (a multipart POST to `/graphql`): every check that must come before a
//! byte of its body is read (after the CSRF check every POST passes) — a verified bearer token, one unit of the
//! user's rate limit, an upload slot — then the body, read within the multipart limits. Its own
//! file because none of it applies to a JSON request; what follows is the same for both
//! ([`super::graphql`]).

use async_graphql::ServerError;
use axum::body::Body;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;

use super::HttpState;
use super::graphql::{
    authenticate, error_response, json_response, refuse_token, unauthenticated, with_errors,
};
use super::multipart::{MultipartLimits, read_multipart};
use super::negotiation::ResponseFormat;
use super::upload_slots::{UploadRefused, UploadSlot, UploadSlots};
use crate::auth::Principal;
use crate::error::{ErrorCode, GatewayError};

/// What receiving an upload settled before its body was read: whose it is, what it paid of its
/// rate limit, and its upload slot, held until the request ends.
pub(super) struct AdmittedUpload {
    /// Whose upload it is (its token verified).
    pub(super) principal: Principal,
    /// The rate units it paid before its body was read.
    pub(super) paid: u32,
    /// Its upload slot.
    pub(super) slot: UploadSlot,
}

/// The GraphQL request of a multipart POST, with what receiving it settled; or the answer
/// refusing it. Every check comes before a byte of the body is read.
pub(super) async fn receive_upload(
    state: &HttpState,
    uploads: &UploadSlots,
    format: ResponseFormat,
    headers: &HeaderMap,
    body: Body,
) -> Result<(async_graphql::Request, AdmittedUpload), Response> {
    let refuse = |status: StatusCode, error: GatewayError| error_response(format, status, error);
    // Every check comes before a byte of the body is read. Multipart always needs a preflight
    // header, even with `csrf.enabled = false`: an upload is what a form can send cross-site.
    if !super::csrf::has_preflight_header(headers) {
        return Err(refuse(StatusCode::BAD_REQUEST, GatewayError::CsrfBlocked));
    }
    let principal = match authenticate(state, headers).await {
        Ok(Some(principal)) => principal,
        Ok(None) => {
            return Err(unauthenticated(
                format,
                "file uploads need a signed-in user",
            ));
        }
        Err(error) => return Err(refuse_token(format, &error)),
    };
    // One unit now, so that a user out of requests sends no body to spool.
    const PROVISIONAL_COST: u32 = 1;
    let limits = &state.app.rate_limits;
    if let Err(error) = limits.check(&principal.user_id, PROVISIONAL_COST).await {
        let mut response = refuse(StatusCode::TOO_MANY_REQUESTS, error.clone());
        crate::limits::too_many_requests(&mut response, &error);
        return Err(response);
    }
    let slot = uploads
        .try_take(&principal.user_id)
        .map_err(|refused| upload_refused(format, refused))?;
    let Some(boundary) = boundary(headers) else {
        return Err(refuse(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            GatewayError::bad_input(
                "Content-Type",
                "multipart/form-data needs a boundary parameter that can be read",
            ),
        ));
    };
    let settings = &state.app.settings;
    match read_multipart(body, &boundary, &MultipartLimits::new(settings)).await {
        Ok(request) => Ok((
            request,
            AdmittedUpload {
                principal,
                paid: PROVISIONAL_COST,
                slot,
            },
        )),
        Err(error) => {
            let (status, error) = error.refusal(&settings.inquiries);
            Err(refuse(status, error))
        }
    }
}

/// The boundary of a multipart body, if `Content-Type` parses (`RequestBody::of` only found a
/// non-empty `boundary` parameter).
fn boundary(headers: &HeaderMap) -> Option<String> {
    let content_type = headers.get(header::CONTENT_TYPE)?.to_str().ok()?;
    multer::parse_boundary(content_type)
        .ok()
        .filter(|boundary| !boundary.is_empty())
}

/// 429 for an upload over the upload slots: `RATE_LIMITED`, with `Retry-After: 1`.
fn upload_refused(format: ResponseFormat, refused: UploadRefused) -> Response {
    const RETRY_AFTER_SECONDS: u64 = 1;
    let mut error = ServerError::new(refused.to_string(), None);
    let extensions = error.extensions.get_or_insert_with(Default::default);
    extensions.set("code", ErrorCode::RateLimited.as_str());
    extensions.set("retryAfterSeconds", RETRY_AFTER_SECONDS);
    let body = serde_json::json!({ "errors": [error] });
    let mut response = with_errors(json_response(
        format,
        StatusCode::TOO_MANY_REQUESTS,
        body.to_string(),
    ));
    crate::limits::set_retry_after(&mut response, RETRY_AFTER_SECONDS);
    response
}
