//! Settings: bad values and unknown keys stop start-up with a message naming the key (exit 2).

use std::io::Write;
use std::process::Command;

use supportgraph::settings::Settings;

fn settings_file(text: &str) -> tempfile::NamedTempFile {
    let mut file = tempfile::NamedTempFile::new().expect("a temp file");
    file.write_all(text.as_bytes()).expect("writes");
    file
}

fn load_error(text: &str) -> String {
    let file = settings_file(text);
    Settings::load_without_env(Some(file.path()))
        .expect_err("the settings are refused")
        .to_string()
}

#[test]
fn an_unknown_key_is_refused_naming_it() {
    let message = load_error("[server]\ncolour = \"blue\"\n");
    assert!(
        message.contains("server") && message.contains("colour"),
        "{message}"
    );
}

#[test]
fn a_bad_port_is_refused_naming_the_key() {
    for bad in ["port = 70000", "port = \"eighty\"", "port = -1"] {
        let message = load_error(&format!("[server]\n{bad}\n"));
        assert!(message.contains("server.port"), "{bad}: {message}");
    }
}

#[test]
fn backend_timeouts_must_be_shorter_than_the_request_deadline() {
    let message = load_error(
        "[server]\nrequest_timeout_ms = 1000\n[backends.order_status]\ntimeout_ms = 5000\n",
    );
    assert!(
        message.contains("backends.order_status.timeout_ms"),
        "{message}"
    );
}

#[test]
fn the_production_profile_refuses_the_embedded_sandbox_and_the_development_key() {
    let message = load_error("profile = \"production\"\n");
    assert!(message.contains("sandbox.embedded"), "{message}");
    let message = load_error("profile = \"production\"\n[sandbox]\nembedded = false\n");
    assert!(message.contains("auth.sandbox_hs256_key"), "{message}");
}

#[test]
fn the_example_production_file_is_complete_but_for_the_unfinished_jwks_verification() {
    let settings = Settings::load_without_env(Some(std::path::Path::new("config/production.toml")))
        .expect("the example production settings load");
    assert!(!settings.sandbox.embedded);
    assert!(settings.auth.sandbox_hs256_key.is_none());
    assert!(!settings.server.graphiql && !settings.server.introspection);
}

#[test]
fn a_missing_config_file_is_refused() {
    let error = Settings::load_without_env(Some(std::path::Path::new("config/no-such-file.toml")))
        .expect_err("refused");
    assert!(error.to_string().contains("no-such-file.toml"));
}

#[test]
fn the_binary_exits_2_naming_the_key_for_a_bad_environment_value() {
    let output = Command::new(env!("CARGO_BIN_EXE_supportgraph"))
        .arg("token")
        .env("SUPPORTGRAPH_SERVER__PORT", "not-a-port")
        .output()
        .expect("the binary runs");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("server.port"), "{stderr}");
    assert!(output.stdout.is_empty(), "nothing on stdout");
}

#[test]
fn the_binary_exits_2_naming_an_unknown_key_in_the_config_file() {
    let file = settings_file("[graphql]\nmax_depht = 3\n");
    let output = Command::new(env!("CARGO_BIN_EXE_supportgraph"))
        .args(["--config"])
        .arg(file.path())
        .arg("token")
        .output()
        .expect("the binary runs");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("graphql") && stderr.contains("max_depht"),
        "{stderr}"
    );
}

#[test]
fn the_token_command_prints_only_a_token() {
    let output = Command::new(env!("CARGO_BIN_EXE_supportgraph"))
        .arg("token")
        .output()
        .expect("the binary runs");
    assert!(output.status.success());
    let stdout = String::from_utf8(output.stdout).expect("utf-8");
    let token = stdout.trim_end();
    assert_eq!(token.lines().count(), 1);
    assert_eq!(token.split('.').count(), 3, "a compact JWT: {token}");

    let unknown = Command::new(env!("CARGO_BIN_EXE_supportgraph"))
        .args(["token", "--user", "nobody"])
        .output()
        .expect("the binary runs");
    assert_eq!(unknown.status.code(), Some(2));
}
