//! The order-status instances: the list and batch calls' parameters, the translation of their
//! answers, and how a broken or absent instance is told apart.

use std::time::Duration;

use axum::http::StatusCode;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use supportgraph_adapters::AdapterError;
use supportgraph_adapters::client::{BackendClient, BackendEndpoint};
use supportgraph_adapters::model::{
    OrderFilters, OrderQuery, OrderSort, OrderSortKey, OrderStatus, ProductKind, Region, SortValue,
};
use supportgraph_adapters::order_status::HttpOrderBackend;
use supportgraph_adapters::ports::OrderBackend;

use crate::fixture_server::{FixtureServer, client, fixture, serve};
use crate::malformed::{assert_refused_for_its_reason, reasons_in};

pub async fn order_backend(
    status: StatusCode,
    body: String,
    delay: Duration,
) -> (HttpOrderBackend, FixtureServer) {
    let server = serve(status, body, delay).await;
    let backend = HttpOrderBackend::new(client(&server, "order-status/emea", 500), Region::Emea);
    (backend, server)
}

pub fn query() -> OrderQuery {
    OrderQuery {
        customer_numbers: vec!["4400201".into(), "4400202".into()],
        filters: OrderFilters {
            statuses: vec![OrderStatus::Delivered, OrderStatus::Received],
            ordered_from: NaiveDate::from_ymd_opt(2026, 1, 1),
            ..OrderFilters::default()
        },
        sort: OrderSort::default(),
        after: Some(OrderSortKey {
            sort: OrderSort::default(),
            value: SortValue::OrderDate(NaiveDate::from_ymd_opt(2026, 10, 3).expect("date")),
            order_number: "244002010020".into(),
        }),
        limit: 21,
    }
}

#[tokio::test]
async fn a_list_page_translates_into_the_model_and_sends_the_documented_parameters() {
    let (backend, server) = order_backend(
        StatusCode::OK,
        fixture("order_status/list_orders.json"),
        Duration::ZERO,
    )
    .await;
    let page = backend
        .list_orders(&query())
        .await
        .expect("the fixture is valid");

    let uri = server.uri(0);
    assert!(uri.starts_with("/order-status/emea/v1/orders?"), "{uri}");
    for part in [
        "customers=4400201%2C4400202",
        "limit=21",
        "status=DLV%2CRCV",
        "from=2026-01-01",
        "afterKey=2026-10-03%7E244002010020",
    ] {
        assert!(uri.contains(part), "{part} in {uri}");
    }

    assert_eq!(page.total_count, 50);
    assert_eq!(page.orders.len(), 2);
    let order = &page.orders[0];
    assert_eq!(order.order_number, "244002010017");
    assert_eq!(order.region, Region::Emea);
    assert_eq!(order.status, OrderStatus::Delivered);
    assert_eq!(
        order.order_date,
        NaiveDate::from_ymd_opt(2026, 10, 2).expect("date")
    );
    assert_eq!(order.status_history.len(), 4);
    assert_eq!(order.lines[1].kind, ProductKind::Software);
    assert_eq!(order.lines[1].unit_price.amount, Decimal::new(327_520, 2));
    assert_eq!(order.lines[1].unit_price.currency, "EUR");
    // 2 x 44620.00 + 32 x 3275.20
    assert_eq!(order.total().amount, Decimal::new(19_404_640, 2));
    assert_eq!(order.shipments[0].tracking_number, "GE 123456789 WW/01");
    assert_eq!(page.orders[1].purchase_order_number, None);
}

#[tokio::test]
async fn a_batch_lookup_sends_the_ids_and_translates_partial_shipments() {
    let server = serve(
        StatusCode::OK,
        fixture("order_status/batch.json"),
        Duration::ZERO,
    )
    .await;
    let backend = HttpOrderBackend::new(
        client(&server, "order-status/americas", 500),
        Region::Americas,
    );
    let orders = backend
        .orders_by_number(&["110001010001".into(), "110001010002".into()])
        .await
        .expect("valid");
    assert!(
        server
            .uri(0)
            .ends_with("/v1/orders/batch?ids=110001010001%2C110001010002")
    );
    assert_eq!(orders.len(), 1);
    assert_eq!(orders[0].status, OrderStatus::PartiallyShipped);
    assert_eq!(orders[0].shipments[0].delivered_on, None);
}

#[tokio::test]
async fn malformed_payloads_give_a_decode_error_for_that_backend() {
    for reason in reasons_in("order_status") {
        let (backend, _server) =
            order_backend(StatusCode::OK, fixture(&reason.fixture), Duration::ZERO).await;
        let result = backend.list_orders(&query()).await;
        assert_refused_for_its_reason(&reason, "order-status/emea", result);
    }
    let (backend, _server) =
        order_backend(StatusCode::OK, "<html>oops</html>".into(), Duration::ZERO).await;
    assert!(matches!(
        backend.list_orders(&query()).await,
        Err(AdapterError::Decode { .. })
    ));
}

#[tokio::test]
async fn orders_not_asked_for_or_more_than_asked_for_break_the_contract() {
    let mut other_customer = query();
    other_customer.customer_numbers = vec!["4400202".into()];
    let mut one_order = query();
    one_order.limit = 1;
    for q in [other_customer, one_order] {
        let (backend, _server) = order_backend(
            StatusCode::OK,
            fixture("order_status/list_orders.json"),
            Duration::ZERO,
        )
        .await;
        assert!(
            matches!(
                backend.list_orders(&q).await,
                Err(AdapterError::Decode { .. })
            ),
            "{q:?}"
        );
    }
}

#[tokio::test]
async fn http_errors_timeouts_and_refused_connections_are_told_apart() {
    let (backend, _server) =
        order_backend(StatusCode::SERVICE_UNAVAILABLE, "{}".into(), Duration::ZERO).await;
    assert_eq!(
        backend.list_orders(&query()).await,
        Err(AdapterError::Status {
            backend: "order-status/emea".into(),
            status: 503
        })
    );

    let (slow, _server) = order_backend(
        StatusCode::OK,
        fixture("order_status/list_orders.json"),
        Duration::from_secs(3),
    )
    .await;
    assert!(matches!(
        slow.list_orders(&query()).await,
        Err(AdapterError::Timeout {
            timeout_ms: 500,
            ..
        })
    ));

    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("binds");
    let closed = listener.local_addr().expect("addr");
    drop(listener);
    let nowhere = HttpOrderBackend::new(
        BackendClient::new(
            reqwest::Client::new(),
            BackendEndpoint {
                name: "order-status/ap".into(),
                base_url: format!("http://{closed}/").parse().expect("url"),
                timeout: Duration::from_millis(500),
            },
        ),
        Region::Ap,
    );
    assert!(matches!(
        nowhere.list_orders(&query()).await,
        Err(AdapterError::Transport { .. })
    ));
}
