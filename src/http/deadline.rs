//! The deadline of a request, chosen per request.
//!
//! Every request must answer within `server.request_timeout_ms` (10 s by default) — except an
//! upload (a multipart `POST /graphql`), which receives up to tens of megabytes and then streams
//! each file to the support system (each within `backends.support.transfer_timeout_ms`): it gets
//! `inquiries.upload_timeout_ms` instead, which the settings hold longer than all of that. Cut off
//! early, an upload would answer 504 while its files were still being written, and the client's
//! retry would store them twice.
//!
//! Past its deadline a request is dropped and answered 504, which `graphql_shaped_refusals` gives
//! the GraphQL shape (`DEADLINE_EXCEEDED`). The deadline covers the handler up to its answer's
//! head, as the `TimeoutLayer` it replaces did: a streamed download's body is the stream's own.

use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::body_limit::is_upload;
use crate::settings::Settings;

/// The deadlines the middleware picks from.
#[derive(Debug, Clone, Copy)]
pub struct Deadlines {
    /// Every request but an upload: `server.request_timeout_ms`.
    request: Duration,
    /// An upload: `inquiries.upload_timeout_ms`.
    upload: Duration,
}

impl Deadlines {
    /// The deadlines of these settings.
    pub fn new(settings: &Settings) -> Self {
        Self {
            request: Duration::from_millis(settings.server.request_timeout_ms),
            upload: Duration::from_millis(settings.inquiries.upload_timeout_ms),
        }
    }
}

/// Runs the request within its deadline; past it, 504.
pub async fn within_deadline(
    State(deadlines): State<Deadlines>,
    request: Request,
    next: Next,
) -> Response {
    let deadline = if is_upload(&request) {
        deadlines.upload
    } else {
        deadlines.request
    };
    let path = request.uri().path().to_owned();
    match tokio::time::timeout(deadline, next.run(request)).await {
        Ok(response) => response,
        Err(_) => {
            tracing::warn!(%path, deadline_ms = deadline.as_millis(), "request past its deadline");
            StatusCode::GATEWAY_TIMEOUT.into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::Router;
    use axum::body::Body;
    use axum::http::header;
    use axum::routing::post;
    use tower::ServiceExt;

    async fn slow() -> &'static str {
        tokio::time::sleep(Duration::from_secs(2)).await;
        "done"
    }

    async fn status_of(content_type: &str) -> StatusCode {
        let deadlines = Deadlines {
            request: Duration::from_secs(1),
            upload: Duration::from_secs(5),
        };
        let router = Router::new().route("/graphql", post(slow)).layer(
            axum::middleware::from_fn_with_state(deadlines, within_deadline),
        );
        let request = Request::post("/graphql")
            .header(header::CONTENT_TYPE, content_type)
            .body(Body::empty())
            .expect("a request");
        router.oneshot(request).await.expect("an answer").status()
    }

    #[tokio::test(start_paused = true)]
    async fn an_upload_has_the_upload_deadline_and_the_rest_the_request_deadline() {
        assert_eq!(
            status_of("multipart/form-data; boundary=x").await,
            StatusCode::OK
        );
        assert_eq!(
            status_of("application/json").await,
            StatusCode::GATEWAY_TIMEOUT
        );
    }
}
