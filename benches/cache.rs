//! What one cache lookup costs: a hit in the in-process tier (alone, and with Redis configured,
//! where the namespace versions are read from Redis), a hit in Redis (the in-process tier
//! disabled, as a second gateway instance sees it), and a miss that loads and stores a value.
//!
//! The value is a realistic page: 20 demo orders. Redis comes from `REDIS_URL` (default
//! `redis://127.0.0.1:6379`); without it the Redis benches are skipped.
//! Run: `cargo bench --bench cache`.

// Tests drive the sandbox and real HTTP clients directly; the boundary lint is for the gateway.
#![allow(clippy::disallowed_types, clippy::disallowed_methods)]

use std::convert::Infallible;
use std::hint::black_box;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use supportgraph::cache::{Cache, CacheKey};
use supportgraph::settings::{CacheSettings, RedisSettings};
use supportgraph_adapters::client::{BackendClient, BackendEndpoint};
use supportgraph_adapters::model::{Order, OrderQuery, Region};
use supportgraph_adapters::order_status::HttpOrderBackend;
use supportgraph_adapters::ports::OrderBackend;
use supportgraph_adapters::sandbox::identity::IdentityConfig;
use supportgraph_adapters::sandbox::{self, SandboxConfig};

/// A real page of 20 orders, fetched through the order-status adapter from the sandbox.
async fn page() -> Vec<Order> {
    let identity = IdentityConfig {
        issuer: "bench".into(),
        audience: "bench".into(),
        token_ttl_seconds: 60,
        signing_key_pem: std::fs::read_to_string("config/sandbox-identity-dev-key.pem")
            .expect("the development key"),
        key_id: "bench".into(),
    };
    let config = SandboxConfig {
        seed: 20261127,
        faults: Default::default(),
        identity,
        auto_approve_after: None,
        extra_orders: 0,
    };
    let sandbox = sandbox::start(config, "127.0.0.1:0".parse().expect("an address"))
        .await
        .expect("the sandbox starts");
    let endpoint = BackendEndpoint {
        name: "order-status/emea".into(),
        base_url: sandbox.base_url("order-status/emea"),
        timeout: Duration::from_secs(5),
    };
    let backend = HttpOrderBackend::new(
        BackendClient::new(reqwest::Client::new(), endpoint),
        Region::Emea,
    );
    let query = OrderQuery {
        customer_numbers: vec!["4400201".into(), "4900301".into()],
        limit: 20,
        ..OrderQuery::default()
    };
    backend.list_orders(&query).await.expect("a page").orders
}

fn settings(max_entries: u64, url: Option<String>) -> (CacheSettings, RedisSettings) {
    (
        CacheSettings {
            max_entries,
            profile_ttl_seconds: 15,
            orders_ttl_seconds: 20,
            inventory_ttl_seconds: 60,
            idempotency_ttl_seconds: 86_400,
        },
        RedisSettings {
            url,
            cluster: false,
            key_prefix: format!("sgbench-{}", std::process::id()),
            op_timeout_ms: 50,
            connect_timeout_ms: 200,
            breaker_failures: 3,
            probe_interval_ms: 1_000,
        },
    )
}

fn key(arguments: String) -> CacheKey {
    CacheKey::new(
        "order-status/emea",
        "list_orders",
        arguments,
        vec!["4400201".into(), "4900301".into()],
        Vec::new(),
        Duration::from_secs(60),
    )
}

fn bench(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    // The Redis connection manager spawns its task on construction: build caches inside it.
    let _inside = runtime.enter();
    let value = runtime.block_on(page());
    assert_eq!(value.len(), 20);
    let redis_url = std::env::var("REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".into());

    let (cache_settings, redis_settings) = settings(10_000, None);
    let local = Cache::new(&cache_settings, &redis_settings).expect("a cache");
    let hit = key("hit".into());
    runtime
        .block_on(local.get_or_load(&hit, async { Ok::<_, Infallible>(value.clone()) }))
        .ok();
    c.bench_function("cache hit, in-process tier", |b| {
        b.to_async(&runtime).iter(|| async {
            let found: Result<Vec<Order>, Infallible> = local
                .get_or_load(&hit, async { unreachable!("a hit never loads") })
                .await;
            black_box(found)
        })
    });

    let counter = AtomicU64::new(0);
    c.bench_function("cache miss, in-process tier (load and store)", |b| {
        b.to_async(&runtime).iter(|| async {
            let miss = key(counter.fetch_add(1, Ordering::Relaxed).to_string());
            black_box(
                local
                    .get_or_load(&miss, async { Ok::<_, Infallible>(value.clone()) })
                    .await,
            )
        })
    });

    let (cache_settings, redis_settings) = settings(10_000, Some(redis_url.clone()));
    let both = Cache::new(&cache_settings, &redis_settings).expect("a cache");
    let mut namespaced = key("namespaced".into());
    namespaced.namespaces = vec![
        supportgraph::cache::Namespace::new("orders", "4400201"),
        supportgraph::cache::Namespace::new("orders", "4900301"),
    ];
    runtime
        .block_on(both.get_or_load(&namespaced, async { Ok::<_, Infallible>(value.clone()) }))
        .ok();
    let redis_up = both.health() != supportgraph::cache::CacheHealth::Degraded;
    if redis_up {
        c.bench_function(
            "cache hit, in-process tier with Redis (namespace versions from Redis)",
            |b| {
                b.to_async(&runtime).iter(|| async {
                    let found: Result<Vec<Order>, Infallible> = both
                        .get_or_load(&namespaced, async { unreachable!("a hit never loads") })
                        .await;
                    black_box(found)
                })
            },
        );
    }

    let (cache_settings, redis_settings) = settings(0, Some(redis_url));
    let shared = Cache::new(&cache_settings, &redis_settings).expect("a cache");
    runtime
        .block_on(shared.get_or_load(&hit, async { Ok::<_, Infallible>(value.clone()) }))
        .ok();
    if shared.health() != supportgraph::cache::CacheHealth::Ok {
        eprintln!("skipping the Redis benches: Redis does not answer");
        return;
    }
    c.bench_function("cache hit, Redis tier", |b| {
        b.to_async(&runtime).iter(|| async {
            let found: Result<Vec<Order>, Infallible> = shared
                .get_or_load(&hit, async { unreachable!("a hit never loads") })
                .await;
            black_box(found)
        })
    });
    c.bench_function("cache miss, Redis tier (load and store)", |b| {
        b.to_async(&runtime).iter(|| async {
            let miss = key(format!("r{}", counter.fetch_add(1, Ordering::Relaxed)));
            black_box(
                shared
                    .get_or_load(&miss, async { Ok::<_, Infallible>(value.clone()) })
                    .await,
            )
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
