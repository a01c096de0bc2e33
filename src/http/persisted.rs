//! Automatic persisted queries (Apollo's protocol), so clients such as Apollo's
//! `PersistedQueryLink` can send a document's SHA-256 instead of its text.
//!
//! A request whose `extensions.persistedQuery` carries `{ "version": 1, "sha256Hash": ... }`:
//! - without a query: the registered document runs, or the answer is `PERSISTED_QUERY_NOT_FOUND`
//!   and the client retries with the text;
//! - with a query: the hash must be the text's, and once the document has executed it is
//!   registered for later hash-only requests.
//!
//! Documents are content-addressed, so registering one cannot change what another hash runs,
//! and only documents that parsed and validated are kept. Registrations live in-process and, when
//! configured, in Redis, so every gateway sharing it knows them. The resolution happens before
//! the GET-mutation check, so a mutation registered by hash still cannot run over GET.
//!
//! A deployment's safelist ([`super::safelist`]) is consulted first: its ids resolve before any
//! registration, and when it is required nothing else runs.

use std::sync::Arc;
use std::time::Duration;

use async_graphql::Request;
use serde::Deserialize;

use super::safelist::Safelist;
use crate::cache::RedisTier;
use crate::error::GatewayError;
use crate::settings::PersistedDocumentsSettings;

/// Most bytes of documents kept in-process (the least recently used go first; Redis, when
/// configured, still has them), so registrations cannot crowd out the gateway's memory.
const MAX_LOCAL_BYTES: u64 = 64 * 1024 * 1024;

/// The registered documents.
pub struct PersistedQueries {
    enabled: bool,
    ttl: Duration,
    max_bytes: usize,
    prefix: String,
    redis: Option<Arc<RedisTier>>,
    local: moka::future::Cache<String, Arc<str>>,
    safelist: Arc<Safelist>,
}

/// A document to register once it has executed.
#[derive(Debug)]
pub struct Registration {
    hash: String,
    query: Arc<str>,
}

/// `extensions.persistedQuery` as Apollo sends it.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PersistedQueryExtension {
    version: u32,
    sha256_hash: String,
}

impl PersistedQueries {
    /// The store, keeping documents in `redis` too when given, with the deployment's
    /// `safelist` (empty when no manifest is configured).
    pub fn new(
        settings: &PersistedDocumentsSettings,
        prefix: &str,
        redis: Option<Arc<RedisTier>>,
        safelist: Arc<Safelist>,
    ) -> Self {
        let ttl = Duration::from_secs(settings.automatic_ttl_seconds.max(1));
        Self {
            enabled: settings.automatic,
            ttl,
            max_bytes: settings.automatic_max_bytes,
            prefix: prefix.to_owned(),
            redis,
            safelist,
            local: moka::future::Cache::builder()
                .max_capacity(MAX_LOCAL_BYTES)
                .weigher(|hash: &String, query: &Arc<str>| {
                    u32::try_from(hash.len() + query.len()).unwrap_or(u32::MAX)
                })
                .time_to_live(ttl)
                .build(),
        }
    }

    /// Fills in the text of a request by id (a safelisted document first, then a registered
    /// one), or checks the hash of one that carries both; with a required safelist, refuses
    /// anything not listed. Returns what to register once the document has executed.
    pub async fn resolve(
        &self,
        request: &mut Request,
    ) -> Result<Option<Registration>, GatewayError> {
        let manifest = self.safelist.current();
        let Some(extension) = request.extensions.get("persistedQuery") else {
            if self.safelist.required() && !manifest.lists_text(&request.query) {
                return Err(GatewayError::PersistedQueryNotListed);
            }
            return Ok(None);
        };
        let json = extension
            .clone()
            .into_json()
            .map_err(|_| malformed("is not JSON"))?;
        let extension: PersistedQueryExtension =
            serde_json::from_value(json).map_err(|_| malformed("needs version and sha256Hash"))?;
        if extension.version != 1 {
            return Err(malformed("version must be 1"));
        }
        if let Some(listed) = manifest.document(&extension.sha256_hash) {
            if request.query.is_empty() {
                request.query = listed.to_string();
            } else if request.query != *listed {
                return Err(GatewayError::bad_input(
                    "query",
                    "the text is not the document listed under this id",
                ));
            }
            return Ok(None);
        }
        if self.safelist.required() {
            return Err(GatewayError::PersistedQueryNotListed);
        }
        if !self.enabled {
            return Err(GatewayError::PersistedQueryNotSupported);
        }
        let hash = extension.sha256_hash.to_ascii_lowercase();
        if hash.len() != 64 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(malformed("sha256Hash must be 64 hexadecimal digits"));
        }
        if request.query.is_empty() {
            let query = self
                .lookup(&hash)
                .await
                .ok_or(GatewayError::PersistedQueryNotFound)?;
            request.query = query.to_string();
            return Ok(None);
        }
        if sha256_hex(&request.query) != hash {
            return Err(GatewayError::bad_input(
                "extensions.persistedQuery.sha256Hash",
                "the hash is not the SHA-256 of the query",
            ));
        }
        if request.query.len() > self.max_bytes {
            return Ok(None);
        }
        Ok(Some(Registration {
            hash,
            query: Arc::from(request.query.as_str()),
        }))
    }

    /// Keeps a document that executed, for later hash-only requests.
    pub async fn register(&self, registration: Registration) {
        if let Some(redis) = &self.redis {
            let mut set = redis::cmd("SET");
            set.arg(self.redis_key(&registration.hash))
                .arg(registration.query.as_ref())
                .arg("EX")
                .arg(self.ttl.as_secs());
            let _: Option<()> = redis.run(set).await;
        }
        self.local
            .insert(registration.hash, registration.query)
            .await;
    }

    /// The deployment's safelist (for reloading it).
    pub fn safelist(&self) -> &Arc<Safelist> {
        &self.safelist
    }

    async fn lookup(&self, hash: &str) -> Option<Arc<str>> {
        if let Some(query) = self.local.get(hash).await {
            return Some(query);
        }
        let redis = self.redis.as_ref()?;
        let mut get = redis::cmd("GET");
        get.arg(self.redis_key(hash));
        let query: String = redis.run::<Option<String>>(get).await.flatten()?;
        // A document from Redis is trusted only if it still hashes to its key.
        if sha256_hex(&query) != hash {
            tracing::warn!(%hash, "a persisted document in Redis does not match its hash");
            return None;
        }
        let query: Arc<str> = Arc::from(query);
        self.local.insert(hash.to_owned(), query.clone()).await;
        Some(query)
    }

    fn redis_key(&self, hash: &str) -> String {
        format!("{}:apq:{hash}", self.prefix)
    }
}

