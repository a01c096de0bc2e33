//! The feed's position in Redis, so a restarted instance goes on where it stopped.
//!
//! Every instance sharing the Redis writes the position it has handled every change up to: read
//! it, and sent (or given up) every e-mail it asked for. A restarted one reads it once, when it
//! starts. Instances overwriting each other is harmless: each writes only a position up to which
//! it has itself sent every e-mail (every instance reads every change and sends every e-mail),
//! and one starting from a position behind another's reads a few changes twice (the e-mails are
//! sent once per answer whatever happens, by their idempotency keys).

use std::sync::Arc;
use std::time::Duration;

use crate::cache::RedisTier;

/// How long an untouched position is kept (a gateway stopped for longer starts "from now").
const POSITION_TTL_SECONDS: u64 = 30 * 24 * 3600;

/// How often reading the position at start is tried before the feed starts in memory alone.
const LOAD_ATTEMPTS: u32 = 3;

/// The pause between those attempts.
const LOAD_PAUSE: Duration = Duration::from_millis(100);

/// The position in the shared tier, if there is one.
pub(super) struct StoredPosition {
    key: String,
    redis: Option<Arc<RedisTier>>,
    /// Whether the last write failed (so an outage is logged once, not every round).
    failing: bool,
}

impl StoredPosition {
    /// The position under `{prefix}:inquiry-feed:position` in `redis`; nothing is stored
    /// without it.
    pub(super) fn new(prefix: &str, redis: Option<Arc<RedisTier>>) -> Self {
        Self {
            key: format!("{prefix}:inquiry-feed:position"),
            redis,
            failing: false,
        }
    }

    /// The stored position; `None` without a shared tier, when nothing is stored, or when Redis
    /// does not answer (logged).
    pub(super) async fn load(&self) -> Option<u64> {
        let redis = self.redis.as_ref()?;
        for attempt in 1..=LOAD_ATTEMPTS {
            let mut get = redis::cmd("GET");
            get.arg(&self.key);
            if let Some(stored) = redis.run::<Option<u64>>(get).await {
                match stored {
                    Some(position) => tracing::info!(
                        position,
                        "inquiry feed: going on from the position stored in Redis"
                    ),
                    None => tracing::info!(
                        "inquiry feed: no position stored in Redis; reading from now"
                    ),
                }
                return stored;
            }
            if attempt < LOAD_ATTEMPTS {
                tokio::time::sleep(LOAD_PAUSE).await;
            }
        }
        tracing::warn!(
            "inquiry feed: cannot read the stored position from Redis; reading from now, in memory"
        );
        None
    }

    /// Stores `position` (best effort: a failure is logged once per outage).
    pub(super) async fn save(&mut self, position: u64) {
        let Some(redis) = &self.redis else {
            return;
        };
        let mut set = redis::cmd("SET");
        set.arg(&self.key)
            .arg(position)
            .arg("EX")
            .arg(POSITION_TTL_SECONDS);
        let stored: Option<()> = redis.run(set).await;
        match (stored.is_some(), self.failing) {
            (false, false) => {
                tracing::warn!(
                    position,
                    "inquiry feed: cannot store the position in Redis; going on in memory"
                );
                self.failing = true;
            }
            (true, true) => {
                tracing::info!(
                    position,
                    "inquiry feed: the position is stored in Redis again"
                );
                self.failing = false;
            }
            _ => {}
        }
    }
}
