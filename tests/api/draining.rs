//! Scaling in without losing a request: after SIGTERM the gateway drains for
//! `server.drain_delay_ms` — `/readyz` answers 503 `{"status":"draining"}` so load balancers take
//! it out, while every request, old or new, is still served and HTTP/1 answers close their
//! connections — then stops accepting and lets in-flight requests finish. Websockets are served
//! through the drain and closed with 1001 Going Away when it ends.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::time::Instant;

use crate::live::socket::Socket;

/// Every region's order-status backend answers after this long.
const BACKEND_LATENCY: Duration = Duration::from_millis(3000);
/// `server.drain_delay_ms` of the gateway under test.
const DRAIN: Duration = Duration::from_millis(4000);

fn supportgraph() -> Command {
    Command::new(env!("CARGO_BIN_EXE_supportgraph"))
}

/// Starts the gateway with a drain delay and slow order-status backends; returns it and its port.
fn start_gateway(config: &tempfile::NamedTempFile) -> (Child, u16) {
    let mut child = supportgraph()
        .arg("--config")
        .arg(config.path())
        .args(["serve", "--port", "0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the gateway starts");
    let mut first_line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut first_line)
        .expect("a first line");
    let port = first_line
        .split("(port ")
        .nth(1)
        .and_then(|rest| rest.trim_end().trim_end_matches(')').parse::<u16>().ok())
        .expect("the port");
    (child, port)
}

fn config_file() -> tempfile::NamedTempFile {
    let mut config = tempfile::NamedTempFile::new().expect("a temp file");
    let latency = BACKEND_LATENCY.as_millis();
    let drain = DRAIN.as_millis();
    write!(
        config,
        r#"
[server]
drain_delay_ms = {drain}
shutdown_grace_ms = 10000
[backends.order_status]
timeout_ms = 5000
[sandbox.faults."order-status/americas"]
latency_ms = {latency}
[sandbox.faults."order-status/emea"]
latency_ms = {latency}
[sandbox.faults."order-status/ap"]
latency_ms = {latency}
"#
    )
    .expect("writes");
    config
}

/// Sends `query` and returns the HTTP status and body (the request runs to its end whatever the
/// caller does meanwhile).
fn send(port: u16, token: &str, query: &'static str) -> tokio::task::JoinHandle<(u16, Value)> {
    let token = token.to_owned();
    tokio::spawn(async move {
        let response = reqwest::Client::new()
            .post(format!("http://127.0.0.1:{port}/graphql"))
            .bearer_auth(token)
            .json(&json!({ "query": query }))
            .send()
            .await
            .expect("the request is answered, not refused or cut");
        let status = response.status().as_u16();
        (status, response.json().await.expect("a JSON body"))
    })
}

async fn readyz(port: u16) -> (u16, Value) {
    let response = reqwest::get(format!("http://127.0.0.1:{port}/readyz"))
        .await
        .expect("the gateway answers");
    let status = response.status().as_u16();
    (status, response.json().await.expect("a JSON body"))
}

/// One HTTP/1.1 request on a fresh connection; returns the raw answer once the server closes
/// the connection (`None` if it kept it open).
async fn raw_get_until_closed(port: u16, path: &str) -> Option<String> {
    let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .expect("connects");
    let request = format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    stream.write_all(request.as_bytes()).await.expect("writes");
    let mut answer = Vec::new();
    tokio::time::timeout(Duration::from_secs(2), stream.read_to_end(&mut answer))
        .await
        .ok()?
        .expect("reads");
    Some(String::from_utf8_lossy(&answer).to_lowercase())
}

fn orders_answered((status, body): (u16, Value)) {
    assert_eq!(status, 200, "{body}");
    assert!(
        body["data"]["orders"]["totalCount"]
            .as_u64()
            .is_some_and(|n| n > 0),
        "{body}"
    );
}

