//! Per-principal rate limits: one token bucket of backend-call units per signed-in principal, so
//! that no user or partner can use up the backend capacity every other company shares (DESIGN
//! §7). A request costs its estimated backend calls; the bucket holds `limits.rate_burst` units
//! and gets `limits.rate_per_second` back every second.
//!
//! # Shared through Redis
//!
//! With `redis.url` set, every instance works on one bucket per principal in Redis, so N
//! instances enforce one limit (DESIGN §8). A check is one Lua script ([`TAKE`]) over one key —
//! atomic, and fine on a Redis Cluster, where one key is one slot. It is sent with `EVAL` rather
//! than `EVALSHA`: [`RedisTier::run`] only tells success from failure, so the `NOSCRIPT` answer of
//! a server that has not seen the script yet (after a restart, a failover, or on another cluster
//! node) would count against the tier's breaker and cost a second round trip; the script is a
//! few hundred bytes, and Redis keeps its compiled form cached by digest anyway.
//!
//! The script reads the time with Redis' `TIME`, not the gateway's clock: one key lives on one
//! server, so every instance refills a bucket by the same clock, and a gateway whose clock runs
//! ahead cannot hand out extra units (nor one that runs behind starve a user). A server whose
//! clock went back (a failover) refills nothing until it has caught up. Scripts that read the
//! time are replicated by their effects, Redis' default since 5.0 and asked for explicitly on
//! older servers.
//!
//! # When Redis is unavailable
//!
//! A limiter's store being down never fails a request: when Redis is not configured, or is
//! failing, slow, or skipped by its breaker, the in-process bucket answers. Each instance then
//! limits on its own (N instances allow up to N times the limit) until Redis answers again.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use moka::sync::Cache;

use super::{rate_limited, store_key};
use crate::cache::RedisTier;
use crate::error::GatewayError;
use crate::hashing::MapHasher;
use crate::settings::LimitsSettings;
use crate::telemetry::metrics;

/// Units are kept in thousandths, so a refill of `per_second` units a second is `per_second`
/// thousandths a millisecond: integer arithmetic, here and in Lua (exact below 2^53).
const MILLI: u64 = 1000;

/// Takes `ARGV[3]` thousandths from the bucket at `KEYS[1]`, holding at most `ARGV[1]` and
/// refilled by `ARGV[2]` a millisecond: `{1, 0}` when taken, `{0, milliseconds to wait}` when not.
/// `ARGV[4]` is the key's TTL in milliseconds: the time an empty bucket takes to fill, after which
/// a missing key and a full bucket are the same. With `ARGV[5]` = `1` (a charge after the fact)
/// what is there is taken when it is less than the cost, and the answer is `{1, 0}`.
const TAKE: &str = r"
if redis.replicate_commands then redis.replicate_commands() end
local capacity = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
local saved = redis.call('HMGET', KEYS[1], 'milli', 'at')
local milli = tonumber(saved[1])
local at = tonumber(saved[2])
if milli == nil or at == nil then
  milli = capacity
elseif now > at then
  milli = math.min(capacity, milli + (now - at) * rate)
else
  now = at
end
if milli < cost then
  if ARGV[5] ~= '1' then
    return {0, math.ceil((cost - milli) / rate)}
  end
  cost = milli
end
redis.call('HSET', KEYS[1], 'milli', milli - cost, 'at', now)
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return {1, 0}
";

/// One principal's bucket in this process.
#[derive(Debug, Clone, Copy)]
struct Bucket {
    /// Thousandths of a unit in the bucket at `at`.
    milli: u64,
    /// Milliseconds since the limiter's epoch.
    at: u64,
}

/// Token buckets of backend-call units, one per principal.
pub struct PrincipalLimiter {
    /// Most thousandths a bucket holds (replaced by a configuration reload).
    capacity: AtomicU64,
    /// Thousandths given back per millisecond (= units per second; replaced by a reload).
    rate: AtomicU64,
    prefix: String,
    redis: Option<Arc<RedisTier>>,
    /// In-process buckets (without Redis, or while it fails), forgotten once idle for as long
    /// as an empty one takes to fill; rebuilt when a reload changes that time.
    local: arc_swap::ArcSwap<Buckets>,
    epoch: Instant,
}

impl PrincipalLimiter {
    /// Buckets of `limits.rate_burst` units refilled by `limits.rate_per_second`, in `redis` when
    /// given (under `prefix`), else in this process.
    pub fn new(limits: &LimitsSettings, prefix: &str, redis: Option<Arc<RedisTier>>) -> Self {
        let capacity = u64::from(limits.rate_burst.max(1)) * MILLI;
        let rate = u64::from(limits.rate_per_second.max(1));
        Self {
            capacity: AtomicU64::new(capacity),
            rate: AtomicU64::new(rate),
            prefix: prefix.to_owned(),
            redis,
            local: arc_swap::ArcSwap::from_pointee(local_buckets(capacity, rate)),
            epoch: Instant::now(),
        }
    }

