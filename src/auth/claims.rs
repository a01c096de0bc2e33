//! The JWT claims the gateway reads after validation.
//!
//! `iss`, `aud`, `exp` and `nbf` are checked by the validator from the raw token (so `aud` may be
//! a string or a list, as identity providers differ); the subject is read into the request, and
//! the expiry kept for connections that outlive one request (a graphql-ws socket closes then).

use serde::Deserialize;

/// Claims of an access token, as far as the gateway uses them.
#[derive(Debug, Clone, Deserialize)]
pub struct Claims {
    /// The user's ID at the identity provider (one ID for every tool).
    pub sub: String,
    /// When the token expires, in seconds since the Unix epoch (required and checked by the
    /// validator).
    pub exp: u64,
}
