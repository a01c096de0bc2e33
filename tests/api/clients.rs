//! Real clients against a real gateway: GraphiQL in Chromium, the `graphql-http` conformance
//! audit, Apollo Client's normalised cache and persisted queries, the `graphql-ws` subscription
//! client, Python `gql` (introspection, and uploading a document the multipart spec's way), and a
//! partner's supergraph (The Guild's federation composition and Hive Gateway). The clients
//! are the scripts in `tests/clients/` (Node ones pinned in its `package-lock.json`, Python ones in
//! its `requirements.txt`); each test spawns a gateway, runs one script with `GATEWAY_URL` (and
//! `GATEWAY_TOKEN`) and passes when the script exits 0.
//!
//! They need `node`, `tests/clients/node_modules` (`npm ci --prefix tests/clients`), for the
//! browser `/usr/bin/chromium` (`apt-get install chromium`), and for Python a virtualenv at
//! `tests/clients/.venv` with the requirements installed. Without them the tests are skipped,
//! except under `CI=true`, where that is a failure.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use supportgraph_adapters::model::Region;
use tokio::process::Command;

use serde_json::Value;

use crate::helpers::{GLOBEX_USER, IBERIA_USER, spawn_app};

/// How long one script may run before it is killed and the test fails.
const SCRIPT_TIMEOUT: Duration = Duration::from_secs(120);

/// The browser the GraphiQL script drives (Debian's `chromium`; never a downloaded one).
const CHROMIUM: &str = "/usr/bin/chromium";

/// `tests/clients/`.
fn clients_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/clients")
}

/// What a client script needs installed.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Needs {
    /// Node and `tests/clients/node_modules`.
    Node,
    /// Node, its modules and Chromium.
    NodeAndBrowser,
    /// The Python virtualenv `tests/clients/.venv` with `requirements.txt` installed.
    Python,
}

/// The Python interpreter of the clients' virtualenv.
fn python() -> PathBuf {
    clients_dir().join(".venv/bin/python")
}

/// Whether `program args` runs and exits 0.
async fn runs(program: &Path, args: &[&str]) -> bool {
    Command::new(program)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .await
        .is_ok_and(|status| status.success())
}

/// Whether what a script needs is installed. When it is not: a failure under `CI=true`,
/// otherwise a "skipping" note and `false`.
async fn prerequisites_present(needs: Needs) -> bool {
    let mut missing = Vec::new();
    if needs == Needs::Python {
        if !runs(&python(), &["-c", "import gql"]).await {
            missing.push(
                "tests/clients/.venv with gql is missing: run `python3 -m venv tests/clients/.venv && tests/clients/.venv/bin/pip install -r tests/clients/requirements.txt`"
                    .to_owned(),
            );
        }
    } else {
        if !runs(Path::new("node"), &["--version"]).await {
            missing.push("`node` (Node.js 20 or later) is not on PATH".to_owned());
        }
        if !clients_dir().join("node_modules").is_dir() {
            missing.push(
                "tests/clients/node_modules is missing: run `npm ci --prefix tests/clients`"
                    .to_owned(),
            );
        }
    }
    if needs == Needs::NodeAndBrowser && !Path::new(CHROMIUM).exists() {
        missing.push(format!(
            "{CHROMIUM} is missing: run `apt-get install chromium`"
        ));
    }
    if missing.is_empty() {
        return true;
    }
    let missing = missing.join("; ");
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "{missing} (CI=true makes that a failure)"
    );
    eprintln!("skipping: {missing}");
    false
}

