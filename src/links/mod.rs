//! Signed links: short-lived URLs on the gateway that work without the bearer token — a browser
//! download, a link in an e-mail — where a header cannot be sent.
//!
//! A link carries who asked for it and until when it works, sealed with an HMAC-SHA256 over a
//! canonical, length-prefixed encoding of the path, the parameters (sorted), the user (the token's
//! `sub`) and the expiry, so none of them can be changed without the key. A link is not an
//! authorisation: the route that serves it checks the user's access again with [`LinkGrant::user`],
//! so a link outliving a revoked authorisation reveals nothing.
//!
//! The key comes from `links.signing_key`, shared by every instance; without one (sandbox profile
//! only) each process makes a random key, and links die with it.

mod query;
#[cfg(test)]
mod tests;

use std::fmt;
use std::ops::RangeInclusive;

use base64::Engine as _;
use base64::alphabet;
use base64::engine::DecodePaddingMode;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig, URL_SAFE_NO_PAD};
use chrono::{DateTime, TimeDelta, Utc};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use url::Url;

use crate::settings::{LinksSettings, Profile};

type HmacSha256 = Hmac<Sha256>;

/// Accepted values of `links.lifetime_seconds`.
pub const LIFETIME_SECONDS: RangeInclusive<u64> = 10..=86_400;

/// The query parameters a signed link adds; a link's own parameters may not use these names.
pub const RESERVED_PARAMS: [&str; 3] = ["expires", "user", "signature"];

/// Separates this use of the key from any other (and versions the encoding).
const DOMAIN: &[u8] = b"supportgraph signed link v1";

/// Standard base64 that accepts the key with or without its `=` padding.
const KEY_BASE64: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// A signing key: at least [`LinkKey::MIN_BYTES`] bytes. `Debug` never shows it.
#[derive(Clone)]
pub struct LinkKey(Vec<u8>);

impl LinkKey {
    /// The shortest key accepted: as long as the HMAC-SHA256 output.
    pub const MIN_BYTES: usize = 32;

    /// Decodes `links.signing_key` (base64, standard alphabet, padding optional).
    pub fn decode(text: &str) -> Result<Self, LinkKeyError> {
        let bytes = KEY_BASE64
            .decode(text.trim())
            .map_err(|_| LinkKeyError::NotBase64)?;
        Self::from_bytes(bytes)
    }

    /// A key from raw bytes.
    pub fn from_bytes(bytes: Vec<u8>) -> Result<Self, LinkKeyError> {
        if bytes.len() < Self::MIN_BYTES {
            return Err(LinkKeyError::TooShort { found: bytes.len() });
        }
        Ok(Self(bytes))
    }

    /// A fresh random key, from the operating system.
    pub fn random() -> Result<Self, LinkKeyError> {
        let mut bytes = vec![0; Self::MIN_BYTES];
        getrandom::fill(&mut bytes).map_err(|e| LinkKeyError::Random(e.to_string()))?;
        Self::from_bytes(bytes)
    }
}

impl fmt::Debug for LinkKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("LinkKey([redacted])")
    }
}

/// The signing key cannot be used (a settings or start-up problem).
#[derive(Debug, thiserror::Error)]
pub enum LinkKeyError {
    /// The key is not base64.
    #[error("is not base64 (standard alphabet, as `openssl rand -base64 32` prints)")]
    NotBase64,
    /// The key is too short.
    #[error("is {found} bytes once decoded; at least 32 are needed (`openssl rand -base64 32`)")]
    TooShort {
        /// Its length in bytes.
        found: usize,
    },
    /// The production profile has no key.
    #[error(
        "is required by the production profile: base64, at least 32 bytes (`openssl rand -base64 32`), the same on every instance so links survive restarts and work on any of them; set SUPPORTGRAPH_LINKS__SIGNING_KEY"
    )]
    Missing,
    /// The operating system gave no random bytes.
    #[error("no random key could be made: {0}")]
    Random(String),
}

