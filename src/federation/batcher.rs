//! One request's lookups, collected and sent together: the promise that N lookups cost at most
//! ⌈N / 100⌉ calls per region.
//!
//! async-graphql's DataLoader sends a batch when a timer fires or the batch is full; under load
//! the resolvers of 300 aliases reach it over several milliseconds, and 300 lookups became 39
//! calls. This batcher knows how many lookups the operation holds (from the estimate made before
//! it ran, [`crate::graphql::limits::budget`]). Each lookup field takes a [`Ticket`] before anything
//! else, and either asks through it or drops it (an ID that names nothing, a caller refused): the
//! batch goes out the moment every expected ticket has asked or been dropped, so batching does
//! not depend on the machine's speed. Tickets beyond the expected number (a mutation's lookups,
//! which run one at a time) ask at once. A field that never runs at all (under `@skip`) is
//! covered by an idle timer that sends what waits after [`IDLE`].
//!
//! Each batch goes out in a task of its own, so a client that goes away does not strand the
//! other lookups of its batch; the task carries the request's span, so its backend calls belong
//! to the request's trace.

use std::collections::HashMap;
use std::convert::Infallible;
use std::hash::Hash;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_graphql::dataloader::Loader;
use tokio::sync::oneshot;
use tracing::Instrument;

/// How long lookups wait when an expected lookup field never ran (it was skipped).
pub const IDLE: Duration = Duration::from_millis(20);

/// Batches one request's lookups of one kind through `L`.
pub struct Batcher<K, L>
where
    L: Loader<K, Error = Infallible>,
    K: Send + Sync + Hash + Eq + Clone + 'static,
{
    shared: Arc<Shared<K, L>>,
}

struct Shared<K, L: Loader<K>>
where
    K: Send + Sync + Hash + Eq + Clone + 'static,
{
    loader: L,
    expected: usize,
    state: Mutex<State<K, L::Value>>,
}

type Waiting<K, V> = Vec<(K, oneshot::Sender<Option<V>>)>;

struct State<K, V> {
    /// Tickets that have asked or been dropped.
    settled: usize,
    /// Lookups waiting for the next batch.
    waiting: Waiting<K, V>,
    /// Whether an idle timer is running.
    timer: bool,
}

/// One lookup field's place in the batch: ask through it, or drop it.
pub struct Ticket<K, L>
where
    L: Loader<K, Error = Infallible>,
    K: Send + Sync + Hash + Eq + Clone + 'static,
{
    shared: Arc<Shared<K, L>>,
    settled: bool,
}

impl<K, L> Batcher<K, L>
where
    L: Loader<K, Error = Infallible>,
    K: Send + Sync + Hash + Eq + Clone + 'static,
{
    /// A batcher for a request expected to make `expected` lookups through `loader`.
    pub fn new(loader: L, expected: usize) -> Self {
        Self {
            shared: Arc::new(Shared {
                loader,
                expected,
                state: Mutex::new(State {
                    settled: 0,
                    waiting: Vec::new(),
                    timer: false,
                }),
            }),
        }
    }

    /// A lookup field's ticket: take it first thing in the resolver, before anything can fail.
    pub fn ticket(&self) -> Ticket<K, L> {
        Ticket {
            shared: self.shared.clone(),
            settled: false,
        }
    }
}

impl<K, L> Ticket<K, L>
where
    L: Loader<K, Error = Infallible>,
    K: Send + Sync + Hash + Eq + Clone + 'static,
{
    /// The value for `key`, or `None` when the backend has none (for this caller).
    pub async fn load_one(self, key: K) -> Option<L::Value> {
        self.load_many(vec![key]).await.pop().flatten()
    }

    /// The values for `keys` (one lookup asking in several places, e.g. one order number in
    /// every region of the caller), in order.
    pub async fn load_many(mut self, keys: Vec<K>) -> Vec<Option<L::Value>> {
        let mut receivers = Vec::with_capacity(keys.len());
        let entries = keys.into_iter().map(|key| {
            let (sender, receiver) = oneshot::channel();
            receivers.push(receiver);
            (key, sender)
        });
        self.settled = true;
        self.shared.settle(entries.collect());
        let mut values = Vec::with_capacity(receivers.len());
        for receiver in receivers {
            // A dropped sender means the batch task died (a panic in a loader): no value.
            values.push(receiver.await.ok().flatten());
        }
        values
    }
}

impl<K, L> Drop for Ticket<K, L>
where
    L: Loader<K, Error = Infallible>,
    K: Send + Sync + Hash + Eq + Clone + 'static,
{
    fn drop(&mut self) {
        if !self.settled {
            self.shared.settle(Vec::new());
        }
    }
}