/// Runs `tests/clients/<script>` (with Python for `.py`, else Node) with `env`, and panics with
/// its output unless it exits 0 within [`SCRIPT_TIMEOUT`].
async fn run_script(script: &str, env: &[(&str, &str)]) {
    let program = if script.ends_with(".py") {
        python()
    } else {
        PathBuf::from("node")
    };
    let mut command = Command::new(program);
    command
        .arg(script)
        .current_dir(clients_dir())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    for (key, value) in env {
        command.env(key, value);
    }
    let child = command.spawn().expect("the script starts");
    let output = match tokio::time::timeout(SCRIPT_TIMEOUT, child.wait_with_output()).await {
        Ok(output) => output.expect("the script's output is readable"),
        Err(_) => panic!("{script} did not finish within {SCRIPT_TIMEOUT:?} (killed)"),
    };
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    // Shown by the test harness when the test fails, or with `--nocapture`.
    println!("--- {script} stdout ---\n{stdout}");
    if !stderr.trim().is_empty() {
        println!("--- {script} stderr ---\n{stderr}");
    }
    assert!(
        output.status.success(),
        "{script} failed ({}):\n--- stdout ---\n{stdout}\n--- stderr ---\n{stderr}",
        output.status
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn graphiql_boots_offline_shows_docs_and_runs_the_prefilled_dashboard_in_chromium() {
    if !prerequisites_present(Needs::NodeAndBrowser).await {
        return;
    }
    let app = spawn_app().await;
    run_script("graphiql.browser.mjs", &[("GATEWAY_URL", &app.address)]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_graphql_http_audit_finds_no_failed_must() {
    if !prerequisites_present(Needs::Node).await {
        return;
    }
    let app = spawn_app().await;
    run_script("graphql-http.audit.mjs", &[("GATEWAY_URL", &app.address)]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn apollo_clients_cache_updates_from_a_mutation_payload_and_persisted_queries_round_trip() {
    if !prerequisites_present(Needs::Node).await {
        return;
    }
    let app = spawn_app().await;
    let token = app.token(GLOBEX_USER);
    run_script(
        "apollo-cache.mjs",
        &[("GATEWAY_URL", &app.address), ("GATEWAY_TOKEN", &token)],
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn python_gql_fetches_the_schema_by_introspection_and_runs_a_query() {
    if !prerequisites_present(Needs::Python).await {
        return;
    }
    let app = spawn_app().await;
    let token = app.token(GLOBEX_USER);
    run_script(
        "gql-schema.py",
        &[("GATEWAY_URL", &app.address), ("GATEWAY_TOKEN", &token)],
    )
    .await;
}

#[tokio::test]
async fn python_gql_uploads_a_document_with_an_inquiry_as_the_multipart_spec_says() {
    if !prerequisites_present(Needs::Python).await {
        return;
    }
    let app = spawn_app().await;
    let token = app.token(GLOBEX_USER);
    run_script(
        "gql-upload.py",
        &[("GATEWAY_URL", &app.address), ("GATEWAY_TOKEN", &token)],
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_graphql_ws_client_signs_in_through_connection_init_and_receives_a_change() {
    if !prerequisites_present(Needs::Node).await {
        return;
    }
    let live = crate::live::spawn_live(|_| {}).await;
    let (order, _) = crate::live::first_open(&live, Region::Emea, "4900301");
    let token = live.test.token(GLOBEX_USER);
    // Once the script's subscription is registered (and the pollers hold their place), the order
    // moves; a script that never subscribes fails on its own, with its output.
    let advance = async {
        let mut subscribers = live.app.live.hub.watch_subscribers();
        let subscribed = tokio::time::timeout(SCRIPT_TIMEOUT, subscribers.wait_for(|n| *n == 1));
        if subscribed.await.is_ok_and(|r| r.is_ok()) {
            live.wait_until_listening(1).await;
            live.advance(Region::Emea, &order).await;
        }
    };
    let env = [
        ("GATEWAY_URL", live.test.address.as_str()),
        ("GATEWAY_TOKEN", token.as_str()),
        ("ORDER_NUMBER", order.as_str()),
    ];
    tokio::join!(run_script("graphql-ws.mjs", &env), advance);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn graphiql_runs_the_live_status_example_over_graphql_ws_in_chromium() {
    if !prerequisites_present(Needs::NodeAndBrowser).await {
        return;
    }
    let live = crate::live::spawn_live(|_| {}).await;
    // The order the example document subscribes to.
    let order = "381005010017".to_owned();
    let advance = async {
        let mut subscribers = live.app.live.hub.watch_subscribers();
        let subscribed = tokio::time::timeout(SCRIPT_TIMEOUT, subscribers.wait_for(|n| *n == 1));
        if subscribed.await.is_ok_and(|r| r.is_ok()) {
            live.wait_until_listening(1).await;
            live.advance(Region::Ap, &order).await;
        }
    };
    let env = [("GATEWAY_URL", live.test.address.as_str())];
    tokio::join!(run_script("graphiql-live.browser.mjs", &env), advance);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_partner_composes_the_subgraph_and_queries_across_it_through_hive_gateway() {
    if !prerequisites_present(Needs::Node).await {
        return;
    }
    let app = spawn_app().await;
    let first_order = |user: &'static str| {
        let app = &app;
        async move {
            let answer = app
                .graphql_as(
                    user,
                    "{ orders(first: 1) { edges { node { id orderNumber } } } }",
                    Value::Null,
                )
                .await;
            answer.assert_ok()["orders"]["edges"][0]["node"].clone()
        }
    };
    let own = first_order(GLOBEX_USER).await;
    let foreign = first_order(IBERIA_USER).await;
    let token = app.token(GLOBEX_USER);
    let text = |value: &Value| value.as_str().expect("a string").to_owned();
    run_script(
        "federation.mjs",
        &[
            ("GATEWAY_URL", &app.address),
            ("GATEWAY_TOKEN", &token),
            ("ORDER_ID", &text(&own["id"])),
            ("ORDER_NUMBER", &text(&own["orderNumber"])),
            ("FOREIGN_ORDER_ID", &text(&foreign["id"])),
        ],
    )
    .await;
}