/// A parameter name a link cannot carry (sign refuses; a programming error in the caller).
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum SignError {
    /// One of [`RESERVED_PARAMS`] was given as a parameter.
    #[error("the parameter name {0:?} is reserved for the signature")]
    ReservedName(String),
}

/// Why a link was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum LinkError {
    /// The URL carries no signature: not a signed link.
    #[error("the link is not signed")]
    Missing,
    /// The signature or expiry cannot be read, or the query is not valid percent-encoded UTF-8.
    #[error("the link is malformed")]
    Malformed,
    /// The path, a parameter, the user or the expiry differs from what was signed (or another
    /// key signed it).
    #[error("the link's signature does not match")]
    Tampered,
    /// The signature is good but the link's time is over.
    #[error("the link has expired")]
    Expired,
}

/// A signed link, relative to the gateway's root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedLink {
    /// The path and query, percent-encoded (`/exports/orders.csv?format=csv&expires=…`).
    pub path_and_query: String,
    /// When the link stops working (whole seconds).
    pub expires_at: DateTime<Utc>,
}

impl SignedLink {
    /// The absolute URL under `base` (`https://api.example.com`, or with a path prefix a proxy
    /// strips before the gateway sees the request).
    pub fn absolute(&self, base: &Url) -> String {
        format!(
            "{}{}",
            base.as_str().trim_end_matches('/'),
            self.path_and_query
        )
    }
}

/// What a valid link grants: who signed it, until when, and its parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkGrant {
    /// The user the link was made for (the token's `sub`); the route checks their access again.
    pub user: String,
    /// When the link stops working.
    pub expires_at: DateTime<Utc>,
    /// The link's own parameters, decoded, sorted by name then value.
    pub params: Vec<(String, String)>,
}

/// Makes and checks signed links.
#[derive(Clone)]
pub struct LinkSigner {
    mac: HmacSha256,
    lifetime: TimeDelta,
    public_base_url: Option<Url>,
}

impl fmt::Debug for LinkSigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LinkSigner")
            .field("key", &"[redacted]")
            .field("lifetime", &self.lifetime)
            .field("public_base_url", &self.public_base_url)
            .finish()
    }
}

impl LinkSigner {
    /// A signer with `key`, making links that work for `lifetime` (clamped to
    /// [`LIFETIME_SECONDS`]).
    pub fn new(key: &LinkKey, lifetime: std::time::Duration, public_base_url: Option<Url>) -> Self {
        let seconds = lifetime
            .as_secs()
            .clamp(*LIFETIME_SECONDS.start(), *LIFETIME_SECONDS.end());
        Self {
            mac: HmacSha256::new_from_slice(&key.0).expect("HMAC accepts a key of any length"),
            lifetime: TimeDelta::seconds(i64::try_from(seconds).unwrap_or(86_400)),
            public_base_url,
        }
    }

    /// The signer the settings describe. Without `links.signing_key`, the sandbox profile gets
    /// a random key per process (with a warning); the production profile is refused.
    pub fn from_settings(settings: &LinksSettings, profile: Profile) -> Result<Self, LinkKeyError> {
        let key = match (&settings.signing_key, profile) {
            (Some(key), _) => LinkKey::decode(key.expose())?,
            (None, Profile::Production) => return Err(LinkKeyError::Missing),
            (None, Profile::Sandbox) => {
                tracing::warn!(
                    "links.signing_key is not set: signed links use a random key of this process, so they stop working after a restart and do not work on another instance"
                );
                LinkKey::random()?
            }
        };
        let lifetime = std::time::Duration::from_secs(settings.lifetime_seconds);
        Ok(Self::new(&key, lifetime, settings.public_base_url.clone()))
    }

    /// `links.public_base_url`, when configured.
    pub fn public_base_url(&self) -> Option<&Url> {
        self.public_base_url.as_ref()
    }

