//! The live tests' harness: a gateway whose hub the tests can watch (subscribers, poll rounds),
//! the sandbox's admin endpoint that moves an order, and the demo orders that can still move.

use std::sync::Arc;

use serde_json::Value;
use supportgraph::app::App;
use supportgraph::live::hub::PollCounts;
use supportgraph::settings::Settings;
use supportgraph_adapters::model::Region;
use supportgraph_adapters::order_status::{instance_name, sandbox::generate};

use super::socket::{self, Socket};
use crate::helpers::TestApp;

/// A gateway (with its sandbox) and its shared state, whose live hub the tests watch.
pub struct LiveApp {
    /// The gateway.
    pub test: TestApp,
    /// Its state.
    pub app: Arc<App>,
}

/// A gateway polling the feeds every 50 ms, with `configure` applied.
pub async fn spawn_live(configure: impl FnOnce(&mut Settings)) -> LiveApp {
    let (test, app) = crate::helpers::spawn_keeping_state(|settings| {
        settings.live.poll_interval_ms = 50;
        configure(settings);
    })
    .await;
    LiveApp { test, app }
}

impl LiveApp {
    /// Waits until the hub counts `n` subscribers.
    pub async fn wait_for_subscribers(&self, n: usize) {
        let mut subscribers = self.app.live.hub.watch_subscribers();
        let waited = tokio::time::timeout(socket::PATIENCE, subscribers.wait_for(|s| *s == n));
        assert!(waited.await.is_ok_and(|r| r.is_ok()), "{n} subscribers");
    }

    /// The rounds every region's poller has finished so far (the fewest of them).
    pub fn rounds(&self) -> u64 {
        let polls = self.app.live.hub.watch_polls();
        let polls = polls.borrow();
        Region::ALL
            .iter()
            .map(|r| polls.get(r).copied().unwrap_or(0))
            .min()
            .unwrap_or(0)
    }

    /// Waits until every region's poller has finished `n` rounds.
    pub async fn wait_for_rounds(&self, n: u64) {
        let mut polls = self.app.live.hub.watch_polls();
        let all_done = |p: &PollCounts| {
            Region::ALL
                .iter()
                .all(|r| p.get(r).copied().unwrap_or(0) >= n)
        };
        let waited = tokio::time::timeout(socket::PATIENCE * 4, polls.wait_for(all_done));
        assert!(waited.await.is_ok_and(|r| r.is_ok()), "{n} poll rounds");
    }

    /// Waits until `n` subscribers are registered and every poller holds its place in its feed,
    /// so a change made now reaches each of them.
    pub async fn wait_until_listening(&self, n: usize) {
        self.wait_for_subscribers(n).await;
        self.wait_for_rounds(self.rounds() + 1).await;
    }

    /// Moves `order` one step on through the sandbox's admin endpoint; the change recorded.
    pub async fn advance(&self, region: Region, order: &str) -> Value {
        let url = self
            .test
            .sandbox
            .base_url(instance_name(region))
            .join(&format!("admin/orders/{order}/advance"))
            .expect("a URL");
        let response = self
            .test
            .http
            .post(url)
            .send()
            .await
            .expect("the sandbox answers");
        assert_eq!(response.status(), 200, "order {order} advances");
        response.json().await.expect("the change as JSON")
    }

    /// A socket signed in as `user`.
    pub async fn socket(&self, user: &str) -> Socket {
        Socket::signed_in(&self.test.address, &self.test.token(user)).await
    }

    /// Calls made to `region`'s order-status instance so far.
    pub fn order_status_calls(&self, region: Region) -> u64 {
        self.test.sandbox.stats().instances[instance_name(region)].calls
    }
}

/// The order numbers of `customer`'s open orders (neither delivered nor cancelled) in `region`,
/// with the status each enters when advanced, as the schema names it.
pub fn open_orders(app: &LiveApp, region: Region, customer: &str) -> Vec<(String, &'static str)> {
    generate(app.test.settings.sandbox.seed, region)
        .into_iter()
        .filter(|o| o.cust_no == customer)
        .filter_map(|o| {
            let next = match o.status_code.code() {
                "RCV" => "IN_PROCESS",
                "INP" | "BKO" | "PSH" => "SHIPPED",
                "SHP" => "DELIVERED",
                _ => return None,
            };
            Some((o.order_no, next))
        })
        .collect()
}

/// The first open order of `customer` in `region` and the status it enters when advanced (the
/// demo data has at least one for each customer number the tests use).
pub fn first_open(app: &LiveApp, region: Region, customer: &str) -> (String, &'static str) {
    open_orders(app, region, customer)
        .into_iter()
        .next()
        .unwrap_or_else(|| panic!("customer number {customer} has an open order"))
}
