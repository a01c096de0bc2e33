//! `spawn_app()`: a gateway with its embedded sandbox on free ports, and a small GraphQL client.

use std::sync::Arc;

use reqwest::StatusCode;
use serde_json::{Value, json};
use supportgraph::auth::{Claims, SandboxIdentityProvider};
use supportgraph::settings::Settings;
use supportgraph::startup::Application;
use supportgraph_adapters::sandbox::SandboxHandle;

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
    let mut settings = Settings::load_without_env(None).expect("the shipped default settings load");
    settings.server.port = 0;
    configure(&mut settings);
    let application = Application::build(settings.clone())
        .await
        .expect("the gateway builds");
    let address = format!("http://127.0.0.1:{}", application.port());
    let sandbox = application
        .sandbox()
        .expect("the default settings embed the sandbox");
    tokio::spawn(application.run_until_stopped());
    TestApp {
        address,
        sandbox,
        settings,
        http: reqwest::Client::new(),
    }
}

impl TestApp {
    /// A valid sandbox token for a demo user.
    pub fn token(&self, user_id: &str) -> String {
        self.idp().mint(user_id).expect("a sandbox token mints")
    }

    /// A token with exactly these claims, signed with the sandbox key.
    pub fn token_with(&self, claims: &Claims) -> String {
        self.idp()
            .mint_claims(claims)
            .expect("a sandbox token mints")
    }

    /// Claims that would be valid now for `user_id`.
    pub fn valid_claims(&self, user_id: &str) -> Claims {
        let now = chrono::Utc::now().timestamp();
        Claims {
            sub: user_id.to_owned(),
            iss: self.settings.auth.issuer.clone(),
            aud: self.settings.auth.audience.clone(),
            exp: now + 600,
            iat: now,
            nbf: None,
        }
    }

    fn idp(&self) -> SandboxIdentityProvider {
        SandboxIdentityProvider::new(&self.settings.auth).expect("the sandbox profile has a key")
    }

    /// POSTs a GraphQL request, with `Authorization: Bearer <token>` when given.
    pub async fn graphql(&self, token: Option<&str>, query: &str, variables: Value) -> Answer {
        let mut request = self
            .http
            .post(format!("{}/graphql", self.address))
            .json(&json!({ "query": query, "variables": variables }));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.expect("the gateway answers");
        Answer::from_response(response).await
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