    /// Takes new `limits.rate_burst` and `limits.rate_per_second` (a configuration reload):
    /// every bucket is judged by them from its next request on. The in-process buckets start
    /// full again (their idle time depends on the limits); the shared ones in Redis keep their
    /// level.
    pub fn reconfigure(&self, limits: &LimitsSettings) {
        let capacity = u64::from(limits.rate_burst.max(1)) * MILLI;
        let rate = u64::from(limits.rate_per_second.max(1));
        let unchanged = self.capacity() == capacity && self.rate() == rate;
        self.capacity.store(capacity, Ordering::Relaxed);
        self.rate.store(rate, Ordering::Relaxed);
        if !unchanged {
            self.local.store(Arc::new(local_buckets(capacity, rate)));
        }
    }

    fn capacity(&self) -> u64 {
        self.capacity.load(Ordering::Relaxed)
    }

    fn rate(&self) -> u64 {
        self.rate.load(Ordering::Relaxed)
    }

    /// Takes `cost` units from `principal`'s bucket (a token's `sub`, or a partner's client id),
    /// or refuses with `RATE_LIMITED` and how long until `cost` units are there. A cost is at
    /// least 1 and at most the bucket's capacity (a larger one could never be paid; the request
    /// budget refuses such requests anyway). Never fails for want of Redis: see the module docs.
    pub async fn check(&self, principal: &str, cost: u32) -> Result<(), GatewayError> {
        let checked = self.try_take(principal, cost).await;
        if checked.is_err() {
            metrics::rate_limit_refused("principal");
        }
        checked
    }

    async fn try_take(&self, principal: &str, cost: u32) -> Result<(), GatewayError> {
        let cost = (u64::from(cost) * MILLI).clamp(MILLI, self.capacity());
        self.take(principal, cost, false).await
    }

    /// Takes `cost` units from `principal`'s bucket, waiting for the refill when they are not
    /// there yet: how a long walk (an export's pages) is paced to the principal's rate instead
    /// of refused half-way. Gives up, refusing, after `patience`.
    pub async fn pace(
        &self,
        principal: &str,
        cost: u32,
        patience: Duration,
    ) -> Result<(), GatewayError> {
        let started = Instant::now();
        loop {
            // Only giving up counts as a refusal: waiting for the refill is the pace.
            match self.try_take(principal, cost).await {
                Err(GatewayError::RateLimited {
                    retry_after_seconds,
                }) if started.elapsed() < patience => {
                    tokio::time::sleep(Duration::from_secs(retry_after_seconds.clamp(1, 5))).await;
                }
                Err(refused) => {
                    metrics::rate_limit_refused("principal");
                    return Err(refused);
                }
                Ok(()) => return Ok(()),
            }
        }
    }

    /// Charges `units` more to `principal`'s bucket after a request made more backend calls than
    /// its estimate paid for (a walk over pages): taken whatever is there, down to empty, never
    /// refused — the request has run; the principal's next ones wait for the refill.
    pub async fn charge(&self, principal: &str, units: u32) {
        if units == 0 {
            return;
        }
        let cost = (u64::from(units) * MILLI).min(self.capacity());
        // A partial take never refuses.
        let _ = self.take(principal, cost, true).await;
    }

    async fn take(&self, principal: &str, cost: u64, partial: bool) -> Result<(), GatewayError> {
        if let Some(redis) = &self.redis {
            let mut eval = redis::cmd("EVAL");
            eval.arg(TAKE)
                .arg(1)
                .arg(store_key(&self.prefix, "principal", principal))
                .arg(self.capacity())
                .arg(self.rate())
                .arg(cost)
                .arg(fill_ms(self.capacity(), self.rate()))
                .arg(if partial { "1" } else { "0" });
            match redis.run::<Vec<i64>>(eval).await.as_deref() {
                Some([1, _]) => return Ok(()),
                Some([_, wait_ms]) => {
                    return Err(rate_limited(
                        Duration::from_millis((*wait_ms).max(0) as u64),
                    ));
                }
                Some(other) => {
                    tracing::warn!(?other, "unexpected answer from the rate-limit script");
                }
                None => {}
            }
        }
        self.take_local(principal, cost, partial)
    }

    fn take_local(&self, principal: &str, cost: u64, partial: bool) -> Result<(), GatewayError> {
        let now = self.epoch.elapsed().as_millis() as u64;
        let bucket = self.local.load().get_with(principal.to_owned(), || {
            Arc::new(Mutex::new(Bucket {
                milli: self.capacity(),
                at: now,
            }))
        });
        let mut bucket = bucket
            .lock()
            .expect("a bucket is never poisoned: no code panics holding it");
        take(
            &mut bucket,
            now,
            self.capacity(),
            self.rate(),
            cost,
            partial,
        )
        .map_err(|wait_ms| rate_limited(Duration::from_millis(wait_ms)))
    }
}