impl<K, L> Shared<K, L>
where
    L: Loader<K, Error = Infallible>,
    K: Send + Sync + Hash + Eq + Clone + 'static,
{
    fn lock(&self) -> std::sync::MutexGuard<'_, State<K, L::Value>> {
        self.state
            .lock()
            .expect("the batcher's state is never poisoned: no code panics holding it")
    }

    /// One ticket asked for `entries` (or none, when dropped): send the batch when it was the
    /// last expected one, else make sure an idle timer will.
    fn settle(self: &Arc<Self>, entries: Waiting<K, L::Value>) {
        let ready = {
            let mut state = self.lock();
            state.settled += 1;
            state.waiting.extend(entries);
            if state.settled >= self.expected {
                Some(std::mem::take(&mut state.waiting))
            } else {
                if !state.timer && !state.waiting.is_empty() {
                    state.timer = true;
                    let shared = self.clone();
                    tokio::spawn(
                        async move {
                            tokio::time::sleep(IDLE).await;
                            let waiting = {
                                let mut state = shared.lock();
                                state.timer = false;
                                std::mem::take(&mut state.waiting)
                            };
                            shared.send(waiting).await;
                        }
                        .in_current_span(),
                    );
                }
                None
            }
        };
        if let Some(waiting) = ready.filter(|w| !w.is_empty()) {
            let shared = self.clone();
            tokio::spawn(async move { shared.send(waiting).await }.in_current_span());
        }
    }

    /// Loads every waiting key in one batch and hands each waiter its value.
    async fn send(&self, waiting: Waiting<K, L::Value>) {
        if waiting.is_empty() {
            return;
        }
        let keys: Vec<K> = waiting.iter().map(|(key, _)| key.clone()).collect();
        let span = tracing::info_span!(
            "federation",
            otel.kind = "internal",
            otel.name = "lookup_batch",
            keys = keys.len()
        );
        let values: HashMap<K, L::Value> = match self.loader.load(&keys).instrument(span).await {
            Ok(values) => values,
            Err(never) => match never {},
        };
        for (key, sender) in waiting {
            // The waiter may have gone away with its request; nothing to do then.
            let _ = sender.send(values.get(&key).cloned());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// Doubles numbers, counting its batches.
    struct Doubler(Arc<AtomicUsize>);

    impl Loader<u32> for Doubler {
        type Value = u32;
        type Error = Infallible;

        async fn load(&self, keys: &[u32]) -> Result<HashMap<u32, u32>, Infallible> {
            self.0.fetch_add(1, Ordering::SeqCst);
            Ok(keys.iter().map(|k| (*k, k * 2)).collect())
        }
    }

    // Paused time: the clock moves only when every task waits, so the idle timer cannot be
    // what sends these batches; the tickets do.
    #[tokio::test(start_paused = true)]
    async fn the_expected_lookups_go_out_in_one_batch() {
        let batches = Arc::new(AtomicUsize::new(0));
        let batcher = Batcher::new(Doubler(batches.clone()), 3);
        let tickets: Vec<_> = (0..3).map(|_| batcher.ticket()).collect();
        let lookups = tickets
            .into_iter()
            .zip(1..=3)
            .map(|(ticket, key)| async move {
                tokio::task::yield_now().await;
                ticket.load_one(key).await
            });
        let values = futures::future::join_all(lookups).await;
        assert_eq!(values, vec![Some(2), Some(4), Some(6)]);
        assert_eq!(batches.load(Ordering::SeqCst), 1);
    }

    #[tokio::test(start_paused = true)]
    async fn a_dropped_ticket_sends_the_batch_without_waiting() {
        let batches = Arc::new(AtomicUsize::new(0));
        let batcher = Batcher::new(Doubler(batches.clone()), 2);
        let asking = batcher.ticket();
        let giving_up = batcher.ticket();
        let started = tokio::time::Instant::now();
        let lookup = tokio::spawn(asking.load_one(21));
        tokio::task::yield_now().await;
        drop(giving_up);
        assert_eq!(lookup.await.expect("joins"), Some(42));
        assert!(
            started.elapsed() < IDLE,
            "sent when the last ticket settled"
        );
        assert_eq!(batches.load(Ordering::SeqCst), 1);
    }

    #[tokio::test(start_paused = true)]
    async fn a_lookup_field_that_never_ran_delays_the_batch_by_the_idle_time_only() {
        let batches = Arc::new(AtomicUsize::new(0));
        let batcher = Batcher::new(Doubler(batches.clone()), 2);
        assert_eq!(batcher.ticket().load_one(21).await, Some(42));
        assert_eq!(batches.load(Ordering::SeqCst), 1);
    }

    #[tokio::test(start_paused = true)]
    async fn one_lookup_asking_for_several_keys_counts_once() {
        let batches = Arc::new(AtomicUsize::new(0));
        let batcher = Batcher::new(Doubler(batches.clone()), 1);
        assert_eq!(
            batcher.ticket().load_many(vec![1, 2, 3]).await,
            vec![Some(2), Some(4), Some(6)]
        );
        assert_eq!(batches.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn lookups_beyond_the_expected_number_go_out_at_once() {
        let batches = Arc::new(AtomicUsize::new(0));
        let batcher = Batcher::new(Doubler(batches.clone()), 0);
        assert_eq!(batcher.ticket().load_one(1).await, Some(2));
        assert_eq!(batcher.ticket().load_one(2).await, Some(4));
        assert_eq!(batches.load(Ordering::SeqCst), 2);
    }
}
