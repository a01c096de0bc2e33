//! The GraphQL endpoint: GraphQL over HTTP, as clients and the spec expect it.
//!
//! - The answer's media type follows `Accept` ([`ResponseFormat`]); a POST must say it carries
//!   JSON or `multipart/form-data` ([`RequestBody`]), else 415.
//! - A POST a browser could send from another site without a CORS preflight (a simple content
//!   type, or none) is refused with `CSRF_BLOCKED` unless it carries a preflight header
//!   ([`super::csrf`]), before anything else.
//! - A multipart POST is a GraphQL request with files (the GraphQL multipart request spec: an
//!   `operations` part, a `map` part, the files), one operation per request, never a batch. It
//!   passed the CSRF check only with a preflight header, and it is accepted only from a
//!   signed-in user (a verified bearer token; 401 without one). Before a byte of the body is read, the user's rate limit is charged one
//!   unit (429 when it is spent; the request's estimate pays the rest once it is parsed) and the
//!   upload takes one of the instance's upload slots, per user and in all
//!   ([`super::upload_slots`]; 429 with `Retry-After: 1` when none is free), held until the
//!   answer. The body is then read within the multipart limits ([`super::multipart`]: files
//!   spooled to anonymous temporary files, their number and sizes bounded) and within the upload
//!   deadline ([`super::deadline`]). The parsed request then takes the same path as a JSON one.
//! - The token is checked before the query runs: a request with an `Authorization` header that
//!   fails verification is refused whole with HTTP 401 and `UNAUTHENTICATED`; a request without
//!   one runs as a guest, and fields that need a user answer `UNAUTHENTICATED` themselves.
//! - Documents sent by hash are resolved first ([`super::persisted`]), so mutations are refused
//!   over GET and HEAD (405) whichever way they arrive.
//! - A request that never executed (it did not parse or validate) has no `data`, and is a 400
//!   for `application/graphql-response+json` or a 200 for `application/json`.
//!
//! What is GraphQL rather than HTTP lives in [`crate::graphql`]: admitting a document against the
//! limits ([`crate::graphql::limits::admit`]), the data every request carries into its resolvers
//! ([`crate::graphql::request_data`]), and the shape of async-graphql's own errors
//! ([`crate::graphql::errors`]). This module speaks HTTP.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use async_graphql::ServerError;
use axum::Extension;
use axum::body::Body;
use axum::extract::{ConnectInfo, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::HttpState;
use super::client_origin::{client_address, request_origin};
use super::graphql_request::{is_mutation, parse_get, read_json};
use super::negotiation::{RequestBody, ResponseFormat};
use super::upload_admission::{AdmittedUpload, receive_upload};
use super::upload_slots::UploadSlots;
use crate::app::App;
use crate::auth::{AuthError, Caller, Principal};
use crate::error::GatewayError;
use crate::federation::call_budget::CallBudget;
use crate::graphql::common::idempotency::IdempotencyKey;
use crate::graphql::limits::{admit, response_cap};
use crate::graphql::{errors, request_data};

/// A GraphQL-shaped answer carrying one error and no data, in the client's format.
pub fn error_response(format: ResponseFormat, status: StatusCode, error: GatewayError) -> Response {
    let body = serde_json::json!({ "errors": [error.to_server_error()] });
    with_errors(json_response(format, status, body.to_string()))
}

/// Marks an answer whose body carries errors, for their trace id ([`super::trace_stamp`]).
pub(super) fn with_errors(mut response: Response) -> Response {
    response
        .extensions_mut()
        .insert(super::trace_stamp::CarriesErrors);
    response
}

pub(super) fn json_response(format: ResponseFormat, status: StatusCode, body: String) -> Response {
    let mut response = (status, body).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(format.content_type()),
    );
    // The answer's type depends on `Accept`: caches must keep one per type.
    headers.append(header::VARY, HeaderValue::from_static("accept"));
    response
}

/// `GET` and `POST /graphql`.
pub async fn graphql_handler(
    State(state): State<HttpState>,
    Extension(uploads): Extension<UploadSlots>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    method: Method,
    headers: HeaderMap,
    RawQuery(query_string): RawQuery,
    body: Body,
) -> Response {
    let Some(format) = ResponseFormat::negotiate(&headers) else {
        return error_response(
            ResponseFormat::Json,
            StatusCode::NOT_ACCEPTABLE,
            GatewayError::bad_input(
                "Accept",
                "accept application/graphql-response+json or application/json",
            ),
        );
    };
    let refuse = |status: StatusCode, error: GatewayError| error_response(format, status, error);
    // axum answers HEAD with the GET handler: it is a GET without a body in the answer.
    let is_get = method == Method::GET || method == Method::HEAD;
    let client_ip = client_address(
        peer.ip(),
        &headers,
        &state.app.settings.server.trusted_proxies,
    );
    let received = if is_get {
        parse_get(query_string.as_deref().unwrap_or_default())
            .map(|request| (request, None))
            .map_err(|error| refuse(StatusCode::BAD_REQUEST, error))
    } else {
        receive_post(&state, &uploads, format, &headers, body).await
    };
    match received {
        Ok((request, upload)) => {
            run(&state, format, &headers, is_get, client_ip, request, upload).await
        }
        Err(refusal) => refusal,
    }
}

