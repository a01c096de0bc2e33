//! The inventory simulators and adapters together, over real HTTP: every demo record translates
//! cleanly, and change requests are recorded for owned items (and, in Europe, entitled
//! customers) only.

use supportgraph_adapters::model::{InventoryChange, InventoryRefusal, ProductKind};
use supportgraph_adapters::ports::InventoryBackend;

use crate::{inventory_online, sandbox, services_assistant};

#[tokio::test]
async fn every_demo_record_translates_and_stays_within_the_customer_numbers_asked() {
    let sandbox = sandbox().await;
    let inventory = inventory_online(&sandbox);
    let globex = inventory
        .items(&["1000101".into(), "1000102".into()])
        .await
        .expect("valid records");
    assert_eq!(globex.len(), 48);
    assert!(
        globex
            .iter()
            .all(|i| i.customer_number == "1000101" || i.customer_number == "1000102")
    );
    assert!(
        globex
            .iter()
            .any(|i| i.kind == ProductKind::Hardware && i.lease.is_some())
    );
    assert!(globex.iter().any(|i| i.kind == ProductKind::Software));
    assert!(
        globex
            .iter()
            .all(|i| i.lease.is_none() || i.kind == ProductKind::Hardware)
    );

    let serials: Vec<String> = globex
        .iter()
        .take(3)
        .map(|i| i.serial_number.clone())
        .collect();
    let by_serial = inventory.items_by_serial(&serials).await.expect("valid");
    assert_eq!(by_serial.len(), 3);
}

#[tokio::test]
async fn update_requests_are_recorded_for_owned_items_only() {
    let sandbox = sandbox().await;
    let inventory = inventory_online(&sandbox);
    let item = inventory
        .items(&["1000201".into()])
        .await
        .expect("valid")
        .remove(0);
    let receipt = inventory
        .request_change(
            "1000201",
            &item.serial_number,
            InventoryChange::Removed,
            "returned to the lessor",
        )
        .await
        .expect("answered")
        .expect("recorded");
    assert!(receipt.request_id.starts_with("IOL-"));
    assert_eq!(receipt.serial_number, item.serial_number);

    let foreign = inventory
        .request_change("1000101", &item.serial_number, InventoryChange::Moved, "x")
        .await;
    assert_eq!(foreign, Ok(Err(InventoryRefusal::UnknownItem)));
    assert_eq!(sandbox.stats().instances["us-inventory-online"].writes, 2);
}

#[tokio::test]
async fn the_services_assistant_serves_every_emea_customer_by_location() {
    let sandbox = sandbox().await;
    let eu = services_assistant(&sandbox);
    let machines = eu
        .items(&["4400201".into(), "4900301".into()])
        .await
        .expect("valid XML");
    assert_eq!(
        machines.len(),
        32,
        "two locations of eight machines per customer number"
    );
    assert!(
        machines.iter().any(|m| m.country == "DE") && machines.iter().any(|m| m.country == "ES")
    );
    assert!(
        machines
            .iter()
            .any(|m| m.service_level.is_some() && !m.configuration.is_empty())
    );
    let serials: Vec<String> = machines
        .iter()
        .take(2)
        .map(|m| m.serial_number.clone())
        .collect();
    assert_eq!(eu.items_by_serial(&serials).await.expect("valid").len(), 2);
}

#[tokio::test]
async fn change_requests_are_for_entitled_customers_only() {
    let sandbox = sandbox().await;
    let eu = services_assistant(&sandbox);
    let german = eu
        .items(&["4900301".into()])
        .await
        .expect("valid")
        .remove(0);
    let receipt = eu
        .request_change(
            "4900301",
            &german.serial_number,
            InventoryChange::Moved,
            "to München",
        )
        .await
        .expect("answered")
        .expect("entitled");
    assert!(receipt.request_id.starts_with("SA-"));

    let spanish = eu
        .items(&["4400201".into()])
        .await
        .expect("valid")
        .remove(0);
    let refused = eu
        .request_change(
            "4400201",
            &spanish.serial_number,
            InventoryChange::Removed,
            "scrapped",
        )
        .await;
    assert_eq!(refused, Ok(Err(InventoryRefusal::NotEntitled)));
}
