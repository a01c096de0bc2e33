//! The hub: who subscribes, the channel every alert goes out on, and the poller that runs while
//! anyone does.
//!
//! A subscriber is registered — its receiver made — before the poller starts, so it receives
//! every alert a poll reports from then on. The first subscriber starts the poller; the last one
//! to leave stops it. A restarted poller asks "from now": alerts raised while nobody listened are
//! nobody's news.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use supportgraph_adapters::model::{Contract, ContractChange};
use supportgraph_adapters::ports::ContractsBackend;
use tokio::sync::{broadcast, watch};
use tokio::task::JoinHandle;

use super::poller::Poller;
use crate::settings::ContractsSettings;

/// How many alerts wait for a slow subscriber; one that falls further behind misses alerts, and
/// its subscription ends with an error.
const CHANNEL_CAPACITY: usize = 1024;

/// One change that raised an alert, as every subscriber receives it.
#[derive(Debug, Clone)]
pub struct AlertEvent {
    /// The change the contracts system recorded; its `alert` is always set.
    pub change: ContractChange,
    /// The contract as it was when the alert was passed on, fetched once for every subscriber;
    /// `None` when that lookup failed (or answered no contract of the change's customer number).
    pub contract: Option<Contract>,
}

/// A subscriber fell this many alerts behind the channel: they are gone for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Missed(pub u64);

struct Shared {
    backend: Arc<dyn ContractsBackend>,
    interval: Duration,
    events: broadcast::Sender<Arc<AlertEvent>>,
    running: Mutex<Running>,
    rounds: watch::Sender<u64>,
    subscribers: watch::Sender<usize>,
}

#[derive(Default)]
struct Running {
    subscribers: usize,
    poller: Option<JoinHandle<()>>,
}

impl Shared {
    fn running(&self) -> MutexGuard<'_, Running> {
        // Nothing panics while holding it; a poisoned lock still holds consistent counts.
        self.running.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The contracts system's change feed, read while anyone subscribes; held by
/// [`App`](crate::app::App).
#[derive(Clone)]
pub struct ContractFeedHub {
    shared: Arc<Shared>,
}

impl ContractFeedHub {
    /// A hub reading `backend`'s change feed every `contracts.feed_poll_ms` while it has
    /// subscribers; nothing is read until someone subscribes.
    pub fn new(backend: Arc<dyn ContractsBackend>, settings: &ContractsSettings) -> Self {
        Self::every(backend, Duration::from_millis(settings.feed_poll_ms))
    }

    /// A hub reading `backend`'s change feed every `interval` while it has subscribers.
    fn every(backend: Arc<dyn ContractsBackend>, interval: Duration) -> Self {
        let (events, _) = broadcast::channel(CHANNEL_CAPACITY);
        Self {
            shared: Arc::new(Shared {
                backend,
                interval,
                events,
                running: Mutex::new(Running::default()),
                rounds: watch::channel(0).0,
                subscribers: watch::channel(0).0,
            }),
        }
    }

    /// Registers a subscriber, starting the poller if it is the first. It receives every alert
    /// reported from now on, until dropped.
    pub fn subscribe(&self) -> ContractFeedSubscription {
        let mut running = self.shared.running();
        let events = self.shared.events.subscribe();
        running.subscribers += 1;
        if running.poller.is_none() {
            running.poller = self.start_poller();
        }
        self.shared.subscribers.send_replace(running.subscribers);
        ContractFeedSubscription {
            events,
            _registration: Registration {
                shared: self.shared.clone(),
            },
        }
    }

    fn start_poller(&self) -> Option<JoinHandle<()>> {
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            tracing::error!("contract feed: no runtime to poll the change feed on");
            return None;
        };
        let poller = Poller {
            backend: self.shared.backend.clone(),
            events: self.shared.events.clone(),
            interval: self.shared.interval,
            rounds: self.shared.rounds.clone(),
        };
        Some(runtime.spawn(poller.run()))
    }

    /// How many subscribers there are now.
    pub fn subscribers(&self) -> usize {
        *self.shared.subscribers.borrow()
    }

    /// The number of subscribers, as it changes (for tests and readiness reports).
    pub fn watch_subscribers(&self) -> watch::Receiver<usize> {
        self.shared.subscribers.subscribe()
    }

    /// The poll rounds finished since the gateway started, failed ones included, as they finish
    /// (for tests that wait for rounds rather than for a time).
    pub fn watch_rounds(&self) -> watch::Receiver<u64> {
        self.shared.rounds.subscribe()
    }
}

/// One subscriber's place in the hub: its alerts, and its registration (dropped, it leaves).
pub struct ContractFeedSubscription {
    events: broadcast::Receiver<Arc<AlertEvent>>,
    _registration: Registration,
}

impl ContractFeedSubscription {
    /// The next alert, waiting for it; `Ok(None)` once the hub is gone, `Err` when this
    /// subscriber fell so far behind that alerts were dropped for it (it should not go on as if
    /// nothing was missed).
    pub async fn next(&mut self) -> Result<Option<Arc<AlertEvent>>, Missed> {
        match self.events.recv().await {
            Ok(event) => Ok(Some(event)),
            Err(broadcast::error::RecvError::Lagged(missed)) => Err(Missed(missed)),
            Err(broadcast::error::RecvError::Closed) => Ok(None),
        }
    }
}

