//! The adapters against their documented contracts: each fixture in `fixtures/` is served over
//! real HTTP and the adapter's translation checked; malformed payloads must give a clean error.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::{OriginalUri, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use supportgraph_adapters::AdapterError;
use supportgraph_adapters::client::{BackendClient, BackendEndpoint};
use supportgraph_adapters::eu_services::HttpEuServices;
use supportgraph_adapters::model::{
    AuthorizationRefusal, AuthorizationStatus, InventoryChange, InventoryRefusal, InventorySource,
    OrderQuery, OrderSortKey, OrderStatus, ProductKind, Region, Tool,
};
use supportgraph_adapters::order_status::HttpOrderBackend;
use supportgraph_adapters::ports::{InventoryBackend, OrderBackend, RegistrationBackend};
use supportgraph_adapters::registration::HttpRegistrationBackend;
use supportgraph_adapters::us_inventory::HttpUsInventory;

/// A one-route server answering every request with `status` and `body` after `delay`, recording
/// the request URIs it saw.
struct FixtureServer {
    addr: SocketAddr,
    seen: Arc<Mutex<Vec<String>>>,
}

/// What the fixture server answers: the log of URIs, then status, body and delay.
type Fixture = (Arc<Mutex<Vec<String>>>, StatusCode, String, Duration);

