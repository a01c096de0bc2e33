//! The process as an operator runs it: SIGTERM lets in-flight requests finish, then exits 0.

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::time::Duration;

use serde_json::json;

fn supportgraph() -> Command {
    Command::new(env!("CARGO_BIN_EXE_supportgraph"))
}

#[tokio::test]
async fn sigterm_during_a_slow_request_lets_it_finish_and_exits_0() {
    let mut config = tempfile::NamedTempFile::new().expect("a temp file");
    config
        .write_all(
            br#"
[server]
shutdown_grace_ms = 10000
[sandbox.faults."order-status/americas"]
latency_ms = 2000
[sandbox.faults."order-status/emea"]
latency_ms = 2000
[sandbox.faults."order-status/ap"]
latency_ms = 2000
"#,
        )
        .expect("writes");
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
    let token_output = supportgraph().arg("token").output().expect("a token");
    let token = String::from_utf8(token_output.stdout).expect("utf-8");
    let health = reqwest::get(format!("http://127.0.0.1:{port}/healthz"))
        .await
        .expect("the gateway answers");
    assert_eq!(health.status(), 200);

    let request = tokio::spawn(async move {
        reqwest::Client::new()
            .post(format!("http://127.0.0.1:{port}/graphql"))
            .bearer_auth(token.trim())
            .json(&json!({ "query": "{ orders(first: 3) { totalCount } }" }))
            .send()
            .await
    });
    // The request's backends answer after 2 s (within their 2.5 s timeout); signal well inside that.
    tokio::time::sleep(Duration::from_millis(700)).await;
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(killed.success());

    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(
        std::net::TcpStream::connect(("127.0.0.1", port)).is_err(),
        "no new connections once stopping"
    );
    let response = request
        .await
        .expect("the task ends")
        .expect("the request completes");
    assert_eq!(response.status(), 200);
    let body: serde_json::Value = response.json().await.expect("json");
    assert!(
        body["data"]["orders"]["totalCount"]
            .as_u64()
            .is_some_and(|n| n > 0),
        "{body}"
    );

    let status = tokio::task::spawn_blocking(move || child.wait())
        .await
        .expect("joins")
        .expect("the process ends");
    assert_eq!(status.code(), Some(0));
}
