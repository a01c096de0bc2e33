//! The gateway's own CPU per GraphQL operation: the operations of the load scenario
//! (`benches/load/run`), each run in-process through the steps `http::graphql::run` takes once
//! the token is verified — admit (parse and the document limits, unless admitted before), the
//! rate limit, the request's data, execute (validation and the resolvers), the error
//! normalisation and the JSON body — over ports that answer from the sandbox's demo data without
//! a socket (`support/fixed_ports.rs`). No HTTP, no JSON from a backend, no simulator: the time
//! is the gateway's, so a change to it shows here first, while the load scenario tells what a
//! client sees.
//!
//! Every operation runs with the orders cache off (`cache.orders_ttl_seconds = 0`, as the load
//! scenario's "cache off") and warm (a TTL longer than the run, so every iteration hits; the
//! other caches as shipped in both). A client sends the same few documents again and again, so
//! the gateway has admitted (parsed, walked, validated) each one before; "new document" sends a
//! text it has never seen each time (a comment with a counter), which is the price of the first
//! request of a document. Each operation is checked once before it is measured: it must answer
//! data and no errors, so an error path can never pass for the operation.
//!
//! Run: `cargo bench --bench operations` (`-- --warm-up-time 1 --measurement-time 3` for a quick
//! look).

// Executing the schema from outside the library lays its resolver futures out here, deeper than
// the default limit.
#![recursion_limit = "256"]

use std::hint::black_box;
use std::net::{IpAddr, Ipv4Addr};
use std::sync::Arc;

use async_graphql::{Request, Variables};
use criterion::{Criterion, criterion_group, criterion_main};
use serde_json::{Value, json};
use supportgraph::app::App;
use supportgraph::auth::{Caller, Principal};
use supportgraph::graphql::limits::{admit, response_cap};
use supportgraph::graphql::{AppSchema, errors, request_data};
use supportgraph::settings::Settings;
use supportgraph::startup::assemble_app;
use tokio::runtime::Runtime;

#[path = "support/fixed_ports.rs"]
mod fixed_ports;

/// The order fields the load scenario asks for.
const ORDER_FIELDS: &str = "orderNumber status orderDate total { amount currency }";

/// A company with two US customer numbers: one region.
const ONE_REGION_USER: &str = "northwind-jordan";
/// A company with customer numbers in the US, Spain, Germany, France and Japan: three regions.
const THREE_REGION_USER: &str = "globex-avery";

/// One operation of the load scenario, as a user sends it.
struct Operation {
    name: &'static str,
    user: &'static str,
    query: String,
    /// Run once before measuring, to fill the variables from its answer (the search's cursor).
    prepare: Option<fn(&Value) -> Variables>,
}

fn operations() -> Vec<Operation> {
    let orders = format!("{{ orders(first: 20) {{ edges {{ node {{ {ORDER_FIELDS} }} }} }} }}");
    let dashboard = "query Dashboard { me { userId name country features tools { tool customerNumber status } } \
         orders(first: 10) { totalCount pageInfo { hasNextPage endCursor } \
         excludedCustomers { customerNumber reason } \
         edges { node { id orderNumber customerNumber region orderDate status \
         total { amount currency } shipments { carrierName trackingNumber trackingUrl } } } } \
         inventory(first: 10) { totalCount edges { node { serialNumber customerNumber } } } }";
    let search = format!(
        "query Search($after: String) {{ \
         orders(filter: {{statuses: [DELIVERED], orderedFrom: \"2025-01-01\"}}, first: 20, after: $after) \
         {{ pageInfo {{ hasNextPage endCursor }} edges {{ node {{ {ORDER_FIELDS} }} }} }} }}"
    );
    vec![
        Operation {
            name: "orders(first: 20), one region",
            user: ONE_REGION_USER,
            query: orders.clone(),
            prepare: None,
        },
        Operation {
            name: "orders(first: 20), three regions",
            user: THREE_REGION_USER,
            query: orders,
            prepare: None,
        },
        Operation {
            name: "dashboard, three regions",
            user: THREE_REGION_USER,
            query: dashboard.to_owned(),
            prepare: None,
        },
        Operation {
            name: "paged search, second page",
            user: ONE_REGION_USER,
            query: search,
            prepare: Some(second_page),
        },
    ]
}

/// The variables of the search's second page: the first page's end cursor as `$after`.
fn second_page(first_page: &Value) -> Variables {
    let page_info = &first_page["data"]["orders"]["pageInfo"];
    assert_eq!(
        page_info["hasNextPage"], true,
        "the search has a second page: {first_page}"
    );
    let cursor = page_info["endCursor"].clone();
    Variables::from_json(json!({ "after": cursor }))
}

