//! Tokens already verified, so a client sending the same bearer token on every request pays for
//! one signature check per token, not one per request (an RS256 check is most of what
//! authenticating a request costs).
//!
//! Entries are keyed by the token's SHA-256, never by the token itself, and hold the principal,
//! the token's expiry and the key that verified it. A hit counts only while:
//! - the token has not expired (its own `exp`, without the verifier's leeway: past it, the token
//!   takes the full check again, which applies the leeway);
//! - the key set is fresh and still publishes that very key under that `kid`: a key that leaves
//!   the key set (rotation, revocation) stops vouching for the tokens it verified at once, and a
//!   stale key set is refreshed by the full check, as without this cache.
//!
//! A token that fails verification is never cached.

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use moka::sync::Cache;
use sha2::{Digest, Sha256};

use super::verifier::Principal;
use crate::hashing::MapHasher;

/// The most tokens remembered; the least recently used go first.
const CAPACITY: u64 = 20_000;

/// A token's SHA-256.
pub(super) type TokenHash = [u8; 32];

/// What one verified token vouched for.
pub(super) struct Verified<K> {
    /// The token's principal.
    pub principal: Principal,
    /// The `kid` of the key that verified it.
    pub kid: String,
    /// That key, compared by identity with the key set's current one.
    pub key: Arc<K>,
}

impl<K> Clone for Verified<K> {
    fn clone(&self) -> Self {
        Self {
            principal: self.principal.clone(),
            kid: self.kid.clone(),
            key: Arc::clone(&self.key),
        }
    }
}

/// Verified tokens by hash, each until its expiry.
pub(super) struct VerifiedTokens<K> {
    entries: Cache<TokenHash, Verified<K>, MapHasher>,
}

impl<K: Send + Sync + 'static> VerifiedTokens<K> {
    pub(super) fn new() -> Self {
        Self {
            entries: Cache::builder()
                .max_capacity(CAPACITY)
                .expire_after(UntilExpiry)
                .build_with_hasher(MapHasher::default()),
        }
    }

    /// The token's hash, the key of every lookup.
    pub(super) fn hash(token: &str) -> TokenHash {
        Sha256::digest(token.as_bytes()).into()
    }

    /// The verified token of `hash`, if it has not expired; whether its key still vouches for it
    /// is for the caller to check against the key set.
    pub(super) fn get(&self, hash: &TokenHash) -> Option<Verified<K>> {
        let verified = self.entries.get(hash)?;
        if verified.principal.expires_at <= now_seconds() {
            self.entries.invalidate(hash);
            return None;
        }
        Some(verified)
    }

    /// Remembers a token that passed the full check.
    pub(super) fn insert(&self, hash: TokenHash, verified: Verified<K>) {
        if verified.principal.expires_at > now_seconds() {
            self.entries.insert(hash, verified);
        }
    }

    /// Forgets a token whose key no longer vouches for it.
    pub(super) fn forget(&self, hash: &TokenHash) {
        self.entries.invalidate(hash);
    }
}

fn now_seconds() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| since.as_secs())
}

/// Each entry lives until its token's `exp`.
struct UntilExpiry;

impl<K> moka::Expiry<TokenHash, Verified<K>> for UntilExpiry {
    fn expire_after_create(
        &self,
        _hash: &TokenHash,
        verified: &Verified<K>,
        _created_at: std::time::Instant,
    ) -> Option<Duration> {
        Some(Duration::from_secs(
            verified.principal.expires_at.saturating_sub(now_seconds()),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn verified(expires_at: u64) -> Verified<()> {
        Verified {
            principal: Principal {
                user_id: "u".into(),
                expires_at,
            },
            kid: "k".into(),
            key: Arc::new(()),
        }
    }

    #[test]
    fn a_token_is_found_until_it_expires() {
        let tokens = VerifiedTokens::new();
        let live = VerifiedTokens::<()>::hash("live");
        let expired = VerifiedTokens::<()>::hash("expired");
        tokens.insert(live, verified(now_seconds() + 60));
        tokens.insert(expired, verified(now_seconds().saturating_sub(1)));
        assert_eq!(
            tokens.get(&live).map(|v| v.principal.user_id),
            Some("u".to_owned())
        );
        assert!(tokens.get(&expired).is_none());
        assert!(tokens.get(&VerifiedTokens::<()>::hash("other")).is_none());
        tokens.forget(&live);
        assert!(tokens.get(&live).is_none());
    }
}
