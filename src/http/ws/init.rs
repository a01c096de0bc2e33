//! Signing a websocket in: the bearer token from `connection_init`'s payload, verified like the
//! `Authorization` header of `/graphql`, and the connection slot the principal takes; and the
//! close codes a refusal ends the connection with.
//!
//! async-graphql reports every refused `connection_init` as a close with code 1002 and the
//! refusal's message as its reason; the reasons written here start with a word that
//! [`close_code`] maps to the graphql-transport-ws code (4403 Forbidden) or to 1013 (try again
//! later) for what is not the client's fault. A reason never carries the token or anything else
//! the client sent.

use std::net::IpAddr;
use std::sync::{Arc, OnceLock};

use async_graphql::Data;
use async_graphql::http::WebSocketProtocols;
use futures::future::BoxFuture;
use serde_json::Value;

use crate::app::App;
use crate::auth::{AuthError, Principal};
use crate::live::ConnectionSlot;

/// Who is on a connection, from its acknowledged `connection_init` on.
pub(super) struct Session {
    /// The verified identity.
    pub principal: Principal,
    /// The client's address (for logs and per-client limits).
    pub client_ip: IpAddr,
    /// The principal's connection slot, given back when the connection ends.
    pub connection: ConnectionSlot,
}

/// The reason for a `connection_init` without a token.
const NO_TOKEN: &str = "Forbidden: send the bearer token in connection_init's payload, as {\"Authorization\": \"Bearer …\"}";
/// The reason for a token that failed verification.
const BAD_TOKEN: &str = "Forbidden: the bearer token is invalid or expired";
/// The reason for a principal holding the most connections already.
const TOO_MANY_CONNECTIONS: &str = "Try again later: you hold the most live connections allowed";
/// The reason when the identity provider's keys cannot be had.
const KEYS_UNAVAILABLE: &str = "Try again later: tokens cannot be verified right now";

/// The bearer token in a `connection_init` payload: `Authorization` or `authorization` as
/// `Bearer <token>`, or `token` with or without the `Bearer ` prefix. As the header value
/// [`TokenVerifier::verify_header`](crate::auth::TokenVerifier::verify_header) takes.
fn bearer(payload: &Value) -> Option<String> {
    let text = |key: &str| payload.get(key).and_then(Value::as_str).map(str::trim);
    if let Some(header) = text("Authorization").or_else(|| text("authorization")) {
        return Some(header.to_owned());
    }
    let token = text("token")?;
    let has_scheme = token
        .get(..7)
        .is_some_and(|scheme| scheme.eq_ignore_ascii_case("bearer "));
    Some(if has_scheme {
        token.to_owned()
    } else {
        format!("Bearer {token}")
    })
}

/// The `connection_init` handler of one connection: verifies the token, takes a connection slot
/// and records the session; or refuses with a reason [`close_code`] knows.
pub(super) fn on_connection_init(
    app: Arc<App>,
    session: Arc<OnceLock<Session>>,
    client_ip: IpAddr,
) -> impl FnOnce(Value) -> BoxFuture<'static, async_graphql::Result<Data>> + Send + 'static {
    move |payload| {
        Box::pin(async move {
            let header = bearer(&payload).ok_or_else(|| async_graphql::Error::new(NO_TOKEN))?;
            let principal = match app.tokens.verify_header(&header).await {
                Ok(principal) => principal,
                Err(AuthError::KeysUnavailable(error)) => {
                    tracing::error!(%error, "cannot verify tokens on /graphql/ws");
                    return Err(async_graphql::Error::new(KEYS_UNAVAILABLE));
                }
                Err(error) => {
                    tracing::info!(%error, "token refused on /graphql/ws");
                    return Err(async_graphql::Error::new(BAD_TOKEN));
                }
            };
            let connection =
                app.live
                    .slots
                    .open_connection(&principal.user_id)
                    .map_err(|refused| {
                        tracing::info!(%refused, "live connection refused");
                        async_graphql::Error::new(TOO_MANY_CONNECTIONS)
                    })?;
            let signed_in = Session {
                principal,
                client_ip,
                connection,
            };
            // async-graphql takes one connection_init per connection: the cell is empty here.
            if session.set(signed_in).is_err() {
                return Err(async_graphql::Error::new(BAD_TOKEN));
            }
            Ok(Data::default())
        })
    }
}

/// The close code and reason to send for async-graphql's `code` and `reason`, in
/// graphql-transport-ws: a refused `connection_init` is 4403 (or 1013 when the client may retry
/// as is), a `subscribe` before the acknowledgment 4401, a message that is not the protocol's
/// 4400 (its reason, which may quote the client's message, is not repeated). The legacy protocol
/// reports a refused `connection_init` in a message of its own, and keeps async-graphql's codes.
pub(super) fn close_code(protocol: WebSocketProtocols, code: u16, reason: &str) -> (u16, &str) {
    if protocol != WebSocketProtocols::GraphQLWS {
        return (code, reason);
    }
    match code {
        1002 if reason.starts_with("Forbidden") => (4403, reason),
        1002 if reason.starts_with("Try again later") => (1013, reason),
        1002 => (4400, "Invalid message received"),
        1011 => (4401, "Unauthorized"),
        _ => (code, reason),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn the_token_is_read_from_any_documented_key() {
        let expected = Some("Bearer abc".to_owned());
        assert_eq!(bearer(&json!({"Authorization": "Bearer abc"})), expected);
        assert_eq!(bearer(&json!({"authorization": " Bearer abc "})), expected);
        assert_eq!(bearer(&json!({"token": "abc"})), expected);
        assert_eq!(
            bearer(&json!({"token": "bearer abc"})),
            Some("bearer abc".to_owned())
        );
        assert_eq!(bearer(&json!({})), None);
        assert_eq!(bearer(&json!({"token": 42})), None);
        assert_eq!(bearer(&Value::Null), None);
    }

    #[test]
    fn refusals_get_the_protocols_close_codes() {
        let ws = WebSocketProtocols::GraphQLWS;
        assert_eq!(close_code(ws, 1002, NO_TOKEN).0, 4403);
        assert_eq!(close_code(ws, 1002, BAD_TOKEN).0, 4403);
        assert_eq!(close_code(ws, 1002, KEYS_UNAVAILABLE).0, 1013);
        assert_eq!(
            close_code(ws, 1002, "unknown variant `sub`"),
            (4400, "Invalid message received")
        );
        assert_eq!(
            close_code(ws, 1011, "The handshake is not completed.").0,
            4401
        );
        assert_eq!(
            close_code(ws, 4429, "Too many initialisation requests.").0,
            4429
        );
        let legacy = WebSocketProtocols::SubscriptionsTransportWS;
        assert_eq!(close_code(legacy, 1002, NO_TOKEN).0, 1002);
    }
}
