//! The gateway as `spawn_app` builds it in the API tests — the default (sandbox) settings with the
//! embedded sandbox — built once per process, and requests sent through its real router in
//! process with `tower::ServiceExt::oneshot` (no socket between the fuzzer and the gateway; the
//! gateway still reaches the sandbox's simulators over loopback, as it does in the tests).
//!
//! The input of `graphql_request` is a [`Message`] read as an HTTP request:
//!
//! ```text
//! POST /graphql
//! accept: application/graphql-response+json
//! content-type: application/json
//! authorization: demo 0
//!
//! {"query":"{ me { displayName } }"}
//! ```
//!
//! The first line is the method and the target (path and query; `/graphql` when missing or
//! invalid). Two header values stand for tokens minted when the input runs, so seeds never expire:
//! `authorization: demo N` is a valid bearer token of the `N`th demo user (modulo their number),
//! and `authorization: signed {claims}` a token with exactly these claims (any JSON), signed by the
//! sandbox identity provider's real key. Every other header is sent as it is (when it is a valid
//! header at all); the body is sent byte for byte.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use axum::extract::connect_info::MockConnectInfo;
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, Request, StatusCode, Uri, header};
use bytes::Bytes;
use http_body_util::BodyExt;
use supportgraph::http::{HttpState, router};
use supportgraph::settings::Settings;
use supportgraph::startup::Application;
use supportgraph_adapters::sandbox::SandboxHandle;
use supportgraph_adapters::sandbox::demo;
use tower::ServiceExt;

use crate::text::Message;

/// How long a minted demo token is used before a fresh one is minted (they live 8 hours).
const TOKEN_REUSE: Duration = Duration::from_secs(3600);

/// The address the requests come from, as the server's `ConnectInfo` would give it.
const PEER: ([u8; 4], u16) = ([127, 0, 0, 1], 40_000);

/// A running gateway, its sandbox and the runtime they run on.
pub struct Gateway {
    runtime: tokio::runtime::Runtime,
    router: Router,
    sandbox: Arc<SandboxHandle>,
    users: Vec<String>,
    tokens: Mutex<(Instant, Vec<String>)>,
}

/// The gateway's answer, its body read whole.
#[derive(Debug)]
pub struct Answer {
    /// The status.
    pub status: StatusCode,
    /// The headers.
    pub headers: HeaderMap,
    /// The body as sent (compressed when the request accepted it and it was large).
    pub body: Bytes,
}

/// The repository's root (this crate is `fuzz/` in it).
fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The settings `spawn_app` uses, with every file found from the repository's root (the fuzzer
/// may run anywhere), the feeds' polling slowed as the tests slow it, and the rate limits raised
/// so that a fuzzer sending thousands of requests a second is still served.
pub fn settings() -> Settings {
    let root = root();
    let mut settings = Settings::load_without_env(None).expect("the shipped default settings load");
    settings.countries_file = root.join("config/countries.toml");
    settings.carriers_file = root.join("config/carriers.toml");
    settings.sandbox.identity_key_file = root.join("config/sandbox-identity-dev-key.pem");
    settings.server.port = 0;
    settings.inquiries.feed_poll_ms = 60_000;
    settings.limits.rate_burst = 1_000_000_000;
    settings.limits.rate_per_second = 1_000_000_000;
    settings.guest.lookups_per_minute = 1_000_000_000;
    settings.guest.failed_lookups_per_customer_per_minute = 1_000_000_000;
    // A bounded cache: a long run caches many distinct answers.
    settings.cache.max_entries = 20_000;
    settings
}

