//! Submissions prepared but perhaps not created: what a retry must send again.
//!
//! The support system records one inquiry per idempotency key and refuses the same key with
//! another body (409). A submission's body holds what only its first attempt decides — the
//! attachment IDs of its uploads and its `responseDueBy` — so when that attempt fails after
//! uploading (the create timed out, the gateway died), the retry (same `Idempotency-Key`) must
//! send the very same body, not upload again and compute a later due date. The prepared body is
//! kept here under the create call's key, in Redis when configured (so any instance's retry
//! finds it) and in this process, for as long as `Idempotency-Key` records live.

use std::sync::Arc;
use std::time::Duration;

use supportgraph_adapters::model::NewInquiry;

use crate::cache::RedisTier;

/// Prepared submissions by the key of their create call.
pub struct PreparedSubmissions {
    prefix: String,
    ttl: Duration,
    local: moka::sync::Cache<String, NewInquiry>,
    redis: Option<Arc<RedisTier>>,
}

impl PreparedSubmissions {
    /// Kept for `ttl` (the idempotency records' lifetime), under `{prefix}:inquiry-prepared:`.
    pub fn new(prefix: &str, ttl: Duration, redis: Option<Arc<RedisTier>>) -> Self {
        Self {
            prefix: prefix.to_owned(),
            ttl,
            local: moka::sync::Cache::builder()
                .max_capacity(10_000)
                .time_to_live(ttl)
                .build(),
            redis,
        }
    }

    fn key(&self, create_key: &str) -> String {
        format!("{}:inquiry-prepared:{create_key}", self.prefix)
    }

    /// The submission prepared under `create_key`, if any.
    pub async fn load(&self, create_key: &str) -> Option<NewInquiry> {
        if let Some(found) = self.local.get(create_key) {
            return Some(found);
        }
        let redis = self.redis.as_ref()?;
        let mut get = redis::cmd("GET");
        get.arg(self.key(create_key));
        let text: String = redis.run::<Option<String>>(get).await.flatten()?;
        match serde_json::from_str(&text) {
            Ok(found) => Some(found),
            Err(error) => {
                tracing::warn!(%error, "a prepared inquiry in Redis does not parse; preparing again");
                None
            }
        }
    }

    /// Keeps `new` under `create_key` (best effort in Redis: without it, a retry on another
    /// instance prepares again and the support system refuses the second body).
    pub async fn save(&self, create_key: &str, new: &NewInquiry) {
        self.local.insert(create_key.to_owned(), new.clone());
        let Some(redis) = &self.redis else {
            return;
        };
        let Ok(text) = serde_json::to_string(new) else {
            return;
        };
        let mut set = redis::cmd("SET");
        set.arg(self.key(create_key))
            .arg(text)
            .arg("EX")
            .arg(self.ttl.as_secs().max(1));
        if redis.run::<()>(set).await.is_none() {
            tracing::warn!(
                "cannot keep a prepared inquiry in Redis; only this instance can retry it"
            );
        }
    }
}