/// A POST's GraphQL request, by its `Content-Type`, with what receiving it settled when it is
/// an upload (a multipart request); or the answer refusing it.
async fn receive_post(
    state: &HttpState,
    uploads: &UploadSlots,
    format: ResponseFormat,
    headers: &HeaderMap,
    body: Body,
) -> Result<(async_graphql::Request, Option<AdmittedUpload>), Response> {
    let refuse = |status: StatusCode, error: GatewayError| error_response(format, status, error);
    if let Err(error) = super::csrf::check_post(state.app.settings.csrf.enabled, headers) {
        return Err(refuse(StatusCode::BAD_REQUEST, error));
    }
    match RequestBody::of(headers) {
        Ok(RequestBody::Json) => {
            let limit = state.app.settings.server.max_body_bytes;
            match read_json(body, limit).await {
                Ok(request) => Ok((request, None)),
                Err((status, error)) => Err(refuse(status, error)),
            }
        }
        Ok(RequestBody::Multipart) => receive_upload(state, uploads, format, headers, body)
            .await
            .map(|(request, upload)| (request, Some(upload))),
        Err(error) => Err(refuse(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            GatewayError::bad_input("Content-Type", error.to_string()),
        )),
    }
}

/// One path for every request once it is parsed, whichever way it came (GET, JSON or
/// multipart): persisted documents, the limits, the token (unless `upload` already holds its
/// principal), the rate limit (less what `upload` paid), `Idempotency-Key`, no mutations over GET,
/// execution. An upload's slot is held until the answer is ready.
async fn run(
    state: &HttpState,
    format: ResponseFormat,
    headers: &HeaderMap,
    is_get: bool,
    client_ip: IpAddr,
    mut request: async_graphql::Request,
    upload: Option<AdmittedUpload>,
) -> Response {
    let refuse = |status: StatusCode, error: GatewayError| error_response(format, status, error);
    let registration = match state.app.persisted.resolve(&mut request).await {
        Ok(registration) => registration,
        Err(
            error @ (GatewayError::PersistedQueryNotFound
            | GatewayError::PersistedQueryNotSupported
            | GatewayError::PersistedQueryNotListed),
        ) => {
            // Nothing executed: the status of a request that did not validate. Apollo's link
            // reads the code from either status and resends the text.
            return refuse(format.not_executed_status(), error);
        }
        Err(error) => return refuse(StatusCode::BAD_REQUEST, error),
    };
    if request.query.trim().is_empty() {
        return refuse(
            StatusCode::BAD_REQUEST,
            GatewayError::bad_input("query", "the request has no query"),
        );
    }
    // One version of the limits for the whole request, whatever a reload does meanwhile.
    let limits = state.app.document_limits.snapshot();
    let estimate = match admit(&limits, &state.app.admitted_documents, &mut request) {
        Ok(estimate) => estimate,
        Err(error) => return not_executed(format, error),
    };

    let (verified, prepaid, _slot) = match upload {
        Some(upload) => (Some(upload.principal), upload.paid, Some(upload.slot)),
        None => (None, 0, None),
    };
    let principal = match verified {
        Some(principal) => Some(principal),
        None => match authenticate(state, headers).await {
            Ok(principal) => principal,
            Err(error) => return refuse_token(format, &error),
        },
    };
    let caller = match principal {
        Some(principal) => Caller::authenticated(principal, client_ip),
        None => Caller::guest(client_ip),
    };
    // Per-principal rate limit, before anything runs (guests have limits of their own, per lookup).
    if let Ok(principal) = caller.principal() {
        // A request weighs what it would cost the backends (at least 1), less what an upload
        // paid before its body was read.
        let cost = estimate.backend_calls.max(1).saturating_sub(prepaid);
        if cost > 0
            && let Err(error) = state.app.rate_limits.check(&principal.user_id, cost).await
        {
            let mut response = refuse(StatusCode::TOO_MANY_REQUESTS, error.clone());
            crate::limits::too_many_requests(&mut response, &error);
            return response;
        }
    }
    if let Some(value) = headers.get("idempotency-key") {
        let parsed = value
            .to_str()
            .map_err(|_| GatewayError::bad_input("Idempotency-Key", "not visible ASCII"))
            .and_then(IdempotencyKey::parse);
        match parsed {
            Ok(key) => request = request.data(key),
            Err(error) => return refuse(StatusCode::BAD_REQUEST, error),
        }
    }
    if is_get && is_mutation(&mut request) {
        let error = GatewayError::bad_input(
            "query",
            "mutations are not accepted over GET; send them with POST",
        );
        let mut response = refuse(StatusCode::METHOD_NOT_ALLOWED, error);
        response
            .headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("POST"));
        return response;
    }
    let principal = caller.principal().ok().map(|p| p.user_id.clone());
    if let Some(origin) = request_origin(headers) {
        request = request.data(origin);
    }
    let (request, budget) = request_data(
        &state.app,
        request,
        caller,
        estimate,
        limits.max_backend_calls,
    );
    // Settled when this request ends, however it ends (answered, past its deadline, or dropped
    // by a client that went away).
    let _settle = ExtraCalls {
        app: state.app.clone(),
        principal,
        limit: budget.left(),
        budget,
        paid: estimate.backend_calls.max(1),
    };
    let mut response = state.schema.execute(request).await;
    crate::telemetry::metrics::record_outcome(crate::telemetry::metrics::Outcome::of(&response));
    if let Some(too_large) = response_cap::exceeded(&response.errors) {
        return not_executed(format, too_large);
    }
    errors::normalise(&mut response);
    // Nothing executed when the document did not parse, validate or fit the limits: those
    // errors have no path, and there is no data at all.
    let never_executed = response.data == async_graphql::Value::Null
        && !response.errors.is_empty()
        && response.errors.iter().all(|e| e.path.is_empty());
    if !never_executed && let Some(registration) = registration {
        state.app.persisted.register(registration).await;
    }
    // Written straight to text; only an answer that never executed is reshaped first (no `data`).
    let body = if never_executed {
        serde_json::to_value(&response).map(|mut body| {
            if let Some(object) = body.as_object_mut() {
                object.remove("data");
            }
            body.to_string()
        })
    } else {
        serde_json::to_string(&response)
    };
    let body = match body {
        Ok(body) => body,
        Err(error) => {
            return refuse(
                StatusCode::INTERNAL_SERVER_ERROR,
                GatewayError::internal(error),
            );
        }
    };
    let status = if never_executed {
        format.not_executed_status()
    } else {
        StatusCode::OK
    };
    let mut answer = json_response(format, status, body);
    if !response.errors.is_empty() {
        answer = with_errors(answer);
    }
    // Refused whole by a resolver's rate limit (a guest's lookups): 429 with Retry-After.
    crate::limits::refused_whole(&response, &mut answer);
    answer
}

