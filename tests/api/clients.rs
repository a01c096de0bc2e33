//! Real clients against a real gateway: GraphiQL in Chromium, the `graphql-http` conformance
//! audit, Apollo Client's normalised cache and persisted queries, the `graphql-ws` subscription
//! client (including a gateway restart under it), Python `gql` (introspection, and uploading a
//! document the multipart spec's way), and a partner's supergraph (The Guild's federation
//! composition and Hive Gateway). The clients are the scripts in `tests/clients/` (Node ones
//! pinned in its `package-lock.json`, Python ones in its `requirements.txt`); each test spawns a
//! gateway, runs one script with `GATEWAY_URL` (and `GATEWAY_TOKEN`) and passes when the script
//! exits 0. A test whose script goes through steps reads its output as it comes ([`Script`]) and
//! acts on the gateway when the script prints that it reached one.
//!
//! They need `node`, `tests/clients/node_modules` (`npm ci --prefix tests/clients`), for the
//! browser `/usr/bin/chromium` (`apt-get install chromium`), and for Python a virtualenv at
//! `tests/clients/.venv` with the requirements installed. Without them the tests are skipped,
//! except under `CI=true`, where that is a failure.

mod graphql_ws;
mod script;

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use supportgraph_adapters::model::Region;
use tokio::process::Command;

use serde_json::Value;

use crate::helpers::gateway_process::{GatewayProcess, standalone_config, standalone_sandbox};
use crate::helpers::{GLOBEX_USER, IBERIA_USER, spawn_app};
use graphql_ws::{AVERYS_INQUIRY, GERMAN};
use script::Script;

/// How long one script may run before it is killed and the test fails.
pub(crate) const SCRIPT_TIMEOUT: Duration = Duration::from_secs(120);

/// The browser the GraphiQL script drives (Debian's `chromium`; never a downloaded one).
const CHROMIUM: &str = "/usr/bin/chromium";

/// `tests/clients/`.
pub(crate) fn clients_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/clients")
}

/// What a client script needs installed.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Needs {
    /// Node and `tests/clients/node_modules`.
    Node,
    /// Node, its modules and Chromium.
    NodeAndBrowser,
    /// The Python virtualenv `tests/clients/.venv` with `requirements.txt` installed.
    Python,
}

/// The Python interpreter of the clients' virtualenv.
pub(crate) fn python() -> PathBuf {
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
pub(crate) async fn prerequisites_present(needs: Needs) -> bool {
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
    Script::start(script, env).finish().await;
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
async fn the_graphql_ws_client_signs_in_gets_order_and_inquiry_changes_and_completes_a_subscription()
 {
    if !prerequisites_present(Needs::Node).await {
        return;
    }
    let live = crate::live::spawn_live(|s| s.inquiries.feed_poll_ms = 50).await;
    let seed = live.test.settings.sandbox.seed;
    let order = graphql_ws::order_with_two_steps_left(seed, Region::Emea, GERMAN);
    let token = live.test.token(GLOBEX_USER);
    let answer = "The replacement fuser unit ships today from Venlo.";
    let env = [
        ("GATEWAY_URL", live.test.address.as_str()),
        ("GATEWAY_TOKEN", token.as_str()),
        ("ORDER_NUMBER", order.as_str()),
        ("INQUIRY_NUMBER", AVERYS_INQUIRY),
        ("ANSWER_TEXT", answer),
    ];
    let mut script = Script::start("graphql-ws.mjs", &env);

    // Two subscriptions to the order on one socket: the order moves once the hub counts both.
    script.wait_for_line("READY order-subscribed").await;
    let both = graphql_ws::hub_counts(&live.app, 2).await;
    script.fail_unless(both).await;
    // The pollers hold their place in the feeds once they finish a round.
    live.wait_for_rounds(live.rounds() + 1).await;
    live.advance(Region::Emea, &order).await;

    // The client completed one: the server ends it (the hub counts one subscriber less, the socket
    // staying open for the other), and the order moves again.
    script.wait_for_line("READY order-completed").await;
    let ended = graphql_ws::hub_counts(&live.app, 1).await;
    script
        .fail_unless(ended.map_err(|why| format!("the completed one lives on: {why}")))
        .await;
    live.advance(Region::Emea, &order).await;

    // inquiryUpdated: support answers once the feed counts the subscriber.
    script.wait_for_line("READY inquiry-subscribed").await;
    let serving = graphql_ws::feed_serves(&live.app, 1).await;
    script.fail_unless(serving).await;
    graphql_ws::answer_inquiry(&live.test.sandbox, AVERYS_INQUIRY, answer).await;
    script.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_graphql_ws_client_reconnects_and_resubscribes_by_itself_when_the_gateway_restarts() {
    if !prerequisites_present(Needs::Node).await {
        return;
    }
    // Gateways as operators run them, over a sandbox of the test's own that outlives them; each
    // drains for a second on SIGTERM, as production ones do (longer).
    let sandbox = standalone_sandbox().await;
    let config = tempfile::NamedTempFile::new().expect("a temp file");
    let settings = format!(
        "{}{}",
        standalone_config(&sandbox),
        r#"
[server]
drain_delay_ms = 1000
[live]
poll_interval_ms = 50
[reload]
watch_files = false
"#
    );
    std::fs::write(config.path(), settings).expect("the configuration is written");
    let defaults = supportgraph::settings::Settings::load_without_env(None).expect("defaults");
    let order = graphql_ws::order_with_two_steps_left(defaults.sandbox.seed, Region::Emea, GERMAN);
    let token = sandbox.identity().mint(GLOBEX_USER).expect("a token");

    let first = GatewayProcess::start(config.path(), 0).await;
    let env = [
        ("SCENARIO", "restart"),
        ("GATEWAY_URL", first.address.as_str()),
        ("GATEWAY_TOKEN", token.as_str()),
        ("ORDER_NUMBER", order.as_str()),
    ];
    let mut script = Script::start("graphql-ws.mjs", &env);
    script.wait_for_line("READY restart-subscribed").await;
    let polling = graphql_ws::polling_for_one(&first, &sandbox).await;
    script.fail_unless(polling).await;
    graphql_ws::advance(&sandbox, Region::Emea, &order).await;
    script.wait_for_line("READY restart-first-change").await;

    // The instance is restarted: SIGTERM (it drains, closing its sockets, and exits), then the
    // next one on the same address over the same backends.
    let port = first.port;
    assert_eq!(
        first.stop().await,
        Some(0),
        "the gateway exits 0 after SIGTERM"
    );
    let second = GatewayProcess::start(config.path(), port).await;
    assert_eq!(second.port, port);
    // The client subscribes again by itself; the order moves on from where it was.
    let polling = graphql_ws::polling_for_one(&second, &sandbox).await;
    script.fail_unless(polling).await;
    graphql_ws::advance(&sandbox, Region::Emea, &order).await;
    script.finish().await;
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
