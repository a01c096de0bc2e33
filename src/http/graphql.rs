//! The GraphQL endpoint and GraphiQL.
//!
//! The token is checked before the query runs: a request with an `Authorization` header that
//! fails verification is refused whole with HTTP 401 and `UNAUTHENTICATED`; a request without one
//! runs as a guest, and fields that need a user answer `UNAUTHENTICATED` themselves. Mutations
//! are refused over GET (405), and a request that does not parse or validate is a 400, as GraphQL
//! over HTTP asks.

use async_graphql::http::GraphiQLSource;
use async_graphql::{ErrorExtensions, ServerError};
use async_graphql_axum::{GraphQLRequest, GraphQLResponse};
use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};

use super::HttpState;
use crate::auth::{AuthError, Caller};
use crate::error::{ErrorCode, GatewayError};
use crate::federation::loader::{InventoryLoader, OrderLoader};
use crate::graphql::idempotency::IdempotencyKey;
use async_graphql::dataloader::DataLoader;

/// The most keys one DataLoader batch sends to a backend (backends accept up to 200 per call).
const MAX_LOOKUP_BATCH: usize = 100;

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
pub fn error_response(status: StatusCode, error: GatewayError) -> Response {
    // No `locations`: the error is about the request as a whole, not a place in the query.
    let mut server_error = ServerError::new(error.message(), None);
    server_error.extensions = error.extend().extensions;
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
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    method: Method,
    headers: HeaderMap,
    request: GraphQLRequest<MalformedRequest>,
) -> Response {
    let client_ip = client_address(
        peer.ip(),
        &headers,
        &state.app.settings.server.trusted_proxies,
    );
    let caller = match headers.get(header::AUTHORIZATION) {
        None => Caller::guest(client_ip),
        Some(value) => {
            let verified = match value.to_str() {
                Ok(value) => state.app.tokens.verify_header(value).await,
                Err(_) => Err(AuthError::NotBearer),
            };
            match verified {
                Ok(principal) => Caller::authenticated(principal, client_ip),
                Err(error) => return refuse_token(&error),
            }
        }
    };
    let mut request = request.into_inner();
    if let Some(value) = headers.get("idempotency-key") {
        let parsed = value
            .to_str()
            .map_err(|_| GatewayError::bad_input("Idempotency-Key", "not visible ASCII"))
            .and_then(IdempotencyKey::parse);
        match parsed {
            Ok(key) => request = request.data(key),
            Err(error) => return error_response(StatusCode::BAD_REQUEST, error),
        }
    }
    if method == Method::GET && is_mutation(&request) {
        let error = GatewayError::bad_input(
            "query",
            "mutations are not accepted over GET; send them with POST",
        );
        let mut response = error_response(StatusCode::METHOD_NOT_ALLOWED, error);
        response
            .headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("POST"));
        return response;
    }
    let loader = DataLoader::new(
        OrderLoader::new(state.app.order_backends.clone()),
        tokio::spawn,
    )
    .max_batch_size(MAX_LOOKUP_BATCH);
    let inventory = DataLoader::new(
        InventoryLoader::new(state.app.inventory_backends.clone()),
        tokio::spawn,
    )
    .max_batch_size(MAX_LOOKUP_BATCH);
    let request = request.data(caller).data(loader).data(inventory);
    let mut response = state.schema.execute(request).await;
    response.errors.iter_mut().for_each(ensure_code);
    // GraphQL over HTTP: a request that never executed (it did not parse or validate) is a 400.
    let never_executed = response.data == async_graphql::Value::Null
        && !response.errors.is_empty()
        && response.errors.iter().all(|e| e.path.is_empty());
    let mut http_response = GraphQLResponse::from(response).into_response();
    if never_executed {
        *http_response.status_mut() = StatusCode::BAD_REQUEST;
    }
    http_response
}

/// The client a request counts against: the peer, or — when the peer is a trusted proxy — the
/// right-most address in `X-Forwarded-For` that is not itself a trusted proxy.
fn client_address(peer: IpAddr, headers: &HeaderMap, trusted: &[IpAddr]) -> IpAddr {
    if !trusted.contains(&peer) {
        return peer;
    }
    headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|hop| hop.trim().parse::<IpAddr>().ok())
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .find(|hop| !trusted.contains(hop))
        .unwrap_or(peer)
}

/// The answer to a token that failed verification: 401, or 503 when the keys are unavailable.
fn refuse_token(error: &AuthError) -> Response {
    if let AuthError::KeysUnavailable(_) = error {
        tracing::error!(%error, "cannot verify tokens");
        let unavailable = GatewayError::BackendUnavailable {
            backend: "identity".to_owned(),
            region: None,
        };
        return error_response(StatusCode::SERVICE_UNAVAILABLE, unavailable);
    }
    tracing::info!(%error, "token refused");
    let mut response = error_response(
        StatusCode::UNAUTHORIZED,
        GatewayError::Unauthenticated("the bearer token is invalid or expired"),
    );
    response
        .headers_mut()
        .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    response
}

/// Whether the operation the request would run is a mutation (any, when it names none and the
/// document holds several, since the executor will refuse the ambiguity anyway).
fn is_mutation(request: &async_graphql::Request) -> bool {
    let Ok(document) = async_graphql::parser::parse_query(&request.query) else {
        return false;
    };
    let is_mutation = |op: &async_graphql::parser::types::OperationDefinition| {
        op.ty == async_graphql::parser::types::OperationType::Mutation
    };
    match (&document.operations, &request.operation_name) {
        (async_graphql::parser::types::DocumentOperations::Single(op), _) => is_mutation(&op.node),
        (async_graphql::parser::types::DocumentOperations::Multiple(ops), Some(name)) => ops
            .get(name.as_str())
            .is_some_and(|op| is_mutation(&op.node)),
        (async_graphql::parser::types::DocumentOperations::Multiple(ops), None) => {
            ops.values().any(|op| is_mutation(&op.node))
        }
    }
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
