//! US Inventory OnLine: its records in US conventions, and update requests.

use std::time::Duration;

use axum::http::StatusCode;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use supportgraph_adapters::AdapterError;
use supportgraph_adapters::model::{InventoryChange, InventorySource, ProductKind, Region};
use supportgraph_adapters::ports::InventoryBackend;
use supportgraph_adapters::us_inventory::HttpUsInventory;

use crate::fixture_server::{FixtureServer, assert_json_body, client, fixture, serve};
use crate::malformed::{assert_refused_for_its_reason, reasons_in};

pub fn us_inventory(server: &FixtureServer) -> HttpUsInventory {
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
        server
            .uri(0)
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
    for reason in reasons_in("us_inventory") {
        let server = serve(StatusCode::OK, fixture(&reason.fixture), Duration::ZERO).await;
        let result = us_inventory(&server).items(&["1000101".into()]).await;
        assert_refused_for_its_reason(&reason, "us-inventory-online", result);
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
    assert!(server.uri(0).ends_with("/v1/inventory/update-requests"));
    assert_json_body(&server, 0, "us_inventory/update_request.json");
}
