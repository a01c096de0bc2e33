//! The HTTP surface: `/graphql` (GET and POST, GraphQL over HTTP), `/graphql/ws` (subscriptions
//! over a websocket), `/graphiql` and its assets, `/healthz`, `/readyz`, `/metrics` (Prometheus),
//! and the middleware every request passes: its trace and metrics, CORS, compression, a panic
//! guard, the deadline and the body limit.

mod billing_exports;
mod body_limit;
mod client_origin;
mod contract_documents;
pub mod cors;
mod csrf;
mod deadline;
mod documents;
mod exports;
mod graphiql;
mod graphql;
mod graphql_request;
mod health;
mod inquiry_attachments;
mod multipart;
pub mod negotiation;
pub mod persisted;
pub mod safelist;
mod trace_stamp;
mod upload_admission;
mod upload_slots;
mod ws;

use std::net::SocketAddr;
use std::sync::Arc;

use std::any::Any;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Extension, Router};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::compression::predicate::{NotForContentType, Predicate, SizeAbove};

use crate::app::App;
use crate::error::GatewayError;
use crate::graphql::AppSchema;
use crate::settings::Settings;
use crate::telemetry::trace::{TraceAdmission, trace_requests};
use negotiation::ResponseFormat;

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
    let settings = state.app.settings.clone();
    crate::telemetry::metrics::install(&settings.telemetry);
    let cors_origins = state.app.cors_origins.clone();
    let routes = Router::new()
        .route(
            "/graphql",
            get(graphql::graphql_handler).post(graphql::graphql_handler),
        )
        .route("/graphql/ws", get(ws::graphql_ws))
        .route("/exports/{file}", get(exports::export_orders))
        .route(
            "/exports/invoices.csv",
            get(billing_exports::export_invoices),
        )
        .route(
            "/exports/invoices.xlsx",
            get(billing_exports::export_invoices),
        )
        .route(
            "/exports/statement-lines.csv",
            get(billing_exports::export_statement_lines),
        )
        .route(
            "/exports/statement-lines.xlsx",
            get(billing_exports::export_statement_lines),
        )
        .route("/documents/invoices/{file}", get(documents::invoice_pdf))
        .route(
            "/documents/credit-notes/{file}",
            get(documents::credit_note_pdf),
        )
        .route(
            "/documents/inquiries/{tracking_number}/attachments/{attachment_id}",
            get(inquiry_attachments::inquiry_attachment),
        )
        .route(contract_documents::ROUTE, get(contract_documents::pdf))
        .route("/graphiql", get(graphiql::page))
        .route("/graphiql/assets/{*path}", get(graphiql::asset))
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/metrics", get(metrics))
        .with_state(state);
    with_middleware(routes, &settings, cors_origins)
}

/// The middleware every route passes, outermost first: the request's trace and span
/// ([`crate::telemetry::trace`]), CORS, compression, GraphQL-shaped
/// answers for what the layers below refuse, the deadline (longer for uploads: [`deadline`]), the
/// body limit (larger for uploads: [`body_limit`]), the panic guard; and, for the upload reader,
/// the instance's upload slots ([`upload_slots`]).
fn with_middleware(
    routes: Router,
    settings: &Settings,
    cors_origins: Arc<crate::reload::Reloadable<Vec<cors::OriginPattern>>>,
) -> Router {
    let server = &settings.server;
    routes
        .layer(Extension(upload_slots::UploadSlots::new(
            &settings.inquiries,
        )))
        .layer(CatchPanicLayer::custom(panic_response))
        .layer(axum::middleware::from_fn_with_state(
            body_limit::BodyLimits::new(settings),
            body_limit::limit_request_body,
        ))
        .layer(axum::middleware::from_fn_with_state(
            deadline::Deadlines::new(settings),
            deadline::within_deadline,
        ))
        .layer(axum::middleware::from_fn(graphql_shaped_refusals))
        .layer(axum::middleware::from_fn(trace_stamp::stamp_trace_id))
        .layer(compression(server.compress_min_bytes))
        .layer(cors::layer(&settings.cors, cors_origins))
        .layer(axum::middleware::from_fn_with_state(
            TraceAdmission::new(&settings.telemetry.trusted_trace_callers),
            trace_requests,
        ))
}

