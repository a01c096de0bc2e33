//! How a gateway stops without losing a request: a stop signal first drains the instance
//! ([`Draining`]: `/readyz` answers 503 so load balancers move new requests elsewhere, and HTTP/1
//! answers close their connections) while it still serves; then the listener closes and
//! in-flight requests finish ([`super::Application::run_until_stopped`]).

use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, Version, header};
use axum::middleware::Next;
use axum::response::Response;
use tokio::sync::watch;

/// Where a stopping instance is: still serving, draining (`/readyz` 503, still serving), or
/// closing its websockets as the listener closes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Serving,
    Draining,
    ClosingSockets,
}

/// Whether this instance is draining before it stops (see [`crate::http::health`]): set once, when
/// a stop signal arrives, and never cleared. Clones share it.
///
/// Websockets outlive the drain on purpose: while load balancers take the instance out, its
/// subscribers still get their changes, and a client that reconnected at once could be routed
/// back here. They are closed (1001 Going Away) when the drain ends, just before the listener
/// closes ([`close_sockets`](Self::close_sockets)); each open socket holds an [`OpenSocket`],
/// which also counts it, so the instance can wait for their close frames to be written before it
/// exits ([`sockets_closed`](Self::sockets_closed)).
/// [`super::Application::run_until_stopped`] installs it as a request extension for `/readyz`
/// and the websocket handler; a router without it never drains.
#[derive(Debug, Clone)]
pub struct Draining(Arc<watch::Sender<Phase>>);

impl Default for Draining {
    fn default() -> Self {
        Self(Arc::new(watch::Sender::new(Phase::Serving)))
    }
}

impl Draining {
    /// From now on `/readyz` answers 503 and HTTP/1 answers close their connections.
    pub fn start(&self) {
        self.0.send_if_modified(|phase| {
            let starts = *phase == Phase::Serving;
            if starts {
                *phase = Phase::Draining;
            }
            starts
        });
    }

    /// Whether [`start`](Self::start) was called.
    pub fn is_draining(&self) -> bool {
        *self.0.borrow() != Phase::Serving
    }

    /// The drain is over: every [`OpenSocket::closing`] resolves.
    pub fn close_sockets(&self) {
        self.0.send_replace(Phase::ClosingSockets);
    }

    /// An open websocket, counted by [`sockets_closed`](Self::sockets_closed) until it is dropped.
    pub fn open_socket(&self) -> OpenSocket {
        OpenSocket(self.0.subscribe())
    }

    /// Resolves once every [`OpenSocket`] is dropped (at once if there is none).
    pub async fn sockets_closed(&self) {
        self.0.closed().await;
    }
}

/// One open websocket as the drain sees it: it learns when to close, and it is counted until it
/// is dropped, after its close frame is written.
#[derive(Debug)]
pub struct OpenSocket(watch::Receiver<Phase>);

impl OpenSocket {
    /// Resolves once the instance closes its sockets (at once if it has).
    pub async fn closing(&mut self) {
        // The sender lives as long as any `Draining`, which outlives the listener.
        let _ = self
            .0
            .wait_for(|phase| *phase == Phase::ClosingSockets)
            .await;
    }
}

/// While draining, asks HTTP/1 clients and proxies to close the connection after this answer
/// (`Connection: close`), so none keeps sending on a kept-alive connection to an instance about
/// to stop: their next request opens a new connection, which the load balancer gives to another
/// instance. HTTP/2 has no such header (its connections get a GOAWAY at shutdown), and a
/// websocket upgrade keeps its connection.
pub(super) async fn close_connections_while_draining(
    State(draining): State<Draining>,
    request: Request,
    next: Next,
) -> Response {
    let http1 = matches!(
        request.version(),
        Version::HTTP_09 | Version::HTTP_10 | Version::HTTP_11
    );
    let mut response = next.run(request).await;
    if http1 && draining.is_draining() && response.status() != StatusCode::SWITCHING_PROTOCOLS {
        response
            .headers_mut()
            .insert(header::CONNECTION, HeaderValue::from_static("close"));
    }
    response
}

/// The drain before the listener closes: marks the instance draining, then keeps serving for
/// `delay`, or until a second SIGINT or SIGTERM (an operator in a hurry).
pub(super) async fn drain(draining: &Draining, delay: Duration) {
    draining.start();
    if delay.is_zero() {
        return;
    }
    tracing::info!(
        drain_delay_ms = delay.as_millis() as u64,
        "stop signal: draining (/readyz answers 503, requests are still served)"
    );
    tokio::select! {
        () = tokio::time::sleep(delay) => {}
        () = shutdown_signal() => {
            tracing::info!("a second stop signal: ending the drain early");
        }
    }
}

/// Resolves on SIGINT (Ctrl-C) or SIGTERM (one that arrives after the call).
pub(super) async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::error!(%error, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => {
                tracing::error!(%error, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}

#[cfg(test)]
mod drain_tests {
    use axum::Router;
    use axum::body::Body;
    use axum::routing::get;
    use tower::ServiceExt;

    use super::*;

    fn answering(draining: &Draining) -> Router {
        Router::new().route("/", get(|| async { "ok" })).layer(
            axum::middleware::from_fn_with_state(
                draining.clone(),
                close_connections_while_draining,
            ),
        )
    }

    async fn connection_header(router: Router, version: Version) -> Option<String> {
        let request = Request::get("/")
            .version(version)
            .body(Body::empty())
            .expect("a valid request");
        let response = router.oneshot(request).await.expect("infallible");
        assert_eq!(response.status(), StatusCode::OK);
        response
            .headers()
            .get(header::CONNECTION)
            .map(|v| v.to_str().expect("ascii").to_owned())
    }

    #[tokio::test]
    async fn answers_keep_their_connection_until_the_drain_starts_and_close_it_after() {
        let draining = Draining::default();
        assert_eq!(
            connection_header(answering(&draining), Version::HTTP_11).await,
            None
        );
        draining.clone().start();
        assert!(draining.is_draining(), "clones share the flag");
        assert_eq!(
            connection_header(answering(&draining), Version::HTTP_11).await,
            Some("close".to_owned())
        );
    }

    #[tokio::test]
    async fn http2_answers_never_carry_a_connection_header_even_while_draining() {
        let draining = Draining::default();
        draining.start();
        assert_eq!(
            connection_header(answering(&draining), Version::HTTP_2).await,
            None
        );
    }
}
