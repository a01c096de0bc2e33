//! A gateway as an operator runs it — the `supportgraph` binary, in a process of its own, stopped
//! with SIGTERM — over a sandbox the test runs on its own ([`standalone_sandbox`]), so the
//! backends and their data outlive the gateway: a test can stop one gateway and start the next on
//! the same address, as an orchestrator restarting an instance does. (An in-process gateway
//! cannot be stopped gracefully: it stops on the process's own signals.)

use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use supportgraph::settings::Settings;
use supportgraph_adapters::sandbox::{self, SandboxConfig, SandboxHandle};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, ChildStdout, Command};

/// How long a gateway may take to start listening, or to stop after SIGTERM (its drain and grace
/// included), before the test fails.
const PROCESS_PATIENCE: Duration = Duration::from_secs(20);

/// A sandbox of its own (the default seed and identity key, no faults), on a free loopback port.
pub async fn standalone_sandbox() -> SandboxHandle {
    let defaults = Settings::load_without_env(None).expect("the defaults load");
    sandbox::start(
        SandboxConfig {
            seed: defaults.sandbox.seed,
            faults: Default::default(),
            identity: supportgraph::startup::sandbox_identity(&defaults).expect("the dev key"),
            auto_approve_after: None,
            extra_orders: 0,
        },
        "127.0.0.1:0".parse().expect("an address"),
    )
    .await
    .expect("the sandbox starts")
}

/// Configuration (TOML, layered over `config/default.toml`) for a gateway without an embedded
/// sandbox, whose backends and token verifier are `standalone`'s: its `[sandbox]`, `[auth]` and
/// `[backends.*]` tables (a test adds others).
pub fn standalone_config(standalone: &SandboxHandle) -> String {
    let url = |instance: &str| format!("\"{}\"", standalone.base_url(instance));
    format!(
        r#"
[sandbox]
embedded = false
[auth]
jwks_url = "{jwks}"
[backends.registration]
base_url = {registration}
[backends.order_status]
americas = {order_americas}
emea = {order_emea}
ap = {order_ap}
[backends.us_inventory]
base_url = {us_inventory}
[backends.eu_services_assistant]
base_url = {eu_services}
[backends.mail]
base_url = {mail}
[backends.billing]
americas = {billing_americas}
emea = {billing_emea}
ap = {billing_ap}
[backends.support]
base_url = {support}
[backends.contracts]
base_url = {contracts}
"#,
        jwks = standalone.jwks_url(),
        registration = url("registration"),
        order_americas = url("order-status/americas"),
        order_emea = url("order-status/emea"),
        order_ap = url("order-status/ap"),
        us_inventory = url("us-inventory-online"),
        eu_services = url("eu-services-assistant"),
        mail = url("mail"),
        billing_americas = url("billing/americas"),
        billing_emea = url("billing/emea"),
        billing_ap = url("billing/ap"),
        support = url("support"),
        contracts = url("contracts"),
    )
}

/// A running `supportgraph serve`, killed if the test ends without stopping it.
pub struct GatewayProcess {
    child: Child,
    /// The port it listens on.
    pub port: u16,
    /// `http://127.0.0.1:PORT`.
    pub address: String,
    http: reqwest::Client,
}

impl GatewayProcess {
    /// Starts `supportgraph --config <config> serve --port <port>` (0: a free port) and waits
    /// until it listens (its first line names the port).
    pub async fn start(config: &Path, port: u16) -> GatewayProcess {
        let mut child = Command::new(env!("CARGO_BIN_EXE_supportgraph"))
            .arg("--config")
            .arg(config)
            .args(["serve", "--port", &port.to_string()])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("the gateway starts");
        let stdout = child.stdout.take().expect("stdout is piped");
        let first_line = tokio::time::timeout(PROCESS_PATIENCE, listening_line(stdout))
            .await
            .expect("the gateway listens within the patience")
            .unwrap_or_else(|| panic!("the gateway exited before listening on port {port}"));
        let port = first_line
            .split("(port ")
            .nth(1)
            .and_then(|rest| rest.trim_end().trim_end_matches(')').parse::<u16>().ok())
            .unwrap_or_else(|| panic!("a port in {first_line:?}"));
        GatewayProcess {
            child,
            port,
            address: format!("http://127.0.0.1:{port}"),
            http: reqwest::Client::new(),
        }
    }

    /// Sends SIGTERM, as an orchestrator stopping the instance does, and waits for the process
    /// to end (after its drain); its exit code.
    pub async fn stop(mut self) -> Option<i32> {
        let pid = self.child.id().expect("the gateway still runs");
        let signalled = Command::new("kill")
            .args(["-TERM", &pid.to_string()])
            .status()
            .await
            .expect("kill runs");
        assert!(signalled.success(), "SIGTERM is sent to {pid}");
        let status = tokio::time::timeout(PROCESS_PATIENCE, self.child.wait())
            .await
            .expect("the gateway stops within the patience after SIGTERM")
            .expect("its exit status is readable");
        status.code()
    }

    /// The subscriptions to the root field `field` open on this gateway, from its `/metrics`
    /// (`supportgraph_active_subscriptions`; 0 before the first).
    pub async fn active_subscriptions(&self, field: &str) -> f64 {
        let text = self
            .http
            .get(format!("{}/metrics", self.address))
            .send()
            .await
            .expect("the gateway answers")
            .text()
            .await
            .expect("a body");
        let series = format!("supportgraph_active_subscriptions{{field=\"{field}\"}} ");
        text.lines()
            .find_map(|line| line.strip_prefix(&series))
            .map_or(0.0, |value| value.trim().parse().expect("a number"))
    }
}

/// The gateway's first line ("… listening on … (port N)"); `None` if it exits first. The rest
/// of its output is read on in the background, so its later writes never fail on a closed pipe.
async fn listening_line(stdout: ChildStdout) -> Option<String> {
    let mut lines = BufReader::new(stdout).lines();
    let first = lines.next_line().await.ok()??;
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    Some(first)
}