/// The in-process token buckets, by key.
type Buckets = Cache<String, Arc<Mutex<Bucket>>, MapHasher>;

/// The in-process buckets for these limits. A bucket left alone for as long as an empty one takes
/// to fill is full: forgetting it then changes nothing.
fn local_buckets(capacity: u64, rate: u64) -> Buckets {
    Cache::builder()
        .time_to_idle(Duration::from_millis(fill_ms(capacity, rate)))
        .max_capacity(1_000_000)
        .build_with_hasher(MapHasher::default())
}

/// Milliseconds an empty bucket takes to fill, plus a second's margin.
fn fill_ms(capacity: u64, rate: u64) -> u64 {
    capacity.div_ceil(rate) + 1000
}

/// The bucket refilled up to `now`, less `cost` — or the milliseconds until `cost` is there;
/// `partial` takes what is there instead of refusing. The same arithmetic as [`TAKE`].
fn take(
    bucket: &mut Bucket,
    now: u64,
    capacity: u64,
    rate: u64,
    cost: u64,
    partial: bool,
) -> Result<(), u64> {
    let now = now.max(bucket.at);
    let milli = bucket
        .milli
        .saturating_add((now - bucket.at).saturating_mul(rate))
        .min(capacity);
    let cost = match milli < cost {
        true if partial => milli,
        true => return Err((cost - milli).div_ceil(rate)),
        false => cost,
    };
    *bucket = Bucket {
        milli: milli - cost,
        at: now,
    };
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits(burst: u32, per_second: u32) -> LimitsSettings {
        let mut limits = crate::settings::Settings::load_without_env(None)
            .expect("the defaults load")
            .limits;
        limits.rate_burst = burst;
        limits.rate_per_second = per_second;
        limits
    }

    #[test]
    fn a_bucket_refills_by_the_rate_up_to_its_capacity() {
        // 5 units, 2 a second: 2 thousandths a millisecond.
        let mut bucket = Bucket { milli: 0, at: 0 };
        assert_eq!(take(&mut bucket, 0, 5000, 2, 1000, false), Err(500));
        assert_eq!(take(&mut bucket, 499, 5000, 2, 1000, false), Err(1));
        assert_eq!(take(&mut bucket, 500, 5000, 2, 1000, false), Ok(()));
        assert_eq!(bucket.milli, 0);
        assert_eq!(take(&mut bucket, 1_000_000, 5000, 2, 5000, false), Ok(()));
        assert_eq!(bucket.milli, 0, "never more than the capacity");
    }

    #[tokio::test]
    async fn a_charge_after_the_fact_empties_the_bucket_but_never_refuses() {
        let limiter = PrincipalLimiter::new(&limits(5, 1), "test", None);
        assert!(limiter.check("alice", 2).await.is_ok());
        limiter.charge("alice", 10).await;
        assert!(
            limiter.check("alice", 1).await.is_err(),
            "the bucket is empty"
        );
        assert!(limiter.check("bob", 5).await.is_ok(), "others keep theirs");
    }

    #[test]
    fn a_clock_that_goes_back_refills_nothing() {
        let mut bucket = Bucket {
            milli: 1000,
            at: 10_000,
        };
        assert_eq!(take(&mut bucket, 5_000, 5000, 1, 1000, false), Ok(()));
        assert_eq!(bucket.at, 10_000);
        assert_eq!(take(&mut bucket, 5_000, 5000, 1, 1000, false), Err(1000));
    }

    #[tokio::test]
    async fn each_principal_has_a_bucket_of_its_own() {
        let limiter = PrincipalLimiter::new(&limits(3, 1), "test", None);
        assert!(limiter.check("alice", 2).await.is_ok());
        assert!(limiter.check("alice", 1).await.is_ok());
        match limiter.check("alice", 1).await {
            Err(GatewayError::RateLimited {
                retry_after_seconds,
            }) => assert_eq!(retry_after_seconds, 1),
            other => panic!("expected RATE_LIMITED, got {other:?}"),
        }
        assert!(limiter.check("bob", 3).await.is_ok());
    }

    #[tokio::test]
    async fn a_cost_is_at_least_one_and_at_most_the_capacity() {
        let limiter = PrincipalLimiter::new(&limits(3, 1), "test", None);
        assert!(limiter.check("alice", 0).await.is_ok());
        assert!(
            limiter.check("bob", 1_000).await.is_ok(),
            "a full bucket pays any request"
        );
        match limiter.check("bob", 1_000).await {
            Err(GatewayError::RateLimited {
                retry_after_seconds,
            }) => assert_eq!(retry_after_seconds, 3, "until the bucket is full again"),
            other => panic!("expected RATE_LIMITED, got {other:?}"),
        }
    }
}
