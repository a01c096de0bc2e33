//! The shared tier: Redis (one server or a cluster), behind short timeouts and a breaker of its
//! own. Every failure is swallowed here — logged, reported to `/readyz` — because no request may
//! fail because of the cache; callers just see a miss.
//!
//! A background probe PINGs Redis every `redis.probe_interval_ms`: it keeps readiness current
//! without traffic, establishes connections outside the request path, and is the only thing that
//! closes an open breaker — so while Redis is down no request waits on it. Namespace bumps that
//! could not be written are queued and replayed by the probe once Redis answers again.

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

use redis::aio::ConnectionManager;
use redis::cluster::ClusterClient;
use redis::cluster_async::ClusterConnection;
use redis::{Cmd, FromRedisValue};
use tokio::sync::OnceCell;

use crate::settings::RedisSettings;

/// How the shared tier is doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RedisHealth {
    /// Redis answers.
    Ok,
    /// Redis is failing or slow; the cache falls through to the backends.
    Degraded,
}

enum Connection {
    Single(ConnectionManager),
    Cluster(Box<Cluster>),
}

struct Cluster {
    client: ClusterClient,
    connection: OnceCell<ClusterConnection>,
}

#[derive(Default)]
struct State {
    consecutive_failures: u32,
    open: bool,
    last_probe_failed: bool,
    /// Namespace keys whose bump must still reach Redis.
    queued_bumps: BTreeSet<String>,
}

/// A Redis connection with timeouts, a breaker and a health probe.
pub struct RedisTier {
    connection: Connection,
    op_timeout: Duration,
    connect_timeout: Duration,
    failures_to_open: u32,
    state: Mutex<State>,
}

/// The shared tier could not be set up from its settings.
#[derive(Debug, thiserror::Error)]
#[error("redis.url: {0}")]
pub struct RedisConfigError(String);

impl RedisTier {
    /// A tier for `url`, with its probe running. Connects lazily, so a Redis that is down at
    /// start-up is not an error. Call within a Tokio runtime.
    pub fn start(url: &str, settings: &RedisSettings) -> Result<Arc<Self>, RedisConfigError> {
        let op_timeout = Duration::from_millis(settings.op_timeout_ms);
        let connect_timeout = Duration::from_millis(settings.connect_timeout_ms);
        let connection = if settings.cluster {
            let nodes: Vec<&str> = url.split(',').map(str::trim).collect();
            let client = redis::cluster::ClusterClientBuilder::new(nodes)
                .connection_timeout(connect_timeout)
                .response_timeout(op_timeout)
                .build()
                .map_err(|e| RedisConfigError(e.to_string()))?;
            Connection::Cluster(Box::new(Cluster {
                client,
                connection: OnceCell::new(),
            }))
        } else {
            let client = redis::Client::open(url).map_err(|e| RedisConfigError(e.to_string()))?;
            let config = redis::aio::ConnectionManagerConfig::new()
                .set_connection_timeout(Some(connect_timeout))
                .set_response_timeout(Some(op_timeout))
                .set_number_of_retries(1)
                .set_max_delay(Duration::from_millis(200));
            let manager = ConnectionManager::new_lazy_with_config(client, config)
                .map_err(|e| RedisConfigError(e.to_string()))?;
            Connection::Single(manager)
        };
        let tier = Arc::new(Self {
            connection,
            op_timeout,
            connect_timeout,
            failures_to_open: settings.breaker_failures.max(1),
            state: Mutex::new(State::default()),
        });
        let interval = Duration::from_millis(settings.probe_interval_ms.max(10));
        tokio::spawn(probe(Arc::downgrade(&tier), interval));
        Ok(tier)
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state
            .lock()
            .expect("the Redis state is never poisoned: no code panics holding it")
    }

    /// Whether this is a Redis Cluster (multi-key commands must stay within one slot there).
    pub fn is_cluster(&self) -> bool {
        matches!(self.connection, Connection::Cluster(_))
    }

    /// Where the tier stands, for `/readyz`.
    pub fn health(&self) -> RedisHealth {
        let state = self.state();
        if state.open || state.last_probe_failed || state.consecutive_failures > 0 {
            RedisHealth::Degraded
        } else {
            RedisHealth::Ok
        }
    }

