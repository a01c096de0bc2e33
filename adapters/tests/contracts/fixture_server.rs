//! The fixture server: answers every request with fixtures, in turn, and records what it was sent
//! — the method, the URI, the headers and the body — so a test can compare them with the
//! documented contract.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{OriginalUri, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::IntoResponse;
use supportgraph_adapters::client::{BackendClient, BackendEndpoint};

/// One request the server received.
#[derive(Debug, Clone)]
pub struct Seen {
    /// The method, e.g. `PUT`.
    pub method: Method,
    /// Path and query.
    pub uri: String,
    /// The headers.
    pub headers: HeaderMap,
    /// The body, as text (empty for a GET).
    pub body: String,
}

/// A one-route server answering each request with the next of its answers (the last one again
/// once they run out) after a delay, recording every request it saw.
pub struct FixtureServer {
    pub addr: SocketAddr,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl FixtureServer {
    /// The `n`th request's path and query.
    pub fn uri(&self, n: usize) -> String {
        self.request(n).uri
    }

    /// The `n`th request's body.
    pub fn body(&self, n: usize) -> String {
        self.request(n).body
    }

    /// The `n`th request's method.
    pub fn method(&self, n: usize) -> Method {
        self.request(n).method
    }

    /// The `n`th request's header `name`, if it was sent (and is text).
    pub fn header(&self, n: usize, name: &str) -> Option<String> {
        let request = self.request(n);
        let value = request.headers.get(name)?.to_str().ok()?;
        Some(value.to_owned())
    }

    /// How many requests arrived.
    pub fn requests(&self) -> usize {
        self.seen.lock().expect("lock").len()
    }

    fn request(&self, n: usize) -> Seen {
        let seen = self.seen.lock().expect("lock");
        seen.get(n)
            .cloned()
            .unwrap_or_else(|| panic!("request {n} was never sent; the server saw {seen:?}"))
    }
}

/// What the server answers: the log, then the answers in turn and the delay.
type Fixture = (
    Arc<Mutex<Vec<Seen>>>,
    Arc<Vec<(StatusCode, String)>>,
    Duration,
);

/// A server answering every request with `status` and `body` after `delay`.
pub async fn serve(status: StatusCode, body: String, delay: Duration) -> FixtureServer {
    serve_each(vec![(status, body)], delay).await
}

/// A server answering the first request with the first answer, the second with the second, ...
pub async fn serve_each(answers: Vec<(StatusCode, String)>, delay: Duration) -> FixtureServer {
    assert!(!answers.is_empty(), "a fixture server needs an answer");
    let seen = Arc::new(Mutex::new(Vec::new()));
    let state: Fixture = (seen.clone(), Arc::new(answers), delay);
    let app = Router::new().fallback(
        |State((seen, answers, delay)): State<Fixture>,
         method: Method,
         OriginalUri(uri): OriginalUri,
         headers: HeaderMap,
         body: Bytes| async move {
            let turn = {
                let mut seen = seen.lock().expect("lock");
                seen.push(Seen {
                    method,
                    uri: uri.to_string(),
                    headers,
                    body: String::from_utf8_lossy(&body).into_owned(),
                });
                seen.len() - 1
            };
            tokio::time::sleep(delay).await;
            let (status, body) = answers[turn.min(answers.len() - 1)].clone();
            (status, [("content-type", "application/json")], body).into_response()
        },
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("binds");
    let addr = listener.local_addr().expect("an address");
    tokio::spawn(async move { axum::serve(listener, app.with_state(state)).await });
    FixtureServer { addr, seen }
}

/// The text of `fixtures/<path>`.
pub fn fixture(path: &str) -> String {
    std::fs::read_to_string(format!("fixtures/{path}"))
        .unwrap_or_else(|e| panic!("the fixture {path} exists: {e}"))
}

/// A client of `server` under the instance name `name`, its base URL `/<name>/`.
pub fn client(server: &FixtureServer, name: &str, timeout_ms: u64) -> BackendClient {
    BackendClient::new(
        reqwest::Client::new(),
        BackendEndpoint {
            name: name.to_owned(),
            base_url: format!("http://{}/{name}", server.addr)
                .parse()
                .expect("a URL"),
            timeout: Duration::from_millis(timeout_ms),
        },
    )
}

/// Asserts that the `n`th request's body is, as JSON, the fixture `path`: the same values,
/// whatever the spacing or the order of keys.
pub fn assert_json_body(server: &FixtureServer, n: usize, path: &str) {
    let sent: serde_json::Value =
        serde_json::from_str(&server.body(n)).expect("the adapter sent JSON");
    let documented: serde_json::Value =
        serde_json::from_str(&fixture(path)).expect("the fixture is JSON");
    assert_eq!(sent, documented, "the body sent is not {path}");
}

/// Asserts that the `n`th request's body is, as XML, the fixture `path`: the same elements,
/// attributes and text once whitespace is normalised (space between elements dropped, runs of
/// white space in text made one space, attributes in name order).
pub fn assert_xml_body(server: &FixtureServer, n: usize, path: &str) {
    assert_eq!(
        normalised_xml(&server.body(n)),
        normalised_xml(&fixture(path)),
        "the body sent is not {path}"
    );
}

/// The document as a list of its events, whitespace normalised (see [`assert_xml_body`]):
/// character and entity references resolved, text between two tags joined and its white space
/// folded, text that is only white space dropped.
fn normalised_xml(text: &str) -> Vec<String> {
    use quick_xml::XmlVersion;
    use quick_xml::events::{BytesStart, Event};
    let version = XmlVersion::Implicit1_0;
    let tag = |e: &BytesStart| {
        let mut attributes: Vec<String> = e
            .attributes()
            .map(|a| {
                let a = a.expect("a well-formed attribute");
                let value = a.normalized_value(version).expect("a valid value");
                format!("{}={value:?}", a.key.as_ref())
            })
            .collect();
        attributes.sort();
        let name = e.name().as_ref().to_owned();
        [name]
            .into_iter()
            .chain(attributes)
            .collect::<Vec<_>>()
            .join(" ")
    };
    let mut events = Vec::new();
    let mut pending = String::new();
    let flush = |events: &mut Vec<String>, pending: &mut String| {
        let folded = pending.split_whitespace().collect::<Vec<_>>().join(" ");
        if !folded.is_empty() {
            events.push(folded);
        }
        pending.clear();
    };
    let mut reader = quick_xml::Reader::from_str(text);
    loop {
        let event = reader.read_event().expect("well-formed XML");
        match &event {
            Event::Text(t) => pending.push_str(&t.xml10_content()),
            Event::CData(t) => pending.push_str(t),
            Event::GeneralRef(r) => {
                let raw = format!("&{};", &**r);
                let resolved = quick_xml::escape::unescape(&raw).expect("a known reference");
                pending.push_str(&resolved);
            }
            _ => flush(&mut events, &mut pending),
        }
        match event {
            Event::Start(e) => events.push(format!("<{}>", tag(&e))),
            Event::Empty(e) => events.push(format!("<{}/>", tag(&e))),
            Event::End(e) => events.push(format!("</{}>", e.name().as_ref())),
            Event::Eof => return events,
            _ => {}
        }
    }
}
