//! Registration profiles (customer numbers and tool authorisations) through the cache, so a
//! burst of requests from one user costs one registration call — in this gateway and every other
//! sharing its Redis.
//!
//! A user's entries live in the namespace `("profile", user_id)`, bumped when they change their
//! own profile (an authorisation request); an administrator's decision shows once the entry
//! expires (`cache.profile_ttl_seconds`).

use std::sync::Arc;
use std::time::Duration;

use supportgraph_adapters::AdapterError;
use supportgraph_adapters::model::UserProfile;
use supportgraph_adapters::ports::RegistrationBackend;

use crate::cache::{Cache, CacheKey, Namespace};

/// Registration profiles by user ID, read through the cache. It only reads: changes go to the
/// registration system itself (`App::registration`), then [`ProfileCache::forget`] the profile.
pub struct ProfileCache {
    registration: Arc<dyn RegistrationBackend>,
    cache: Arc<Cache>,
    ttl: Duration,
}

fn namespace(user_id: &str) -> Namespace {
    Namespace::new("profile", user_id)
}

impl ProfileCache {
    /// Caches `registration`'s answers in `cache` for `ttl`; a zero `ttl` caches nothing.
    pub fn new(
        registration: Arc<dyn RegistrationBackend>,
        cache: Arc<Cache>,
        ttl: Duration,
    ) -> Self {
        Self {
            registration,
            cache,
            ttl,
        }
    }

    /// The user's profile (`None`: not registered), from the cache or the registration system.
    pub async fn get(&self, user_id: &str) -> Result<Option<Arc<UserProfile>>, AdapterError> {
        let key = CacheKey::new(
            self.registration.instance(),
            "user_profile",
            user_id,
            vec![user_id.to_owned()],
            vec![namespace(user_id)],
            self.ttl,
        );
        let profile = self
            .cache
            .get_or_load(&key, self.registration.user_profile(user_id))
            .await?;
        Ok(profile.map(Arc::new))
    }

    /// Forgets the user's cached profile everywhere (after they changed it).
    pub async fn forget(&self, user_id: &str) {
        self.cache.invalidate(&namespace(user_id)).await;
    }
}
