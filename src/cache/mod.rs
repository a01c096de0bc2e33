//! The two-tier cache: an in-process tier (moka) in front of a shared Redis tier.
//!
//! - Keys ([`CacheKey`]) carry the backend, operation, arguments, the caller's authorised scope
//!   and the versions of the namespaces the value depends on; see [`key`].
//! - Concurrent misses for one key make one backend call (the in-process tier's single flight).
//! - A mutation bumps the namespaces it changes ([`Cache::invalidate`]); the version lives in
//!   Redis, so every gateway sharing it stops serving the old entries at once.
//! - Without `redis.url` the in-process tier serves alone. With Redis failing or slow, calls fall
//!   through to the backends and `/readyz` says `degraded`; no request fails because of the cache.
//!   While the namespace versions cannot be read from Redis, namespaced values bypass the cache
//!   altogether rather than risk serving what another gateway has invalidated.
//! - With Redis configured, even an in-process hit reads its namespace versions from Redis (one
//!   `MGET`): that round trip is the price of invalidation reaching every instance at once.
//! - Each lookup is a `cache` span (exported with the request's trace) and counts in
//!   `supportgraph_cache_lookups_total` by tier and result ([`crate::telemetry::metrics`]).

pub mod idempotency;
pub mod key;
mod redis_tier;

use std::any::Any;
use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use moka::Expiry;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use tracing::{Instrument, Span};

pub use idempotency::{Claim, IdempotencyStore};
pub use key::{CacheKey, Namespace};
pub use redis_tier::{RedisConfigError, RedisHealth, RedisTier};

use crate::hashing::MapHasher;
use crate::settings::{CacheSettings, RedisSettings};
use crate::telemetry::metrics::{self, Lookup, Tier};

/// How long a namespace's version is kept in Redis; longer than any entry lives.
const NAMESPACE_VERSION_TTL_SECONDS: u64 = 7 * 24 * 3600;

#[derive(Clone)]
struct Entry {
    value: Arc<dyn Any + Send + Sync>,
    ttl: Duration,
}

/// Each in-process entry lives as long as its own TTL.
struct PerEntryTtl;

impl Expiry<String, Entry> for PerEntryTtl {
    fn expire_after_create(&self, _key: &String, entry: &Entry, _now: Instant) -> Option<Duration> {
        Some(entry.ttl)
    }
}

/// What Redis holds: the value and when it stops being valid, so an instance that picks it up
/// late keeps it only for the time it has left.
#[derive(Serialize, Deserialize)]
struct Envelope<T> {
    expires_at_ms: i64,
    value: T,
}

/// How the cache is doing, for `/readyz`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CacheHealth {
    /// In-process tier only (no `redis.url`).
    LocalOnly,
    /// Both tiers working.
    Ok,
    /// Redis failing or slow: requests fall through to the backends.
    Degraded,
}

/// The gateway's cache.
pub struct Cache {
    prefix: String,
    local: moka::future::Cache<String, Entry, MapHasher>,
    local_versions: Mutex<HashMap<String, u64>>,
    redis: Option<Arc<RedisTier>>,
}

impl Cache {
    /// A cache with the in-process tier, plus Redis when `redis.url` is set. Call it within a
    /// Tokio runtime: the Redis connection and its probe are tasks spawned here.
    pub fn new(cache: &CacheSettings, redis: &RedisSettings) -> Result<Self, RedisConfigError> {
        let tier = match redis.url.as_deref().filter(|u| !u.is_empty()) {
            Some(url) => Some(RedisTier::start(url, redis)?),
            None => None,
        };
        Ok(Self {
            prefix: redis.key_prefix.clone(),
            local: moka::future::Cache::builder()
                .max_capacity(cache.max_entries)
                .expire_after(PerEntryTtl)
                .build_with_hasher(MapHasher::default()),
            local_versions: Mutex::new(HashMap::new()),
            redis: tier,
        })
    }

    /// The shared tier, when configured (the idempotency store keeps its records there).
    pub fn shared_tier(&self) -> Option<Arc<RedisTier>> {
        self.redis.clone()
    }

    /// The prefix of every key this cache writes.
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// Where the cache stands.
    pub fn health(&self) -> CacheHealth {
        match &self.redis {
            None => CacheHealth::LocalOnly,
            Some(redis) if redis.health() == RedisHealth::Ok => CacheHealth::Ok,
            Some(_) => CacheHealth::Degraded,
        }
    }

