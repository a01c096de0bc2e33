//! Verifies bearer tokens: signature, `iss`, `aud`, `exp`, `nbf`, with the algorithm pinned by the
//! key, never by the token's header.

use jsonwebtoken::{Algorithm, DecodingKey, Validation};

use super::Claims;
use crate::settings::AuthSettings;

/// The verified identity behind a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    /// The user's ID at the identity provider.
    pub user_id: String,
}

/// Why a token was refused. Logged; the caller only learns `UNAUTHENTICATED`.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    /// The `Authorization` header is not `Bearer <token>`.
    #[error("the Authorization header is not a bearer token")]
    NotBearer,
    /// The token failed verification.
    #[error("the token was refused: {0}")]
    Invalid(#[from] jsonwebtoken::errors::Error),
    /// No key is configured that could verify tokens.
    #[error("no token verification key is configured")]
    NoKey,
}

/// Verifies tokens against the configured key.
#[derive(Clone)]
pub struct TokenVerifier {
    key: Option<DecodingKey>,
    validation: Validation,
}

impl TokenVerifier {
    /// A verifier for the settings' issuer, audience and key.
    pub fn new(settings: &AuthSettings) -> Self {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[settings.issuer.as_str()]);
        validation.set_audience(&[settings.audience.as_str()]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        validation.validate_exp = true;
        validation.validate_nbf = true;
        validation.leeway = settings.leeway_seconds;
        Self {
            key: settings
                .sandbox_hs256_key
                .as_deref()
                .map(|k| DecodingKey::from_secret(k.as_bytes())),
            validation,
        }
    }

    /// Verifies the value of an `Authorization` header.
    pub fn verify_header(&self, header: &str) -> Result<Principal, AuthError> {
        let token = header
            .strip_prefix("Bearer ")
            .or_else(|| header.strip_prefix("bearer "))
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or(AuthError::NotBearer)?;
        self.verify(token)
    }

    /// Verifies a compact JWT.
    pub fn verify(&self, token: &str) -> Result<Principal, AuthError> {
        let key = self.key.as_ref().ok_or(AuthError::NoKey)?;
        let data = jsonwebtoken::decode::<Claims>(token, key, &self.validation)?;
        Ok(Principal {
            user_id: data.claims.sub,
        })
    }
}
