//! What every tool's fan-out shares: the instance a call goes to, one call per instance through
//! the cache and within the request's backend-call budget, and the instances that could not
//! answer.
//!
//! A tool's own file (`orders`, `inventory`, ...) decides which instances a question touches and
//! how their answers merge; this file makes sure every tool asks them the same way, so the
//! budget, the cache and a missing instance behave alike whichever tool is asking.

use std::collections::BTreeMap;
use std::future::Future;
use std::sync::Arc;

use serde::Serialize;
use serde::de::DeserializeOwned;
use supportgraph_adapters::AdapterError;
use supportgraph_adapters::model::Region;

use super::call_budget::CallBudget;
use crate::cache::{Cache, CacheKey};

/// One region (or the system serving it) that could not answer.
#[derive(Debug, Clone)]
pub struct RegionFailure {
    /// The region.
    pub region: Region,
    /// What went wrong (for logs; callers see only the backend's name).
    pub error: AdapterError,
}

/// The backend configured for `instance`, or the error of an instance the gateway has none for
/// (`backend` names it, `detail` says what is missing).
pub fn backend_of<'a, K: Ord, B: ?Sized>(
    backends: &'a BTreeMap<K, Arc<B>>,
    instance: &K,
    backend: &str,
    detail: &str,
) -> Result<&'a Arc<B>, AdapterError> {
    backends
        .get(instance)
        .ok_or_else(|| AdapterError::Transport {
            backend: backend.to_owned(),
            detail: detail.to_owned(),
        })
}

/// One instance's answer through the cache: the request's budget pays for `call` only when the
/// cache cannot answer (see [`CallBudget::reserve`]).
pub async fn cached_call<T>(
    cache: &Cache,
    key: &CacheKey,
    budget: &CallBudget,
    backend: &str,
    call: impl Future<Output = Result<T, AdapterError>>,
) -> Result<T, AdapterError>
where
    T: Serialize + DeserializeOwned + Clone + Send + Sync + 'static,
{
    let unit = budget.reserve(backend)?;
    cache.get_or_load(key, unit.run(call)).await
}
