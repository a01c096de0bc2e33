//! The hub: who subscribes, the channel every change goes out on, and the pollers that run while
//! anyone does.
//!
//! A subscriber is registered — its receiver made — before the pollers start, so it receives
//! every change a poll reports from then on. The first subscriber starts one poller per region;
//! the last one to leave stops them. A restarted poller asks "from now": changes made while nobody
//! listened are nobody's news.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use supportgraph_adapters::model::{Order, OrderChange, Region};
use supportgraph_adapters::ports::OrderBackend;
use tokio::sync::{broadcast, watch};

use crate::cache::Cache;
use tokio::task::JoinHandle;

use super::poller::Poller;

/// How many changes wait for a slow subscriber before it misses the oldest (it is then told, in
/// the log, how many it missed).
const CHANNEL_CAPACITY: usize = 1024;

/// One status change, as every subscriber receives it.
#[derive(Debug, Clone)]
pub struct StatusEvent {
    /// The change the order-status instance recorded.
    pub change: OrderChange,
    /// The order as it was when the change was passed on, re-fetched once for every subscriber;
    /// `None` when that lookup failed.
    pub order: Option<Order>,
}

/// Polls counted per region: how many poll rounds each region's poller has finished.
pub type PollCounts = BTreeMap<Region, u64>;

struct Shared {
    backends: BTreeMap<Region, Arc<dyn OrderBackend>>,
    cache: Arc<Cache>,
    interval: Duration,
    events: broadcast::Sender<Arc<StatusEvent>>,
    running: Mutex<Running>,
    polls: watch::Sender<PollCounts>,
    subscribers: watch::Sender<usize>,
}

#[derive(Default)]
struct Running {
    subscribers: usize,
    pollers: Vec<JoinHandle<()>>,
}

impl Shared {
    fn running(&self) -> MutexGuard<'_, Running> {
        // Nothing panics while holding it; a poisoned lock still holds consistent counts.
        self.running.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The change feeds of every region, polled while anyone subscribes.
#[derive(Clone)]
pub struct LiveHub {
    shared: Arc<Shared>,
}

impl LiveHub {
    /// A hub polling `backends` every `interval` while it has subscribers.
    pub fn new(
        backends: BTreeMap<Region, Arc<dyn OrderBackend>>,
        cache: Arc<Cache>,
        interval: Duration,
    ) -> Self {
        let (events, _) = broadcast::channel(CHANNEL_CAPACITY);
        Self {
            shared: Arc::new(Shared {
                backends,
                cache,
                interval,
                events,
                running: Mutex::new(Running::default()),
                polls: watch::channel(PollCounts::new()).0,
                subscribers: watch::channel(0).0,
            }),
        }
    }

    /// Registers a subscriber, starting the pollers if it is the first. It receives every change
    /// reported from now on, until dropped.
    pub fn subscribe(&self) -> LiveSubscription {
        let mut running = self.shared.running();
        let events = self.shared.events.subscribe();
        running.subscribers += 1;
        if running.subscribers == 1 {
            running.pollers = self.start_pollers();
        }
        self.shared.subscribers.send_replace(running.subscribers);
        LiveSubscription {
            events,
            _registration: Registration {
                shared: self.shared.clone(),
            },
        }
    }

    fn start_pollers(&self) -> Vec<JoinHandle<()>> {
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            tracing::error!("live: no runtime to poll the change feeds on");
            return Vec::new();
        };
        self.shared
            .backends
            .iter()
            .map(|(region, backend)| {
                let poller = Poller {
                    region: *region,
                    backend: backend.clone(),
                    cache: self.shared.cache.clone(),
                    events: self.shared.events.clone(),
                    interval: self.shared.interval,
                    polls: self.shared.polls.clone(),
                };
                runtime.spawn(poller.run())
            })
            .collect()
    }

    /// How many subscribers there are now.
    pub fn subscribers(&self) -> usize {
        *self.shared.subscribers.borrow()
    }

    /// The number of subscribers, as it changes (for tests and readiness reports).
    pub fn watch_subscribers(&self) -> watch::Receiver<usize> {
        self.shared.subscribers.subscribe()
    }

    /// The poll rounds each region's poller has finished, as they finish (for tests that count
    /// backend calls over a number of rounds rather than over a time).
    pub fn watch_polls(&self) -> watch::Receiver<PollCounts> {
        self.shared.polls.subscribe()
    }
}

/// One subscriber's place in the hub: its changes, and its registration (dropped, it leaves).
pub struct LiveSubscription {
    events: broadcast::Receiver<Arc<StatusEvent>>,
    _registration: Registration,
}

impl LiveSubscription {
    /// The next change, waiting for it; `None` once the hub is gone. A subscriber too slow to keep
    /// up misses the oldest changes (logged) and goes on with the next.
    pub async fn next(&mut self) -> Option<Arc<StatusEvent>> {
        loop {
            match self.events.recv().await {
                Ok(event) => return Some(event),
                Err(broadcast::error::RecvError::Lagged(missed)) => {
                    tracing::warn!(missed, "live: a slow subscriber missed status changes");
                }
                Err(broadcast::error::RecvError::Closed) => return None,
            }
        }
    }
}

/// Counts a subscriber while it lives; the last to leave stops the pollers.
struct Registration {
    shared: Arc<Shared>,
}

impl Drop for Registration {
    fn drop(&mut self) {
        let mut running = self.shared.running();
        running.subscribers = running.subscribers.saturating_sub(1);
        if running.subscribers == 0 {
            for poller in running.pollers.drain(..) {
                poller.abort();
            }
        }
        self.shared.subscribers.send_replace(running.subscribers);
    }
}
