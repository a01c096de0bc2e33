//! Who is calling: bearer-token verification against the identity provider's key set, the
//! registration profile cache, and the per-request [`Caller`].
//!
//! A request without a token is a guest; a request with a token that fails verification is
//! refused as a whole with HTTP 401, never downgraded to a guest.

mod caller;
mod claims;
mod profiles;
mod verified;
mod verifier;

pub use caller::Caller;
pub use claims::Claims;
pub use profiles::ProfileCache;
pub use verifier::{AuthError, KeySetClientError, Principal, TokenVerifier};
