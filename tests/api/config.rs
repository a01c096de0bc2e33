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
fn the_production_profile_refuses_the_embedded_sandbox_and_needs_a_jwks_url() {
    let message = load_error("profile = \"production\"\n");
    assert!(message.contains("sandbox.embedded"), "{message}");
    let message = load_error("profile = \"production\"\n[sandbox]\nembedded = false\n");
    assert!(message.contains("auth.jwks_url"), "{message}");
}

#[test]
fn the_example_production_file_loads_with_real_backends_and_no_sandbox() {
    // The signing key comes from the environment in production; without one the file alone
    // is refused, naming the key.
    let refused = Settings::load_without_env(Some(std::path::Path::new("config/production.toml")))
        .expect_err("no signing key");
    assert!(
        refused.to_string().contains("links.signing_key"),
        "{refused}"
    );
    let with_key = std::fs::read_to_string("config/production.toml")
        .expect("the file")
        .replace(
            "[links]\n",
            "[links]\nsigning_key = \"c3VwcG9ydGdyYXBoLXRlc3Qtc2lnbmluZy1rZXktMzItYnl0ZXMh\"\n",
        );
    let dir = tempfile::tempdir().expect("a temp dir");
    let path = dir.path().join("production.toml");
    std::fs::write(&path, &with_key).expect("written");
    let settings =
        Settings::load_without_env(Some(&path)).expect("the example production settings load");
    // Links must name the public URL in production, never whatever host a request says.
    let without_base = with_key.replace("public_base_url = \"https://api.example.com\"\n", "");
    assert_ne!(without_base, with_key);
    std::fs::write(&path, without_base).expect("written");
    let refused = Settings::load_without_env(Some(&path)).expect_err("no public base URL");
    assert!(
        refused.to_string().contains("links.public_base_url"),
        "{refused}"
    );
    assert!(!settings.sandbox.embedded);
    assert!(settings.auth.jwks_url.is_some());
    assert!(settings.backends.order_status.emea.is_some());
    assert!(!settings.graphiql.enabled && !settings.server.introspection);
}

#[test]
fn a_fault_for_an_unknown_backend_is_refused_at_load() {
    let message = load_error("[sandbox.faults.\"order-status/mars\"]\nlatency_ms = 5\n");
    assert!(
        message.contains("sandbox.faults") && message.contains("order-status/mars"),
        "{message}"
    );
    let message = load_error("[sandbox.faults.\"order-status/emea\"]\nerror_rate = 1.5\n");
    assert!(message.contains("error_rate"), "{message}");
}

#[test]
fn an_oversized_page_limit_is_refused() {
    let message = load_error("[graphql]\nmax_page_size = 100000\n");
    assert!(message.contains("graphql.max_page_size"), "{message}");
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

#[test]
fn the_sandbox_places_every_demo_customer_number_where_the_country_directory_does() {
    use supportgraph::countries::CountryDirectory;
    use supportgraph_adapters::sandbox::demo;
    let countries = CountryDirectory::load(std::path::Path::new("config/countries.toml"))
        .expect("the shipped directory loads");
    for company in demo::companies() {
        for account in &company.accounts {
            let configured = countries.get(account.country).map(|c| c.region);
            assert_eq!(
                demo::region_of(account.country),
                configured,
                "{} ({}) would vanish from every answer",
                account.customer_number,
                account.country
            );
        }
    }
}

#[test]
fn serve_on_port_zero_announces_the_port_it_picked() {
    use std::io::{BufRead, BufReader, Read};
    let mut child = Command::new(env!("CARGO_BIN_EXE_supportgraph"))
        .args(["--port", "0"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("the binary starts");
    let mut first_line = String::new();
    let stdout = child.stdout.take().expect("stdout");
    let mut reader = BufReader::new(stdout);
    reader.read_line(&mut first_line).expect("a first line");
    let port: u16 = first_line
        .split("(port ")
        .nth(1)
        .and_then(|rest| rest.trim_end().trim_end_matches(')').parse().ok())
        .unwrap_or_else(|| panic!("the first line names the port: {first_line:?}"));
    assert_ne!(port, 0);
    assert!(
        first_line.contains(&format!("http://127.0.0.1:{port}")),
        "{first_line}"
    );
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).expect("it listens there");
    std::io::Write::write_all(
        &mut stream,
        b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    )
    .expect("writes");
    let mut reply = String::new();
    stream.read_to_string(&mut reply).expect("reads");
    child.kill().expect("stops");
    let _ = child.wait();
    assert!(reply.starts_with("HTTP/1.1 200"), "{reply}");
}

#[test]
fn token_settings_that_would_weaken_verification_are_refused() {
    for (text, key) in [
        ("[auth]\nleeway_seconds = 3600\n", "auth.leeway_seconds"),
        (
            "[auth]\njwks_min_refetch_seconds = 0\n",
            "auth.jwks_min_refetch_seconds",
        ),
        (
            "[auth]\njwks_cache_seconds = 5\njwks_min_refetch_seconds = 30\n",
            "auth.jwks_cache_seconds",
        ),
        (
            "profile = \"production\"\n[sandbox]\nembedded = false\n[auth]\njwks_url = \"http://idp.example/jwks\"\n",
            "auth.jwks_url",
        ),
    ] {
        let message = load_error(text);
        assert!(message.contains(key), "{key}: {message}");
    }
}

#[test]
fn the_token_command_refuses_the_production_profile() {
    let output = Command::new(env!("CARGO_BIN_EXE_supportgraph"))
        .args(["--config", "config/production.toml", "token"])
        .output()
        .expect("the binary runs");
    assert_eq!(output.status.code(), Some(2));
    assert!(output.stdout.is_empty());
}

#[test]
fn the_upload_deadline_must_outlast_the_request_deadline_and_the_file_transfers() {
    // Shorter than server.request_timeout_ms (10000); then exactly 5 files × 8000 ms + 3000 ms
    // (support) + 5000 ms (mail), with no room to spare.
    for bad in ["upload_timeout_ms = 5000", "upload_timeout_ms = 48000"] {
        let message = load_error(&format!("[inquiries]\n{bad}\n"));
        assert!(
            message.contains("inquiries.upload_timeout_ms"),
            "{bad}: {message}"
        );
    }
    let settings = Settings::load_without_env(Some(
        settings_file("[inquiries]\nupload_timeout_ms = 48001\n").path(),
    ))
    .expect("just long enough");
    assert_eq!(settings.inquiries.upload_timeout_ms, 48_001);
}

#[test]
fn the_upload_slots_must_admit_at_least_one_upload_per_user() {
    let message = load_error("[inquiries]\nmax_concurrent_uploads_per_user = 0\n");
    assert!(
        message.contains("inquiries.max_concurrent_uploads_per_user"),
        "{message}"
    );
    let message = load_error(
        "[inquiries]\nmax_concurrent_uploads_per_user = 4\nmax_concurrent_uploads = 3\n",
    );
    assert!(
        message.contains("inquiries.max_concurrent_uploads"),
        "{message}"
    );
}
