//! The sandbox identity provider: mints tokens for the demo users with the development key.

use jsonwebtoken::{Algorithm, EncodingKey, Header};

use super::Claims;
use crate::settings::AuthSettings;

/// A token could not be minted.
#[derive(Debug, thiserror::Error)]
pub enum TokenMintError {
    /// The settings carry no sandbox key (the production profile).
    #[error(
        "no sandbox key is configured (auth.sandbox_hs256_key): tokens come from the real identity provider"
    )]
    NoSandboxKey,
    /// Signing failed.
    #[error("could not sign the token: {0}")]
    Signing(#[from] jsonwebtoken::errors::Error),
}

/// Mints sandbox tokens that the gateway's sandbox profile accepts.
#[derive(Clone)]
pub struct SandboxIdentityProvider {
    key: EncodingKey,
    issuer: String,
    audience: String,
    ttl_seconds: i64,
}

impl SandboxIdentityProvider {
    /// A provider signing with the settings' sandbox key.
    pub fn new(settings: &AuthSettings) -> Result<Self, TokenMintError> {
        let secret = settings
            .sandbox_hs256_key
            .as_deref()
            .ok_or(TokenMintError::NoSandboxKey)?;
        Ok(Self {
            key: EncodingKey::from_secret(secret.as_bytes()),
            issuer: settings.issuer.clone(),
            audience: settings.audience.clone(),
            ttl_seconds: i64::try_from(settings.token_ttl_seconds).unwrap_or(i64::MAX),
        })
    }

    /// A token for `user_id`, valid from now for the configured lifetime.
    pub fn mint(&self, user_id: &str) -> Result<String, TokenMintError> {
        let now = chrono::Utc::now().timestamp();
        self.mint_claims(&Claims {
            sub: user_id.to_owned(),
            iss: self.issuer.clone(),
            aud: self.audience.clone(),
            iat: now,
            exp: now.saturating_add(self.ttl_seconds),
            nbf: None,
        })
    }

    /// A token with exactly these claims (tests use it to build expired or foreign tokens).
    pub fn mint_claims(&self, claims: &Claims) -> Result<String, TokenMintError> {
        Ok(jsonwebtoken::encode(
            &Header::new(Algorithm::HS256),
            claims,
            &self.key,
        )?)
    }
}