    /// The cached value for `key`, or the result of `load` — which is then cached in both tiers.
    /// Concurrent calls for one key share one `load`. Errors are never cached. A zero TTL
    /// bypasses the cache.
    ///
    /// The value is a copy of the cached one; [`get_or_load_shared`](Self::get_or_load_shared)
    /// hands out the cached value itself.
    pub async fn get_or_load<T, E, F>(&self, key: &CacheKey, load: F) -> Result<T, E>
    where
        T: Serialize + DeserializeOwned + Clone + Send + Sync + 'static,
        E: Clone + Send + Sync + 'static,
        F: Future<Output = Result<T, E>>,
    {
        self.get_or_load_shared(key, load)
            .await
            .map(Arc::unwrap_or_clone)
    }

    /// [`get_or_load`](Self::get_or_load), sharing the value with the cache instead of copying
    /// it: a page of orders is read by reference and only what a request keeps is copied. With
    /// a zero TTL (or the cache bypassed) the caller is the value's only holder, so
    /// `Arc::try_unwrap` takes it without a copy.
    pub async fn get_or_load_shared<T, E, F>(&self, key: &CacheKey, load: F) -> Result<Arc<T>, E>
    where
        T: Serialize + DeserializeOwned + Send + Sync + 'static,
        E: Clone + Send + Sync + 'static,
        F: Future<Output = Result<T, E>>,
    {
        if key.ttl.is_zero() {
            return load.await.map(Arc::new);
        }
        let span = tracing::info_span!(
            "cache",
            otel.kind = "internal",
            otel.name = "cache",
            cache.backend = %key.backend,
            cache.operation = key.operation,
            cache.result = tracing::field::Empty,
        );
        self.lookup(key, load, &span).instrument(span.clone()).await
    }

    /// [`get_or_load_shared`](Self::get_or_load_shared) past the zero TTL, noting what each
    /// tier found in `span` and the cache metrics.
    async fn lookup<T, E, F>(&self, key: &CacheKey, load: F, span: &Span) -> Result<Arc<T>, E>
    where
        T: Serialize + DeserializeOwned + Send + Sync + 'static,
        E: Clone + Send + Sync + 'static,
        F: Future<Output = Result<T, E>>,
    {
        let Some(full) = self.render::<T>(key).await else {
            metrics::cache_lookup(Tier::Redis, Lookup::Bypass);
            span.record("cache.result", "bypass");
            return load.await.map(Arc::new);
        };
        let mut missed = false;
        let entry = self
            .local
            .try_get_with(full.clone(), async {
                missed = true;
                metrics::cache_lookup(Tier::Memory, Lookup::Miss);
                if let Some((value, ttl)) = self.shared_get::<T>(&full).await {
                    span.record("cache.result", "redis_hit");
                    return Ok(Entry {
                        value: Arc::new(value),
                        ttl,
                    });
                }
                span.record("cache.result", "miss");
                let value = load.await?;
                self.shared_set(&full, &value, key.ttl).await;
                Ok(Entry {
                    value: Arc::new(value),
                    ttl: key.ttl,
                })
            })
            .await
            .map_err(|shared: Arc<E>| (*shared).clone())?;
        if !missed {
            // Found, or loaded by a concurrent lookup of the same key this one waited for.
            metrics::cache_lookup(Tier::Memory, Lookup::Hit);
            span.record("cache.result", "memory_hit");
        }
        Ok(Arc::downcast::<T>(entry.value)
            .expect("a rendered key includes its value's type, so an entry always has that type"))
    }

    /// Makes every entry of `namespace` unreachable, in every gateway sharing the Redis.
    pub async fn invalidate(&self, namespace: &Namespace) {
        let key = key::namespace_key(&self.prefix, namespace);
        *self
            .local_versions
            .lock()
            .expect("the version map is never poisoned: no code panics holding it")
            .entry(key.clone())
            .or_insert(0) += 1;
        if let Some(redis) = &self.redis {
            redis.bump(&key, NAMESPACE_VERSION_TTL_SECONDS).await;
        }
    }

    /// The key's text, or `None` when its namespace versions cannot be read (Redis configured but
    /// failing): the value must then bypass the cache.
    async fn render<T>(&self, key: &CacheKey) -> Option<String> {
        let versions = self.versions(&key.namespaces).await?;
        Some(key.render(&self.prefix, std::any::type_name::<T>(), &versions))
    }

