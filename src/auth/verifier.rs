//! Verifies bearer tokens against the identity provider's key set (JWKS).
//!
//! Each published key decides its own algorithm (its `alg`, or RS256 for RSA and ES256 for P-256
//! when absent); the token's header only names the key (`kid`), it never chooses the algorithm.
//! Symmetric keys are never accepted from a key set. `iss`, `aud`, `exp` and `sub` are required,
//! `nbf` is honoured, with a small configurable leeway.
//!
//! The key set is cached: fetched on first use, again when older than its cache time, and at
//! most once per `jwks_min_refetch_seconds` when a token names a key we do not know (rotation).
//! A failed refresh keeps using the keys we have.
//!
//! A token that passed is remembered by its hash until it expires ([`super::verified`]), for as
//! long as the key that verified it is still published, so each request does not check the same
//! signature again.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};
use supportgraph_adapters::model::ids::clip;

use jsonwebtoken::jwk::{
    AlgorithmParameters, EllipticCurve, Jwk, JwkSet, KeyAlgorithm, PublicKeyUse, ThumbprintHash,
};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use url::Url;

use super::Claims;
use super::verified::{Verified, VerifiedTokens};
use crate::settings::AuthSettings;

/// The verified identity behind a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    /// The user's ID at the identity provider.
    pub user_id: String,
    /// When the token it came from expires, in seconds since the Unix epoch.
    pub expires_at: u64,
}

/// Why a token was refused. Logged; the caller only learns `UNAUTHENTICATED` (or, for
/// [`AuthError::KeysUnavailable`], `BACKEND_UNAVAILABLE`).
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    /// The `Authorization` header is not `Bearer <token>`.
    #[error("the Authorization header is not a bearer token")]
    NotBearer,
    /// The token's header does not name a key.
    #[error("the token's header has no kid")]
    MissingKid,
    /// No published key has the token's `kid`, even after a refetch (the `kid` is the token's,
    /// so any text: logged clipped).
    #[error("no published key has kid {}", clip(.0))]
    UnknownKey(String),
    /// The token failed decoding or validation.
    #[error("the token was refused: {0}")]
    Invalid(#[from] jsonwebtoken::errors::Error),
    /// The token's `sub` cannot be a user ID.
    #[error("the token's subject is not a usable user ID")]
    BadSubject,
    /// The key set could not be fetched and no earlier copy is available.
    #[error("the identity provider's key set is unavailable: {0}")]
    KeysUnavailable(String),
}