fn malformed(why: &str) -> GatewayError {
    GatewayError::bad_input(
        "extensions.persistedQuery",
        format!("the persisted query extension {why}"),
    )
}

/// The lowercase hexadecimal SHA-256 of a document's text, as Apollo computes it.
pub use crate::hashing::sha256_hex;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;

    fn store(enabled: bool) -> PersistedQueries {
        let settings = PersistedDocumentsSettings {
            automatic: enabled,
            automatic_ttl_seconds: 60,
            automatic_max_bytes: 100,
            manifest: None,
            require: false,
        };
        let safelist = Safelist::load(None, false).expect("no manifest loads");
        PersistedQueries::new(&settings, "test", None, Arc::new(safelist))
    }

    fn by_hash(query: &str, hash: &str) -> Request {
        let mut request = Request::new(query);
        let extension = serde_json::json!({ "version": 1, "sha256Hash": hash });
        request.extensions.insert(
            "persistedQuery".to_owned(),
            async_graphql::Value::from_json(extension).expect("JSON converts"),
        );
        request
    }

    #[tokio::test]
    async fn a_hash_is_unknown_until_its_document_registers() {
        let store = store(true);
        let query = "{ me { userId } }";
        let hash = sha256_hex(query);
        let error = store
            .resolve(&mut by_hash("", &hash))
            .await
            .expect_err("not registered yet");
        assert_eq!(error.code(), ErrorCode::PersistedQueryNotFound);

        let registration = store
            .resolve(&mut by_hash(query, &hash))
            .await
            .expect("the hash matches")
            .expect("something to register");
        store.register(registration).await;

        let mut hash_only = by_hash("", &hash);
        assert!(
            store
                .resolve(&mut hash_only)
                .await
                .expect("known")
                .is_none()
        );
        assert_eq!(hash_only.query, query);
    }

    #[tokio::test]
    async fn a_document_above_the_size_limit_runs_but_is_not_kept() {
        let store = store(true);
        let query = format!("{{ me {{ userId }} }} # {}", "x".repeat(100));
        let hash = sha256_hex(&query);
        let registration = store
            .resolve(&mut by_hash(&query, &hash))
            .await
            .expect("the hash matches");
        assert!(registration.is_none());
    }

    #[tokio::test]
    async fn a_wrong_or_malformed_hash_is_refused() {
        let store = store(true);
        for hash in [sha256_hex("{ other }"), "abc".to_owned(), "z".repeat(64)] {
            let error = store
                .resolve(&mut by_hash("{ me { userId } }", &hash))
                .await
                .expect_err("refused");
            assert_eq!(error.code(), ErrorCode::BadUserInput, "{hash}");
        }
    }

    #[tokio::test]
    async fn switched_off_answers_not_supported() {
        let error = store(false)
            .resolve(&mut by_hash("", &sha256_hex("{ a }")))
            .await
            .expect_err("off");
        assert_eq!(error.code(), ErrorCode::PersistedQueryNotSupported);
    }

    #[test]
    fn the_hash_is_apollos() {
        assert_eq!(
            sha256_hex("{__typename}"),
            "ecf4edb46db40b5132295c0291d62fb65d6759a9eedfa4d5d612dd5ec54a6b38"
        );
    }
}
