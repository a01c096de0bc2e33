//! Where `Idempotency-Key` records live: Redis when configured (so every gateway instance sees
//! them), else a store of this process's own — never the general cache, whose entries may be
//! evicted under load.
//!
//! A key is first *claimed* with `SET NX` (a short-lived "pending" marker), so two requests with
//! one key — on one instance or two — can never both run the mutation; the winner then stores the
//! outcome for the full TTL, or releases the claim when the mutation failed so a retry can run.
//! Records carry their own format version, independent of the cache's.

use std::sync::Arc;
use std::time::Duration;

use sha2::{Digest, Sha256};

use super::RedisTier;

/// The records' own format version: bump it only when the record layout changes.
const RECORD_VERSION: u32 = 1;

/// How long a claim may stay pending before it lapses (a gateway that died mid-mutation must not
/// block the key for a day).
const PENDING_FOR: Duration = Duration::from_secs(60);

const PENDING: &str = "pending";

/// What claiming a key found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claim {
    /// The key is ours: run the mutation, then complete or release.
    Reserved,
    /// Another request with this key finished; its record.
    Done(String),
    /// Another request with this key is still running.
    InProgress,
    /// The store cannot be reached; running the mutation now could run it twice.
    Unavailable,
}

#[derive(Clone)]
enum Slot {
    Pending,
    Done(Arc<str>),
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
                .time_to_live(ttl)
                .max_capacity(1_000_000)
                .build(),
        }
    }

    /// The record key of one user's key for one operation (hashed: keys are client-chosen text).
    pub fn record_key(&self, user_id: &str, operation: &str, key: &str) -> String {
        let digest = Sha256::digest(format!("{user_id}\n{operation}\n{key}"));
        let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
        format!("{}:idem{RECORD_VERSION}:{hex}", self.prefix)
    }

    /// Claims `record_key`, or reports who has it.
    pub async fn claim(&self, record_key: &str) -> Claim {
        let Some(redis) = &self.redis else {
            let entry = self
                .local
                .entry(record_key.to_owned())
                .or_insert_with(|| Slot::Pending);
            if entry.is_fresh() {
                return Claim::Reserved;
            }
            return match entry.into_value() {
                Slot::Pending => Claim::InProgress,
                Slot::Done(record) => Claim::Done(record.to_string()),
            };
        };
        for _ in 0..2 {
            let mut set = redis::cmd("SET");
            set.arg(record_key)
                .arg(PENDING)
                .arg("NX")
                .arg("PX")
                .arg(PENDING_FOR.as_millis() as u64);
            match redis.run::<Option<String>>(set).await {
                None => return Claim::Unavailable,
                Some(Some(_)) => return Claim::Reserved,
                Some(None) => {}
            }
            let mut get = redis::cmd("GET");
            get.arg(record_key);
            match redis.run::<Option<String>>(get).await {
                None => return Claim::Unavailable,
                Some(Some(value)) if value == PENDING => return Claim::InProgress,
                Some(Some(record)) => return Claim::Done(record),
                // The claim lapsed between the two commands: try again.
                Some(None) => {}
            }
        }
        Claim::InProgress
    }

    /// Stores the outcome of the mutation that holds the claim.
    pub async fn complete(&self, record_key: &str, record: String) {
        match &self.redis {
            None => self
                .local
                .insert(record_key.to_owned(), Slot::Done(record.into())),
            Some(redis) => {
                let mut set = redis::cmd("SET");
                set.arg(record_key)
                    .arg(record)
                    .arg("PX")
                    .arg(self.ttl.as_millis() as u64);
                if redis.run::<String>(set).await.is_none() {
                    tracing::warn!(
                        "an idempotency record could not be stored; a retry may run again after the claim lapses"
                    );
                }
            }
        }
    }

    /// Gives the claim up after a failed mutation, so a retry runs it.
    pub async fn release(&self, record_key: &str) {
        match &self.redis {
            None => self.local.invalidate(record_key),
            Some(redis) => {
                let mut del = redis::cmd("DEL");
                del.arg(record_key);
                let _: Option<i64> = redis.run(del).await;
            }
        }
    }
}
