//! Who is calling: bearer-token verification, the sandbox identity provider, and the per-request
//! [`Caller`] that resolves the user's registration profile once per request.
//!
//! A request without a token is a guest; a request with a token that fails verification is
//! refused as a whole with HTTP 401, never downgraded to a guest.

mod caller;
mod claims;
mod sandbox_idp;
mod verifier;

pub use caller::Caller;
pub use claims::Claims;
pub use sandbox_idp::{SandboxIdentityProvider, TokenMintError};
pub use verifier::{AuthError, Principal, TokenVerifier};