    async fn versions(&self, namespaces: &[Namespace]) -> Option<Vec<u64>> {
        if namespaces.is_empty() {
            return Some(Vec::new());
        }
        let keys: Vec<String> = namespaces
            .iter()
            .map(|n| key::namespace_key(&self.prefix, n))
            .collect();
        if let Some(redis) = &self.redis {
            return Self::shared_versions(redis, &keys).await;
        }
        let local = self
            .local_versions
            .lock()
            .expect("the version map is never poisoned: no code panics holding it");
        Some(
            keys.iter()
                .map(|k| local.get(k).copied().unwrap_or(0))
                .collect(),
        )
    }

    /// The versions in Redis: one `MGET`, or in a cluster (where the keys live in different
    /// slots) one `GET` each, concurrently. A namespace without a version gets a random one
    /// (`SET NX`), so entries written before its version key was lost can never be read again.
    /// `None` if any read failed.
    async fn shared_versions(redis: &RedisTier, keys: &[String]) -> Option<Vec<u64>> {
        let found: Vec<Option<u64>> = if redis.is_cluster() {
            let reads = keys.iter().map(|key| {
                let mut get = redis::cmd("GET");
                get.arg(key);
                redis.run::<Option<u64>>(get)
            });
            futures::future::join_all(reads)
                .await
                .into_iter()
                .collect::<Option<Vec<_>>>()?
        } else {
            let mut mget = redis::cmd("MGET");
            for key in keys {
                mget.arg(key);
            }
            redis.run::<Vec<Option<u64>>>(mget).await?
        };
        let mut versions = Vec::with_capacity(keys.len());
        for (key, version) in keys.iter().zip(found) {
            let version = match version {
                Some(version) => version,
                None => {
                    let fresh = random_base(key);
                    let mut set = redis::cmd("SET");
                    set.arg(key)
                        .arg(fresh)
                        .arg("NX")
                        .arg("GET")
                        .arg("EX")
                        .arg(NAMESPACE_VERSION_TTL_SECONDS);
                    let previous: Option<u64> = redis.run::<Option<u64>>(set).await?;
                    previous.unwrap_or(fresh)
                }
            };
            versions.push(version);
        }
        Some(versions)
    }

    async fn shared_get<T: DeserializeOwned>(&self, key: &str) -> Option<(T, Duration)> {
        let redis = self.redis.as_ref()?;
        let mut get = redis::cmd("GET");
        get.arg(key);
        let Some(found) = redis.run::<Option<Vec<u8>>>(get).await else {
            metrics::cache_lookup(Tier::Redis, Lookup::Error);
            return None;
        };
        let Some(bytes) = found else {
            metrics::cache_lookup(Tier::Redis, Lookup::Miss);
            return None;
        };
        match serde_json::from_slice::<Envelope<T>>(&bytes) {
            Ok(envelope) => {
                let left = envelope.expires_at_ms - chrono::Utc::now().timestamp_millis();
                let fresh =
                    (left > 0).then(|| (envelope.value, Duration::from_millis(left as u64)));
                let lookup = if fresh.is_some() {
                    Lookup::Hit
                } else {
                    Lookup::Miss
                };
                metrics::cache_lookup(Tier::Redis, lookup);
                fresh
            }
            Err(error) => {
                metrics::cache_lookup(Tier::Redis, Lookup::Error);
                tracing::warn!(%error, %key, "unreadable shared cache entry ignored");
                None
            }
        }
    }

    async fn shared_set<T: Serialize>(&self, key: &str, value: &T, ttl: Duration) {
        let Some(redis) = &self.redis else { return };
        let envelope = Envelope {
            expires_at_ms: chrono::Utc::now().timestamp_millis() + ttl.as_millis() as i64,
            value,
        };
        let bytes = match serde_json::to_vec(&envelope) {
            Ok(bytes) => bytes,
            Err(error) => {
                tracing::error!(%error, %key, "a value could not be serialised for the shared cache");
                return;
            }
        };
        let mut set = redis::cmd("SET");
        set.arg(key)
            .arg(bytes)
            .arg("PX")
            .arg(ttl.as_millis().max(1) as u64);
        let _: Option<()> = redis.run(set).await;
    }
}

/// A starting version that no earlier life of the namespace used: the clock's nanoseconds mixed
/// with the key (in the upper half of the range, far from small counters).
fn random_base(key: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    key.hash(&mut hasher);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64);
    // Bits 62 and below only, bit 62 set: Redis INCR works on signed 64-bit integers.
    ((hasher.finish() ^ nanos) & ((1 << 62) - 1)) | (1 << 62)
}
