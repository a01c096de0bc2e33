//! Where `Idempotency-Key` records live: Redis when configured (so every gateway instance sees
//! them), else a store of this process's own — never the general cache, whose entries may be
//! evicted under load.
//!
//! A key is first *claimed*: a **lease** (`SET NX PX`, or its in-process equivalent) holding a
//! pending marker with a token of its own, so two requests with one key — on one instance or two —
//! can never both run the mutation. The lease is short (the backend's timeout plus a margin, chosen
//! by the caller) and lapses by itself, so a gateway that died mid-mutation blocks the key for
//! seconds, not for the record's lifetime. The holder renews it when the write starts, then stores
//! the outcome for the full TTL, or releases the claim when the mutation failed so a retry can run.
//! Renewing and releasing act only on the holder's own lease (compared by token), so a holder
//! whose lease lapsed can never take away the claim of the request that took over.
//!
//! Records carry their own format version, independent of the cache's. The pending marker grew a
//! token (`pending:<token>`) without a version bump: a bare `pending` (an older instance's claim)
//! still reads as a claim in progress, and it lapses after that instance's own 60 s.

use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime};

use crate::hashing::{sha256_hex, short_sha256_hex};
use moka::Expiry;
use moka::ops::compute::{CompResult, Op};

use super::RedisTier;

/// The records' own format version: bump it only when the record layout changes.
const RECORD_VERSION: u32 = 1;

/// What every pending marker starts with; a record is JSON, so it never does.
const PENDING: &str = "pending";

/// Extends the holder's lease (or takes the key back when it lapsed and nobody else took it).
const RENEW: &str = r"
local v = redis.call('GET', KEYS[1])
if v == ARGV[1] or not v then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0";

/// Stores a record unless a record is already there: the first answer stays the answer.
const COMPLETE: &str = r"
local v = redis.call('GET', KEYS[1])
if v and string.sub(v, 1, 7) ~= 'pending' then
  return 0
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1";

/// Deletes the holder's own claim, nothing else.
const RELEASE: &str = r"
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0";

/// What claiming a key found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claim {
    /// The key is ours for the lease: run the mutation, then complete or release.
    Reserved(Lease),
    /// Another request with this key finished; its record.
    Done(String),
    /// Another request with this key holds a lease on it.
    InProgress,
    /// The store cannot be reached; running the mutation now could run it twice.
    Unavailable,
}

/// A claim on one record key, held until it is completed, released or lapses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lease {
    record_key: String,
    /// The pending marker: `pending:<token>`, unique to this claim.
    marker: String,
}

impl Lease {
    /// The record key this lease is on.
    pub fn record_key(&self) -> &str {
        &self.record_key
    }
}

/// What renewing a lease found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Renewal {
    /// The lease is ours until the new deadline.
    Renewed,
    /// The lease lapsed and another request holds the key (or finished).
    Lost,
    /// The store cannot be reached.
    Unavailable,
}

#[derive(Clone)]
enum Slot {
    Pending { marker: Arc<str>, until: Instant },
    Done(Arc<str>),
}

/// In-process slots live until their lease ends (pending) or for the record TTL (done).
struct SlotExpiry {
    ttl: Duration,
}

impl SlotExpiry {
    fn lifetime(&self, slot: &Slot, now: Instant) -> Option<Duration> {
        Some(match slot {
            Slot::Pending { until, .. } => until.saturating_duration_since(now),
            Slot::Done(_) => self.ttl,
        })
    }
}

impl Expiry<String, Slot> for SlotExpiry {
    fn expire_after_create(&self, _key: &String, slot: &Slot, now: Instant) -> Option<Duration> {
        self.lifetime(slot, now)
    }

    fn expire_after_update(
        &self,
        _key: &String,
        slot: &Slot,
        now: Instant,
        _current: Option<Duration>,
    ) -> Option<Duration> {
        self.lifetime(slot, now)
    }
}

/// The idempotency records.
pub struct IdempotencyStore {
    prefix: String,
    ttl: Duration,
    redis: Option<Arc<RedisTier>>,
    local: moka::sync::Cache<String, Slot>,
}

impl IdempotencyStore {
    /// Records kept for `ttl`, in `redis` when given.
    pub fn new(prefix: &str, ttl: Duration, redis: Option<Arc<RedisTier>>) -> Self {
        Self {
            prefix: prefix.to_owned(),
            ttl,
            redis,
            local: moka::sync::Cache::builder()
                .expire_after(SlotExpiry { ttl })
                .max_capacity(1_000_000)
                .build(),
        }
    }

    /// The record key of one user's key for one operation (hashed: keys are client-chosen text).
    pub fn record_key(&self, user_id: &str, operation: &str, key: &str) -> String {
        let hex = sha256_hex(format!("{user_id}\n{operation}\n{key}"));
        format!("{}:idem{RECORD_VERSION}:{hex}", self.prefix)
    }

