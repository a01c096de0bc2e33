//! Hot reload as an operator uses it: change a country's tools, the limits or the CORS origins
//! in the files, send SIGHUP (or just save), and the running gateway takes them — without a
//! restart and without failing a request; a broken file is refused and the old one kept.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use serde_json::Value;
use supportgraph::reload::{Outcome, Source, reload};
use supportgraph::settings::Settings;

use crate::helpers::{GLOBEX_USER, TestApp, spawn_keeping_state};

const TOOLS: &str = "{ me { tools { tool customerNumber } } }";

/// A copy of the shipped country directory in `dir`, and a settings file naming it.
fn operator_files(dir: &Path, extra_settings: &str) -> (PathBuf, PathBuf) {
    let countries = dir.join("countries.toml");
    std::fs::copy("config/countries.toml", &countries).expect("copied");
    let settings = dir.join("supportgraph.toml");
    write_settings(&settings, &countries, extra_settings);
    (countries, settings)
}

fn write_settings(path: &Path, countries: &Path, extra: &str) {
    let text = format!(
        "countries_file = {:?}\n{extra}",
        countries.display().to_string()
    );
    std::fs::write(path, text).expect("written");
}

/// A gateway started from the settings file, as `--config` would start it.
async fn gateway_from(
    settings_file: &Path,
    watch_files: bool,
) -> (TestApp, Arc<supportgraph::app::App>) {
    let loaded = Settings::load_without_env(Some(settings_file)).expect("the settings load");
    spawn_keeping_state(move |s| {
        let port = s.server.port;
        let feed = s.inquiries.feed_poll_ms;
        *s = loaded;
        s.server.port = port;
        s.inquiries.feed_poll_ms = feed;
        s.reload.watch_files = watch_files;
    })
    .await
}

/// How many of the user's (tool, customer number) pairs are for `tool`.
async fn tool_count(app: &TestApp, tool: &str) -> usize {
    let answer = app.graphql_as(GLOBEX_USER, TOOLS, Value::Null).await;
    answer.assert_ok()["me"]["tools"]
        .as_array()
        .expect("tools")
        .iter()
        .filter(|t| t["tool"] == tool)
        .count()
}

/// The directory with CONTRACTS taken away from Germany.
fn without_contracts_in_germany(countries: &Path) {
    let text = std::fs::read_to_string("config/countries.toml").expect("read");
    let start = text.find("[countries.DE]").expect("Germany is listed");
    let end = start + text[start..].find("\n\n").expect("the entry ends");
    let germany = text[start..end].replace("\"CONTRACTS\", ", "");
    assert_ne!(germany, text[start..end], "Germany had CONTRACTS");
    let changed = format!("{}{germany}{}", &text[..start], &text[end..]);
    std::fs::write(countries, changed).expect("written");
}

#[tokio::test]
async fn a_country_loses_a_tool_on_sighup_without_a_restart() {
    // This process must not die of the signal whatever the gateway's state: listen first.
    let mut own = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup())
        .expect("SIGHUP can be listened for");
    let dir = tempfile::tempdir().expect("a temporary directory");
    let (countries, settings) = operator_files(dir.path(), "");
    let (app, _) = gateway_from(&settings, false).await;
    let before = tool_count(&app, "CONTRACTS").await;
    assert!(before >= 2, "Avery has contracts in several countries");

    without_contracts_in_germany(&countries);
    // Not watched: nothing changes until the signal.
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(tool_count(&app, "CONTRACTS").await, before);

    let sent = std::process::Command::new("kill")
        .args(["-HUP", &std::process::id().to_string()])
        .status()
        .expect("kill runs");
    assert!(sent.success());
    own.recv().await;
    let mut after = before;
    for _ in 0..100 {
        after = tool_count(&app, "CONTRACTS").await;
        if after < before {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(
        after < before,
        "Germany's customer numbers lost CONTRACTS: {before} -> {after}"
    );
}

#[tokio::test]
async fn broken_files_are_refused_and_the_gateway_keeps_serving_the_old_ones() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let (countries, settings) = operator_files(dir.path(), "");
    let (app, state) = gateway_from(&settings, false).await;
    let before = tool_count(&app, "CONTRACTS").await;

    std::fs::write(&countries, "[countries.DE]\nname = \"Germany\"\n").expect("written");
    std::fs::write(&settings, "[server]\nport = \"not a port\"\n").expect("written");
    let report = reload(&state);
    for source in [Source::Countries, Source::Settings] {
        assert!(
            matches!(report.of(source), Some(Outcome::Refused(_))),
            "{source:?}: {report:?}"
        );
    }
    assert_eq!(
        tool_count(&app, "CONTRACTS").await,
        before,
        "the old directory stays"
    );

    // Fixed, it is taken; the same bytes again are nothing to do.
    without_contracts_in_germany(&countries);
    assert_eq!(
        reload(&state).of(Source::Countries),
        Some(&Outcome::Applied)
    );
    assert_eq!(
        reload(&state).of(Source::Countries),
        Some(&Outcome::Unchanged)
    );
    assert!(tool_count(&app, "CONTRACTS").await < before);
}