/// The HTTP client that fetches the key set (no redirects) could not be built.
#[derive(Debug, thiserror::Error)]
#[error("cannot build the HTTP client that fetches the identity provider's key set: {0}")]
pub struct KeySetClientError(#[source] pub(crate) reqwest::Error);

/// One usable key: how to check a signature and which claims to require.
struct VerifyingKey {
    key: DecodingKey,
    validation: Validation,
}

struct KeySet {
    keys: HashMap<String, Arc<VerifyingKey>>,
    fetched_at: Instant,
}

/// Verifies tokens against a JWKS URL.
pub struct TokenVerifier {
    jwks_url: Url,
    /// A client of its own, following no redirects.
    // The gateway's own client for the identity provider's key set, not a backend's.
    #[allow(clippy::disallowed_types)]
    http: reqwest::Client,
    timeout: Duration,
    template: Validation,
    cache_for: Duration,
    min_refetch: Duration,
    /// SHA-256 thumbprints of keys never to trust (the sandbox development key, in production).
    refused_thumbprints: Vec<String>,
    keys: RwLock<Option<KeySet>>,
    /// Serialises fetches and remembers when the last ones happened.
    fetching: tokio::sync::Mutex<FetchHistory>,
    /// Tokens that passed, by hash, until they expire.
    verified: VerifiedTokens<VerifyingKey>,
}

/// When the key set was last fetched for an unknown `kid`, and when a fetch last failed.
#[derive(Default)]
struct FetchHistory {
    unknown_kid_at: Option<Instant>,
    failed_at: Option<Instant>,
}

/// The largest key set accepted; a real one is a few kilobytes.
const MAX_JWKS_BYTES: usize = 64 * 1024;

fn algorithm_of(jwk: &Jwk) -> Option<Algorithm> {
    let declared = match jwk.common.key_algorithm {
        None => None,
        Some(KeyAlgorithm::RS256) => Some(Algorithm::RS256),
        Some(KeyAlgorithm::RS384) => Some(Algorithm::RS384),
        Some(KeyAlgorithm::RS512) => Some(Algorithm::RS512),
        Some(KeyAlgorithm::PS256) => Some(Algorithm::PS256),
        Some(KeyAlgorithm::ES256) => Some(Algorithm::ES256),
        Some(KeyAlgorithm::ES384) => Some(Algorithm::ES384),
        Some(_) => return None,
    };
    match (&jwk.algorithm, declared) {
        (AlgorithmParameters::RSA(_), None) => Some(Algorithm::RS256),
        (
            AlgorithmParameters::RSA(_),
            Some(a @ (Algorithm::RS256 | Algorithm::RS384 | Algorithm::RS512 | Algorithm::PS256)),
        ) => Some(a),
        (AlgorithmParameters::EllipticCurve(ec), None) => match ec.curve {
            EllipticCurve::P256 => Some(Algorithm::ES256),
            EllipticCurve::P384 => Some(Algorithm::ES384),
            _ => None,
        },
        (AlgorithmParameters::EllipticCurve(ec), Some(Algorithm::ES256))
            if ec.curve == EllipticCurve::P256 =>
        {
            Some(Algorithm::ES256)
        }
        (AlgorithmParameters::EllipticCurve(ec), Some(Algorithm::ES384))
            if ec.curve == EllipticCurve::P384 =>
        {
            Some(Algorithm::ES384)
        }
        _ => None,
    }
}

impl TokenVerifier {
    /// A verifier for the settings' issuer and audience, trusting the keys at `jwks_url`.
    ///
    /// The key set is fetched with its own client that follows no redirects, so the trusted URL
    /// is the only place keys can come from. If that client cannot be built (no TLS backend, say)
    /// there is no verifier: falling back to a client that follows redirects would let keys come
    /// from wherever the key-set URL points.
    // The gateway's own client for the key set, not a backend's (see clippy.toml).
    #[allow(clippy::disallowed_types)]
    pub fn new(
        settings: &AuthSettings,
        jwks_url: Url,
        refused_keys: &[Jwk],
    ) -> Result<Self, KeySetClientError> {
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("supportgraph/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(KeySetClientError)?;
        let mut template = Validation::new(Algorithm::RS256);
        template.set_issuer(&[settings.issuer.as_str()]);
        template.set_audience(&[settings.audience.as_str()]);
        template.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        template.validate_exp = true;
        template.validate_nbf = true;
        template.leeway = settings.leeway_seconds;
        Ok(Self {
            jwks_url,
            http,
            timeout: Duration::from_millis(settings.jwks_timeout_ms),
            template,
            cache_for: Duration::from_secs(settings.jwks_cache_seconds),
            min_refetch: Duration::from_secs(settings.jwks_min_refetch_seconds),
            refused_thumbprints: refused_keys
                .iter()
                .filter_map(|k| k.thumbprint(ThumbprintHash::SHA256).ok())
                .collect(),
            keys: RwLock::new(None),
            fetching: tokio::sync::Mutex::new(FetchHistory::default()),
            verified: VerifiedTokens::new(),
        })
    }

    /// Verifies the value of an `Authorization` header.
    pub async fn verify_header(&self, header: &str) -> Result<Principal, AuthError> {
        let token = header
            .strip_prefix("Bearer ")
            .or_else(|| header.strip_prefix("bearer "))
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or(AuthError::NotBearer)?;
        self.verify(token).await
    }

    /// Verifies a compact JWT: from the verified tokens when this one passed before and its key
    /// still vouches for it, else by its signature and claims.
    pub async fn verify(&self, token: &str) -> Result<Principal, AuthError> {
        let hash = VerifiedTokens::<VerifyingKey>::hash(token);
        if let Some(verified) = self.verified.get(&hash) {
            match self.cached(&verified.kid) {
                (Some(key), true) if Arc::ptr_eq(&key, &verified.key) => {
                    return Ok(verified.principal);
                }
                _ => self.verified.forget(&hash),
            }
        }
        let header = jsonwebtoken::decode_header(token)?;
        let kid = header.kid.ok_or(AuthError::MissingKid)?;
        let key = self.key(&kid).await?;
        let data = jsonwebtoken::decode::<Claims>(token, &key.key, &key.validation)?;
        let sub = data.claims.sub;
        if sub.is_empty()
            || sub.len() > 256
            || sub == "."
            || sub == ".."
            || sub.chars().any(char::is_control)
        {
            return Err(AuthError::BadSubject);
        }
        let principal = Principal {
            user_id: sub,
            expires_at: data.claims.exp,
        };
        self.verified.insert(
            hash,
            Verified {
                principal: principal.clone(),
                kid,
                key,
            },
        );
        Ok(principal)
    }

    fn cached(&self, kid: &str) -> (Option<Arc<VerifyingKey>>, bool) {
        let guard = self
            .keys
            .read()
            .expect("the key cache is never poisoned: no code panics holding it");
        match guard.as_ref() {
            None => (None, false),
            Some(set) => (
                set.keys.get(kid).cloned(),
                set.fetched_at.elapsed() < self.cache_for,
            ),
        }
    }

    async fn key(&self, kid: &str) -> Result<Arc<VerifyingKey>, AuthError> {
        let (known, fresh) = self.cached(kid);
        if let (Some(key), true) = (&known, fresh) {
            return Ok(key.clone());
        }
        // A stale but known key keeps working while someone else refreshes the set.
        let mut history = match (self.fetching.try_lock(), known) {
            (Ok(history), _) => history,
            (Err(_), Some(stale)) => return Ok(stale),
            (Err(_), None) => self.fetching.lock().await,
        };
        // Another request may have refreshed the set while we waited.
        let (known, fresh) = self.cached(kid);
        match (&known, fresh) {
            (Some(key), true) => return Ok(key.clone()),
            (None, true) => {
                let allowed = history
                    .unknown_kid_at
                    .is_none_or(|at| at.elapsed() >= self.min_refetch);
                if !allowed {
                    return Err(AuthError::UnknownKey(kid.to_owned()));
                }
            }
            (_, false) => {}
        }
        // After a failure, wait a refetch interval before asking the provider again.
        let backing_off = history
            .failed_at
            .is_some_and(|at| at.elapsed() < self.min_refetch.max(Duration::from_secs(1)));
        let fetched = if backing_off {
            Err("the last fetch failed moments ago".to_owned())
        } else {
            self.fetch().await
        };
        match fetched {
            Ok(set) => {
                history.failed_at = None;
                if fresh {
                    history.unknown_kid_at = Some(Instant::now());
                }
                let key = set.keys.get(kid).cloned();
                *self
                    .keys
                    .write()
                    .expect("the key cache is never poisoned: no code panics holding it") =
                    Some(set);
                key.ok_or_else(|| AuthError::UnknownKey(kid.to_owned()))
            }
            Err(detail) => {
                if !backing_off {
                    history.failed_at = Some(Instant::now());
                    tracing::warn!(%detail, "could not refresh the identity provider's key set");
                }
                match known {
                    Some(stale) => Ok(stale),
                    None if self.has_keys() => Err(AuthError::UnknownKey(kid.to_owned())),
                    None => Err(AuthError::KeysUnavailable(detail)),
                }
            }
        }
    }

    fn has_keys(&self) -> bool {
        self.keys
            .read()
            .expect("the key cache is never poisoned: no code panics holding it")
            .is_some()
    }

    async fn fetch(&self) -> Result<KeySet, String> {
        let body = tokio::time::timeout(self.timeout, self.download())
            .await
            .map_err(|_| format!("no key set within {} ms", self.timeout.as_millis()))??;
        let set: JwkSet = serde_json::from_slice(&body).map_err(|e| format!("not a JWKS: {e}"))?;
        let keys = set.keys.iter().filter_map(|jwk| self.usable(jwk)).collect();
        tracing::info!(url = %self.jwks_url, "fetched the identity provider's key set");
        Ok(KeySet {
            keys,
            fetched_at: Instant::now(),
        })
    }

    /// The key set's bytes, refusing redirects, errors and anything over [`MAX_JWKS_BYTES`].
    async fn download(&self) -> Result<Vec<u8>, String> {
        let mut response = self
            .http
            .get(self.jwks_url.clone())
            .send()
            .await
            .map_err(|e| e.to_string())?;
        if !response.status().is_success() {
            return Err(format!("HTTP {}", response.status()));
        }
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(|e| e.to_string())? {
            if body.len() + chunk.len() > MAX_JWKS_BYTES {
                return Err(format!("the key set is larger than {MAX_JWKS_BYTES} bytes"));
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body)
    }

    /// A published key we can verify with, or `None` (logged) for one we must not use.
    fn usable(&self, jwk: &Jwk) -> Option<(String, Arc<VerifyingKey>)> {
        let kid = jwk.common.key_id.clone()?;
        if jwk.common.public_key_use == Some(PublicKeyUse::Encryption) {
            return None;
        }
        if jwk
            .thumbprint(ThumbprintHash::SHA256)
            .is_ok_and(|t| self.refused_thumbprints.contains(&t))
        {
            tracing::error!(%kid, "the key set publishes the sandbox development key: refused");
            return None;
        }
        let Some(algorithm) = algorithm_of(jwk) else {
            tracing::warn!(%kid, "ignoring a published key of an unsupported type or algorithm");
            return None;
        };
        let key = DecodingKey::from_jwk(jwk)
            .map_err(|error| tracing::warn!(%kid, %error, "ignoring an unreadable published key"))
            .ok()?;
        let mut validation = self.template.clone();
        validation.algorithms = vec![algorithm];
        Some((kid, Arc::new(VerifyingKey { key, validation })))
    }
}
