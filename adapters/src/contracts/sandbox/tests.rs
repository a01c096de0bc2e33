//! The simulator over real HTTP, as the adapter calls it: a server on a loopback port per test,
//! and the helpers the tests of each part share.

use std::sync::Arc;

use serde_json::{Value, json};

use super::router;
use crate::client::IDEMPOTENCY_KEY;
use crate::sandbox::Outbox;

mod daily;
mod lifecycle;
mod reads;
mod refusals;

/// The seed every test runs with.
const SEED: u64 = 20261120;

/// The contract of each status on Globex's customer number 1000101 (see the demo script).
mod demo_numbers {
    pub const DRAFT: &str = "CTR-20260006";
    pub const IN_REVIEW: &str = "CTR-20260007";
    pub const APPROVED: &str = "CTR-20260008";
    pub const SENT_FOR_SIGNATURE: &str = "CTR-20260009";
    pub const SIGNED: &str = "CTR-20260010";
    pub const EXPIRED: &str = "CTR-20260011";
    pub const ENDS_IN_30: &str = "CTR-20260001";
    pub const ENDS_IN_31: &str = "CTR-20260004";
    /// Northwind's draft with one version and no step.
    pub const NORTHWIND_DRAFT: &str = "CTR-20260019";
}

/// A simulator serving on a loopback port until dropped.
struct Sim {
    base: String,
    client: reqwest::Client,
    outbox: Arc<Outbox>,
    server: tokio::task::JoinHandle<()>,
}

impl Drop for Sim {
    fn drop(&mut self) {
        self.server.abort();
    }
}

impl Sim {
    async fn start() -> Self {
        let outbox = Arc::new(Outbox::new());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a free loopback port");
        let addr = listener.local_addr().expect("a bound address");
        let app = router(SEED, outbox.clone());
        let server = tokio::spawn(async move {
            axum::serve(listener, app).await.expect("the server runs");
        });
        Self {
            base: format!("http://{addr}"),
            client: reqwest::Client::new(),
            outbox,
            server,
        }
    }

    async fn answer(response: reqwest::Response) -> (u16, Value) {
        let status = response.status().as_u16();
        let body = response.bytes().await.expect("a body");
        (status, serde_json::from_slice(&body).unwrap_or(Value::Null))
    }

    /// `GET path`, its status and JSON body (null for another body).
    async fn get(&self, path: &str) -> (u16, Value) {
        let response = self.client.get(format!("{}{path}", self.base)).send();
        Self::answer(response.await.expect("an answer")).await
    }

    /// `GET path`, its status, content type and bytes.
    async fn get_bytes(&self, path: &str) -> (u16, String, Vec<u8>) {
        let response = self
            .client
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .expect("an answer");
        let status = response.status().as_u16();
        let content_type = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let bytes = response.bytes().await.expect("a body").to_vec();
        (status, content_type, bytes)
    }

    /// `POST path` with a JSON body and, if any, an idempotency key.
    async fn post(&self, path: &str, body: &Value, key: Option<&str>) -> (u16, Value) {
        let mut request = self.client.post(format!("{}{path}", self.base)).json(body);
        if let Some(key) = key {
            request = request.header(IDEMPOTENCY_KEY, key);
        }
        Self::answer(request.send().await.expect("an answer")).await
    }

    /// A customer's step on `number` of `customer` by Avery, with `key`.
    async fn step_as(&self, customer: &str, number: &str, step: Value, key: &str) -> (u16, Value) {
        let body = json!({
            "actor": { "user_id": "globex-avery", "name": "Avery Stone" },
            "step": step,
        });
        let path = format!("/v1/customers/{customer}/contracts/{number}/steps");
        self.post(&path, &body, Some(key)).await
    }

    /// A step on one of 1000101's contracts.
    async fn step(&self, number: &str, step: Value, key: &str) -> (u16, Value) {
        self.step_as("1000101", number, step, key).await
    }

    /// A vendor's step.
    async fn vendor(&self, number: &str, body: Value) -> (u16, Value) {
        let path = format!("/admin/contracts/{number}/steps");
        self.post(&path, &body, None).await
    }

    /// The contract as the batch lookup answers it.
    async fn contract(&self, customer: &str, number: &str) -> Value {
        let path = format!("/v1/contracts/batch?customers={customer}&ids={number}");
        let (status, body) = self.get(&path).await;
        assert_eq!(status, 200);
        body["contracts"][0].clone()
    }

    /// Every change of the feed from the start.
    async fn feed(&self) -> Vec<Value> {
        let (_, body) = self.get("/v1/contracts/changes?since=0").await;
        body["changes"].as_array().cloned().unwrap_or_default()
    }
}

/// A step's JSON.
fn kind(kind: &str) -> Value {
    json!({ "kind": kind })
}