    /// Claims `record_key` for `lease` (after which the claim lapses unless renewed or
    /// completed), or reports who has it.
    pub async fn claim(&self, record_key: &str, lease: Duration) -> Claim {
        let mine = Lease {
            record_key: record_key.to_owned(),
            marker: format!("{PENDING}:{}", token()),
        };
        let Some(redis) = &self.redis else {
            let now = Instant::now();
            let marker: Arc<str> = mine.marker.as_str().into();
            let result = self
                .local
                .entry(record_key.to_owned())
                .and_compute_with(|current| match current.map(|e| e.into_value()) {
                    Some(Slot::Done(_)) => Op::Nop,
                    Some(Slot::Pending { until, .. }) if until > now => Op::Nop,
                    _ => Op::Put(Slot::Pending {
                        marker,
                        until: now + lease,
                    }),
                });
            return match result {
                CompResult::Inserted(_) | CompResult::ReplacedWith(_) => Claim::Reserved(mine),
                CompResult::Unchanged(entry) => match entry.into_value() {
                    Slot::Pending { .. } => Claim::InProgress,
                    Slot::Done(record) => Claim::Done(record.to_string()),
                },
                CompResult::StillNone(_) | CompResult::Removed(_) => Claim::InProgress,
            };
        };
        for _ in 0..2 {
            let mut set = redis::cmd("SET");
            set.arg(record_key)
                .arg(&mine.marker)
                .arg("NX")
                .arg("PX")
                .arg(millis(lease));
            match redis.run::<Option<String>>(set).await {
                None => return Claim::Unavailable,
                Some(Some(_)) => return Claim::Reserved(mine),
                Some(None) => {}
            }
            let mut get = redis::cmd("GET");
            get.arg(record_key);
            match redis.run::<Option<String>>(get).await {
                None => return Claim::Unavailable,
                Some(Some(value)) if value.starts_with(PENDING) => return Claim::InProgress,
                Some(Some(record)) => return Claim::Done(record),
                // The claim lapsed between the two commands: try again.
                Some(None) => {}
            }
        }
        Claim::InProgress
    }

    /// Extends `lease` to `period` from now, if it is still ours (or lapsed with nobody else
    /// on the key).
    pub async fn renew(&self, lease: &Lease, period: Duration) -> Renewal {
        let Some(redis) = &self.redis else {
            let until = Instant::now() + period;
            let result = self
                .local
                .entry(lease.record_key.clone())
                .and_compute_with(|current| match current.map(|e| e.into_value()) {
                    Some(Slot::Pending { marker, .. }) if *marker == *lease.marker => {
                        Op::Put(Slot::Pending { marker, until })
                    }
                    None => Op::Put(Slot::Pending {
                        marker: lease.marker.as_str().into(),
                        until,
                    }),
                    Some(_) => Op::Nop,
                });
            return match result {
                CompResult::Inserted(_) | CompResult::ReplacedWith(_) => Renewal::Renewed,
                _ => Renewal::Lost,
            };
        };
        let mut renew = redis::cmd("EVAL");
        renew
            .arg(RENEW)
            .arg(1)
            .arg(&lease.record_key)
            .arg(&lease.marker)
            .arg(millis(period));
        match redis.run::<i64>(renew).await {
            None => Renewal::Unavailable,
            Some(1) => Renewal::Renewed,
            Some(_) => Renewal::Lost,
        }
    }

    /// Stores the outcome of the mutation that holds `lease`, for the record TTL — unless a
    /// record is already there (a lease that lapsed mid-mutation and a retry that finished
    /// first: the first answer stays).
    pub async fn complete(&self, lease: &Lease, record: String) {
        let Some(redis) = &self.redis else {
            let record: Arc<str> = record.into();
            self.local
                .entry(lease.record_key.clone())
                .and_compute_with(|current| match current.map(|e| e.into_value()) {
                    Some(Slot::Done(_)) => Op::Nop,
                    _ => Op::Put(Slot::Done(record)),
                });
            return;
        };
        let mut complete = redis::cmd("EVAL");
        complete
            .arg(COMPLETE)
            .arg(1)
            .arg(&lease.record_key)
            .arg(record)
            .arg(millis(self.ttl));
        if redis.run::<i64>(complete).await.is_none() {
            tracing::warn!(
                "an idempotency record could not be stored; a retry may run again after the claim lapses"
            );
        }
    }

    /// Gives `lease` up after a failed mutation, so a retry runs it; a lease that already
    /// lapsed (and maybe went to another request) is left alone.
    pub async fn release(&self, lease: &Lease) {
        let Some(redis) = &self.redis else {
            self.local
                .entry(lease.record_key.clone())
                .and_compute_with(|current| match current.map(|e| e.into_value()) {
                    Some(Slot::Pending { marker, .. }) if *marker == *lease.marker => Op::Remove,
                    _ => Op::Nop,
                });
            return;
        };
        let mut release = redis::cmd("EVAL");
        release
            .arg(RELEASE)
            .arg(1)
            .arg(&lease.record_key)
            .arg(&lease.marker);
        let _: Option<i64> = redis.run(release).await;
    }
}

fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis())
        .unwrap_or(u64::MAX)
        .max(1)
}

/// A token no other claim has, on this instance or another: a counter, the time, the process
/// and a random seed, hashed.
fn token() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let count = COUNTER.fetch_add(1, Ordering::Relaxed);
    let nanos = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let seed = RandomState::new().hash_one(count);
    short_sha256_hex(format!("{}:{count}:{nanos}:{seed}", std::process::id()), 16)
}
