//! One request's lookups, collected and sent together: the promise that N lookups cost at most
//! ⌈N / 100⌉ calls per region.
//!
//! async-graphql's DataLoader sends a batch when a timer fires or the batch is full; under load
//! the resolvers of 300 aliases reach it over several milliseconds, and 300 lookups became 39
//! calls. This batcher knows how many lookups the operation holds (from the estimate made before
//! it ran, [`crate::graphql::budget`]) and sends the batch the moment the last one has asked, so
//! the batching does not depend on the machine's speed. A lookup that ends before asking (an ID
//! that names nothing, say) is covered by a short grace period after the first ask; lookups
//! beyond the expected number (a mutation's, which run one at a time) are sent at once.
//!
//! Each batch goes out in a task of its own, so a client that goes away does not strand the
//! other lookups of its batch.

use std::collections::HashMap;
use std::convert::Infallible;
use std::hash::Hash;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_graphql::dataloader::Loader;
use tokio::sync::oneshot;

/// How long the first lookup waits for the others when some of the expected ones never ask.
const GRACE: Duration = Duration::from_millis(2);

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
    /// Lookups asked for so far in this request.
    asked: usize,
    /// Lookups waiting for the next batch.
    waiting: Waiting<K, V>,
    /// Whether a grace timer is running.
    timer: bool,
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
                    asked: 0,
                    waiting: Vec::new(),
                    timer: false,
                }),
            }),
        }
    }

    /// The value for `key`, or `None` when the backend has none (for this caller). One
    /// lookup of the operation's expected number.
    pub async fn load_one(&self, key: K) -> Result<Option<L::Value>, Infallible> {
        let mut values = self.load_many(vec![key]).await?;
        Ok(values.pop().flatten())
    }

    /// The values for `keys` (one lookup asking in several places, e.g. one order number in
    /// every region of the caller), in order. Counts as one lookup of the expected number.
    pub async fn load_many(&self, keys: Vec<K>) -> Result<Vec<Option<L::Value>>, Infallible> {
        let mut receivers = Vec::with_capacity(keys.len());
        let ready = {
            let mut state = self.shared.lock();
            state.asked += 1;
            for key in keys {
                let (sender, receiver) = oneshot::channel();
                state.waiting.push((key, sender));
                receivers.push(receiver);
            }
            if state.asked >= self.shared.expected {
                Some(std::mem::take(&mut state.waiting))
            } else {
                if !state.timer {
                    state.timer = true;
                    let shared = self.shared.clone();
                    tokio::spawn(async move {
                        tokio::time::sleep(GRACE).await;
                        let waiting = {
                            let mut state = shared.lock();
                            state.timer = false;
                            std::mem::take(&mut state.waiting)
                        };
                        shared.send(waiting).await;
                    });
                }
                None
            }
        };
        if let Some(waiting) = ready {
            let shared = self.shared.clone();
            tokio::spawn(async move { shared.send(waiting).await });
        }
        let mut values = Vec::with_capacity(receivers.len());
        for receiver in receivers {
            // A dropped sender means the batch task died (a panic in a loader): no value.
            values.push(receiver.await.ok().flatten());
        }
        Ok(values)
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

    /// Loads every waiting key in one batch and hands each waiter its value.
    async fn send(&self, waiting: Waiting<K, L::Value>) {
        if waiting.is_empty() {
            return;
        }
        let keys: Vec<K> = waiting.iter().map(|(key, _)| key.clone()).collect();
        let values: HashMap<K, L::Value> = match self.loader.load(&keys).await {
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

    // Paused time: the clock moves only when every task waits, so the grace timer cannot be
    // what sends this batch; the count of lookups does.
    #[tokio::test(start_paused = true)]
    async fn the_expected_lookups_go_out_in_one_batch() {
        let batches = Arc::new(AtomicUsize::new(0));
        let batcher = Arc::new(Batcher::new(Doubler(batches.clone()), 3));
        let mut lookups = Vec::new();
        for key in 1..=3 {
            let batcher = batcher.clone();
            lookups.push(tokio::spawn(async move {
                tokio::task::yield_now().await;
                batcher.load_one(key).await
            }));
        }
        for (key, lookup) in (1..=3).zip(lookups) {
            assert_eq!(lookup.await.expect("joins"), Ok(Some(key * 2)));
        }
        assert_eq!(batches.load(Ordering::SeqCst), 1);
    }

    #[tokio::test(start_paused = true)]
    async fn a_lookup_that_never_asks_delays_the_batch_by_the_grace_only() {
        let batches = Arc::new(AtomicUsize::new(0));
        let batcher = Batcher::new(Doubler(batches.clone()), 2);
        assert_eq!(batcher.load_one(21).await, Ok(Some(42)));
        assert_eq!(batches.load(Ordering::SeqCst), 1);
    }

    #[tokio::test(start_paused = true)]
    async fn one_lookup_asking_for_several_keys_counts_once() {
        let batches = Arc::new(AtomicUsize::new(0));
        let batcher = Batcher::new(Doubler(batches.clone()), 1);
        assert_eq!(
            batcher.load_many(vec![1, 2, 3]).await,
            Ok(vec![Some(2), Some(4), Some(6)])
        );
        assert_eq!(batches.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn lookups_beyond_the_expected_number_go_out_at_once() {
        let batches = Arc::new(AtomicUsize::new(0));
        let batcher = Batcher::new(Doubler(batches.clone()), 0);
        assert_eq!(batcher.load_one(1).await, Ok(Some(2)));
        assert_eq!(batcher.load_one(2).await, Ok(Some(4)));
        assert_eq!(batches.load(Ordering::SeqCst), 2);
    }
}
