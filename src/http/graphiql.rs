//! `/graphiql`: the embedded GraphiQL explorer, served entirely from the binary.
//!
//! Why it is built this way:
//!
//! - **No CDN.** GraphiQL 3.9.0 and React 18.3.1 (their UMD production builds, vendored under
//!   `assets/graphiql/` with their licences and an `update.sh` that re-fetches them) are compiled
//!   in with `include_bytes!`, so the explorer works on an offline machine and no request leaves
//!   the gateway's origin.
//! - **A strict Content-Security-Policy.** The page has no inline script: its settings travel as
//!   JSON in `<script type="application/json" id="graphiql-config">`, which a browser never
//!   executes, and `assets/graphiql/init.js` reads them and boots GraphiQL. Scripts and
//!   connections are limited to `'self'`; GraphiQL's inline styles and `data:` fonts are allowed.
//! - **Cache-safe assets.** Asset URLs carry a hash of their content
//!   (`/graphiql/assets/<hash>/graphiql.min.js`), so they are served `immutable` for a year and a
//!   new build can never be mixed with an old cached file; a stale or unknown URL is a 404.
//! - **A fresh token, never a stale one.** In the sandbox profile the page pre-fills the Headers
//!   tab with a token minted for this page load, and is itself `no-store`. `init.js` keeps the
//!   headers (and, when pre-filled, the tabs) out of `localStorage`, so a token from an earlier
//!   run cannot take the fresh one's place.
//! - **One example document.** `assets/graphiql/default-document.graphql` is the document the
//!   page opens with (the README's example operations), kept in its own file so both share it.

use std::sync::LazyLock;

use crate::hashing::short_sha256_hex;
use axum::extract::{Path, State};
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::HttpState;

/// The document the editor opens with: the README's example operations.
pub const DEFAULT_DOCUMENT: &str = include_str!("../../assets/graphiql/default-document.graphql");

/// Where the explorer sends its operations.
const ENDPOINT: &str = "/graphql";

/// Where the assets are served; the full URL is `<ASSETS_PATH>/<hash>/<name>`.
const ASSETS_PATH: &str = "/graphiql/assets";

/// The page's Content-Security-Policy: scripts and connections from this origin only.
const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; \
     connect-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; \
     font-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// `Content-Type` of JavaScript assets.
const JAVASCRIPT: &str = "text/javascript; charset=utf-8";
/// `Content-Type` of style sheets.
const CSS: &str = "text/css; charset=utf-8";

/// The embedded files: name, content, content type.
const FILES: [(&str, &[u8], &str); 6] = [
    (
        "react.production.min.js",
        include_bytes!("../../assets/graphiql/react.production.min.js"),
        JAVASCRIPT,
    ),
    (
        "react-dom.production.min.js",
        include_bytes!("../../assets/graphiql/react-dom.production.min.js"),
        JAVASCRIPT,
    ),
    (
        "graphiql.min.js",
        include_bytes!("../../assets/graphiql/graphiql.min.js"),
        JAVASCRIPT,
    ),
    (
        "graphiql.min.css",
        include_bytes!("../../assets/graphiql/graphiql.min.css"),
        CSS,
    ),
    (
        "init.js",
        include_bytes!("../../assets/graphiql/init.js"),
        JAVASCRIPT,
    ),
    (
        "page.css",
        include_bytes!("../../assets/graphiql/page.css"),
        CSS,
    ),
];

/// One embedded file and the versioned path it is served under.
struct Asset {
    /// The file name (`graphiql.min.js`).
    name: &'static str,
    /// `<hash>/<name>`: what follows `/graphiql/assets/` in its URL.
    path: String,
    /// The content.
    bytes: &'static [u8],
    /// Its `Content-Type`.
    content_type: &'static str,
}

/// Every asset with its content hash, computed once.
static ASSETS: LazyLock<Vec<Asset>> = LazyLock::new(|| {
    FILES
        .iter()
        .map(|&(name, bytes, content_type)| {
            let hash = short_sha256_hex(bytes, 8);
            Asset {
                name,
                path: format!("{hash}/{name}"),
                bytes,
                content_type,
            }
        })
        .collect()
});

/// The URL of the embedded file `name`.
fn asset_url(name: &str) -> String {
    let asset = ASSETS
        .iter()
        .find(|a| a.name == name)
        .expect("the page names only embedded files");
    format!("{ASSETS_PATH}/{}", asset.path)
}

