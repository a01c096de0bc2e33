//! What the circuit breakers count: only the backend's own faults (timeouts, connection failures,
//! 5xx). A request that could not be built, a 4xx and a cancelled call never count; one
//! operation's failures never stop another. Asserted by counting calls at a local server.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use axum::Router;
use axum::extract::{OriginalUri, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use supportgraph_adapters::AdapterError;
use supportgraph_adapters::client::{BackendClient, BackendEndpoint, MAX_URL_BYTES};
use supportgraph_adapters::eu_services::HttpEuServices;
use supportgraph_adapters::model::{InventoryChange, OrderQuery, Region};
use supportgraph_adapters::order_status::HttpOrderBackend;
use supportgraph_adapters::ports::{InventoryBackend, OrderBackend, RegistrationBackend};
use supportgraph_adapters::registration::HttpRegistrationBackend;
use supportgraph_adapters::resilience::{BreakerConfig, BreakerState, ResilienceConfig};
use supportgraph_adapters::us_inventory::HttpUsInventory;

/// A server that answers by path — `/ok` 200, `/bad` 400, `/fail` 503, `/slow` after 10 s,
/// anything else 200 `{}` — and counts every request it receives.
struct Server {
    addr: SocketAddr,
    calls: Arc<AtomicU64>,
}

impl Server {
    async fn start() -> Self {
        let calls = Arc::new(AtomicU64::new(0));
        let app = Router::new()
            .fallback(
                |State(calls): State<Arc<AtomicU64>>, OriginalUri(uri): OriginalUri| async move {
                    calls.fetch_add(1, Ordering::SeqCst);
                    match uri.path() {
                        "/bad" => (StatusCode::BAD_REQUEST, r#"{"error":"BAD"}"#).into_response(),
                        "/fail" => (StatusCode::SERVICE_UNAVAILABLE, "down").into_response(),
                        "/slow" => {
                            tokio::time::sleep(Duration::from_secs(10)).await;
                            (StatusCode::OK, "{}").into_response()
                        }
                        _ => (StatusCode::OK, "{}").into_response(),
                    }
                },
            )
            .with_state(calls.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("binds");
        let addr = listener.local_addr().expect("an address");
        tokio::spawn(async move { axum::serve(listener, app).await });
        Self { addr, calls }
    }

    fn calls(&self) -> u64 {
        self.calls.load(Ordering::SeqCst)
    }

    fn client(&self, timeout: Duration) -> BackendClient {
        client_at(&format!("http://{}/", self.addr), timeout)
    }
}

/// A client whose breakers open after 4 calls with half of them failed, and stay open a minute;
/// no retries unless a test asks.
fn client_at(base: &str, timeout: Duration) -> BackendClient {
    BackendClient::with_resilience(
        reqwest::Client::new(),
        BackendEndpoint {
            name: "test-backend".into(),
            base_url: base.parse().expect("a URL"),
            timeout,
        },
        ResilienceConfig {
            breaker: BreakerConfig {
                window: 4,
                min_calls: 4,
                failure_rate: 0.5,
                open_for: Duration::from_secs(60),
            },
            max_retries: 0,
            retry_ratio: 0.2,
            retry_backoff: Duration::from_millis(1),
        },
    )
}

async fn get(
    client: &BackendClient,
    operation: &'static str,
    path: &str,
) -> Result<(), AdapterError> {
    client
        .get_json::<serde_json::Value>(operation, path, &[])
        .await
        .map(drop)
}

#[tokio::test]
async fn requests_that_cannot_be_built_are_never_sent_retried_or_counted() {
    let server = Server::start().await;
    let client = server.client(Duration::from_secs(2));
    let huge = "9".repeat(66_000);
    for _ in 0..100 {
        let result = client
            .get_json::<serde_json::Value>("orders_by_number", "ok", &[("ids", huge.clone())])
            .await;
        assert!(
            matches!(&result, Err(AdapterError::InvalidRequest { detail, .. }) if detail.len() < 400),
            "{result:?}"
        );
    }
    let just_over = "9".repeat(MAX_URL_BYTES);
    assert!(matches!(
        client
            .get_json::<serde_json::Value>("orders_by_number", "ok", &[("ids", just_over)])
            .await,
        Err(AdapterError::InvalidRequest { .. })
    ));
    assert_eq!(server.calls(), 0, "nothing was sent");
    assert_eq!(client.breaker_state(), BreakerState::Closed);
    get(&client, "orders_by_number", "ok").await.expect("flows");
    assert_eq!(server.calls(), 1);
}

#[tokio::test]
async fn every_adapter_refuses_invalid_identifiers_before_building_a_request() {
    let server = Server::start().await;
    let orders = HttpOrderBackend::new(server.client(Duration::from_secs(2)), Region::Emea);
    let long = "1".repeat(66_000);
    for numbers in [
        vec!["244002010017,244002010018".to_owned()],
        vec!["244002010017".to_owned(), long.clone()],
        vec!["2440/02010017".to_owned()],
        vec![String::new()],
        vec!["24400\u{0}2010017".to_owned()],
    ] {
        let result = orders.orders_by_number(&numbers).await;
        assert!(
            matches!(result, Err(AdapterError::InvalidRequest { .. })),
            "{result:?}"
        );
    }
    let query = OrderQuery {
        customer_numbers: vec!["1000101,4400301".into()],
        limit: 5,
        ..OrderQuery::default()
    };
    assert!(matches!(
        orders.list_orders(&query).await,
        Err(AdapterError::InvalidRequest { .. })
    ));

    let us = HttpUsInventory::new(server.client(Duration::from_secs(2)));
    let eu = HttpEuServices::new(server.client(Duration::from_secs(2)));
    for inventory in [&us as &dyn InventoryBackend, &eu] {
        assert!(matches!(
            inventory.items(&["1000101,1000201".into()]).await,
            Err(AdapterError::InvalidRequest { .. })
        ));
        assert!(matches!(
            inventory.items_by_serial(std::slice::from_ref(&long)).await,
            Err(AdapterError::InvalidRequest { .. })
        ));
        for (customer, serial, details) in [
            ("1000101", "70101001", "a\u{0}b"),
            ("1000101", "70101001", "\u{1}"),
            ("1000101", "7010,1001", "moved"),
            ("10001/01", "70101001", "moved"),
        ] {
            let result = inventory
                .request_change(customer, serial, InventoryChange::Moved, details)
                .await;
            assert!(
                matches!(result, Err(AdapterError::InvalidRequest { .. })),
                "{customer} {serial} {details:?}: {result:?}"
            );
        }
    }

    let registration = HttpRegistrationBackend::new(server.client(Duration::from_secs(2)));
    for (customer, justification) in [("1000101", "x\u{1}"), ("1000101,1000102", "x")] {
        let result = registration
            .request_tool_authorization(
                "globex-avery",
                supportgraph_adapters::model::Tool::Invoices,
                customer,
                justification,
            )
            .await;
        assert!(
            matches!(result, Err(AdapterError::InvalidRequest { .. })),
            "{result:?}"
        );
    }
    assert_eq!(server.calls(), 0, "no request was built, none was sent");
}

#[tokio::test]
async fn a_4xx_never_opens_a_breaker() {
    let server = Server::start().await;
    let client = server.client(Duration::from_secs(2));
    for _ in 0..20 {
        assert!(matches!(
            get(&client, "lookup", "bad").await,
            Err(AdapterError::Status { status: 400, .. })
        ));
    }
    assert_eq!(
        server.calls(),
        20,
        "each reached the backend, once: no retries"
    );
    assert_eq!(client.breaker_state(), BreakerState::Closed);
}

#[tokio::test]
async fn server_errors_open_the_breaker_and_it_then_fails_fast() {
    let server = Server::start().await;
    let client = server.client(Duration::from_secs(2));
    for _ in 0..10 {
        let _ = get(&client, "lookup", "fail").await;
    }
    assert_eq!(server.calls(), 4, "open after 4 failures");
    assert_eq!(client.breaker_state(), BreakerState::Open);
    assert!(matches!(
        get(&client, "lookup", "fail").await,
        Err(AdapterError::CircuitOpen { .. })
    ));
}

#[tokio::test]
async fn connection_failures_and_timeouts_open_the_breaker() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("binds");
    let closed = listener.local_addr().expect("an address");
    drop(listener);
    let refused = client_at(&format!("http://{closed}/"), Duration::from_secs(2));
    for _ in 0..4 {
        assert!(matches!(
            get(&refused, "lookup", "ok").await,
            Err(AdapterError::Transport { .. })
        ));
    }
    assert_eq!(refused.breaker_state(), BreakerState::Open);

    let server = Server::start().await;
    let slow = server.client(Duration::from_millis(50));
    for _ in 0..4 {
        assert!(matches!(
            get(&slow, "lookup", "slow").await,
            Err(AdapterError::Timeout { .. })
        ));
    }
    assert_eq!(slow.breaker_state(), BreakerState::Open);
}

#[tokio::test]
async fn a_call_its_caller_abandons_never_counts() {
    let server = Server::start().await;
    let client = server.client(Duration::from_secs(5));
    for _ in 0..10 {
        let abandoned =
            tokio::time::timeout(Duration::from_millis(30), get(&client, "lookup", "slow")).await;
        assert!(abandoned.is_err(), "the caller gave up first");
    }
    assert_eq!(server.calls(), 10, "every call was sent");
    assert_eq!(client.breaker_state(), BreakerState::Closed);
    get(&client, "lookup", "ok").await.expect("flows");
}

#[tokio::test]
async fn one_operation_failing_leaves_the_others_flowing() {
    let server = Server::start().await;
    let client = server.client(Duration::from_secs(2));
    for _ in 0..4 {
        let _ = get(&client, "change_request", "fail").await;
    }
    get(&client, "installations", "ok")
        .await
        .expect("another operation is not stopped");
    let states: Vec<(&str, BreakerState)> = client
        .breakers()
        .iter()
        .map(|b| (b.operation, b.state))
        .collect();
    assert_eq!(
        states,
        [
            ("change_request", BreakerState::Open),
            ("installations", BreakerState::Closed)
        ]
    );
    assert!(
        client
            .breakers()
            .iter()
            .all(|b| b.backend == "test-backend")
    );
    assert_eq!(
        client.breaker_state(),
        BreakerState::Open,
        "the worst state"
    );
}
