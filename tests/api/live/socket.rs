//! A small graphql-transport-ws client over tokio-tungstenite, for the live tests: open a socket
//! on `/graphql/ws`, sign in with `connection_init`, subscribe, and wait for the next message or
//! the close frame.

use std::time::Duration;

use futures::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

/// How long a test waits for a message it expects before failing (a bound, not a measurement).
pub const PATIENCE: Duration = Duration::from_secs(5);

/// One websocket connection to the gateway.
pub struct Socket {
    ws: WebSocketStream<MaybeTlsStream<TcpStream>>,
}

impl Socket {
    /// Opens `/graphql/ws` on the gateway at `address` (`http://…`), offering `protocol`.
    pub async fn open(address: &str, protocol: &str) -> Socket {
        let url = format!("{}/graphql/ws", address.replacen("http://", "ws://", 1));
        let mut request = url.into_client_request().expect("a websocket request");
        request.headers_mut().insert(
            "sec-websocket-protocol",
            HeaderValue::from_str(protocol).expect("a header value"),
        );
        let (ws, response) = tokio_tungstenite::connect_async(request)
            .await
            .expect("the gateway upgrades the connection");
        assert_eq!(
            response
                .headers()
                .get("sec-websocket-protocol")
                .and_then(|v| v.to_str().ok()),
            Some(protocol),
            "the gateway speaks the protocol offered"
        );
        Socket { ws }
    }

    /// Opens a graphql-transport-ws connection and signs in with `token` (in `Authorization`).
    pub async fn signed_in(address: &str, token: &str) -> Socket {
        let mut socket = Socket::open(address, "graphql-transport-ws").await;
        socket
            .send(json!({
                "type": "connection_init",
                "payload": { "Authorization": format!("Bearer {token}") }
            }))
            .await;
        let ack = socket.next_json().await;
        assert_eq!(ack["type"], "connection_ack", "{ack}");
        socket
    }

    /// Sends one protocol message.
    pub async fn send(&mut self, message: Value) {
        self.ws
            .send(Message::text(message.to_string()))
            .await
            .expect("the message is sent");
    }

    /// Subscribes under `id`.
    pub async fn subscribe(&mut self, id: &str, query: &str, variables: Value) {
        self.send(json!({
            "id": id, "type": "subscribe", "payload": { "query": query, "variables": variables }
        }))
        .await;
    }

    /// The next protocol message, within [`PATIENCE`]; panics on a close or a silence.
    pub async fn next_json(&mut self) -> Value {
        loop {
            let frame = tokio::time::timeout(PATIENCE, self.ws.next())
                .await
                .expect("a message within the patience")
                .expect("the connection is open")
                .expect("a readable frame");
            match frame {
                Message::Text(text) => return serde_json::from_str(&text).expect("JSON"),
                Message::Close(frame) => panic!("closed unexpectedly: {frame:?}"),
                _ => {}
            }
        }
    }

    /// The close frame's code and reason, waiting for it within [`PATIENCE`] (skipping any
    /// messages before it).
    pub async fn closed(&mut self) -> (u16, String) {
        self.closed_within(PATIENCE).await
    }

    /// [`closed`](Self::closed), waiting up to `patience`.
    pub async fn closed_within(&mut self, patience: Duration) -> (u16, String) {
        loop {
            let frame = tokio::time::timeout(patience, self.ws.next())
                .await
                .expect("a close within the patience");
            match frame {
                Some(Ok(Message::Close(Some(frame)))) => {
                    return (u16::from(frame.code), frame.reason.to_string());
                }
                Some(Ok(Message::Close(None))) | None | Some(Err(_)) => {
                    panic!("the connection ended without a close code")
                }
                Some(Ok(_)) => {}
            }
        }
    }
}