async fn serve(status: StatusCode, body: String, delay: Duration) -> FixtureServer {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let state = (seen.clone(), status, body, delay);
    let app = Router::new().fallback(
        |State((seen, status, body, delay)): State<Fixture>,
         OriginalUri(uri): OriginalUri| async move {
            seen.lock().expect("lock").push(uri.to_string());
            tokio::time::sleep(delay).await;
            (status, [("content-type", "application/json")], body).into_response()
        },
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("binds");
    let addr = listener.local_addr().expect("an address");
    tokio::spawn(async move { axum::serve(listener, app.with_state(state)).await });
    FixtureServer { addr, seen }
}

fn fixture(path: &str) -> String {
    std::fs::read_to_string(format!("fixtures/{path}")).expect("the fixture exists")
}

fn client(server: &FixtureServer, name: &str, timeout_ms: u64) -> BackendClient {
    BackendClient::new(
        reqwest::Client::new(),
        BackendEndpoint {
            name: name.to_owned(),
            base_url: format!("http://{}/{name}", server.addr)
                .parse()
                .expect("a URL"),
            timeout: Duration::from_millis(timeout_ms),
        },
    )
}

async fn order_backend(
    status: StatusCode,
    body: String,
    delay: Duration,
) -> (HttpOrderBackend, FixtureServer) {
    let server = serve(status, body, delay).await;
    let backend = HttpOrderBackend::new(client(&server, "order-status/emea", 500), Region::Emea);
    (backend, server)
}

fn query() -> OrderQuery {
    OrderQuery {
        customer_numbers: vec!["4400201".into(), "4400202".into()],
        statuses: vec![OrderStatus::Delivered, OrderStatus::Received],
        ordered_from: NaiveDate::from_ymd_opt(2026, 1, 1),
        ordered_to: None,
        after: Some(OrderSortKey {
            order_date: NaiveDate::from_ymd_opt(2026, 10, 3).expect("date"),
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

    let uri = server.seen.lock().expect("lock")[0].clone();
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
        server.seen.lock().expect("lock")[0]
            .ends_with("/v1/orders/batch?ids=110001010001%2C110001010002")
    );
    assert_eq!(orders.len(), 1);
    assert_eq!(orders[0].status, OrderStatus::PartiallyShipped);
    assert_eq!(orders[0].shipments[0].delivered_on, None);
}

#[tokio::test]
async fn malformed_payloads_give_a_decode_error_for_that_backend() {
    for name in [
        "malformed_unknown_status",
        "malformed_bad_date",
        "malformed_bad_currency",
        "malformed_overflowing_amounts",
    ] {
        let (backend, _server) = order_backend(
            StatusCode::OK,
            fixture(&format!("order_status/{name}.json")),
            Duration::ZERO,
        )
        .await;
        match backend.list_orders(&query()).await {
            Err(AdapterError::Decode { backend, .. }) => assert_eq!(backend, "order-status/emea"),
            other => panic!("{name}: expected a decode error, got {other:?}"),
        }
    }
    let (backend, _server) =
        order_backend(StatusCode::OK, "<html>oops</html>".into(), Duration::ZERO).await;
    assert!(matches!(
        backend.list_orders(&query()).await,
        Err(AdapterError::Decode { .. })
    ));
}

#[tokio::test]
async fn orders_of_a_customer_number_not_asked_for_break_the_contract() {
    let mut q = query();
    q.customer_numbers = vec!["4400202".into()];
    let (backend, _server) = order_backend(
        StatusCode::OK,
        fixture("order_status/list_orders.json"),
        Duration::ZERO,
    )
    .await;
    assert!(matches!(
        backend.list_orders(&q).await,
        Err(AdapterError::Decode { .. })
    ));
}

#[tokio::test]
async fn a_page_longer_than_asked_for_breaks_the_contract() {
    let mut q = query();
    q.limit = 1;
    let (backend, _server) = order_backend(
        StatusCode::OK,
        fixture("order_status/list_orders.json"),
        Duration::ZERO,
    )
    .await;
    assert!(matches!(
        backend.list_orders(&q).await,
        Err(AdapterError::Decode { .. })
    ));
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

#[tokio::test]
async fn the_registration_profile_translates_and_an_unknown_user_is_none() {
    let server = serve(
        StatusCode::OK,
        fixture("registration/user.json"),
        Duration::ZERO,
    )
    .await;
    let registration = HttpRegistrationBackend::new(client(&server, "registration", 500));
    let profile = registration
        .user_profile("globex-avery")
        .await
        .expect("valid")
        .expect("registered");
    assert_eq!(profile.company_name, "Globex Industrial Group");
    assert_eq!(profile.customers.len(), 2);
    assert_eq!(profile.customers[1].country, "ES");
    assert_eq!(profile.address.postal_code, "60606");
    assert_eq!(
        profile.authorization(Tool::OrderStatus, "1000101"),
        AuthorizationStatus::Authorized
    );
    assert_eq!(
        profile.authorization(Tool::OrderStatus, "4400201"),
        AuthorizationStatus::Pending
    );
    assert_eq!(
        profile.authorization(Tool::Invoices, "4400201"),
        AuthorizationStatus::Denied
    );
    assert_eq!(
        profile.authorization(Tool::Contracts, "1000101"),
        AuthorizationStatus::NotRequested
    );
    // The backend answered for another user than asked: a contract violation, not their data.
    assert!(matches!(
        registration.user_profile("someone-else").await,
        Err(AdapterError::Decode { .. })
    ));

    let missing = serve(StatusCode::NOT_FOUND, "{}".into(), Duration::ZERO).await;
    let registration = HttpRegistrationBackend::new(client(&missing, "registration", 500));
    assert_eq!(registration.user_profile("nobody").await, Ok(None));
}

#[tokio::test]
async fn an_authorisation_request_posts_its_body_and_reads_pending_or_a_refusal() {
    let server = serve(
        StatusCode::CREATED,
        fixture("registration/authorization_pending.json"),
        Duration::ZERO,
    )
    .await;
    let registration = HttpRegistrationBackend::new(client(&server, "registration", 500));
    let answer = registration
        .request_tool_authorization("globex-avery", Tool::Invoices, "1000101", "month-end close")
        .await
        .expect("valid")
        .expect("accepted");
    assert_eq!(answer.status, AuthorizationStatus::Pending);
    assert!(
        server.seen.lock().expect("lock")[0]
            .ends_with("/v1/users/globex-avery/tool-authorizations")
    );

    let refused = serve(
        StatusCode::UNPROCESSABLE_ENTITY,
        fixture("registration/refusal_not_company_customer.json"),
        Duration::ZERO,
    )
    .await;
    let registration = HttpRegistrationBackend::new(client(&refused, "registration", 500));
    assert_eq!(
        registration
            .request_tool_authorization("globex-avery", Tool::Invoices, "9999999", "x")
            .await,
        Ok(Err(AuthorizationRefusal::NotCompanyCustomer))
    );

    let malformed = serve(
        StatusCode::CREATED,
        fixture("registration/malformed_unknown_status.json"),
        Duration::ZERO,
    )
    .await;
    let registration = HttpRegistrationBackend::new(client(&malformed, "registration", 500));
    assert!(matches!(
        registration
            .request_tool_authorization("globex-avery", Tool::Invoices, "1000101", "x")
            .await,
        Err(AdapterError::Decode { .. })
    ));
}

#[tokio::test]
async fn a_user_id_is_percent_encoded_as_one_path_segment() {
    let server = serve(StatusCode::NOT_FOUND, "{}".into(), Duration::ZERO).await;
    let registration = HttpRegistrationBackend::new(client(&server, "registration", 500));
    assert_eq!(registration.user_profile("a b/../c?d").await, Ok(None));
    let seen = server.seen.lock().expect("lock")[0].clone();
    assert!(seen.ends_with("/v1/users/a%20b%2F%2E%2E%2Fc%3Fd"), "{seen}");
}

fn us_inventory(server: &FixtureServer) -> HttpUsInventory {
    HttpUsInventory::new(client(server, "us-inventory-online", 500))
}

#[tokio::test]
async fn us_inventory_records_translate_dates_cents_and_categories() {
    let server = serve(
        StatusCode::OK,
        fixture("us_inventory/inventory.json"),
        Duration::ZERO,
    )
    .await;
    let items = us_inventory(&server)
        .items(&["1000101".into(), "1000102".into()])
        .await
        .expect("the fixture is valid");
    assert!(
        server.seen.lock().expect("lock")[0]
            .ends_with("/v1/inventory?customerNumbers=1000101%2C1000102")
    );
    assert_eq!(items.len(), 2);
    let server_item = &items[0];
    assert_eq!(server_item.kind, ProductKind::Hardware);
    assert_eq!(server_item.source, InventorySource::UsInventoryOnline);
    assert_eq!(server_item.region, Region::Americas);
    assert_eq!(
        server_item.installed_on,
        NaiveDate::from_ymd_opt(2024, 3, 15)
    );
    let lease = server_item.lease.as_ref().expect("leased");
    assert_eq!(lease.monthly_amount.amount, Decimal::new(125_050, 2));
    assert_eq!(lease.monthly_amount.currency, "USD");
    assert_eq!(
        lease.ends_on,
        NaiveDate::from_ymd_opt(2027, 6, 30).expect("date")
    );
    let maintenance = server_item.maintenance.as_ref().expect("covered");
    assert_eq!(
        maintenance.ends_on,
        NaiveDate::from_ymd_opt(2026, 12, 31).expect("date")
    );
    assert_eq!(
        server_item
            .location
            .as_ref()
            .map(|l| l.postal_code.as_str()),
        Some("60606")
    );
    assert!(server_item.service_level.is_none() && server_item.configuration.is_empty());
    let licence = &items[1];
    assert_eq!(licence.kind, ProductKind::Software);
    assert!(
        licence.location.is_none() && licence.lease.is_none() && licence.installed_on.is_none()
    );
}

#[tokio::test]
async fn malformed_us_inventory_payloads_are_refused_cleanly() {
    for name in [
        "malformed_iso_date",
        "malformed_unknown_category",
        "malformed_negative_amount",
        "malformed_missing_serial",
        "malformed_half_a_site",
    ] {
        let server = serve(
            StatusCode::OK,
            fixture(&format!("us_inventory/{name}.json")),
            Duration::ZERO,
        )
        .await;
        match us_inventory(&server).items(&["1000101".into()]).await {
            Err(AdapterError::Decode { backend, .. }) => assert_eq!(backend, "us-inventory-online"),
            other => panic!("{name}: expected a decode error, got {other:?}"),
        }
    }
    let server = serve(
        StatusCode::OK,
        fixture("us_inventory/inventory.json"),
        Duration::ZERO,
    )
    .await;
    assert!(
        matches!(
            us_inventory(&server).items(&["1000102".into()]).await,
            Err(AdapterError::Decode { .. })
        ),
        "records of a customer number not asked for break the contract"
    );
}

#[tokio::test]
async fn a_us_inventory_update_request_posts_and_reads_the_receipt() {
    let server = serve(
        StatusCode::CREATED,
        fixture("us_inventory/receipt.json"),
        Duration::ZERO,
    )
    .await;
    let receipt = us_inventory(&server)
        .request_change(
            "1000101",
            "70101001",
            InventoryChange::Moved,
            "to the Dallas DR site",
        )
        .await
        .expect("answered")
        .expect("accepted");
    assert_eq!(receipt.request_id, "IOL-000042");
    assert_eq!(receipt.change, InventoryChange::Moved);
    assert_eq!(
        receipt.received_on,
        NaiveDate::from_ymd_opt(2026, 11, 20).expect("date")
    );
    assert!(server.seen.lock().expect("lock")[0].ends_with("/v1/inventory/update-requests"));
}

fn eu_services(server: &FixtureServer) -> HttpEuServices {
    HttpEuServices::new(client(server, "eu-services-assistant", 500))
}

async fn serve_xml(status: StatusCode, name: &str) -> FixtureServer {
    serve(
        status,
        fixture(&format!("eu_services/{name}")),
        Duration::ZERO,
    )
    .await
}

#[tokio::test]
async fn the_services_assistant_groups_machines_by_location_with_contracts_and_configuration() {
    let server = serve_xml(StatusCode::OK, "installed_base.xml").await;
    let items = eu_services(&server)
        .items(&["4900301".into()])
        .await
        .expect("valid XML");
    assert!(server.seen.lock().expect("lock")[0].ends_with("/v1/installations?customers=4900301"));
    assert_eq!(items.len(), 2);
    let machine = &items[0];
    assert_eq!(machine.source, InventorySource::EuServicesAssistant);
    assert_eq!(machine.region, Region::Emea);
    assert_eq!(machine.country, "DE");
    assert_eq!(
        machine.location.as_ref().map(|l| l.city.as_str()),
        Some("Frankfurt am Main")
    );
    assert_eq!(machine.contract_number.as_deref(), Some("DE-SA-10042"));
    let level = machine.service_level.as_ref().expect("a service level");
    assert_eq!((level.name.as_str(), level.response_hours), ("Premium", 4));
    assert_eq!(machine.configuration.len(), 2);
    assert_eq!(machine.configuration[1].quantity, 8);
    assert!(
        machine.lease.is_none(),
        "the Services Assistant knows no leases"
    );
    let licence = &items[1];
    assert_eq!(licence.kind, ProductKind::Software);
    assert!(licence.contract_number.is_none() && licence.installed_on.is_none());
}

#[tokio::test]
async fn the_same_machine_from_each_region_normalises_to_the_same_values() {
    let us = serve(
        StatusCode::OK,
        fixture("us_inventory/inventory.json"),
        Duration::ZERO,
    )
    .await;
    let eu = serve_xml(StatusCode::OK, "installed_base.xml").await;
    let from_us = us_inventory(&us)
        .items(&["1000101".into()])
        .await
        .expect("valid")
        .remove(0);
    let from_eu = eu_services(&eu)
        .items(&["4900301".into()])
        .await
        .expect("valid")
        .remove(0);
    // Everything describing the machine itself must agree. What legitimately differs is where
    // and how each region keeps it: source, region, customer number, location, the maintenance
    // wording, lease (US only), contract, service level and configuration (Europe only).
    assert_eq!(from_us.serial_number, from_eu.serial_number);
    assert_eq!(from_us.kind, from_eu.kind);
    assert_eq!(from_us.machine_type, from_eu.machine_type);
    assert_eq!(from_us.model, from_eu.model);
    assert_eq!(from_us.description, from_eu.description);
    assert_eq!(
        from_us.installed_on, from_eu.installed_on,
        "03/15/2024 and 15.03.2024 are one day"
    );
    assert_eq!(
        from_us.maintenance.as_ref().map(|m| m.ends_on),
        from_eu.maintenance.as_ref().map(|m| m.ends_on),
        "12/31/2026 and 31.12.2026 are one day"
    );
    assert_ne!(from_us.source, from_eu.source);
}

#[tokio::test]
async fn malformed_services_assistant_payloads_are_refused_cleanly() {
    for name in [
        "malformed_not_xml.xml",
        "malformed_us_date.xml",
        "malformed_unknown_kind.xml",
        "malformed_missing_serial.xml",
        "malformed_bad_country.xml",
        "malformed_wrong_root.xml",
    ] {
        let server = serve_xml(StatusCode::OK, name).await;
        match eu_services(&server).items(&["4900301".into()]).await {
            Err(AdapterError::Decode { backend, .. }) => {
                assert_eq!(backend, "eu-services-assistant")
            }
            other => panic!("{name}: expected a decode error, got {other:?}"),
        }
    }
    let server = serve_xml(StatusCode::OK, "installed_base.xml").await;
    assert!(
        matches!(
            eu_services(&server).items(&["4400201".into()]).await,
            Err(AdapterError::Decode { .. })
        ),
        "machines of a customer number not asked for break the contract"
    );
}

#[tokio::test]
async fn a_services_assistant_change_request_is_xml_and_refusals_are_values() {
    let server = serve_xml(StatusCode::CREATED, "receipt.xml").await;
    let receipt = eu_services(&server)
        .request_change("4900301", "70101001", InventoryChange::Moved, "to München")
        .await
        .expect("answered")
        .expect("accepted");
    assert_eq!(receipt.request_id, "SA-000007");
    assert_eq!(
        receipt.received_on,
        NaiveDate::from_ymd_opt(2026, 11, 20).expect("date")
    );

    let refused = serve_xml(StatusCode::FORBIDDEN, "error_not_entitled.xml").await;
    assert_eq!(
        eu_services(&refused)
            .request_change("4400201", "0301-101", InventoryChange::Removed, "y")
            .await,
        Ok(Err(InventoryRefusal::NotEntitled))
    );
}

/// Every identifier in the well-formed fixtures passes its type in `model::ids`: the fixtures are
/// where those rules come from.
#[test]
fn every_identifier_in_the_fixtures_passes_its_type() {
    use supportgraph_adapters::model::{CustomerNumber, OrderNumber, SerialNumber, TrackingNumber};

    fn walk(value: &serde_json::Value, found: &mut Vec<(String, String)>) {
        match value {
            serde_json::Value::Object(map) => {
                for (key, value) in map {
                    if let Some(text) = value.as_str() {
                        found.push((key.clone(), text.to_owned()));
                    }
                    walk(value, found);
                }
            }
            serde_json::Value::Array(items) => items.iter().for_each(|v| walk(v, found)),
            _ => {}
        }
    }

    let mut checked = 0;
    for folder in ["order_status", "registration", "us_inventory"] {
        for entry in std::fs::read_dir(format!("fixtures/{folder}")).expect("the folder exists") {
            let path = entry.expect("an entry").path();
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default();
            if name.starts_with("malformed_") || !name.ends_with(".json") {
                continue;
            }
            let json: serde_json::Value =
                serde_json::from_str(&std::fs::read_to_string(&path).expect("readable"))
                    .expect("JSON");
            let mut found = Vec::new();
            walk(&json, &mut found);
            for (key, value) in found {
                let result = match key.as_str() {
                    "custNo" | "customerNumber" | "number" => CustomerNumber::check(&value),
                    "orderNo" => OrderNumber::check(&value),
                    "serialNo" => SerialNumber::check(&value),
                    "trackingNo" => TrackingNumber::check(&value),
                    _ => continue,
                };
                assert!(result.is_ok(), "{name}: {key} {value:?}: {result:?}");
                checked += 1;
            }
        }
    }
    let xml = fixture("eu_services/installed_base.xml");
    let mut reader = quick_xml::Reader::from_str(&xml);
    loop {
        match reader.read_event().expect("well-formed") {
            quick_xml::events::Event::Start(e) | quick_xml::events::Event::Empty(e) => {
                for attribute in e.attributes() {
                    let attribute = attribute.expect("an attribute");
                    let value = attribute.value.to_string();
                    let result = match attribute.key.as_ref() {
                        "customer" => CustomerNumber::check(&value),
                        "serial" => SerialNumber::check(&value),
                        _ => continue,
                    };
                    assert!(result.is_ok(), "installed_base.xml: {value:?}: {result:?}");
                    checked += 1;
                }
            }
            quick_xml::events::Event::Eof => break,
            _ => {}
        }
    }
    assert!(
        checked >= 20,
        "the fixtures were read: {checked} identifiers"
    );
}
