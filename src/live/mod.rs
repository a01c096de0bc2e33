//! Live order status: the order-status instances' change feeds, polled once per region per
//! gateway instance and fanned out to every subscriber of `orderStatusChanged`.
//!
//! Why a hub rather than a poll per subscriber: the feeds are instance-wide (every customer number
//! together), so one poll per region per interval serves every subscriber on this gateway, and the
//! load on the order-status systems does not grow with the number of subscribers — 100 browser
//! tabs watching cost what one does. The hub polls only while someone subscribes, through the
//! adapters (timeouts, retries, breakers) and never through a request's budget, since no request
//! is paying; a failed poll is logged and asked again next interval from the same position, so no
//! change is lost to a passing failure.
//!
//! Who may see a change is not the hub's business: it hands every change to every subscriber,
//! and each subscription checks, when the change arrives, that its caller is authorised for the
//! change's customer number at that moment (`graphql::orders::subscription`).
//!
//! - [`hub`]: subscribers, the broadcast channel, starting and stopping the pollers;
//! - [`poller`]: one region's poll loop, which also re-fetches the changed orders once per poll;
//! - [`slots`]: what one principal and one connection may hold (connections, subscriptions).
//!
//! Across gateway instances nothing is shared: each polls for its own subscribers, so N instances
//! make N polls per region per interval, whatever the subscribers.

pub mod hub;
mod poller;
pub mod slots;

pub use hub::{LiveHub, LiveSubscription, StatusEvent};
pub use slots::{ConnectionSlot, SlotRefused, SubscriptionSlot, SubscriptionSlots};

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::cache::Cache;
use std::time::Duration;

use supportgraph_adapters::model::Region;
use supportgraph_adapters::ports::OrderBackend;

use crate::settings::LiveSettings;

/// The live status service of one gateway instance, held by [`App`](crate::app::App).
pub struct Live {
    /// The change feeds' pollers and their subscribers.
    pub hub: LiveHub,
    /// The connections and subscriptions each principal holds, against the limits.
    pub slots: SubscriptionSlots,
}

impl Live {
    /// A hub over `backends` and the limits of `settings`, clearing changed orders' pages from
    /// `cache`; nothing is polled until someone subscribes.
    pub fn new(
        backends: BTreeMap<Region, Arc<dyn OrderBackend>>,
        cache: Arc<Cache>,
        settings: &LiveSettings,
    ) -> Self {
        Self {
            hub: LiveHub::new(
                backends,
                cache,
                Duration::from_millis(settings.poll_interval_ms),
            ),
            slots: SubscriptionSlots::new(settings),
        }
    }
}
