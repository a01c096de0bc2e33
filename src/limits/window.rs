//! Fixed one-minute windows of counts per key, shared through Redis when it is configured, so
//! that N gateway instances count together; in this process when it is not, or while it is
//! unavailable.
//!
//! The guest limits are stated per minute ("20 lookups per minute", "10 failed lookups per
//! minute"), and a window that opens with its first count and lapses a minute later says exactly
//! that with one integer per key, which Redis expires by itself. Every operation on a key is one
//! Lua script over that one key, so it is atomic and works on a Redis Cluster as well.
//!
//! A Redis that is down never fails a request: its breaker (see [`RedisTier`]) skips it and the
//! in-process window answers instead. While that lasts each instance counts on its own, so N
//! instances allow up to N times the limit — the price of never refusing for want of a store.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use moka::sync::Cache;

use crate::cache::RedisTier;
use crate::error::GatewayError;
use crate::hashing::MapHasher;

/// Counts one unless the window is full: `{1, 0}` when counted, else `{0, milliseconds left}`.
/// `ARGV[1]` is the limit, `ARGV[2]` the window in milliseconds.
const TAKE: &str = r"
local count = tonumber(redis.call('GET', KEYS[1]) or '0')
if count >= tonumber(ARGV[1]) then
  local left = redis.call('PTTL', KEYS[1])
  if left < 0 then
    redis.call('PEXPIRE', KEYS[1], ARGV[2])
    left = tonumber(ARGV[2])
  end
  return {0, left}
end
redis.call('INCR', KEYS[1])
if redis.call('PTTL', KEYS[1]) < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return {1, 0}
";

/// Gives one back, never below zero (the window keeps its expiry).
const GIVE_BACK: &str = r"
local count = tonumber(redis.call('GET', KEYS[1]) or '0')
if count > 0 then
  redis.call('DECR', KEYS[1])
end
return count
";

/// Where a count was made, so it is given back to the same place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Store {
    /// Redis, shared by every instance.
    Shared,
    /// This process (no Redis configured, or Redis unavailable).
    Local,
}

/// One key's window in this process: when it opened and how much it holds.
struct Window {
    opened: Instant,
    count: u32,
}

/// Windows of `limit` counts per key, each lasting `length` from its first count.
pub(crate) struct WindowCounter {
    limit: u32,
    length: Duration,
    redis: Option<Arc<RedisTier>>,
    local: Cache<String, Arc<Mutex<Window>>, MapHasher>,
}

impl WindowCounter {
    /// Windows in `redis` when given (keys are the caller's, prefix included), else in this process.
    pub(crate) fn new(limit: u32, length: Duration, redis: Option<Arc<RedisTier>>) -> Self {
        Self {
            limit,
            length,
            redis,
            local: Cache::builder()
                .time_to_idle(length)
                .max_capacity(1_000_000)
                .build_with_hasher(MapHasher::default()),
        }
    }

    /// Counts one against `key`, or refuses with `RATE_LIMITED` — counting nothing — while its
    /// window already holds the limit.
    pub(crate) async fn take(&self, key: &str) -> Result<Store, GatewayError> {
        if let Some(redis) = &self.redis {
            let mut eval = redis::cmd("EVAL");
            eval.arg(TAKE)
                .arg(1)
                .arg(key)
                .arg(self.limit)
                .arg(self.length.as_millis() as u64);
            match redis.run::<Vec<i64>>(eval).await.as_deref() {
                Some([1, _]) => return Ok(Store::Shared),
                Some([_, left_ms]) => {
                    return Err(rate_limited(
                        Duration::from_millis((*left_ms).max(0) as u64),
                    ));
                }
                Some(other) => {
                    tracing::warn!(?other, "unexpected answer from the rate-limit script");
                }
                None => {}
            }
        }
        self.take_local(key).map(|()| Store::Local)
    }

    /// Gives back one count made in `store` (an attempt that, after all, did not count).
    pub(crate) async fn give_back(&self, key: &str, store: Store) {
        match (store, &self.redis) {
            (Store::Shared, Some(redis)) => {
                let mut eval = redis::cmd("EVAL");
                eval.arg(GIVE_BACK).arg(1).arg(key);
                // Not given back when Redis fails: the count lapses with its window.
                let _: Option<i64> = redis.run(eval).await;
            }
            _ => self.give_back_local(key),
        }
    }

    fn take_local(&self, key: &str) -> Result<(), GatewayError> {
        let window = self.local.get_with(key.to_owned(), || {
            Arc::new(Mutex::new(Window {
                opened: Instant::now(),
                count: 0,
            }))
        });
        let mut window = window
            .lock()
            .expect("a rate window is never poisoned: no code panics holding it");
        if window.opened.elapsed() >= self.length {
            *window = Window {
                opened: Instant::now(),
                count: 0,
            };
        }
        if window.count >= self.limit {
            return Err(rate_limited(
                self.length.saturating_sub(window.opened.elapsed()),
            ));
        }
        window.count += 1;
        Ok(())
    }

    /// Gives one back in this process (synchronous, for `Drop`).
    pub(crate) fn give_back_local(&self, key: &str) {
        if let Some(window) = self.local.get(key) {
            let mut window = window
                .lock()
                .expect("a rate window is never poisoned: no code panics holding it");
            if window.opened.elapsed() < self.length {
                window.count = window.count.saturating_sub(1);
            }
        }
    }
}

/// `RATE_LIMITED`, to try again in `left` (whole seconds, at least one).
pub(crate) fn rate_limited(left: Duration) -> GatewayError {
    GatewayError::RateLimited {
        retry_after_seconds: left.as_millis().div_ceil(1000).max(1) as u64,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seconds(error: GatewayError) -> u64 {
        match error {
            GatewayError::RateLimited {
                retry_after_seconds,
            } => retry_after_seconds,
            other => panic!("not RATE_LIMITED: {other:?}"),
        }
    }

    #[tokio::test]
    async fn a_full_window_refuses_until_it_lapses() {
        let counter = WindowCounter::new(2, Duration::from_secs(60), None);
        assert_eq!(counter.take("k").await.ok(), Some(Store::Local));
        assert!(counter.take("k").await.is_ok());
        let refused = counter.take("k").await.expect_err("the window is full");
        assert!((59..=60).contains(&seconds(refused)));
        assert!(counter.take("other").await.is_ok(), "keys count apart");
    }

    #[tokio::test]
    async fn a_count_given_back_can_be_used_again() {
        let counter = WindowCounter::new(1, Duration::from_secs(60), None);
        let store = counter.take("k").await.expect("room");
        counter.give_back("k", store).await;
        assert!(counter.take("k").await.is_ok());
        assert!(counter.take("k").await.is_err());
        counter.give_back_local("never-counted");
    }

    #[tokio::test]
    async fn a_lapsed_window_opens_afresh() {
        let counter = WindowCounter::new(1, Duration::from_millis(30), None);
        assert!(counter.take("k").await.is_ok());
        assert!(counter.take("k").await.is_err());
        tokio::time::sleep(Duration::from_millis(40)).await;
        assert!(counter.take("k").await.is_ok());
    }

    #[test]
    fn retry_after_rounds_up_to_whole_seconds() {
        assert_eq!(seconds(rate_limited(Duration::from_millis(1))), 1);
        assert_eq!(seconds(rate_limited(Duration::ZERO)), 1);
        assert_eq!(seconds(rate_limited(Duration::from_millis(2001))), 3);
    }
}