    /// Whether requests may use Redis now (the breaker is closed).
    pub fn available(&self) -> bool {
        !self.state().open
    }

    fn record(&self, ok: bool) {
        let mut state = self.state();
        if ok {
            state.consecutive_failures = 0;
        } else {
            state.consecutive_failures = state.consecutive_failures.saturating_add(1);
            if state.consecutive_failures >= self.failures_to_open && !state.open {
                tracing::warn!(
                    "Redis keeps failing: skipping the shared cache tier until it answers"
                );
                state.open = true;
            }
        }
    }

    /// Runs one command, or `None` when Redis is skipped, failing or slow.
    pub async fn run<T: FromRedisValue>(&self, command: Cmd) -> Option<T> {
        if !self.available() {
            return None;
        }
        let outcome = self.execute(command).await;
        self.record(outcome.is_some());
        outcome
    }

    async fn execute<T: FromRedisValue>(&self, command: Cmd) -> Option<T> {
        let result = match &self.connection {
            Connection::Single(manager) => {
                let mut manager = manager.clone();
                let call = async move { command.query_async(&mut manager).await };
                tokio::time::timeout(self.op_timeout, call).await
            }
            Connection::Cluster(cluster) => {
                // Connecting may take longer than one command may: bound it by its own timeout.
                let connect = cluster
                    .connection
                    .get_or_try_init(|| cluster.client.get_async_connection());
                let connection = match tokio::time::timeout(self.connect_timeout, connect).await {
                    Ok(Ok(connection)) => connection.clone(),
                    Ok(Err(error)) => {
                        tracing::debug!(%error, "cannot connect to the Redis cluster");
                        return None;
                    }
                    Err(_) => return None,
                };
                let call = async move { command.query_async(&mut connection.clone()).await };
                tokio::time::timeout(self.op_timeout, call).await
            }
        };
        match result {
            Ok(Ok(value)) => Some(value),
            Ok(Err(error)) => {
                tracing::debug!(%error, "Redis command failed");
                None
            }
            Err(_) => {
                tracing::debug!("Redis command timed out");
                None
            }
        }
    }

    /// Increments a namespace version; when Redis cannot take it now, queues it for the probe to
    /// replay, so other gateways stop serving the namespace's old entries once Redis is back.
    pub async fn bump(&self, key: &str, ttl_seconds: u64) {
        let mut incr = redis::cmd("INCR");
        incr.arg(key);
        if self.run::<u64>(incr).await.is_some() {
            let mut expire = redis::cmd("EXPIRE");
            expire.arg(key).arg(ttl_seconds);
            let _: Option<i64> = self.run(expire).await;
        } else {
            tracing::warn!(%key, "could not bump a namespace in Redis: queued until Redis answers");
            self.state().queued_bumps.insert(key.to_owned());
        }
    }

    async fn replay_bumps(&self) {
        let queued: Vec<String> = std::mem::take(&mut self.state().queued_bumps)
            .into_iter()
            .collect();
        for key in queued {
            let mut incr = redis::cmd("INCR");
            incr.arg(&key);
            if self.execute::<u64>(incr).await.is_none() {
                self.state().queued_bumps.insert(key);
            } else {
                tracing::info!(%key, "replayed a queued namespace bump");
            }
        }
    }
}

/// PINGs Redis forever (until the tier is dropped), closing the breaker when it answers.
async fn probe(tier: Weak<RedisTier>, interval: Duration) {
    loop {
        let Some(tier) = tier.upgrade() else { return };
        let ok = tier.execute::<String>(redis::cmd("PING")).await.is_some();
        if ok {
            tier.replay_bumps().await;
        }
        {
            let mut state = tier.state();
            if ok && state.open {
                tracing::info!("Redis answers again: the shared cache tier is back");
            }
            state.last_probe_failed = !ok;
            if ok {
                state.open = false;
                state.consecutive_failures = 0;
            }
        }
        drop(tier);
        tokio::time::sleep(interval).await;
    }
}
