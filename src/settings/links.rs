//! The `[links]` section: signed links, short-lived URLs on the gateway that work without the
//! bearer token (a browser download, a link in an e-mail). Its own file because it holds a
//! secret, whose value must never reach a log through `Debug`.

use std::fmt;

use serde::Deserialize;
use url::Url;

/// Signed links (see [`crate::links`]).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LinksSettings {
    /// The HMAC-SHA256 key links are signed with: base64 (standard alphabet, padding optional),
    /// at least 32 bytes once decoded — `openssl rand -base64 32` makes one. Every gateway
    /// instance behind one load balancer needs the same key. Unset: the production profile
    /// refuses to start; the sandbox profile makes a random key per process (links then do not
    /// survive a restart, nor work on another instance).
    #[serde(default)]
    pub signing_key: Option<SecretString>,
    /// How long a link works after it is made, in seconds (10 to 86,400).
    pub lifetime_seconds: u64,
    /// The absolute base put in front of signed paths (`https://api.example.com`), as browsers
    /// reach the gateway. Unset: whoever builds the link passes the base in.
    #[serde(default)]
    pub public_base_url: Option<Url>,
}

/// A secret string from the settings: its `Debug` never shows the value.
#[derive(Clone, Deserialize)]
#[serde(transparent)]
pub struct SecretString(String);

impl SecretString {
    /// Wraps a secret (for settings built in code).
    pub fn new(secret: impl Into<String>) -> Self {
        Self(secret.into())
    }

    /// The secret itself, for the one place that uses it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for SecretString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretString([redacted])")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_secret() {
        let secret = SecretString::new("hunter2-hunter2");
        assert!(!format!("{secret:?}").contains("hunter2"));
        assert_eq!(secret.expose(), "hunter2-hunter2");
    }
}
