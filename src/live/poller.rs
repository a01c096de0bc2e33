//! One region's poll loop: ask its order-status instance's change feed once per interval, clear
//! the cached order pages of the customer numbers that changed, re-fetch the orders that changed
//! (one batch call for all of them, however many subscribers), and hand each change to the hub's
//! channel.
//!
//! The position in the feed lives here, in the loop: the first poll asks "from now", each answer's
//! `next` is the next poll's `since`, and a failed poll leaves it where it was, so the next poll
//! asks again for what the failed one would have brought. A full answer is followed at once by
//! another (up to [`MAX_CALLS_PER_ROUND`]), so a burst of changes does not wait an interval per
//! page.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use supportgraph_adapters::model::{Order, OrderChange, Region};
use supportgraph_adapters::ports::{LOOKUP_BATCH, OrderBackend};
use tokio::sync::{broadcast, watch};
use tokio::time::MissedTickBehavior;
use tracing::Instrument;

use super::hub::{PollCounts, StatusEvent};
use crate::cache::{Cache, Namespace};

/// The most feed calls one round makes while answers come full.
const MAX_CALLS_PER_ROUND: usize = 10;

/// One region's poller.
pub(super) struct Poller {
    /// The region polled.
    pub region: Region,
    /// Its order-status instance.
    pub backend: Arc<dyn OrderBackend>,
    /// The cache whose order pages a change makes stale.
    pub cache: Arc<Cache>,
    /// Where changes go.
    pub events: broadcast::Sender<Arc<StatusEvent>>,
    /// How long between rounds.
    pub interval: Duration,
    /// Rounds finished, per region.
    pub polls: watch::Sender<PollCounts>,
}

impl Poller {
    /// Polls until aborted (when the last subscriber leaves).
    pub(super) async fn run(self) {
        let mut since: Option<u64> = None;
        let mut ticker = tokio::time::interval(self.interval);
        ticker.set_missed_tick_behavior(MissedTickBehavior::Delay);
        loop {
            ticker.tick().await;
            // One trace per round: its feed calls and re-fetches, not one trace per call.
            let span = tracing::info_span!(
                "live_poll",
                otel.kind = "internal",
                otel.name = "live.poll",
                region = ?self.region
            );
            since = self.round(since).instrument(span).await;
            self.polls
                .send_modify(|polls| *polls.entry(self.region).or_default() += 1);
        }
    }

    /// One round: the feed from `since` (again at once while answers are full), each change
    /// passed on. Answers the position to ask from next.
    async fn round(&self, mut since: Option<u64>) -> Option<u64> {
        for _ in 0..MAX_CALLS_PER_ROUND {
            match self.backend.status_changes(since).await {
                Ok(feed) => {
                    since = Some(feed.next);
                    self.publish(feed.changes).await;
                    if !feed.more {
                        break;
                    }
                }
                Err(error) => {
                    tracing::warn!(
                        region = %self.region,
                        %error,
                        "live: polling the change feed failed; asking again next interval"
                    );
                    break;
                }
            }
        }
        since
    }

    /// Re-fetches the changed orders and sends every change, in the feed's order.
    async fn publish(&self, changes: Vec<OrderChange>) {
        if changes.is_empty() {
            return;
        }
        // Listed pages of these customer numbers are stale now, here and on every gateway
        // sharing the Redis: cleared before anyone hears of the change and asks again.
        let mut customers: Vec<&str> = changes.iter().map(|c| c.customer_number.as_str()).collect();
        customers.sort_unstable();
        customers.dedup();
        for customer in customers {
            self.cache
                .invalidate(&Namespace::new("orders", customer))
                .await;
        }
        let orders = self.current_orders(&changes).await;
        for change in changes {
            // An order answered for another customer number than the change's is not this one.
            let order = orders
                .get(&change.order_number)
                .filter(|order| order.customer_number == change.customer_number)
                .cloned();
            // Nobody listening is not an error: the last subscriber may just have left.
            let _ = self.events.send(Arc::new(StatusEvent { change, order }));
        }
    }

    /// The changed orders as they are now, by order number: one batch call per
    /// [`LOOKUP_BATCH`] orders; a failed call leaves its orders out (the changes still go).
    async fn current_orders(&self, changes: &[OrderChange]) -> HashMap<String, Order> {
        let mut numbers: Vec<String> = changes.iter().map(|c| c.order_number.clone()).collect();
        numbers.sort();
        numbers.dedup();
        let mut found = HashMap::new();
        for batch in numbers.chunks(LOOKUP_BATCH) {
            match self.backend.orders_by_number(batch).await {
                Ok(orders) => found.extend(orders.into_iter().map(|o| (o.order_number.clone(), o))),
                Err(error) => tracing::warn!(
                    region = %self.region,
                    %error,
                    "live: re-fetching changed orders failed; their changes go without the order"
                ),
            }
        }
        found
    }
}
