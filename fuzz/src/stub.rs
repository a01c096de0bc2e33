//! A backend that answers whatever the input says, over real HTTP on loopback, and the runtime the
//! adapters run on: the wire targets call an adapter's public port methods against it, so the
//! whole path a backend's answer takes (HTTP client, decoding, the contract checks, the
//! translation into the model) is fuzzed — the same path `adapters/tests/arbitrary_payloads`
//! tries with proptest.
//!
//! The input of a wire target is a [`Message`]: the first line names the call and the status the
//! stub answers it with (`list_orders 200`, then target-specific words), the header lines are the
//! answer's headers, the body the answer's body.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use axum::response::Response;
use bytes::Bytes;
use supportgraph_adapters::client::{BackendClient, BackendEndpoint};
use supportgraph_adapters::resilience::{BreakerConfig, ResilienceConfig};

use crate::text::Message;

/// What the stub answers: a status, headers and a body.
#[derive(Debug, Clone)]
pub struct Answer {
    /// The status.
    pub status: StatusCode,
    /// The headers (no framing headers: hyper sets `Content-Length` from the body).
    pub headers: HeaderMap,
    /// The body.
    pub body: Bytes,
}

/// Headers the input may not set: they frame the message, and a wrong one only hangs the client
/// until its timeout.
const FRAMING: [HeaderName; 6] = [
    header::CONTENT_LENGTH,
    header::TRANSFER_ENCODING,
    header::CONNECTION,
    header::UPGRADE,
    header::TE,
    header::TRAILER,
];

/// One wire input: which of the target's calls, its answer, and the first line's other words.
#[derive(Debug, Clone)]
pub struct Exchange<'a> {
    /// Index into the target's call names.
    pub call: usize,
    /// What the stub answers.
    pub answer: Answer,
    /// The parsed input (the words after the status are the target's to read).
    pub message: Message<'a>,
}

impl<'a> Exchange<'a> {
    /// Reads `data`: word 0 is one of `calls`, word 1 the status (200 unless it is a number from
    /// 200 to 599), the headers and body the answer's. Without a `Content-Type` header the answer
    /// is `default_type`.
    pub fn parse(data: &'a [u8], calls: &[&str], default_type: &'static str) -> Self {
        let message = Message::parse(data);
        let call = message.choice(0, calls);
        let status = std::str::from_utf8(message.words.get(1).copied().unwrap_or_default())
            .ok()
            .and_then(|s| s.parse::<u16>().ok())
            .filter(|s| (200..=599).contains(s))
            .and_then(|s| StatusCode::from_u16(s).ok())
            .unwrap_or(StatusCode::OK);
        let mut headers = HeaderMap::new();
        for (name, value) in &message.headers {
            let (Ok(name), Ok(value)) =
                (HeaderName::from_bytes(name), HeaderValue::from_bytes(value))
            else {
                continue;
            };
            if !FRAMING.contains(&name) {
                headers.append(name, value);
            }
        }
        if !headers.contains_key(header::CONTENT_TYPE) {
            headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(default_type));
        }
        let answer = Answer {
            status,
            headers,
            body: Bytes::copy_from_slice(message.body),
        };
        Self {
            call,
            answer,
            message,
        }
    }

    /// The `n`th word of the first line, as text.
    pub fn word(&self, n: usize) -> String {
        self.message.word(n)
    }
}

/// The stub server and the runtime everything runs on (one thread: libFuzzer's).
pub struct Stub {
    runtime: tokio::runtime::Runtime,
    addr: SocketAddr,
    answer: Arc<Mutex<Answer>>,
    http: reqwest::Client,
}

impl Stub {
    /// Starts the stub on a free loopback port.
    pub fn start() -> Self {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime");
        let answer = Arc::new(Mutex::new(Answer {
            status: StatusCode::OK,
            headers: HeaderMap::new(),
            body: Bytes::new(),
        }));
        let app = Router::new()
            .fallback(|State(answer): State<Arc<Mutex<Answer>>>| async move {
                let answer = answer.lock().expect("the answer").clone();
                let mut response = Response::new(Body::from(answer.body));
                *response.status_mut() = answer.status;
                *response.headers_mut() = answer.headers;
                response
            })
            .with_state(answer.clone());
        let listener = runtime
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .expect("binds a loopback port");
        let addr = listener.local_addr().expect("an address");
        runtime.spawn(async move { axum::serve(listener, app).await });
        let http = {
            let _entered = runtime.enter();
            reqwest::Client::new()
        };
        Self {
            runtime,
            addr,
            answer,
            http,
        }
    }

    /// The shared HTTP client (pooled: one connection is reused across inputs).
    pub fn http(&self) -> reqwest::Client {
        self.http.clone()
    }

    /// An endpoint named `name` on the stub, e.g. `order-status/emea`.
    pub fn endpoint(&self, name: &str) -> BackendEndpoint {
        BackendEndpoint {
            name: name.to_owned(),
            base_url: format!("http://{}/{name}/", self.addr)
                .parse()
                .expect("a URL"),
            timeout: Duration::from_secs(5),
        }
    }

    /// A client of the endpoint `name`, without retries: a 5xx is one call, and a breaker never
    /// opens (each input gets a fresh client anyway).
    pub fn client(&self, name: &str) -> BackendClient {
        BackendClient::with_resilience(self.http(), self.endpoint(name), no_retries())
    }

    /// Runs `call` with the stub answering `answer`.
    pub fn run<T>(&self, answer: &Answer, call: impl Future<Output = T>) -> T {
        *self.answer.lock().expect("the answer") = answer.clone();
        self.runtime.block_on(call)
    }
}

/// Resilience without retries, and a breaker that never opens within one input.
pub fn no_retries() -> ResilienceConfig {
    ResilienceConfig {
        breaker: BreakerConfig::default(),
        max_retries: 0,
        retry_ratio: 0.0,
        retry_backoff: Duration::from_millis(1),
    }
}
