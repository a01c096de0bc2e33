//! What the `graphql-ws` client tests do around the script (`tests/clients/graphql-ws.mjs`): pick
//! an order that can still move twice, move it, have support answer an inquiry, and watch the
//! gateway — in process (its hub and its inquiry feed) or as a process of its own (its
//! `/metrics` and the calls its pollers make to the sandbox) — until a subscription is in place.

use std::time::Duration;

use serde_json::json;
use supportgraph_adapters::model::Region;
use supportgraph_adapters::order_status::{instance_name, sandbox::generate};
use supportgraph_adapters::sandbox::SandboxHandle;

use crate::helpers::gateway_process::GatewayProcess;
use crate::live::socket::PATIENCE;

/// Globex's German customer number: Avery is authorised for Order Status on it.
pub(super) const GERMAN: &str = "4900301";
/// Avery's newest inquiry (SUBMITTED).
pub(super) const AVERYS_INQUIRY: &str = "INQ-10000017";

/// An order of `customer` in `region` that can move on twice (not yet shipped), in the demo data
/// of `seed`.
pub(super) fn order_with_two_steps_left(seed: u64, region: Region, customer: &str) -> String {
    generate(seed, region)
        .into_iter()
        .find(|o| {
            o.cust_no == customer && ["RCV", "INP", "BKO", "PSH"].contains(&o.status_code.code())
        })
        .unwrap_or_else(|| panic!("customer number {customer} has an order not yet shipped"))
        .order_no
}

/// Moves `order` one step on through `sandbox`'s admin endpoint.
pub(super) async fn advance(sandbox: &SandboxHandle, region: Region, order: &str) {
    let url = sandbox
        .base_url(instance_name(region))
        .join(&format!("admin/orders/{order}/advance"))
        .expect("a URL");
    let response = reqwest::Client::new()
        .post(url)
        .send()
        .await
        .expect("the sandbox answers");
    assert_eq!(response.status(), 200, "order {order} advances");
}

/// Support answers `tracking` with `message` through `sandbox`'s admin endpoint.
pub(super) async fn answer_inquiry(sandbox: &SandboxHandle, tracking: &str, message: &str) {
    let url = sandbox
        .base_url("support")
        .join(&format!("admin/inquiries/{tracking}/answer"))
        .expect("a URL");
    let response = reqwest::Client::new()
        .post(url)
        .json(&json!({ "message": message }))
        .send()
        .await
        .expect("the sandbox answers");
    assert_eq!(response.status(), 200, "{tracking} is answered");
}

/// Waits until `app`'s hub counts `n` subscribers of `orderStatusChanged`.
pub(super) async fn hub_counts(app: &supportgraph::app::App, n: usize) -> Result<(), String> {
    let mut subscribers = app.live.hub.watch_subscribers();
    let counted = tokio::time::timeout(PATIENCE, subscribers.wait_for(|s| *s == n));
    if counted.await.is_ok_and(|r| r.is_ok()) {
        return Ok(());
    }
    let now = app.live.hub.subscribers();
    Err(format!("the hub counts {now} subscribers, not {n}"))
}

/// Waits until `app`'s inquiry feed counts `n` subscribers, then until it finishes one more
/// round (it reads on from a position it holds, so a change made now reaches them).
pub(super) async fn feed_serves(app: &supportgraph::app::App, n: usize) -> Result<(), String> {
    let counted = async {
        while app.inquiry_feed.subscribers() != n {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    };
    if tokio::time::timeout(PATIENCE, counted).await.is_err() {
        let now = app.inquiry_feed.subscribers();
        return Err(format!(
            "the inquiry feed counts {now} subscribers, not {n}"
        ));
    }
    let mut progress = app.inquiry_feed.watch_progress();
    let next = progress.borrow().rounds + 1;
    let read = tokio::time::timeout(PATIENCE, progress.wait_for(|p| p.rounds >= next));
    if read.await.is_ok_and(|r| r.is_ok()) {
        Ok(())
    } else {
        Err("the inquiry feed reads no more rounds".to_owned())
    }
}

/// Waits until `gateway` counts one `orderStatusChanged` subscription and its pollers hold their
/// place in every region's feed of `sandbox` (each asked twice since: the first answer, "from
/// now", came back before the second call), so a change made now reaches the subscriber.
pub(super) async fn polling_for_one(
    gateway: &GatewayProcess,
    sandbox: &SandboxHandle,
) -> Result<(), String> {
    let counted = async {
        while gateway.active_subscriptions("orderStatusChanged").await != 1.0 {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    };
    if tokio::time::timeout(PATIENCE, counted).await.is_err() {
        let now = gateway.active_subscriptions("orderStatusChanged").await;
        return Err(format!(
            "the gateway on port {} counts {now} orderStatusChanged subscriptions, not 1",
            gateway.port
        ));
    }
    let calls = |region: Region| sandbox.stats().instances[instance_name(region)].calls;
    let before: Vec<u64> = Region::ALL.iter().map(|r| calls(*r)).collect();
    let polled = async {
        while Region::ALL
            .iter()
            .zip(&before)
            .any(|(region, before)| calls(*region) < before + 2)
        {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    };
    if tokio::time::timeout(PATIENCE, polled).await.is_err() {
        return Err(format!(
            "the gateway on port {} does not poll every region's feed",
            gateway.port
        ));
    }
    Ok(())
}
