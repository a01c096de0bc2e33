//! `/graphql/ws`: GraphQL subscriptions over a websocket, in the `graphql-transport-ws` protocol
//! (the `graphql-ws` npm client's) and, because async-graphql speaks it too, the legacy
//! `graphql-ws` one (subscriptions-transport-ws).
//!
//! A browser cannot set headers on a websocket, so the bearer token travels in the
//! `connection_init` message's payload — `{"Authorization": "Bearer …"}`, `{"authorization": …}`
//! or `{"token": …}` — and is verified as `/graphql` verifies the header ([`init`]). Until then
//! nothing runs: a `subscribe` before the acknowledgment closes the socket with 4401, a missing or
//! refused token with 4403, and a client that sends no `connection_init` within
//! `live.connection_init_timeout_ms` is closed with 4408 (the codes of graphql-transport-ws).
//! Since the token is in the payload and not in a cookie, a page on another origin gains nothing
//! by opening the socket: there is no ambient credential to ride on.
//!
//! Each `subscribe` passes the same checks as a request to `/graphql` — the document limits, the
//! per-principal rate limit — plus the subscription slots of the connection and the principal
//! ([`executor`]). Only subscriptions are served here; queries and mutations go to `/graphql`.
//!
//! When the instance stops, every socket is closed with 1001 Going Away at the end of its drain,
//! so clients reconnect and subscribe again elsewhere or to the next instance ([`drain`]).
//!
//! async-graphql-axum's `GraphQLWebSocket` is not used as is because it closes a refused
//! `connection_init` with 1002 and a premature `subscribe` with 1011; this module runs
//! async-graphql's protocol engine (`async_graphql::http::WebSocket`) with its own loop, which
//! gives those closes the protocol's codes and adds the initialisation timeout and the drain.

mod drain;
mod executor;
mod init;

use std::net::{IpAddr, SocketAddr};
use std::str::FromStr;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use async_graphql::http::{ALL_WEBSOCKET_PROTOCOLS, WebSocketProtocols, WsMessage};
use axum::Extension;
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use futures::{SinkExt, StreamExt};

use super::HttpState;
use super::client_origin::{client_address, request_origin};
use crate::graphql::RequestOrigin;
use crate::startup::Draining;
use executor::SocketExecutor;
use init::{Session, close_code};

/// The graphql-transport-ws close code for a client that never sent `connection_init` in time.
const INIT_TIMEOUT: u16 = 4408;

/// `GET /graphql/ws`: upgrades to a websocket speaking a GraphQL protocol the client offers in
/// `Sec-WebSocket-Protocol`; 400 when it offers none we speak.
pub async fn graphql_ws(
    State(state): State<HttpState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    draining: Option<Extension<Draining>>,
    upgrade: WebSocketUpgrade,
) -> Response {
    let Some(protocol) = offered_protocol(&headers) else {
        let message = "offer the graphql-transport-ws (or graphql-ws) subprotocol";
        return (StatusCode::BAD_REQUEST, message).into_response();
    };
    let client_ip = client_address(
        peer.ip(),
        &headers,
        &state.app.settings.server.trusted_proxies,
    );
    // Links in the answers point where the upgrade request came to, as over HTTP.
    let origin = request_origin(&headers);
    let max_message = state.app.settings.server.max_body_bytes;
    upgrade
        .protocols(ALL_WEBSOCKET_PROTOCOLS)
        .max_message_size(max_message)
        .max_frame_size(max_message)
        .on_upgrade(move |socket| {
            let draining = draining.map(|Extension(draining)| draining);
            serve(socket, protocol, state, client_ip, origin, draining)
        })
}

/// The first protocol the client offers that async-graphql speaks.
fn offered_protocol(headers: &HeaderMap) -> Option<WebSocketProtocols> {
    headers
        .get(header::SEC_WEBSOCKET_PROTOCOL)?
        .to_str()
        .ok()?
        .split(',')
        .find_map(|offered| WebSocketProtocols::from_str(offered.trim()).ok())
}

/// Runs one connection to its end: the client's messages through async-graphql's protocol
/// engine, its answers back with the protocol's close codes, within the initialisation timeout,
/// until the instance stops.
async fn serve(
    socket: WebSocket,
    protocol: WebSocketProtocols,
    state: HttpState,
    client_ip: IpAddr,
    origin: Option<RequestOrigin>,
    draining: Option<Draining>,
) {
    let session: Arc<OnceLock<Session>> = Arc::default();
    let executor = SocketExecutor::new(
        state.schema.clone(),
        state.app.clone(),
        session.clone(),
        origin,
    );
    let (mut sink, stream) = socket.split();
    let input = stream
        .take_while(|message| futures::future::ready(message.is_ok()))
        .filter_map(|message| {
            futures::future::ready(match message {
                Ok(message @ (Message::Text(_) | Message::Binary(_))) => Some(message.into_data()),
                _ => None,
            })
        });
    let on_init = init::on_connection_init(state.app.clone(), session.clone(), client_ip);
    let engine =
        async_graphql::http::WebSocket::new(executor, input, protocol).on_connection_init(on_init);
    futures::pin_mut!(engine);
    let init_timeout = Duration::from_millis(state.app.settings.live.connection_init_timeout_ms);
    let deadline = tokio::time::sleep(init_timeout);
    futures::pin_mut!(deadline);
    let mut open_socket = draining.map(|draining| draining.open_socket());
    let going_away = drain::closing(open_socket.as_mut());
    futures::pin_mut!(going_away);
    loop {
        // What ends the connection from this side comes first, even while messages pour in.
        let next = tokio::select! {
            biased;
            () = &mut going_away => {
                let _ = sink.send(close_frame(drain::GOING_AWAY, drain::GOING_AWAY_REASON)).await;
                break;
            }
            close = session_over(&session, deadline.as_mut()) => {
                let _ = sink.send(close).await;
                break;
            }
            next = engine.next() => next,
        };
        let Some(message) = next else {
            break;
        };
        let outgoing = match message {
            WsMessage::Text(text) => Message::Text(text.into()),
            WsMessage::Close(code, reason) => {
                let (code, reason) = close_code(protocol, code, &reason);
                close_frame(code, reason)
            }
        };
        let closing = matches!(outgoing, Message::Close(_));
        if sink.send(outgoing).await.is_err() || closing {
            break;
        }
    }
    let _ = sink.close().await;
}

/// The close frame that ends the connection once its session is over: at the token's expiry once
/// signed in (the connection lives as long as its token, and closes as a refused token would:
/// the client signs in again with a fresh one), or at `deadline` before (no `connection_init`).
async fn session_over(
    session: &OnceLock<Session>,
    deadline: std::pin::Pin<&mut tokio::time::Sleep>,
) -> Message {
    if let Some(signed_in) = session.get() {
        let left = signed_in.principal.expires_at.saturating_sub(unix_now());
        tokio::time::sleep(Duration::from_secs(left)).await;
        close_frame(TOKEN_EXPIRED, "Forbidden: the bearer token expired")
    } else {
        deadline.await;
        close_frame(INIT_TIMEOUT, "Connection initialisation timeout")
    }
}

/// The close code of a connection whose token expired (graphql-transport-ws' Forbidden).
const TOKEN_EXPIRED: u16 = 4403;

/// Seconds since the Unix epoch.
fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

fn close_frame(code: u16, reason: &str) -> Message {
    Message::Close(Some(CloseFrame {
        code,
        reason: reason.into(),
    }))
}
