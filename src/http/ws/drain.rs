//! Sockets when the instance stops (SIGTERM: see [`crate::http::health`]).
//!
//! A subscription has no end of its own, so unlike a request it would not finish: left alone, its
//! socket would be cut when the process exits and the client would see 1006 (abnormal closure),
//! with no reason given. Instead, every socket of the instance is closed with 1001 Going Away
//! when the drain ends, just before the listener closes, and the instance waits (within
//! `server.shutdown_grace_ms`) for those close frames to be written. Not at the start of the
//! drain: while load balancers take the instance out, its subscribers still get their changes,
//! and a client reconnecting at once could be routed back to it. The `graphql-ws` client reconnects after a 1001 by itself
//! (its `retryAttempts`, 5 by default) and subscribes again; its reconnection lands on the
//! instances the load balancers still route to, or, in a restart, on the next instance once it
//! listens (a client that should also wait through refused connections sets
//! `shouldRetry: () => true`).
//!
//! The drain is [`Draining`](crate::startup::Draining), set by `crate::startup` and installed as a request extension; each
//! socket holds an [`OpenSocket`] from it, which says when to close and counts the socket until
//! it is gone.

use crate::startup::OpenSocket;

/// The close code of a socket whose instance drains (RFC 6455: "going away, such as a server
/// going down").
pub(super) const GOING_AWAY: u16 = 1001;

/// The close reason sent with [`GOING_AWAY`].
pub(super) const GOING_AWAY_REASON: &str = "Going away: this instance is stopping, reconnect";

/// Resolves once the instance closes its sockets; never for a router served without a drain
/// flag (as in some tests).
pub(super) async fn closing(socket: Option<&mut OpenSocket>) {
    match socket {
        Some(socket) => socket.closing().await,
        None => std::future::pending().await,
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::startup::Draining;

    #[tokio::test(start_paused = true)]
    async fn sockets_close_when_the_drain_ends_and_are_counted_until_dropped() {
        let draining = Draining::default();
        let mut socket = draining.open_socket();
        let waiting = tokio::spawn(async move {
            closing(Some(&mut socket)).await;
            socket
        });
        draining.start();
        tokio::time::sleep(Duration::from_secs(3)).await;
        assert!(
            !waiting.is_finished(),
            "still open while the instance drains"
        );
        draining.close_sockets();
        let socket = tokio::time::timeout(Duration::from_millis(1), waiting)
            .await
            .expect("woken when the drain ends")
            .expect("the socket's task ends");

        let mut sockets_closed = std::pin::pin!(draining.sockets_closed());
        assert!(
            futures::poll!(sockets_closed.as_mut()).is_pending(),
            "a socket not yet dropped is waited for"
        );
        drop(socket);
        tokio::time::timeout(Duration::from_millis(1), sockets_closed)
            .await
            .expect("no socket left");

        let mut late = draining.open_socket();
        tokio::time::timeout(Duration::from_millis(1), closing(Some(&mut late)))
            .await
            .expect("a socket opened after the drain ended closes at once");

        let never = tokio::spawn(closing(None));
        tokio::time::sleep(Duration::from_secs(3600)).await;
        assert!(!never.is_finished());
        never.abort();
    }
}