#[tokio::test]
async fn new_rate_limits_and_cors_origins_apply_without_a_restart() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let (countries, settings) = operator_files(dir.path(), "");
    let (app, state) = gateway_from(&settings, false).await;
    let portal = "https://portal.example.com";
    let preflight = || {
        app.http
            .request(reqwest::Method::OPTIONS, format!("{}/graphql", app.address))
            .header("origin", portal)
            .header("access-control-request-method", "POST")
            .header(
                "access-control-request-headers",
                "authorization,content-type",
            )
            .send()
    };
    let allowed = preflight().await.expect("answers");
    assert!(
        allowed
            .headers()
            .get("access-control-allow-origin")
            .is_none()
    );

    write_settings(
        &settings,
        &countries,
        &format!(
            "[cors]\nallowed_origins = [{portal:?}]\n[limits]\nmax_backend_calls = 2\nrate_burst = 2\nrate_per_second = 1\n"
        ),
    );
    assert_eq!(reload(&state).of(Source::Settings), Some(&Outcome::Applied));

    let allowed = preflight().await.expect("answers");
    assert_eq!(allowed.headers()["access-control-allow-origin"], portal);
    let mut codes = Vec::new();
    for _ in 0..3 {
        let answer = app
            .graphql_as(GLOBEX_USER, "{ me { userId } }", Value::Null)
            .await;
        codes.push(answer.error_codes());
    }
    assert_eq!(
        codes.last(),
        Some(&vec!["RATE_LIMITED".to_owned()]),
        "{codes:?}"
    );
}

#[tokio::test]
async fn reloads_under_load_fail_no_request() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    // Four workers as one user: a rate limit that is not what this test is about.
    let unlimited = "[limits]\nrate_burst = 100000\nrate_per_second = 100000\n";
    let (countries, settings) = operator_files(dir.path(), unlimited);
    let (app, _) = gateway_from(&settings, true).await;
    let app = Arc::new(app);
    let stop = Arc::new(AtomicBool::new(false));
    let served = Arc::new(AtomicU64::new(0));
    let mut workers = Vec::new();
    for _ in 0..4 {
        let (app, stop, served) = (app.clone(), stop.clone(), served.clone());
        workers.push(tokio::spawn(async move {
            let mut failures = Vec::new();
            while !stop.load(Ordering::Relaxed) {
                let answer = app.graphql_as(GLOBEX_USER, TOOLS, Value::Null).await;
                if answer.status != 200 || answer.body.get("errors").is_some() {
                    failures.push(answer.body.to_string());
                }
                served.fetch_add(1, Ordering::Relaxed);
            }
            failures
        }));
    }
    let original = std::fs::read_to_string("config/countries.toml").expect("read");
    for round in 0..12 {
        match round % 3 {
            0 => without_contracts_in_germany(&countries),
            1 => std::fs::write(&countries, "not toml at all [").expect("written"),
            _ => std::fs::write(&countries, &original).expect("written"),
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    stop.store(true, Ordering::Relaxed);
    let mut failures = Vec::new();
    for worker in workers {
        failures.extend(worker.await.expect("the worker ran"));
    }
    assert!(
        served.load(Ordering::Relaxed) > 20,
        "requests ran throughout"
    );
    assert!(
        failures.is_empty(),
        "{} failed: {:?}",
        failures.len(),
        failures.first()
    );
    // The last good version written (the shipped directory) is the one in use.
    let last_round_good = tool_count(&app, "CONTRACTS").await;
    assert!(last_round_good >= 2);
}