#[tokio::test]
async fn after_sigterm_readiness_says_draining_while_every_request_is_still_served_then_the_listener_closes()
 {
    let config = config_file();
    let (mut child, port) = start_gateway(&config);
    let token_output = supportgraph().arg("token").output().expect("a token");
    let token = String::from_utf8(token_output.stdout).expect("utf-8");
    let token = token.trim();
    let (status, body) = readyz(port).await;
    assert_eq!((status, body["status"].as_str()), (200, Some("ready")));

    // In flight when the signal arrives.
    let before = send(port, token, "{ orders(first: 3) { totalCount } }");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status()
            .expect("kill runs")
            .success()
    );
    let signalled = Instant::now();

    // Draining: not ready, still alive, still serving new requests.
    let draining = loop {
        let (status, body) = readyz(port).await;
        if status == 503 {
            break body;
        }
        assert!(
            signalled.elapsed() < Duration::from_secs(2),
            "/readyz still answers {status} {body} after SIGTERM"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert_eq!(draining, json!({ "status": "draining" }));
    let health = reqwest::get(format!("http://127.0.0.1:{port}/healthz"))
        .await
        .expect("answers");
    assert_eq!(health.status(), 200);
    let (status, body) = send(port, token, "{ me { userId } }")
        .await
        .expect("the task ends");
    assert_eq!(status, 200, "{body}");
    assert!(body["data"]["me"]["userId"].is_string(), "{body}");
    // Kept-alive connections are let go, so clients and proxies reconnect elsewhere.
    let answer = raw_get_until_closed(port, "/healthz")
        .await
        .expect("the gateway closes the connection after answering");
    assert!(answer.starts_with("http/1.1 200"), "{answer}");
    assert!(answer.contains("connection: close"), "{answer}");

    // Sent near the end of the drain: still in flight when the listener closes.
    tokio::time::sleep_until(signalled + DRAIN - Duration::from_millis(2000)).await;
    let late = send(port, token, "{ orders(first: 3) { totalCount } }");

    tokio::time::sleep_until(signalled + DRAIN + Duration::from_millis(500)).await;
    assert!(
        std::net::TcpStream::connect(("127.0.0.1", port)).is_err(),
        "the listener is closed once the drain is over"
    );

    orders_answered(before.await.expect("the task ends"));
    orders_answered(late.await.expect("the task ends"));
    let status = tokio::task::spawn_blocking(move || child.wait())
        .await
        .expect("joins")
        .expect("the process ends");
    assert_eq!(status.code(), Some(0));
}

#[tokio::test]
async fn websockets_are_served_through_the_drain_and_closed_with_1001_when_it_ends() {
    let mut config = tempfile::NamedTempFile::new().expect("a temp file");
    write!(
        config,
        "[server]\ndrain_delay_ms = {}\nshutdown_grace_ms = 10000\n",
        DRAIN.as_millis()
    )
    .expect("writes");
    let (mut child, port) = start_gateway(&config);
    let address = format!("http://127.0.0.1:{port}");
    let token_output = supportgraph().arg("token").output().expect("a token");
    let token = String::from_utf8(token_output.stdout).expect("utf-8");
    let token = token.trim();
    let ping = json!({ "type": "ping" });

    let mut before = Socket::signed_in(&address, token).await;
    assert!(
        Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status()
            .expect("kill runs")
            .success()
    );
    while readyz(port).await.0 != 503 {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }

    // Draining: the open socket is still served, and a new one is accepted and signed in (the
    // load balancers have not taken the instance out yet).
    before.send(ping.clone()).await;
    assert_eq!(before.next_json().await["type"], "pong");
    let mut during = Socket::signed_in(&address, token).await;
    during.send(ping).await;
    assert_eq!(during.next_json().await["type"], "pong");

    // The drain ends: both close with 1001 and the process exits cleanly.
    let patience = DRAIN + Duration::from_secs(5);
    for socket in [&mut before, &mut during] {
        let (code, reason) = socket.closed_within(patience).await;
        assert_eq!(code, 1001, "{reason}");
    }
    let status = tokio::task::spawn_blocking(move || child.wait())
        .await
        .expect("joins")
        .expect("the process ends");
    assert_eq!(status.code(), Some(0));
}