    /// How long a new link works.
    pub fn lifetime(&self) -> TimeDelta {
        self.lifetime
    }

    /// Signs `path` (as the gateway will see it; characters a URL cannot hold are
    /// percent-encoded) with `params` for `user`, working from `now` for the configured lifetime.
    /// The query holds the parameters sorted by name, then `expires=<unix seconds>`,
    /// `user=<percent-encoded sub>` and `signature=<base64url>`. Parameter names may repeat, but
    /// not be one of [`RESERVED_PARAMS`].
    pub fn sign(
        &self,
        path: &str,
        params: &[(&str, &str)],
        user: &str,
        now: DateTime<Utc>,
    ) -> Result<SignedLink, SignError> {
        if let Some((name, _)) = params.iter().find(|(n, _)| RESERVED_PARAMS.contains(n)) {
            return Err(SignError::ReservedName((*name).to_owned()));
        }
        let path = query::encode_path(path);
        let mut params: Vec<(&str, &str)> = params.to_vec();
        params.sort_unstable();
        let expires_at = now
            .checked_add_signed(self.lifetime)
            .and_then(|t| DateTime::from_timestamp(t.timestamp(), 0))
            .unwrap_or(DateTime::<Utc>::MAX_UTC);
        let expires = expires_at.timestamp();
        let mac = self.mac_of(&path, &params, user, expires);
        let signature = URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes());
        let mut query = query::QueryWriter::default();
        for (name, value) in &params {
            query.push(name, value);
        }
        query.push("expires", &expires.to_string());
        query.push("user", user);
        query.push("signature", &signature);
        Ok(SignedLink {
            path_and_query: format!("{path}?{}", query.finish()),
            expires_at,
        })
    }

    /// Checks a link: `path` is the request's raw path (`uri.path()`), `raw_query` its raw query
    /// (`uri.query()`, without `?`). The signature is checked before the expiry, so an altered
    /// link is [`LinkError::Tampered`] whatever its expiry says.
    pub fn verify(
        &self,
        path: &str,
        raw_query: &str,
        now: DateTime<Utc>,
    ) -> Result<LinkGrant, LinkError> {
        let parsed = query::ParsedQuery::parse(raw_query)?;
        let signature = URL_SAFE_NO_PAD
            .decode(&parsed.signature)
            .map_err(|_| LinkError::Malformed)?;
        let expires: i64 = parsed.expires.parse().map_err(|_| LinkError::Malformed)?;
        let mut params = parsed.params;
        params.sort_unstable();
        let borrowed: Vec<(&str, &str)> = params
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        self.mac_of(path, &borrowed, &parsed.user, expires)
            .verify_slice(&signature)
            .map_err(|_| LinkError::Tampered)?;
        let expires_at = DateTime::from_timestamp(expires, 0).ok_or(LinkError::Malformed)?;
        if now >= expires_at {
            return Err(LinkError::Expired);
        }
        Ok(LinkGrant {
            user: parsed.user,
            expires_at,
            params,
        })
    }

    /// The MAC over the canonical encoding: every variable-length field is preceded by its
    /// length, so no two different links encode alike.
    fn mac_of(&self, path: &str, params: &[(&str, &str)], user: &str, expires: i64) -> HmacSha256 {
        fn field(mac: &mut HmacSha256, bytes: &[u8]) {
            mac.update(&(bytes.len() as u64).to_be_bytes());
            mac.update(bytes);
        }
        let mut mac = self.mac.clone();
        field(&mut mac, DOMAIN);
        field(&mut mac, path.as_bytes());
        mac.update(&(params.len() as u64).to_be_bytes());
        for (name, value) in params {
            field(&mut mac, name.as_bytes());
            field(&mut mac, value.as_bytes());
        }
        field(&mut mac, user.as_bytes());
        mac.update(&expires.to_be_bytes());
        mac
    }
}
