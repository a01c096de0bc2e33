//! The JWT claims the gateway reads after validation.
//!
//! `iss`, `aud`, `exp` and `nbf` are checked by the validator from the raw token (so `aud` may be
//! a string or a list, as identity providers differ); only the subject is read into the request.

use serde::Deserialize;

/// Claims of an access token, as far as the gateway uses them.
#[derive(Debug, Clone, Deserialize)]
pub struct Claims {
    /// The user's ID at the identity provider (one ID for every tool).
    pub sub: String,
}
