//! The simulators and the adapters together, over real HTTP: the demo data translates cleanly,
//! large inventories come page by page, the documented request bodies are what the simulators
//! read, a malformed payload served by name is refused for that instance only, and the mail
//! simulator keeps what it is sent in the outbox, once per idempotency key.
//! The registration simulator keeps preference documents that every adapter pointed at it sees.
//! The billing simulators' statements add up, and their invoices follow the review's rules.
//! The support simulator keeps one inquiry per idempotency key, streams attachments both ways,
//! and reports what changes in its feed.

mod billing;
mod contracts;
mod inventory;
mod mail;
mod malformed;
mod paging;
mod preferences;
mod request_bodies;
mod support;

use std::time::Duration;

use supportgraph_adapters::client::{BackendClient, BackendEndpoint};
use supportgraph_adapters::eu_services::HttpEuServices;
use supportgraph_adapters::sandbox::identity::IdentityConfig;
use supportgraph_adapters::sandbox::{self, SandboxConfig, SandboxHandle};
use supportgraph_adapters::us_inventory::{self, HttpUsInventory};

/// The seed of every test's sandbox (tests regenerate its demo data with it to compare).
pub const SEED: u64 = 20261127;

/// A sandbox on a free loopback port, with the demo data of [`SEED`] and no faults.
pub async fn sandbox() -> SandboxHandle {
    let identity = IdentityConfig {
        issuer: "test".into(),
        audience: "test".into(),
        token_ttl_seconds: 60,
        signing_key_pem: std::fs::read_to_string("../config/sandbox-identity-dev-key.pem")
            .expect("the development key"),
        key_id: "test".into(),
    };
    let config = SandboxConfig {
        seed: SEED,
        faults: Default::default(),
        identity,
        auto_approve_after: None,
        extra_orders: 0,
    };
    sandbox::start(config, "127.0.0.1:0".parse().expect("an address"))
        .await
        .expect("the sandbox starts")
}

/// A client of one of the sandbox's instances.
pub fn client(sandbox: &SandboxHandle, instance: &str) -> BackendClient {
    BackendClient::new(
        reqwest::Client::new(),
        BackendEndpoint {
            name: instance.to_owned(),
            base_url: sandbox.base_url(instance),
            timeout: Duration::from_secs(5),
        },
    )
}

/// The US Inventory OnLine adapter, against the sandbox.
pub fn inventory_online(sandbox: &SandboxHandle) -> HttpUsInventory {
    HttpUsInventory::new(client(sandbox, us_inventory::INSTANCE))
}

/// The Services Assistant adapter, against the sandbox.
pub fn services_assistant(sandbox: &SandboxHandle) -> HttpEuServices {
    HttpEuServices::new(client(
        sandbox,
        supportgraph_adapters::eu_services::INSTANCE,
    ))
}
