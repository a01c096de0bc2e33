//! `spawn_app()`: a gateway with its embedded sandbox on free ports, and a small GraphQL client;
//! [`gateway_process`]: the gateway binary over a sandbox of the test's own, stopped with SIGTERM.

// By path: this file is also a module of other test binaries (`#[path = "api/helpers.rs"]`).
#[path = "helpers/gateway_process.rs"]
pub mod gateway_process;

use std::sync::Arc;

use reqwest::StatusCode;
use serde_json::{Value, json};
use supportgraph::settings::Settings;
use supportgraph::startup::Application;
use supportgraph_adapters::model::{AuthorizationStatus, Tool};
use supportgraph_adapters::sandbox::SandboxHandle;
use supportgraph_adapters::sandbox::demo;
use supportgraph_adapters::sandbox::identity::TokenClaims;

/// The first demo user: the multinational (US, ES, DE, FR, JP customer numbers).
pub const GLOBEX_USER: &str = "globex-avery";
/// A user of the US-only company.
pub const NORTHWIND_USER: &str = "northwind-jordan";
/// A user of the Spain-only company.
pub const IBERIA_USER: &str = "iberia-lucia";

/// A running gateway.
pub struct TestApp {
    /// `http://127.0.0.1:PORT`.
    pub address: String,
    /// The embedded sandbox (call counts, fault injection).
    pub sandbox: Arc<SandboxHandle>,
    /// The settings it runs with.
    pub settings: Settings,
    /// A plain HTTP client.
    pub http: reqwest::Client,
}

/// A GraphQL answer.
pub struct Answer {
    /// HTTP status.
    pub status: StatusCode,
    /// `Content-Type` header.
    pub content_type: String,
    /// The JSON body.
    pub body: Value,
}