/// Counts a subscriber while it lives; the last to leave stops the poller.
struct Registration {
    shared: Arc<Shared>,
}

impl Drop for Registration {
    fn drop(&mut self) {
        let mut running = self.shared.running();
        running.subscribers = running.subscribers.saturating_sub(1);
        if running.subscribers == 0
            && let Some(poller) = running.poller.take()
        {
            poller.abort();
        }
        self.shared.subscribers.send_replace(running.subscribers);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use async_trait::async_trait;
    use chrono::Utc;
    use std::sync::atomic::{AtomicU64, Ordering};
    use supportgraph_adapters::AdapterError;
    use supportgraph_adapters::model::{
        ContractActor, ContractAlertKind, ContractFeed, ContractPage, ContractQuery,
        ContractRefusal, ContractStatus, CustomerStep,
    };

    /// A feed that raises one alert after the position it is asked from, and counts its calls.
    #[derive(Default)]
    struct OneAlertPerRead {
        reads: AtomicU64,
    }

    #[async_trait]
    impl ContractsBackend for OneAlertPerRead {
        fn instance(&self) -> &str {
            "contracts"
        }

        async fn contracts(&self, _: &ContractQuery) -> Result<ContractPage, AdapterError> {
            unreachable!("the hub lists nothing")
        }

        async fn contracts_by_number(
            &self,
            _: &[String],
            _: &[String],
        ) -> Result<Vec<Contract>, AdapterError> {
            Ok(Vec::new())
        }

        async fn act(
            &self,
            _: &str,
            _: &str,
            _: &ContractActor,
            _: &CustomerStep,
            _: &str,
        ) -> Result<Result<Contract, ContractRefusal>, AdapterError> {
            unreachable!("the hub takes no step")
        }

        async fn document_pdf(
            &self,
            _: &str,
            _: &str,
            _: u32,
        ) -> Result<Option<Vec<u8>>, AdapterError> {
            unreachable!("the hub reads no document")
        }

        async fn changes(&self, since: Option<u64>) -> Result<ContractFeed, AdapterError> {
            self.reads.fetch_add(1, Ordering::SeqCst);
            let Some(since) = since else {
                return Ok(ContractFeed {
                    changes: Vec::new(),
                    next: 0,
                    more: false,
                });
            };
            let seq = since + 1;
            Ok(ContractFeed {
                changes: vec![ContractChange {
                    seq,
                    contract_number: "CTR-20260009".into(),
                    customer_number: "1000101".into(),
                    action: None,
                    status: ContractStatus::SentForSignature,
                    alert: Some(ContractAlertKind::SignatureNeeded),
                    at: Utc::now(),
                }],
                next: seq,
                more: false,
            })
        }
    }

    async fn rounds(hub: &ContractFeedHub, n: u64) {
        let mut rounds = hub.watch_rounds();
        let target = *rounds.borrow() + n;
        let waited = tokio::time::timeout(
            Duration::from_secs(5),
            rounds.wait_for(|done| *done >= target),
        );
        assert!(waited.await.is_ok_and(|r| r.is_ok()), "{n} rounds");
    }

    #[tokio::test]
    async fn the_feed_is_read_only_while_someone_subscribes_and_from_now() {
        let backend = Arc::new(OneAlertPerRead::default());
        let hub = ContractFeedHub::every(backend.clone(), Duration::from_millis(10));
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert_eq!(backend.reads.load(Ordering::SeqCst), 0, "idle: no call");

        let mut first = hub.subscribe();
        let mut second = hub.subscribe();
        assert_eq!(hub.subscribers(), 2);
        rounds(&hub, 2).await;
        let a = first.next().await.expect("not behind").expect("an alert");
        let b = second.next().await.expect("not behind").expect("an alert");
        assert!(Arc::ptr_eq(&a, &b), "one event for every subscriber");
        assert_eq!(a.change.seq, 1, "the first read was from now");
        assert!(a.contract.is_none(), "the lookup answered none");

        drop((first, second));
        assert_eq!(hub.subscribers(), 0);
        // A round under way when the last subscriber left may still finish.
        tokio::time::sleep(Duration::from_millis(30)).await;
        let stopped = backend.reads.load(Ordering::SeqCst);
        tokio::time::sleep(Duration::from_millis(60)).await;
        assert_eq!(backend.reads.load(Ordering::SeqCst), stopped, "stopped");
    }

    #[tokio::test]
    async fn a_subscriber_that_falls_behind_is_told_how_much_it_missed() {
        let backend = Arc::new(OneAlertPerRead::default());
        let hub = ContractFeedHub::every(backend, Duration::from_millis(60_000));
        let mut slow = hub.subscribe();
        for seq in 0..(CHANNEL_CAPACITY as u64 + 3) {
            let change = ContractChange {
                seq,
                contract_number: "CTR-20260009".into(),
                customer_number: "1000101".into(),
                action: None,
                status: ContractStatus::SentForSignature,
                alert: Some(ContractAlertKind::SignatureNeeded),
                at: Utc::now(),
            };
            let _ = hub.shared.events.send(Arc::new(AlertEvent {
                change,
                contract: None,
            }));
        }
        assert_eq!(slow.next().await.err(), Some(Missed(3)));
    }
}
