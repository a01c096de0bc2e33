//! The shared tier: Redis (one server or a cluster), behind short timeouts and a breaker of its
//! own. Every failure is swallowed here — logged, counted, reported to `/readyz` — because no
//! request may fail because of the cache; callers just see a miss.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use redis::aio::ConnectionManager;
use redis::cluster::ClusterClient;
use redis::cluster_async::ClusterConnection;
use redis::{Cmd, FromRedisValue};
use tokio::sync::OnceCell;

use crate::settings::RedisSettings;

/// How the shared tier is doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RedisHealth {
    /// The last operation succeeded.
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

struct BreakerState {
    consecutive_failures: u32,
    open_until: Option<Instant>,
}

/// A Redis connection with timeouts and a breaker.
pub struct RedisTier {
    connection: Connection,
    op_timeout: Duration,
    failures_to_open: u32,
    open_for: Duration,
    breaker: Mutex<BreakerState>,
}

/// The shared tier could not be set up from its settings.
#[derive(Debug, thiserror::Error)]
#[error("redis.url: {0}")]
pub struct RedisConfigError(String);

impl RedisTier {
    /// A tier for `url`; connects lazily, so a Redis that is down at start-up is not an error.
    pub fn new(url: &str, settings: &RedisSettings) -> Result<Self, RedisConfigError> {
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
        Ok(Self {
            connection,
            op_timeout,
            failures_to_open: settings.breaker_failures.max(1),
            open_for: Duration::from_millis(settings.breaker_open_ms),
            breaker: Mutex::new(BreakerState {
                consecutive_failures: 0,
                open_until: None,
            }),
        })
    }

    fn breaker(&self) -> std::sync::MutexGuard<'_, BreakerState> {
        self.breaker
            .lock()
            .expect("the Redis breaker is never poisoned: no code panics holding it")
    }

    /// Whether this is a Redis Cluster (multi-key commands must stay within one slot there).
    pub fn is_cluster(&self) -> bool {
        matches!(self.connection, Connection::Cluster(_))
    }

    /// Where the tier stands, for `/readyz`.
    pub fn health(&self) -> RedisHealth {
        let breaker = self.breaker();
        if breaker.consecutive_failures > 0 || breaker.open_until.is_some() {
            RedisHealth::Degraded
        } else {
            RedisHealth::Ok
        }
    }

    fn allowed(&self) -> bool {
        let breaker = self.breaker();
        breaker
            .open_until
            .is_none_or(|until| Instant::now() >= until)
    }

    fn record(&self, ok: bool) {
        let mut breaker = self.breaker();
        if ok {
            if breaker.consecutive_failures > 0 || breaker.open_until.is_some() {
                tracing::info!("Redis answers again: the shared cache tier is back");
            }
            breaker.consecutive_failures = 0;
            breaker.open_until = None;
        } else {
            breaker.consecutive_failures = breaker.consecutive_failures.saturating_add(1);
            if breaker.consecutive_failures >= self.failures_to_open {
                if breaker
                    .open_until
                    .is_none_or(|until| Instant::now() >= until)
                {
                    tracing::warn!(
                        "Redis keeps failing: skipping the shared cache tier for a while"
                    );
                }
                breaker.open_until = Some(Instant::now() + self.open_for);
            }
        }
    }

    /// Runs one command, or `None` when Redis is skipped, failing or slow.
    pub async fn run<T: FromRedisValue>(&self, command: Cmd) -> Option<T> {
        if !self.allowed() {
            return None;
        }
        let outcome = tokio::time::timeout(self.op_timeout, self.query(command)).await;
        match outcome {
            Ok(Ok(value)) => {
                self.record(true);
                Some(value)
            }
            Ok(Err(error)) => {
                tracing::debug!(%error, "Redis command failed");
                self.record(false);
                None
            }
            Err(_) => {
                tracing::debug!("Redis command timed out");
                self.record(false);
                None
            }
        }
    }

    async fn query<T: FromRedisValue>(&self, command: Cmd) -> redis::RedisResult<T> {
        match &self.connection {
            Connection::Single(manager) => command.query_async(&mut manager.clone()).await,
            Connection::Cluster(cluster) => {
                let connection = cluster
                    .connection
                    .get_or_try_init(|| cluster.client.get_async_connection())
                    .await?;
                command.query_async(&mut connection.clone()).await
            }
        }
    }
}