/// The answer to a request refused before anything ran: no `data`.
fn not_executed(format: ResponseFormat, error: ServerError) -> Response {
    let body = serde_json::json!({ "errors": [error] });
    with_errors(json_response(
        format,
        format.not_executed_status(),
        body.to_string(),
    ))
}

/// The principal of the request's `Authorization` header, verified; `None` without one.
pub(super) async fn authenticate(
    state: &HttpState,
    headers: &HeaderMap,
) -> Result<Option<Principal>, AuthError> {
    let Some(value) = headers.get(header::AUTHORIZATION) else {
        return Ok(None);
    };
    let value = value.to_str().map_err(|_| AuthError::NotBearer)?;
    state.app.tokens.verify_header(value).await.map(Some)
}

/// The answer to a token that failed verification: 401, or 503 when the keys are unavailable.
pub(super) fn refuse_token(format: ResponseFormat, error: &AuthError) -> Response {
    if let AuthError::KeysUnavailable(_) = error {
        tracing::error!(%error, "cannot verify tokens");
        let unavailable = GatewayError::BackendUnavailable {
            backend: "identity".to_owned(),
            region: None,
        };
        return error_response(format, StatusCode::SERVICE_UNAVAILABLE, unavailable);
    }
    tracing::info!(%error, "token refused");
    unauthenticated(format, "the bearer token is invalid or expired")
}

/// 401 `UNAUTHENTICATED`, with the `WWW-Authenticate: Bearer` challenge.
pub(super) fn unauthenticated(format: ResponseFormat, why: &'static str) -> Response {
    let mut response = error_response(
        format,
        StatusCode::UNAUTHORIZED,
        GatewayError::Unauthenticated(why),
    );
    response
        .headers_mut()
        .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    response
}

/// A walk over pages may make more backend calls than a request's estimate paid for up front:
/// when the request ends, its principal pays the difference, so such requests weigh what they
/// cost the backends even when the client leaves early.
struct ExtraCalls {
    app: Arc<App>,
    principal: Option<String>,
    /// The budget's calls before the request ran.
    limit: u32,
    budget: Arc<CallBudget>,
    paid: u32,
}

impl Drop for ExtraCalls {
    fn drop(&mut self) {
        let made = self.limit.saturating_sub(self.budget.left());
        let Some(principal) = self.principal.take() else {
            return;
        };
        if made <= self.paid {
            return;
        }
        let extra = made - self.paid;
        let app = Arc::clone(&self.app);
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(async move { app.rate_limits.charge(&principal, extra).await });
        }
    }
}
