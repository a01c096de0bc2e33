//! The `[live]` section: live order status over websockets (`/graphql/ws`). Its own file because
//! its checks are its own: how often the feeds are polled bounds the load every gateway instance
//! puts on the order-status instances, and the subscription limits what one tenant may hold.

use std::ops::RangeInclusive;

use serde::Deserialize;

use super::{SettingsError, rejected};

/// The poll intervals accepted, in milliseconds: fast enough for tests, never a busy loop; slow
/// enough to be cheap, never so slow a change is stale when it arrives.
pub const POLL_INTERVAL_MS: RangeInclusive<u64> = 50..=60_000;

/// The most subscriptions one connection may be allowed.
pub const MAX_SUBSCRIPTIONS_PER_CONNECTION: usize = 100;

/// Live order status (see [`crate::live`]).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LiveSettings {
    /// How often each region's order-status change feed is polled while anyone on this instance
    /// subscribes, in milliseconds (50 to 60,000). One poll per region per interval, however many
    /// subscribers.
    pub poll_interval_ms: u64,
    /// Subscriptions one websocket connection may hold at once (1 to 100).
    pub max_subscriptions_per_connection: usize,
    /// Subscriptions one principal may hold at once on this gateway instance, over all its
    /// connections (at least `max_subscriptions_per_connection`).
    pub max_subscriptions_per_principal: usize,
    /// Websocket connections one principal may hold open at once on this gateway instance.
    pub max_connections_per_principal: usize,
    /// A connection that has not completed `connection_init` within this long is closed (4408),
    /// in milliseconds (100 to 60,000).
    pub connection_init_timeout_ms: u64,
}

impl LiveSettings {
    /// The checks beyond the types; each failure names its key.
    pub(super) fn validate(&self) -> Result<(), SettingsError> {
        if !POLL_INTERVAL_MS.contains(&self.poll_interval_ms) {
            return Err(rejected(
                "live.poll_interval_ms",
                format!(
                    "must be between {} and {}",
                    POLL_INTERVAL_MS.start(),
                    POLL_INTERVAL_MS.end()
                ),
            ));
        }
        if !(1..=MAX_SUBSCRIPTIONS_PER_CONNECTION).contains(&self.max_subscriptions_per_connection)
        {
            return Err(rejected(
                "live.max_subscriptions_per_connection",
                format!("must be between 1 and {MAX_SUBSCRIPTIONS_PER_CONNECTION}"),
            ));
        }
        if self.max_subscriptions_per_principal < self.max_subscriptions_per_connection {
            return Err(rejected(
                "live.max_subscriptions_per_principal",
                "must be at least live.max_subscriptions_per_connection",
            ));
        }
        if self.max_connections_per_principal == 0 {
            return Err(rejected(
                "live.max_connections_per_principal",
                "must be at least 1",
            ));
        }
        if !(100..=60_000).contains(&self.connection_init_timeout_ms) {
            return Err(rejected(
                "live.connection_init_timeout_ms",
                "must be between 100 and 60000",
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::settings::Settings;

    #[test]
    fn the_defaults_pass_and_each_bound_names_its_key() {
        let settings = Settings::load_without_env(None).expect("the defaults load");
        assert_eq!(settings.live.poll_interval_ms, 1000);
        let refused = |change: fn(&mut super::LiveSettings)| {
            let mut live = settings.live.clone();
            change(&mut live);
            live.validate().map_err(|e| e.to_string()).err()
        };
        let key =
            |message: Option<String>| message.and_then(|m| m.split(':').next().map(str::to_owned));
        assert_eq!(
            key(refused(|l| l.poll_interval_ms = 10)).as_deref(),
            Some("live.poll_interval_ms")
        );
        assert_eq!(
            key(refused(|l| l.max_subscriptions_per_connection = 0)).as_deref(),
            Some("live.max_subscriptions_per_connection")
        );
        assert_eq!(
            key(refused(|l| l.max_subscriptions_per_principal = 1)).as_deref(),
            Some("live.max_subscriptions_per_principal")
        );
        assert_eq!(
            key(refused(|l| l.max_connections_per_principal = 0)).as_deref(),
            Some("live.max_connections_per_principal")
        );
        assert_eq!(
            key(refused(|l| l.connection_init_timeout_ms = 0)).as_deref(),
            Some("live.connection_init_timeout_ms")
        );
    }
}