/// `GET /graphiql`: the explorer (404 when `graphiql.enabled` is off).
pub async fn page(State(state): State<HttpState>) -> Response {
    if !state.app.settings.graphiql.enabled {
        return StatusCode::NOT_FOUND.into_response();
    }
    let headers = state.app.demo_token().map(|token| bearer_headers(&token));
    page_response(headers.as_deref())
}

/// `GET /graphiql/assets/{*path}`: an embedded file, by `<hash>/<name>`; anything else is a 404.
pub async fn asset(State(state): State<HttpState>, Path(path): Path<String>) -> Response {
    if !state.app.settings.graphiql.enabled {
        return StatusCode::NOT_FOUND.into_response();
    }
    serve_asset(&path)
}

/// One embedded asset by its hashed path, or 404.
fn serve_asset(path: &str) -> Response {
    let Some(asset) = ASSETS.iter().find(|a| a.path == path) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    (
        [
            (header::CONTENT_TYPE, asset.content_type),
            (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        ],
        asset.bytes,
    )
        .into_response()
}

/// The Headers tab's text for a bearer token, pretty-printed JSON.
fn bearer_headers(token: &str) -> String {
    let headers = serde_json::json!({ "Authorization": format!("Bearer {token}") });
    serde_json::to_string_pretty(&headers).expect("a JSON object serialises")
}

/// The page with its headers: HTML, the CSP, and `no-store` (it may carry a token).
fn page_response(headers: Option<&str>) -> Response {
    let static_headers: [(HeaderName, HeaderValue); 6] = [
        (
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        ),
        (
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CONTENT_SECURITY_POLICY),
        ),
        (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        (
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ),
        (
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ),
        (header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")),
    ];
    (static_headers, render_page(headers)).into_response()
}

/// The HTML page; `headers` is the Headers tab's pre-filled text, if any.
fn render_page(headers: Option<&str>) -> String {
    let config = serde_json::json!({
        "endpoint": ENDPOINT,
        "headers": headers,
        "defaultQuery": DEFAULT_DOCUMENT,
    });
    let config = script_safe_json(&config);
    let css = asset_url("graphiql.min.css");
    let page_css = asset_url("page.css");
    let react = asset_url("react.production.min.js");
    let react_dom = asset_url("react-dom.production.min.js");
    let graphiql = asset_url("graphiql.min.js");
    let init = asset_url("init.js");
    // Asset URLs are `/graphiql/assets/<hex>/<fixed name>` and the only other dynamic part is
    // the JSON made safe above, so nothing here needs HTML escaping.
    format!(
        r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>supportgraph GraphiQL</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="{css}">
<link rel="stylesheet" href="{page_css}">
</head>
<body>
<div id="graphiql"><p class="loading">Loading...</p></div>
<script type="application/json" id="graphiql-config">{config}</script>
<script src="{react}"></script>
<script src="{react_dom}"></script>
<script src="{graphiql}"></script>
<script src="{init}"></script>
</body>
</html>
"#
    )
}

/// JSON that can sit inside a `<script>` element: `<`, `>` and `&` become `\u003c`, `\u003e`
/// and `\u0026` (still the same JSON), so no `</script>` or `<!--` can end or alter the element.
fn script_safe_json(value: &serde_json::Value) -> String {
    value
        .to_string()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::to_bytes;

    /// The JSON inside the page's config element.
    fn config_of(html: &str) -> serde_json::Value {
        let start = html
            .find(r#"<script type="application/json" id="graphiql-config">"#)
            .expect("the config element");
        let rest = &html[start..];
        let open_end = rest.find('>').expect("the element's start tag ends") + 1;
        let close = rest.find("</script>").expect("the element ends");
        serde_json::from_str(&rest[open_end..close]).expect("the config is JSON")
    }

    #[test]
    fn script_safe_json_cannot_close_the_script_element() {
        let value = serde_json::json!({ "q": "</script><script>alert(1)</script><!-- & >" });
        let safe = script_safe_json(&value);
        assert!(!safe.contains('<'), "{safe}");
        assert!(!safe.contains('>'), "{safe}");
        assert!(!safe.contains('&'), "{safe}");
        let back: serde_json::Value = serde_json::from_str(&safe).expect("still JSON");
        assert_eq!(back, value, "the escaping does not change the value");
    }

    #[test]
    fn the_page_carries_endpoint_document_and_headers_as_json() {
        let headers = bearer_headers("tok.en</script>");
        let html = render_page(Some(&headers));
        assert_eq!(
            html.matches("</script>").count(),
            5,
            "only the five elements close"
        );
        let config = config_of(&html);
        assert_eq!(config["endpoint"], "/graphql");
        assert_eq!(config["defaultQuery"], DEFAULT_DOCUMENT);
        let tab: serde_json::Value =
            serde_json::from_str(config["headers"].as_str().expect("a string")).expect("JSON");
        assert_eq!(tab["Authorization"], "Bearer tok.en</script>");
        assert!(
            config["headers"].as_str().expect("text").contains('\n'),
            "pretty-printed for the Headers tab"
        );
        assert!(html.contains("<title>supportgraph GraphiQL</title>"));
    }

    #[test]
    fn without_a_token_the_headers_are_null() {
        assert_eq!(
            config_of(&render_page(None))["headers"],
            serde_json::Value::Null
        );
    }

    #[test]
    fn the_page_has_no_inline_script_and_references_every_asset() {
        let html = render_page(None);
        for asset in ASSETS.iter() {
            assert!(
                html.contains(&format!("{ASSETS_PATH}/{}", asset.path)),
                "{}",
                asset.name
            );
        }
        // Every <script> but the JSON one loads a file.
        for tag in html.split("<script").skip(1) {
            assert!(
                tag.starts_with(" src=") || tag.starts_with(r#" type="application/json""#),
                "{tag}"
            );
        }
    }

    #[test]
    fn the_default_document_names_its_four_operations() {
        for name in [
            "query Dashboard",
            "query Inventory",
            "query GuestLookup",
            "subscription LiveStatus",
        ] {
            assert!(DEFAULT_DOCUMENT.contains(name), "{name}");
        }
        assert!(DEFAULT_DOCUMENT.starts_with('#'));
        async_graphql::parser::parse_query(DEFAULT_DOCUMENT).expect("the document parses");
    }

    #[tokio::test]
    async fn the_page_is_html_under_a_strict_policy_and_never_cached() {
        let response = page_response(Some("{}"));
        assert_eq!(response.status(), StatusCode::OK);
        let h = response.headers();
        assert_eq!(h[header::CONTENT_TYPE], "text/html; charset=utf-8");
        assert_eq!(h[header::CACHE_CONTROL], "no-store");
        let csp = h[header::CONTENT_SECURITY_POLICY].to_str().expect("ASCII");
        assert!(csp.contains("script-src 'self';"), "{csp}");
        assert!(csp.contains("connect-src 'self';"), "{csp}");
        assert!(!csp.contains("unsafe-eval"), "{csp}");
    }

    #[tokio::test]
    async fn assets_are_served_with_their_type_and_cached_for_good() {
        for (name, content_type) in [
            ("graphiql.min.js", JAVASCRIPT),
            ("graphiql.min.css", CSS),
            ("react.production.min.js", JAVASCRIPT),
            ("react-dom.production.min.js", JAVASCRIPT),
            ("init.js", JAVASCRIPT),
            ("page.css", CSS),
        ] {
            let url = asset_url(name);
            let path = url
                .strip_prefix(&format!("{ASSETS_PATH}/"))
                .expect("under the assets path");
            let response = serve_asset(path);
            assert_eq!(response.status(), StatusCode::OK, "{name}");
            assert_eq!(response.headers()[header::CONTENT_TYPE], content_type);
            assert_eq!(
                response.headers()[header::CACHE_CONTROL],
                "public, max-age=31536000, immutable"
            );
            let body = to_bytes(response.into_body(), usize::MAX)
                .await
                .expect("a body");
            assert!(!body.is_empty(), "{name}");
        }
    }

    #[tokio::test]
    async fn unknown_or_stale_asset_paths_are_404() {
        let current = asset_url("graphiql.min.js");
        let (_, name) = current.rsplit_once('/').expect("a name");
        for path in [
            "graphiql.min.js".to_owned(),
            format!("0000000000000000/{name}"),
            "../Cargo.toml".to_owned(),
            format!(
                "{}/nope.js",
                current.split('/').nth(3).expect("the hash segment")
            ),
            String::new(),
        ] {
            let response = serve_asset(&path);
            assert_eq!(response.status(), StatusCode::NOT_FOUND, "{path}");
        }
    }

    #[test]
    fn vendored_builds_carry_no_source_map_reference() {
        for asset in ASSETS.iter() {
            let text = String::from_utf8_lossy(asset.bytes);
            assert!(!text.contains("sourceMappingURL"), "{}", asset.name);
        }
    }
}