impl Gateway {
    /// The process's gateway, built on first use.
    pub fn get() -> &'static Gateway {
        static GATEWAY: OnceLock<Gateway> = OnceLock::new();
        GATEWAY.get_or_init(Gateway::build)
    }

    fn build() -> Self {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime");
        let application = runtime
            .block_on(Application::build(settings()))
            .expect("the gateway builds");
        let sandbox = application
            .sandbox()
            .expect("the default settings embed the sandbox");
        let app = application.app();
        let schema = supportgraph::graphql::build(app.clone());
        let router =
            router(HttpState { app, schema }).layer(MockConnectInfo(SocketAddr::from(PEER)));
        // The listening socket is not used: requests go to the router directly.
        drop(application);
        let users: Vec<String> = demo::users()
            .into_iter()
            .map(|(user, _)| user.user_id.to_owned())
            .collect();
        let tokens = mint_all(&sandbox, &users);
        Self {
            runtime,
            router,
            sandbox,
            users,
            tokens: Mutex::new((Instant::now(), tokens)),
        }
    }

    /// The demo users, in the order `authorization: demo N` counts them.
    pub fn users(&self) -> &[String] {
        &self.users
    }

    /// A valid token of the `n`th demo user (modulo their number).
    pub fn demo_token(&self, n: usize) -> String {
        let mut tokens = self.tokens.lock().expect("the tokens");
        if tokens.0.elapsed() > TOKEN_REUSE {
            *tokens = (Instant::now(), mint_all(&self.sandbox, &self.users));
        }
        tokens.1[n % tokens.1.len()].clone()
    }

    /// The request `data` describes (see the module's documentation).
    pub fn request(&self, data: &[u8]) -> Request<Body> {
        let message = Message::parse(data);
        let method = message
            .words
            .first()
            .and_then(|m| Method::from_bytes(m).ok())
            .unwrap_or(Method::POST);
        let uri = message
            .words
            .get(1)
            .and_then(|t| Uri::try_from(*t).ok())
            .filter(|u| u.scheme().is_none() && u.path().starts_with('/'))
            .unwrap_or_else(|| Uri::from_static("/graphql"));
        let mut request = Request::new(Body::from(Bytes::copy_from_slice(message.body)));
        *request.method_mut() = method;
        *request.uri_mut() = uri;
        let headers = request.headers_mut();
        for (name, value) in &message.headers {
            let Ok(name) = HeaderName::from_bytes(name) else {
                continue;
            };
            let value = if name == header::AUTHORIZATION {
                self.authorization(value)
            } else {
                HeaderValue::from_bytes(value).ok()
            };
            if let Some(value) = value {
                headers.append(name, value);
            }
        }
        request
    }

    /// `demo N` and `signed {claims}` as bearer tokens; anything else as it is.
    fn authorization(&self, value: &[u8]) -> Option<HeaderValue> {
        let text = String::from_utf8_lossy(value);
        let bearer = if let Some(n) = text.strip_prefix("demo ") {
            let n = n.trim().parse::<usize>().unwrap_or(0);
            Some(self.demo_token(n))
        } else if let Some(claims) = text.strip_prefix("signed ") {
            let claims: serde_json::Value = serde_json::from_str(claims).ok()?;
            self.sandbox.identity().sign(&claims).ok()
        } else {
            None
        };
        match bearer {
            Some(token) => HeaderValue::from_str(&format!("Bearer {token}")).ok(),
            None => HeaderValue::from_bytes(value).ok(),
        }
    }

    /// Sends `request` through the router and reads the whole answer.
    pub fn send(&self, request: Request<Body>) -> Answer {
        self.runtime.block_on(async {
            let response = self
                .router
                .clone()
                .oneshot(request)
                .await
                .expect("a router never fails");
            let (parts, body) = response.into_parts();
            let body = body
                .collect()
                .await
                .map(|collected| collected.to_bytes())
                .unwrap_or_default();
            Answer {
                status: parts.status,
                headers: parts.headers,
                body,
            }
        })
    }
}

fn mint_all(sandbox: &SandboxHandle, users: &[String]) -> Vec<String> {
    users
        .iter()
        .map(|user| {
            sandbox
                .identity()
                .mint(user)
                .expect("a sandbox token mints")
        })
        .collect()
}
