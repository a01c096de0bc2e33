//! Sockets when the instance drains before it stops (SIGTERM: see [`crate::http::health`]).
//!
//! A subscription has no end of its own, so unlike a request it would not finish during the
//! drain: left alone, its socket would be cut when the process exits and the client would see
//! 1006 (abnormal closure), with no reason given. Instead, once the drain starts, every socket of
//! the instance is closed with 1001 Going Away — one opened during the drain as soon as it opens —
//! while the instance still runs. The `graphql-ws` client reconnects after a 1001 by itself
//! (its `retryAttempts`, 5 by default) and subscribes again; its reconnection lands on the
//! instances the load balancers still route to, or, in a restart, on the next instance once it
//! listens (a client that should also wait through refused connections sets
//! `shouldRetry: () => true`).
//!
//! The drain is [`Draining`], set by `crate::startup` and installed as a request extension; each
//! socket waits on it, so it closes the moment the drain starts. With
//! `server.drain_delay_ms = 0` (the sandbox's default) the process may still exit before a close
//! frame is written, and its client sees 1006, which it retries too.

use crate::startup::Draining;

/// The close code of a socket whose instance drains (RFC 6455: "going away, such as a server
/// going down").
pub(super) const GOING_AWAY: u16 = 1001;

/// The close reason sent with [`GOING_AWAY`].
pub(super) const GOING_AWAY_REASON: &str = "Going away: this instance is stopping, reconnect";

/// Resolves once `draining` has started (at once if it has); never without a drain flag (a
/// router served without one, as in some tests, never drains).
pub(super) async fn started(draining: Option<Draining>) {
    match draining {
        Some(draining) => draining.started().await,
        None => std::future::pending().await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use std::time::Duration;

    #[tokio::test(start_paused = true)]
    async fn resolves_when_the_drain_starts_and_never_without_a_flag() {
        let draining = Draining::default();
        let waiting = tokio::spawn(started(Some(draining.clone())));
        tokio::time::sleep(Duration::from_secs(3)).await;
        assert!(!waiting.is_finished(), "no drain yet");
        draining.start();
        tokio::time::timeout(Duration::from_millis(1), waiting)
            .await
            .expect("woken by the drain itself, not a later check")
            .expect("the waiting task ends");
        tokio::time::timeout(Duration::from_millis(1), started(Some(draining)))
            .await
            .expect("at once when the drain has started");

        let never = tokio::spawn(started(None));
        tokio::time::sleep(Duration::from_secs(3600)).await;
        assert!(!never.is_finished());
        never.abort();
    }
}
