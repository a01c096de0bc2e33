//! The HTTP surface: `/graphql` (GET and POST, GraphQL over HTTP), `/graphiql`, `/healthz`,
//! `/readyz`, and the middleware every request passes (tracing, body limit, deadline).

mod graphql;
mod health;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::http::{StatusCode, header};
use axum::response::Response;
use axum::routing::get;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use crate::app::App;
use crate::error::GatewayError;
use crate::graphql::AppSchema;

/// What every handler can reach.
#[derive(Clone)]
pub struct HttpState {
    /// The gateway's shared state.
    pub app: Arc<App>,
    /// The executable schema.
    pub schema: AppSchema,
}

/// The gateway's routes and middleware.
pub fn router(state: HttpState) -> Router {
    let server = &state.app.settings.server;
    let deadline = Duration::from_millis(server.request_timeout_ms);
    let body_limit = server.max_body_bytes;
    Router::new()
        .route(
            "/graphql",
            get(graphql::graphql_handler).post(graphql::graphql_handler),
        )
        .route("/graphiql", get(graphql::graphiql))
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .with_state(state)
        .layer(RequestBodyLimitLayer::new(body_limit))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::GATEWAY_TIMEOUT,
            deadline,
        ))
        .layer(axum::middleware::map_response(graphql_shaped_limits))
        .layer(TraceLayer::new_for_http())
}

/// Gives the answers of the body-size and deadline layers, which know nothing of GraphQL, the
/// same shape and `extensions.code` as every other error.
async fn graphql_shaped_limits(response: Response) -> Response {
    let is_graphql = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| {
            v.as_bytes()
                .starts_with(b"application/graphql-response+json")
        });
    if is_graphql {
        return response;
    }
    match response.status() {
        StatusCode::PAYLOAD_TOO_LARGE => graphql::error_response(
            StatusCode::PAYLOAD_TOO_LARGE,
            GatewayError::bad_input("request", "the request body is too large"),
        ),
        StatusCode::GATEWAY_TIMEOUT => {
            graphql::error_response(StatusCode::GATEWAY_TIMEOUT, GatewayError::DeadlineExceeded)
        }
        _ => response,
    }
}
