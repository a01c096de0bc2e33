//! Opaque connection cursors: a tool's listing key behind a versioned prefix, in base64url, so
//! callers treat it as opaque and a cursor we did not issue is refused as `BAD_USER_INPUT`.
//!
//! What a key holds is the tool's (it must be the listing's total sort key, so a cursor stays
//! valid while data changes); sealing and opening it is shared.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::error::GatewayError;

/// The error of a cursor this API did not issue.
pub fn invalid() -> GatewayError {
    GatewayError::bad_input("after", "the cursor is not one this API issued")
}

/// The cursor of a key written as `body`, behind the tool's `prefix`.
pub fn seal(prefix: &str, body: &str) -> String {
    URL_SAFE_NO_PAD.encode(format!("{prefix}{body}"))
}

/// The body of a cursor sealed with `prefix`; [`invalid`] for anything else.
pub fn open(cursor: &str, prefix: &str) -> Result<String, GatewayError> {
    let bytes = URL_SAFE_NO_PAD.decode(cursor).map_err(|_| invalid())?;
    let text = String::from_utf8(bytes).map_err(|_| invalid())?;
    text.strip_prefix(prefix)
        .map(str::to_owned)
        .ok_or_else(invalid)
}
