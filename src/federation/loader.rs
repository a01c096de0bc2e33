//! What every tool's lookup loader shares, for the request's [`super::batcher::Batcher`]s: every
//! lookup field of one request (`order`, `node`, `guestOrderStatus`, `inventoryItem`, ...)
//! becomes at most one batch call per instance per [`MAX_BATCH`] keys, however many the query
//! asks for.
//!
//! Each key carries the customer numbers its caller may see, and its [`Lookup::answers`] drops
//! any answer outside them, so scope is enforced where the data arrives. An instance's failure is
//! the value of that instance's keys only, so one region down never fails another region's
//! lookups. Each tool's key, and so its loader, lives with the tool (`federation::orders`,
//! `federation::inventory`).

use std::collections::{BTreeMap, HashMap};
use std::convert::Infallible;
use std::future::Future;
use std::hash::Hash;
use std::sync::Arc;

use async_graphql::dataloader::Loader;
use futures::future::{BoxFuture, join_all};
use supportgraph_adapters::AdapterError;

use super::call_budget::CallBudget;
use super::fan_out::backend_of;

/// The most keys in one backend batch call: the ports' limit.
pub const MAX_BATCH: usize = supportgraph_adapters::ports::LOOKUP_BATCH;

/// One tool's lookup key: which instance it asks, for which of the backend's identifiers, and
/// which answer is its own. Implementing it is all a tool's batched lookup needs: its loader is
/// an [`InstanceLoader`] of its key.
pub trait Lookup: Clone + Eq + Hash + Send + Sync + 'static {
    /// What names an instance (a region, an inventory system).
    type Instance: Copy + Ord + Send + Sync + 'static;
    /// The port every instance implements.
    type Backend: ?Sized + Send + Sync + 'static;
    /// What a lookup finds.
    type Value: Clone + Send + Sync + 'static;

    /// What an instance without a configured backend fails with.
    const NOT_CONFIGURED: &'static str;

    /// An instance's name, for the budget and errors.
    fn instance_name(instance: Self::Instance) -> String;

    /// The instance this key asks.
    fn instance(&self) -> Self::Instance;

    /// The backend's identifier this key asks for.
    fn id(&self) -> &str;

    /// One batch call to `backend` for `ids`.
    fn call<'a>(
        backend: &'a Self::Backend,
        ids: &'a [String],
    ) -> BoxFuture<'a, Result<Vec<Self::Value>, AdapterError>>;

    /// Whether `value` is the one this key asks for, and its caller may see it.
    fn answers(&self, value: &Self::Value) -> bool;
}

/// Loads one tool's lookups from its instances, spending the request's budget: the keys grouped
/// by instance, each instance asked concurrently in batches of [`MAX_BATCH`], each answer handed
/// to the keys it answers.
pub struct InstanceLoader<K: Lookup> {
    backends: BTreeMap<K::Instance, Arc<K::Backend>>,
    budget: Arc<CallBudget>,
}

impl<K: Lookup> InstanceLoader<K> {
    /// A loader over these instances, spending the request's `budget`.
    pub fn new(backends: BTreeMap<K::Instance, Arc<K::Backend>>, budget: Arc<CallBudget>) -> Self {
        Self { backends, budget }
    }
}

impl<K: Lookup> Loader<K> for InstanceLoader<K> {
    /// `Ok(value)` when found within the key's customer numbers; absent when not found; the
    /// instance's error when it could not answer.
    type Value = Result<K::Value, AdapterError>;
    type Error = Infallible;

    async fn load(&self, keys: &[K]) -> Result<HashMap<K, Self::Value>, Self::Error> {
        let by_instance = grouped(keys);
        let calls = by_instance.iter().map(|(instance, ids)| async move {
            let name = K::instance_name(*instance);
            let answer = match backend_of(&self.backends, instance, &name, K::NOT_CONFIGURED) {
                Ok(backend) => {
                    in_batches(&self.budget, &name, ids, |chunk| K::call(backend, chunk)).await
                }
                Err(missing) => Err(missing),
            };
            (*instance, answer)
        });
        let answers = join_all(calls).await.into_iter().collect();
        Ok(distribute(keys, &answers))
    }
}

/// The identifiers to ask each instance for, each once.
fn grouped<K: Lookup>(keys: &[K]) -> BTreeMap<K::Instance, Vec<String>> {
    let mut by_instance: BTreeMap<K::Instance, Vec<String>> = BTreeMap::new();
    for key in keys {
        let ids = by_instance.entry(key.instance()).or_default();
        if !ids.iter().any(|known| known == key.id()) {
            ids.push(key.id().to_owned());
        }
    }
    by_instance
}

/// Asks one instance (`backend`) for `ids` in calls of at most [`MAX_BATCH`], each paid from the
/// request's budget; the first failure is the instance's answer.
async fn in_batches<'a, T, F>(
    budget: &CallBudget,
    backend: &str,
    ids: &'a [String],
    call: impl Fn(&'a [String]) -> F,
) -> Result<Vec<T>, AdapterError>
where
    F: Future<Output = Result<Vec<T>, AdapterError>>,
{
    let mut found = Vec::new();
    for chunk in ids.chunks(MAX_BATCH) {
        found.extend(budget.spend(backend, call(chunk)).await?);
    }
    Ok(found)
}

/// Each key's value from its instance's answer: `Ok` with the value the key [`Lookup::answers`]
/// to, the instance's error when it failed, absent when neither.
fn distribute<K: Lookup>(
    keys: &[K],
    answers: &BTreeMap<K::Instance, Result<Vec<K::Value>, AdapterError>>,
) -> HashMap<K, Result<K::Value, AdapterError>> {
    let mut values = HashMap::new();
    for key in keys {
        match answers.get(&key.instance()) {
            Some(Ok(found)) => {
                if let Some(value) = found.iter().find(|value| key.answers(value)) {
                    values.insert(key.clone(), Ok(value.clone()));
                }
            }
            Some(Err(error)) => {
                values.insert(key.clone(), Err(error.clone()));
            }
            None => {}
        }
    }
    values
}
