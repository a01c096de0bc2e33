//! Reading a GraphQL request as it arrives over HTTP: the parameters of a GET, or a JSON POST
//! body within its size limit. A request that cannot be read is `BAD_USER_INPUT` (413 past the
//! limit), with a message that never echoes the parser's detail; and whether the operation it would
//! run is a mutation (refused over GET).

use axum::body::Body;
use axum::http::StatusCode;

use super::body_limit;
use crate::error::GatewayError;
use supportgraph_adapters::model::ids::clip;

/// A GET request's parameters (`query`, `operationName`, `variables`, `extensions`).
pub(super) fn parse_get(query_string: &str) -> Result<async_graphql::Request, GatewayError> {
    async_graphql::http::parse_query_string(query_string).map_err(|error| {
        tracing::debug!(error = %clip(&error.to_string()), "malformed GraphQL GET request");
        GatewayError::bad_input(
            "request",
            "the parameters are not a GraphQL request: send ?query=... with variables and extensions as JSON",
        )
    })
}

/// A JSON POST body, read up to `limit` bytes (the body limit middleware set the same limit;
/// this one keeps the handler safe on its own).
pub(super) async fn read_json(
    body: Body,
    limit: usize,
) -> Result<async_graphql::Request, (StatusCode, GatewayError)> {
    let body = axum::body::to_bytes(body, limit).await.map_err(|error| {
        if body_limit::exceeded(&error) {
            return (StatusCode::PAYLOAD_TOO_LARGE, body_limit::body_too_large());
        }
        tracing::debug!(%error, "a request body could not be read");
        (
            StatusCode::BAD_REQUEST,
            GatewayError::bad_input("request", "the request body could not be read"),
        )
    })?;
    parse_json(&body).map_err(|error| (StatusCode::BAD_REQUEST, error))
}

/// A JSON GraphQL request.
fn parse_json(body: &[u8]) -> Result<async_graphql::Request, GatewayError> {
    serde_json::from_slice::<async_graphql::Request>(body).map_err(|error| {
        tracing::debug!(error = %clip(&error.to_string()), "malformed GraphQL request");
        GatewayError::bad_input(
            "request",
            "the body is not a GraphQL request: send JSON {\"query\": ..., \"variables\": ...}",
        )
    })
}

/// Whether the operation the request would run is a mutation (any, when it names none and the
/// document holds several, since the executor will refuse the ambiguity anyway).
pub(super) fn is_mutation(request: &mut async_graphql::Request) -> bool {
    use async_graphql::parser::types::{DocumentOperations, OperationType};
    let name = request.operation_name.clone();
    let Ok(document) = request.parsed_query() else {
        return false;
    };
    let is_mutation =
        |op: &async_graphql::parser::types::OperationDefinition| op.ty == OperationType::Mutation;
    match (&document.operations, name) {
        (DocumentOperations::Single(op), _) => is_mutation(&op.node),
        (DocumentOperations::Multiple(ops), Some(name)) => ops
            .get(name.as_str())
            .is_some_and(|op| is_mutation(&op.node)),
        (DocumentOperations::Multiple(ops), None) => ops.values().any(|op| is_mutation(&op.node)),
    }
}
