//! The US Inventory OnLine simulator and adapter together, over real HTTP: every demo record
//! translates cleanly, and update requests are recorded for owned serial numbers only.

use std::time::Duration;

use supportgraph_adapters::client::{BackendClient, BackendEndpoint};
use supportgraph_adapters::model::{InventoryChange, InventoryRefusal, ProductKind};
use supportgraph_adapters::ports::InventoryBackend;
use supportgraph_adapters::sandbox::identity::IdentityConfig;
use supportgraph_adapters::sandbox::{self, SandboxConfig, SandboxHandle};
use supportgraph_adapters::us_inventory::HttpUsInventory;

async fn sandbox() -> SandboxHandle {
    let identity = IdentityConfig {
        issuer: "test".into(),
        audience: "test".into(),
        token_ttl_seconds: 60,
        signing_key_pem: std::fs::read_to_string("../config/sandbox-identity-dev-key.pem")
            .expect("the development key"),
        key_id: "test".into(),
    };
    let config = SandboxConfig {
        seed: 20261127,
        faults: Default::default(),
        identity,
        auto_approve_after: None,
    };
    sandbox::start(config, "127.0.0.1:0".parse().expect("an address"))
        .await
        .expect("the sandbox starts")
}

fn adapter(sandbox: &SandboxHandle) -> HttpUsInventory {
    HttpUsInventory::new(BackendClient::new(
        reqwest::Client::new(),
        BackendEndpoint {
            name: "us-inventory-online".into(),
            base_url: sandbox.base_url("us-inventory-online"),
            timeout: Duration::from_secs(5),
        },
    ))
}

#[tokio::test]
async fn every_demo_record_translates_and_stays_within_the_customer_numbers_asked() {
    let sandbox = sandbox().await;
    let inventory = adapter(&sandbox);
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
    let inventory = adapter(&sandbox);
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