/// How the orders cache is set for a run.
#[derive(Clone, Copy)]
enum OrdersCache {
    /// `orders_ttl_seconds = 0`: every page is asked of the port.
    Off,
    /// The cache holds every page asked for the whole run.
    Warm,
}

impl OrdersCache {
    fn label(self) -> &'static str {
        match self {
            Self::Off => "cache off",
            Self::Warm => "cache warm",
        }
    }
}

/// A gateway's shared state and schema over the fixed ports.
struct Gateway {
    app: Arc<App>,
    schema: AppSchema,
}

impl Gateway {
    fn new(runtime: &Runtime, cache: OrdersCache) -> Self {
        let mut settings = Settings::load_without_env(None).expect("the shipped settings load");
        // Never fetched: no token is verified here.
        settings.auth.jwks_url = Some(
            "http://127.0.0.1:9/.well-known/jwks.json"
                .parse()
                .expect("a valid URL"),
        );
        settings.redis.url = None;
        settings.graphiql.prefill_demo_token = false;
        // Many requests from one user are the point here, as in the load scenario.
        settings.limits.rate_burst = 100_000_000;
        settings.limits.rate_per_second = 100_000_000;
        settings.cache.orders_ttl_seconds = match cache {
            OrdersCache::Off => 0,
            // Longer than any run, so no page expires while measuring.
            OrdersCache::Warm => 3_600,
        };
        let backends = fixed_ports::backends(settings.sandbox.seed);
        let _runtime = runtime.enter();
        let app = assemble_app(settings, backends).expect("the gateway assembles");
        let schema = supportgraph::graphql::build(app.clone());
        Self { app, schema }
    }

    /// What `http::graphql::run` does with a JSON request from a verified `user`, up to the
    /// answer's body.
    async fn run(&self, user: &str, query: &str, variables: &Variables) -> String {
        let mut request = Request::new(query).variables(variables.clone());
        let limits = self.app.document_limits.snapshot();
        let estimate = admit(&limits, &self.app.admitted_documents, &mut request)
            .expect("the document is admitted");
        let principal = Principal {
            user_id: user.to_owned(),
            expires_at: u64::MAX,
        };
        let caller = Caller::authenticated(principal, IpAddr::V4(Ipv4Addr::LOCALHOST));
        self.app
            .rate_limits
            .check(user, estimate.backend_calls.max(1))
            .await
            .expect("within the rate limit");
        let (request, _budget) = request_data(
            &self.app,
            request,
            caller,
            estimate,
            limits.max_backend_calls,
        );
        let mut response = self.schema.execute(request).await;
        if let Some(too_large) = response_cap::exceeded(&response.errors) {
            panic!("the answer is over the size cap: {too_large:?}");
        }
        errors::normalise(&mut response);
        serde_json::to_string(&response).expect("the answer serialises")
    }

    /// Runs `operation` once, checking it answers data and no errors; answers the variables to
    /// measure it with.
    fn check(&self, runtime: &Runtime, operation: &Operation) -> Variables {
        let once = |variables: &Variables| {
            let body = runtime.block_on(self.run(operation.user, &operation.query, variables));
            let answer: Value = serde_json::from_str(&body).expect("the answer is JSON");
            assert!(
                answer.get("errors").is_none() && answer["data"].is_object(),
                "{} answered errors (or no data): {answer:#}",
                operation.name
            );
            answer
        };
        let variables = match operation.prepare {
            Some(prepare) => prepare(&once(&Variables::default())),
            None => Variables::default(),
        };
        once(&variables);
        variables
    }
}

fn bench_operations(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let operations = operations();
    for cache in [OrdersCache::Off, OrdersCache::Warm] {
        let gateway = Gateway::new(&runtime, cache);
        let checked: Vec<(&Operation, Variables)> = operations
            .iter()
            .map(|operation| (operation, gateway.check(&runtime, operation)))
            .collect();
        let gateway = &gateway;
        let mut group = c.benchmark_group(format!("operations/{}", cache.label()));
        for (operation, variables) in &checked {
            group.bench_function(operation.name, |b| {
                b.to_async(&runtime).iter(|| async move {
                    black_box(
                        gateway
                            .run(operation.user, &operation.query, variables)
                            .await,
                    )
                })
            });
        }
        group.finish();
        if let OrdersCache::Warm = cache {
            continue;
        }
        // A text never seen before, each time: parsed, walked, validated and kept again.
        let mut group = c.benchmark_group(format!("operations/{}, new document", cache.label()));
        for (operation, variables) in &checked {
            let mut sent = 0_u64;
            group.bench_function(operation.name, |b| {
                b.to_async(&runtime).iter(|| {
                    sent += 1;
                    let text = format!("{}\n# {sent}", operation.query);
                    async move { black_box(gateway.run(operation.user, &text, variables).await) }
                })
            });
        }
        group.finish();
    }
}

criterion_group!(benches, bench_operations);
criterion_main!(benches);
