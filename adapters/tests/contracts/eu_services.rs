//! The Services Assistant: its XML installed base, change requests and refusals, and the same
//! machine from both inventory systems.

use std::time::Duration;

use axum::http::StatusCode;
use chrono::NaiveDate;
use supportgraph_adapters::AdapterError;
use supportgraph_adapters::eu_services::HttpEuServices;
use supportgraph_adapters::model::{
    InventoryChange, InventoryRefusal, InventorySource, ProductKind, Region,
};
use supportgraph_adapters::ports::InventoryBackend;

use crate::fixture_server::{FixtureServer, assert_xml_body, client, fixture, serve};
use crate::malformed::{assert_refused_for_its_reason, reasons_in};
use crate::us_inventory::us_inventory;

pub fn eu_services(server: &FixtureServer) -> HttpEuServices {
    HttpEuServices::new(client(server, "eu-services-assistant", 500))
}

pub async fn serve_xml(status: StatusCode, name: &str) -> FixtureServer {
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
    assert!(
        server
            .uri(0)
            .ends_with("/v1/installations?customers=4900301")
    );
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
    for reason in reasons_in("eu_services") {
        let server = serve(StatusCode::OK, fixture(&reason.fixture), Duration::ZERO).await;
        let result = eu_services(&server).items(&["4900301".into()]).await;
        assert_refused_for_its_reason(&reason, "eu-services-assistant", result);
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
    assert!(server.uri(0).ends_with("/v1/change-requests"));
    assert_xml_body(&server, 0, "eu_services/change_request.xml");

    let refused = serve_xml(StatusCode::FORBIDDEN, "error_not_entitled.xml").await;
    assert_eq!(
        eu_services(&refused)
            .request_change("4400201", "0301-101", InventoryChange::Removed, "y")
            .await,
        Ok(Err(InventoryRefusal::NotEntitled))
    );
}