/// `GET /metrics`: Prometheus' text format ([`crate::telemetry::metrics`]; no label holds tenant
/// data). With `telemetry.metrics_token` set, only to `Authorization: Bearer <token>`; without,
/// only to a caller on the loopback interface that came through no proxy (no `Forwarded` or
/// `X-Forwarded-For`: a reverse proxy on the same host would make every client look local).
/// Anyone else gets 403.
async fn metrics(State(state): State<HttpState>, request: Request) -> Response {
    let headers = request.headers();
    let peer = request.extensions().get::<ConnectInfo<SocketAddr>>();
    let allowed = match &state.app.settings.telemetry.metrics_token {
        Some(token) => headers
            .get(header::AUTHORIZATION)
            .and_then(|value| value.as_bytes().strip_prefix(b"Bearer "))
            .is_some_and(|presented| constant_time_eq(presented, token.expose().as_bytes())),
        None => {
            let proxied =
                headers.contains_key("x-forwarded-for") || headers.contains_key(header::FORWARDED);
            !proxied && peer.is_some_and(|ConnectInfo(peer)| peer.ip().is_loopback())
        }
    };
    if !allowed {
        return (
            StatusCode::FORBIDDEN,
            "metrics are for the monitoring system\n",
        )
            .into_response();
    }
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        crate::telemetry::metrics::scrape(&state.app),
    )
        .into_response()
}

/// Whether `a` and `b` are equal, in a time that does not depend on where they differ.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |diff, (x, y)| diff | (x ^ y)) == 0
}

/// Marks an answer to be sent as it is, never compressed (a download whose `Content-Length`
/// the client must see).
#[derive(Debug, Clone, Copy)]
pub struct Uncompressed;

/// gzip or brotli for answers above `min_bytes`, when the client accepts it (never for images
/// or event streams, which gain nothing or must not be buffered, nor for answers marked
/// [`Uncompressed`]).
fn compression(min_bytes: u16) -> CompressionLayer<impl Predicate> {
    let not_marked = |_: StatusCode,
                      _: axum::http::Version,
                      _: &axum::http::HeaderMap,
                      extensions: &axum::http::Extensions| {
        extensions.get::<Uncompressed>().is_none()
    };
    let predicate = SizeAbove::new(min_bytes)
        .and(NotForContentType::GRPC)
        .and(NotForContentType::IMAGES)
        .and(NotForContentType::SSE)
        .and(not_marked);
    CompressionLayer::new()
        .gzip(true)
        .br(true)
        .compress_when(predicate)
}

/// A panic anywhere below turns into a 500 (which [`graphql_shaped_refusals`] gives an
/// `INTERNAL_ERROR` body in the client's format) and a log line, instead of a dropped connection.
/// The panic's message is logged, never sent.
fn panic_response(panic: Box<dyn Any + Send + 'static>) -> Response {
    let detail = panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or("a panic without a message");
    tracing::error!(panic = %detail, "request handler panicked");
    StatusCode::INTERNAL_SERVER_ERROR.into_response()
}

/// Gives the answers of the layers that know nothing of GraphQL — the body limit (413), the
/// deadline (504) and the panic guard (500) — the same shape, `extensions.code` and media type
/// (from the request's `Accept`) as every other error.
async fn graphql_shaped_refusals(request: Request, next: Next) -> Response {
    let format = ResponseFormat::negotiate(request.headers()).unwrap_or(ResponseFormat::Json);
    let response = next.run(request).await;
    let is_graphql = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| {
            let v = v.as_bytes();
            v.starts_with(b"application/graphql-response+json")
                || v.starts_with(b"application/json")
        });
    if is_graphql {
        return response;
    }
    let error = match response.status() {
        StatusCode::PAYLOAD_TOO_LARGE => body_limit::body_too_large(),
        StatusCode::GATEWAY_TIMEOUT => GatewayError::DeadlineExceeded,
        StatusCode::INTERNAL_SERVER_ERROR => GatewayError::Internal,
        _ => return response,
    };
    graphql::error_response(format, response.status(), error)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
    use tower::ServiceExt;

    #[tokio::test]
    async fn a_panicking_handler_answers_500_with_internal_error() {
        async fn panics() -> &'static str {
            panic!("a backend sent something no one expected")
        }
        let settings = Settings::load_without_env(None).expect("the defaults load");
        let origins = Arc::new(crate::reload::Reloadable::new(cors::patterns(
            &settings.cors,
        )));
        let router = with_middleware(
            Router::new().route("/boom", get(panics)),
            &settings,
            origins,
        );
        let request = Request::get("/boom")
            .header(header::ACCEPT, "application/graphql-response+json")
            .body(Body::empty())
            .expect("a request");
        let response = router
            .oneshot(request)
            .await
            .expect("an answer, not a dropped connection");
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert!(
            response.headers()[header::CONTENT_TYPE]
                .to_str()
                .is_ok_and(|t| t.starts_with("application/graphql-response+json"))
        );
        let body = axum::body::to_bytes(response.into_body(), 10_000)
            .await
            .expect("a body");
        let body: serde_json::Value = serde_json::from_slice(&body).expect("JSON");
        assert_eq!(body["errors"][0]["extensions"]["code"], "INTERNAL_ERROR");
        assert!(
            !body.to_string().contains("no one expected"),
            "the panic stays in the log"
        );
    }
}
