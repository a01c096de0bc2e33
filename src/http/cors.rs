//! Cross-origin requests from browser apps (CORS): which origins may call the gateway, with
//! which methods and headers.
//!
//! Origins are configured exactly (`https://portal.example.com`) or with any port
//! (`http://localhost:*`, for developers' machines), or `*` for any origin. The gateway uses no
//! cookies, so no credentials are allowed: a token travels in `Authorization`, which the browser
//! only sends when the app's code puts it there. An origin not listed gets no
//! `Access-Control-Allow-Origin`, so the browser refuses the call.

use std::sync::Arc;
use std::time::Duration;

use axum::http::{HeaderName, HeaderValue, Method, header};
use tower_http::cors::{AllowOrigin, CorsLayer};

use crate::reload::Reloadable;
use crate::settings::CorsSettings;

/// The request headers a browser app may send (Apollo Client adds its client name and version
/// when an app sets `clientAwareness`).
const ALLOWED_HEADERS: [&str; 8] = [
    "authorization",
    "content-type",
    "idempotency-key",
    "graphql-require-preflight",
    "apollo-require-preflight",
    "x-supportgraph-csrf",
    "apollographql-client-name",
    "apollographql-client-version",
];

/// One allowed origin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OriginPattern {
    /// Any origin.
    Any,
    /// Exactly this origin (scheme, host, and port when given).
    Exact(String),
    /// This scheme and host, with any port (or none).
    AnyPort {
        /// `http://localhost`, without the port.
        scheme_and_host: String,
    },
}

impl OriginPattern {
    /// Parses one configured origin, or says what is wrong with it.
    pub fn parse(text: &str) -> Result<Self, String> {
        if text == "*" {
            return Ok(Self::Any);
        }
        let lower = text.to_ascii_lowercase();
        let Some((scheme, rest)) = lower.split_once("://") else {
            return Err(format!(
                "{text:?} is not an origin: write scheme://host[:port]"
            ));
        };
        if scheme != "http" && scheme != "https" {
            return Err(format!("{text:?}: the scheme must be http or https"));
        }
        if rest.is_empty() || rest.contains(['/', '?', '#', '@']) {
            return Err(format!(
                "{text:?} is not an origin: no path, query or user, just scheme://host[:port]"
            ));
        }
        if let Some(host) = rest.strip_suffix(":*") {
            if host.is_empty() || host.contains(':') {
                return Err(format!("{text:?}: write scheme://host:* for any port"));
            }
            return Ok(Self::AnyPort {
                scheme_and_host: format!("{scheme}://{host}"),
            });
        }
        if rest.contains('*') {
            return Err(format!(
                "{text:?}: only a whole port may be a wildcard (scheme://host:*)"
            ));
        }
        Ok(Self::Exact(lower))
    }

    /// Whether a request's `Origin` header value matches.
    pub fn matches(&self, origin: &str) -> bool {
        let origin = origin.to_ascii_lowercase();
        match self {
            Self::Any => true,
            Self::Exact(exact) => *exact == origin,
            Self::AnyPort { scheme_and_host } => match origin.strip_prefix(scheme_and_host) {
                Some("") => true,
                Some(port) => port
                    .strip_prefix(':')
                    .is_some_and(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit())),
                None => false,
            },
        }
    }
}

/// The configured origins' patterns. Settings are validated before they are used, so a pattern
/// that does not parse here is skipped with an error in the log.
pub fn patterns(settings: &CorsSettings) -> Vec<OriginPattern> {
    settings
        .allowed_origins
        .iter()
        .filter_map(|origin| match OriginPattern::parse(origin) {
            Ok(pattern) => Some(pattern),
            Err(error) => {
                tracing::error!(%error, "cors.allowed_origins entry skipped");
                None
            }
        })
        .collect()
}

/// The CORS layer for `origins`, which a configuration reload may replace while the gateway
/// serves (each request reads the list in use then).
pub fn layer(settings: &CorsSettings, origins: Arc<Reloadable<Vec<OriginPattern>>>) -> CorsLayer {
    let allow_origin = AllowOrigin::predicate(move |origin: &HeaderValue, _| {
        origin.to_str().is_ok_and(|origin| {
            origins
                .snapshot()
                .iter()
                .any(|pattern| pattern.matches(origin))
        })
    });
    CorsLayer::new()
        .allow_origin(allow_origin)
        .allow_methods([Method::GET, Method::POST])
        .allow_headers(ALLOWED_HEADERS.map(HeaderName::from_static))
        .expose_headers([header::RETRY_AFTER, header::WWW_AUTHENTICATE])
        .max_age(Duration::from_secs(settings.max_age_seconds))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_origins_match_only_themselves() {
        let pattern = OriginPattern::parse("https://Portal.example.com").expect("valid");
        assert!(pattern.matches("https://portal.example.com"));
        assert!(!pattern.matches("https://portal.example.com:8443"));
        assert!(!pattern.matches("http://portal.example.com"));
        assert!(!pattern.matches("https://portal.example.com.evil.test"));
    }

    #[test]
    fn any_port_matches_ports_of_that_host_only() {
        let pattern = OriginPattern::parse("http://localhost:*").expect("valid");
        assert!(pattern.matches("http://localhost"));
        assert!(pattern.matches("http://localhost:5173"));
        assert!(!pattern.matches("http://localhost.evil.test"));
        assert!(!pattern.matches("http://localhost:5173.evil.test"));
        assert!(!pattern.matches("https://localhost:5173"));
        assert!(!pattern.matches("http://localhost:"));
    }

    #[test]
    fn what_is_not_an_origin_is_refused() {
        for bad in [
            "localhost",
            "ftp://x",
            "http://",
            "http://x/path",
            "http://*.example.com",
            "http://a:b:*",
        ] {
            assert!(OriginPattern::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(OriginPattern::parse("*"), Ok(OriginPattern::Any));
    }
}
