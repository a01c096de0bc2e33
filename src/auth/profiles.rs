//! A short-lived, per-user cache of registration profiles (customer numbers and tool
//! authorisations), so a burst of requests from one user costs one registration call.
//!
//! Concurrent misses for one user share one call. A user's entry is dropped when they change it
//! (an authorisation request); an administrator's decision shows once the entry expires.

use std::sync::Arc;
use std::time::Duration;

use moka::future::Cache;
use supportgraph_adapters::AdapterError;
use supportgraph_adapters::model::UserProfile;
use supportgraph_adapters::ports::RegistrationBackend;

/// Profiles by user ID; `None` records "not registered".
pub struct ProfileCache {
    registration: Arc<dyn RegistrationBackend>,
    cache: Option<Cache<String, Option<Arc<UserProfile>>>>,
}

impl ProfileCache {
    /// Caches `registration`'s answers for `ttl`; a zero `ttl` caches nothing.
    pub fn new(registration: Arc<dyn RegistrationBackend>, ttl: Duration) -> Self {
        let cache = (!ttl.is_zero()).then(|| {
            Cache::builder()
                .time_to_live(ttl)
                .max_capacity(100_000)
                .build()
        });
        Self {
            registration,
            cache,
        }
    }

    /// The registration system behind the cache (for calls that change state).
    pub fn registration(&self) -> &Arc<dyn RegistrationBackend> {
        &self.registration
    }

    /// The user's profile, from the cache or the registration system.
    pub async fn get(&self, user_id: &str) -> Result<Option<Arc<UserProfile>>, AdapterError> {
        let load = async {
            Ok::<_, AdapterError>(self.registration.user_profile(user_id).await?.map(Arc::new))
        };
        match &self.cache {
            None => load.await,
            Some(cache) => cache
                .try_get_with(user_id.to_owned(), load)
                .await
                .map_err(|shared| (*shared).clone()),
        }
    }

    /// Forgets the user's cached profile (after they changed it).
    pub async fn forget(&self, user_id: &str) {
        if let Some(cache) = &self.cache {
            cache.invalidate(user_id).await;
        }
    }
}
