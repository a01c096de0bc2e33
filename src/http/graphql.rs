//! The GraphQL endpoint and GraphiQL.
//!
//! The token is checked before the query runs: a request with an `Authorization` header that
//! fails verification is refused whole with HTTP 401 and `UNAUTHENTICATED`; a request without one
//! runs as a guest, and fields that need a user answer `UNAUTHENTICATED` themselves.

use async_graphql::http::GraphiQLSource;
use async_graphql::{ErrorExtensions, ServerError};
use async_graphql_axum::{GraphQLRequest, GraphQLResponse};
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};

use super::HttpState;
use crate::auth::Caller;
use crate::error::{ErrorCode, GatewayError};

/// The media type of every GraphQL answer (GraphQL over HTTP).
const GRAPHQL_RESPONSE: &str = "application/graphql-response+json";

/// A request that is not a GraphQL request at all (bad JSON, missing query...).
pub struct MalformedRequest(async_graphql::ParseRequestError);

impl From<async_graphql::ParseRequestError> for MalformedRequest {
    fn from(error: async_graphql::ParseRequestError) -> Self {
        Self(error)
    }
}

impl IntoResponse for MalformedRequest {
    fn into_response(self) -> Response {
        tracing::debug!(error = %self.0, "malformed GraphQL request");
        let error = GatewayError::bad_input(
            "request",
            "the body is not a GraphQL request: send JSON {\"query\": ..., \"variables\": ...} or GET ?query=...",
        );
        error_response(StatusCode::BAD_REQUEST, error)
    }
}

/// A GraphQL-shaped answer carrying one error and no data.
fn error_response(status: StatusCode, error: GatewayError) -> Response {
    let server_error: ServerError = error.extend().into_server_error(Default::default());
    let body = serde_json::json!({ "errors": [server_error] });
    let mut response = (status, body.to_string()).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(GRAPHQL_RESPONSE),
    );
    response
}

/// `GET` and `POST /graphql`.
pub async fn graphql_handler(
    State(state): State<HttpState>,
    headers: HeaderMap,
    request: GraphQLRequest<MalformedRequest>,
) -> Response {
    let caller = match headers.get(header::AUTHORIZATION) {
        None => Caller::guest(),
        Some(value) => {
            let verified = value
                .to_str()
                .map_err(|_| crate::auth::AuthError::NotBearer)
                .and_then(|v| state.app.tokens.verify_header(v));
            match verified {
                Ok(principal) => Caller::authenticated(principal),
                Err(error) => {
                    tracing::info!(%error, "token refused");
                    let mut response = error_response(
                        StatusCode::UNAUTHORIZED,
                        GatewayError::Unauthenticated("the bearer token is invalid or expired"),
                    );
                    response
                        .headers_mut()
                        .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
                    return response;
                }
            }
        }
    };
    let request = request.into_inner().data(caller);
    let mut response = state.schema.execute(request).await;
    response.errors.iter_mut().for_each(ensure_code);
    GraphQLResponse::from(response).into_response()
}

/// Gives every error an `extensions.code`: errors from our resolvers carry one already; errors
/// without a path come from parsing and validation (a query or variables that do not fit the
/// schema, a limit exceeded), and argument values that fail their scalar's parsing (async-graphql
/// reports those with the field's path and a `Failed to parse "Type"` message): both are
/// `BAD_USER_INPUT`. Anything else is a bug, reported as `INTERNAL_ERROR` without its message.
fn ensure_code(error: &mut ServerError) {
    if error
        .extensions
        .as_ref()
        .is_some_and(|e| e.get("code").is_some())
    {
        return;
    }
    let code = if error.path.is_empty() || error.message.starts_with("Failed to parse \"") {
        ErrorCode::BadUserInput
    } else {
        tracing::error!(message = %error.message, path = ?error.path, "resolver error without a code");
        error.message = GatewayError::Internal.message();
        ErrorCode::InternalError
    };
    error
        .extensions
        .get_or_insert_with(Default::default)
        .set("code", code.as_str());
}

/// `GET /graphiql`: the embedded explorer (404 when disabled).
pub async fn graphiql(State(state): State<HttpState>) -> Response {
    if !state.app.settings.server.graphiql {
        return StatusCode::NOT_FOUND.into_response();
    }
    Html(
        GraphiQLSource::build()
            .endpoint("/graphql")
            .title("supportgraph GraphiQL")
            .finish(),
    )
    .into_response()
}
