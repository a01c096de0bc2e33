//! The sandbox identity provider: publishes its signing keys at `/.well-known/jwks.json` and mints
//! RS256 or ES256 tokens for the demo users, so the gateway verifies sandbox tokens exactly as it
//! verifies the real provider's — through the JWKS.
//!
//! It signs with a fixed development key shipped in `config/` (marked as such), so a token minted
//! by `supportgraph token` in one process is accepted by a gateway running in another. New keys
//! can be published at run time ([`SandboxIdentityProvider::publish`]) to exercise key rotation.

use std::sync::{Arc, RwLock};

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use jsonwebtoken::jwk::{Jwk, JwkSet, KeyAlgorithm, PublicKeyUse};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde::{Deserialize, Serialize};

/// The claims the sandbox provider puts in a token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenClaims {
    /// The user's ID (one ID for every tool).
    pub sub: String,
    /// Issuer.
    pub iss: String,
    /// Audience.
    pub aud: String,
    /// Expiry, seconds since the epoch.
    pub exp: i64,
    /// Issued at, seconds since the epoch.
    pub iat: i64,
    /// Not before, seconds since the epoch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nbf: Option<i64>,
}

/// How the sandbox identity provider signs.
#[derive(Debug, Clone)]
pub struct IdentityConfig {
    /// `iss` of minted tokens.
    pub issuer: String,
    /// `aud` of minted tokens.
    pub audience: String,
    /// Lifetime of minted tokens, in seconds.
    pub token_ttl_seconds: u64,
    /// The signing key, PKCS#8 PEM (RSA or EC P-256).
    pub signing_key_pem: String,
    /// The key's `kid`.
    pub key_id: String,
}

/// A key could not be used, or a token could not be signed.
#[derive(Debug, thiserror::Error)]
pub enum IdentityError {
    /// The PEM is neither an RSA nor an EC P-256 private key.
    #[error("the signing key {0:?} is not an RSA or EC P-256 private key in PKCS#8 PEM")]
    UnusableKey(String),
    /// Signing failed.
    #[error("could not sign the token: {0}")]
    Signing(#[from] jsonwebtoken::errors::Error),
}

struct SigningKey {
    kid: String,
    algorithm: Algorithm,
    key: EncodingKey,
    jwk: Jwk,
}

/// The sandbox identity provider.
pub struct SandboxIdentityProvider {
    issuer: String,
    audience: String,
    ttl_seconds: i64,
    /// Published keys, oldest first; the newest signs.
    keys: RwLock<Vec<SigningKey>>,
}

impl std::fmt::Debug for SandboxIdentityProvider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SandboxIdentityProvider")
            .field("issuer", &self.issuer)
            .finish_non_exhaustive()
    }
}

/// Reads a PKCS#8 PEM as an RSA (RS256) or EC P-256 (ES256) signing key and its public JWK.
fn signing_key(kid: &str, pem: &str) -> Result<SigningKey, IdentityError> {
    let candidates = [
        (Algorithm::RS256, EncodingKey::from_rsa_pem(pem.as_bytes())),
        (Algorithm::ES256, EncodingKey::from_ec_pem(pem.as_bytes())),
    ];
    let (algorithm, key) = candidates
        .into_iter()
        .find_map(|(alg, key)| key.ok().map(|k| (alg, k)))
        .ok_or_else(|| IdentityError::UnusableKey(kid.to_owned()))?;
    let mut jwk = Jwk::from_encoding_key(&key, algorithm)
        .map_err(|_| IdentityError::UnusableKey(kid.to_owned()))?;
    jwk.common.key_id = Some(kid.to_owned());
    jwk.common.public_key_use = Some(PublicKeyUse::Signature);
    jwk.common.key_algorithm = Some(match algorithm {
        Algorithm::ES256 => KeyAlgorithm::ES256,
        _ => KeyAlgorithm::RS256,
    });
    Ok(SigningKey {
        kid: kid.to_owned(),
        algorithm,
        key,
        jwk,
    })
}

impl SandboxIdentityProvider {
    /// A provider signing with the configured key.
    pub fn new(config: &IdentityConfig) -> Result<Self, IdentityError> {
        let key = signing_key(&config.key_id, &config.signing_key_pem)?;
        Ok(Self {
            issuer: config.issuer.clone(),
            audience: config.audience.clone(),
            ttl_seconds: i64::try_from(config.token_ttl_seconds).unwrap_or(i64::MAX),
            keys: RwLock::new(vec![key]),
        })
    }

    /// Publishes another key in the JWKS; from now on it signs new tokens (key rotation).
    pub fn publish(&self, kid: &str, pem: &str) -> Result<(), IdentityError> {
        let key = signing_key(kid, pem)?;
        self.keys
            .write()
            .expect("the key list is never poisoned: no code panics holding it")
            .push(key);
        Ok(())
    }

    /// Stops publishing the key `kid` (revocation, or the end of a rotation); the newest key left
    /// signs new tokens. The key a provider was built with can be retired only after another was
    /// published: `false` when `kid` is not published or is the only key.
    pub fn retire(&self, kid: &str) -> bool {
        let mut keys = self
            .keys
            .write()
            .expect("the key list is never poisoned: no code panics holding it");
        if keys.len() < 2 {
            return false;
        }
        let before = keys.len();
        keys.retain(|key| key.kid != kid);
        keys.len() < before
    }

    /// The published public keys.
    pub fn jwks(&self) -> JwkSet {
        let keys = self
            .keys
            .read()
            .expect("the key list is never poisoned: no code panics holding it");
        JwkSet {
            keys: keys.iter().map(|k| k.jwk.clone()).collect(),
        }
    }

    /// Claims valid from now for the configured lifetime.
    pub fn claims_for(&self, user_id: &str) -> TokenClaims {
        let now = chrono::Utc::now().timestamp();
        TokenClaims {
            sub: user_id.to_owned(),
            iss: self.issuer.clone(),
            aud: self.audience.clone(),
            iat: now,
            exp: now.saturating_add(self.ttl_seconds),
            nbf: None,
        }
    }

    /// A token for `user_id`, signed with the newest key.
    pub fn mint(&self, user_id: &str) -> Result<String, IdentityError> {
        self.sign(&self.claims_for(user_id))
    }

    /// A token with exactly these claims (any serialisable value), signed with the newest key.
    pub fn sign<C: Serialize>(&self, claims: &C) -> Result<String, IdentityError> {
        let keys = self
            .keys
            .read()
            .expect("the key list is never poisoned: no code panics holding it");
        let newest = keys
            .last()
            .expect("a provider always has at least the key it was built with");
        let mut header = Header::new(newest.algorithm);
        header.kid = Some(newest.kid.clone());
        Ok(jsonwebtoken::encode(&header, claims, &newest.key)?)
    }
}

/// The provider's routes: `GET /.well-known/jwks.json`.
pub fn router(provider: Arc<SandboxIdentityProvider>) -> Router {
    Router::new()
        .route("/.well-known/jwks.json", get(jwks))
        .with_state(provider)
}

async fn jwks(State(provider): State<Arc<SandboxIdentityProvider>>) -> Json<JwkSet> {
    Json(provider.jwks())
}