impl Answer {
    /// `extensions.code` of every error, in order.
    pub fn error_codes(&self) -> Vec<String> {
        self.body["errors"]
            .as_array()
            .map(|errors| {
                errors
                    .iter()
                    .map(|e| {
                        e["extensions"]["code"]
                            .as_str()
                            .unwrap_or("<none>")
                            .to_owned()
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Panics unless the answer has no errors.
    pub fn assert_ok(&self) -> &Value {
        assert!(
            self.body.get("errors").is_none(),
            "unexpected errors: {}",
            self.body
        );
        &self.body["data"]
    }
}

/// A gateway with the default sandbox settings.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// A gateway whose settings `configure` adjusts first.
pub async fn spawn_app_with(configure: impl FnOnce(&mut Settings)) -> TestApp {
    spawn_keeping_state(configure).await.0
}

/// Like [`spawn_app_with`], keeping the gateway's shared state too, for tests that reach into
/// it (its idempotency store, its mail port, its live hub).
pub async fn spawn_keeping_state(
    configure: impl FnOnce(&mut Settings),
) -> (TestApp, Arc<supportgraph::app::App>) {
    let mut settings = Settings::load_without_env(None).expect("the shipped default settings load");
    settings.server.port = 0;
    // The support system's change feed is read every second by every running gateway; tests
    // that count backend calls must not see it. Tests of the feed set their own interval.
    settings.inquiries.feed_poll_ms = 60_000;
    // Hundreds of test gateways need not each watch `config/` (tests of reloading say so).
    settings.reload.watch_files = false;
    configure(&mut settings);
    let application = Application::build(settings.clone())
        .await
        .expect("the gateway builds");
    let state = application.app();
    let test_app = TestApp {
        address: format!("http://127.0.0.1:{}", application.port()),
        sandbox: application
            .sandbox()
            .expect("the default settings embed the sandbox"),
        settings,
        http: reqwest::Client::new(),
    };
    tokio::spawn(application.run_until_stopped());
    (test_app, state)
}

impl TestApp {
    /// A valid token for a demo user, from the sandbox identity provider (verified by the
    /// gateway through its JWKS).
    pub fn token(&self, user_id: &str) -> String {
        self.sandbox
            .identity()
            .mint(user_id)
            .expect("a sandbox token mints")
    }

    /// A token with exactly these claims (any JSON), signed by the sandbox identity provider.
    pub fn token_with<C: serde::Serialize>(&self, claims: &C) -> String {
        self.sandbox
            .identity()
            .sign(claims)
            .expect("a sandbox token mints")
    }

    /// Claims that would be valid now for `user_id`.
    pub fn valid_claims(&self, user_id: &str) -> TokenClaims {
        self.sandbox.identity().claims_for(user_id)
    }

    /// Calls made to the data backends (everything but the identity provider's key set).
    pub fn backend_calls(&self) -> u64 {
        self.sandbox
            .stats()
            .instances
            .iter()
            .filter(|(name, _)| name.as_str() != "identity")
            .map(|(_, s)| s.calls)
            .sum()
    }

    /// POSTs JSON to the embedded registration backend's administrator console, deciding a
    /// pending authorisation request.
    pub async fn decide(&self, user_id: &str, tool: &str, customer_number: &str, decision: &str) {
        let url = self
            .sandbox
            .base_url("registration")
            .join("admin/v1/decisions")
            .expect("a URL");
        let response = self
            .http
            .post(url)
            .json(&json!({
                "userId": user_id, "tool": tool, "customerNumber": customer_number, "decision": decision
            }))
            .send()
            .await
            .expect("the sandbox answers");
        assert_eq!(response.status(), 204, "the decision is recorded");
    }

    /// POSTs a GraphQL request, with `Authorization: Bearer <token>` when given.
    pub async fn graphql(&self, token: Option<&str>, query: &str, variables: Value) -> Answer {
        let mut request = self
            .http
            .post(format!("{}/graphql", self.address))
            .header(reqwest::header::ACCEPT, "application/graphql-response+json")
            .json(&json!({ "query": query, "variables": variables }));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.expect("the gateway answers");
        Answer::from_response(response).await
    }

    /// POSTs `body` as it is, with `Content-Type: application/json` and this `Accept`, no token.
    pub async fn post_raw(&self, accept: &str, body: impl Into<reqwest::Body>) -> Answer {
        let response = self
            .http
            .post(format!("{}/graphql", self.address))
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header(reqwest::header::ACCEPT, accept)
            .body(body)
            .send()
            .await
            .expect("the gateway answers");
        Answer::from_response(response).await
    }

    /// The `/readyz` report.
    pub async fn readyz(&self) -> Value {
        self.http
            .get(format!("{}/readyz", self.address))
            .send()
            .await
            .expect("the gateway answers")
            .json()
            .await
            .expect("readyz answers JSON")
    }

    /// A GraphQL request as `user_id`.
    pub async fn graphql_as(&self, user_id: &str, query: &str, variables: Value) -> Answer {
        self.graphql(Some(&self.token(user_id)), query, variables)
            .await
    }
}

impl Answer {
    /// Reads status, content type and JSON body.
    pub async fn from_response(response: reqwest::Response) -> Answer {
        let status = response.status();
        let content_type = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let text = response.text().await.expect("a body");
        let body = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("the body is JSON ({e}): {text}"));
        Answer {
            status,
            content_type,
            body,
        }
    }
}

/// The customer numbers `user_id` starts out authorised for with `tool`, from the demo data.
pub fn authorized_customers(user_id: &str, tool: Tool) -> Vec<&'static str> {
    demo::initial_authorizations()
        .into_iter()
        .filter(|(u, t, _, s)| *u == user_id && *t == tool && *s == AuthorizationStatus::Authorized)
        .map(|(_, _, c, _)| c)
        .collect()
}

/// The Redis the cache tests use (`REDIS_URL`, default `redis://127.0.0.1:6379`), or `None` to
/// skip when it does not answer. Under `CI=true` an unreachable Redis fails the test instead.
pub async fn redis_url() -> Option<String> {
    let url = std::env::var("REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".to_owned());
    if redis_answers(&url).await {
        return Some(url);
    }
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "Redis does not answer at {url}, and CI=true makes that a failure"
    );
    eprintln!("skipping: Redis does not answer at {url} (set REDIS_URL)");
    None
}

/// Whether a Redis at `url` answers PING within a second.
pub async fn redis_answers(url: &str) -> bool {
    let Ok(client) = redis::Client::open(url) else {
        return false;
    };
    let ping = async {
        let mut connection = client.get_multiplexed_async_connection().await.ok()?;
        redis::cmd("PING")
            .query_async::<String>(&mut connection)
            .await
            .ok()
    };
    matches!(
        tokio::time::timeout(std::time::Duration::from_secs(1), ping).await,
        Ok(Some(_))
    )
}

/// A key prefix no other test uses, so tests sharing one Redis never see each other's entries.
pub fn unique_prefix(test: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    format!("sgtest-{test}-{}-{nanos}", std::process::id())
}

/// Points every backend of `settings` (and the token verifier) at `standalone`, a sandbox
/// running on its own, as a gateway without an embedded sandbox needs.
pub fn use_standalone_backends(
    settings: &mut Settings,
    standalone: &supportgraph_adapters::sandbox::SandboxHandle,
) {
    settings.auth.jwks_url = Some(standalone.jwks_url());
    let b = &mut settings.backends;
    b.registration.base_url = Some(standalone.base_url("registration"));
    b.order_status.americas = Some(standalone.base_url("order-status/americas"));
    b.order_status.emea = Some(standalone.base_url("order-status/emea"));
    b.order_status.ap = Some(standalone.base_url("order-status/ap"));
    b.us_inventory.base_url = Some(standalone.base_url("us-inventory-online"));
    b.eu_services_assistant.base_url = Some(standalone.base_url("eu-services-assistant"));
    b.mail.base_url = Some(standalone.base_url("mail"));
    b.billing.americas = Some(standalone.base_url("billing/americas"));
    b.billing.emea = Some(standalone.base_url("billing/emea"));
    b.billing.ap = Some(standalone.base_url("billing/ap"));
    b.support.base_url = Some(standalone.base_url("support"));
    b.contracts.base_url = Some(standalone.base_url("contracts"));
}
