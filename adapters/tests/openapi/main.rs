//! The backends' contracts: OpenAPI 3.1 documents generated from the simulators' handlers
//! (`supportgraph_adapters::sandbox::openapi`), checked from every side.
//!
//! - `documents`: the copies checked into `docs/backends/` and the endpoint tables of
//!   `docs/backends.md` are what the handlers generate (`UPDATE_OPENAPI=1` rewrites them), and the
//!   sandbox serves each instance its kind's document.
//! - `routes`: every route each backend instance serves (every region of a regional backend) is
//!   in its kind's document, with the same methods.
//! - `validation`: every document passes an OpenAPI validator, which refuses a broken one.
//! - `examples`: the fixtures the adapters read and send, and what the sandbox answers, match the
//!   schemas of what they are examples of.
//! - `xml_examples`: the same for the European Services Assistant, which speaks XML: each payload
//!   is read by the schema's `xml` rules, so an element, attribute or text the schema does not
//!   name fails, as does a missing required one, a wrong type, enum or pattern.
//!
//! The validator is `openapi-spec-validator` in `tests/clients/.venv`. Without it the tests that
//! need it say so and pass, except under `CI=true` where they fail: `python3 -m venv
//! tests/clients/.venv && tests/clients/.venv/bin/pip install -r tests/clients/requirements.txt`.

mod documents;
mod examples;
mod routes;
mod validation;
mod xml_examples;

use std::path::{Path, PathBuf};
use std::process::Command;

use supportgraph_adapters::sandbox::identity::IdentityConfig;
use supportgraph_adapters::sandbox::openapi::Contract;
use supportgraph_adapters::sandbox::{self, SandboxConfig, SandboxHandle};

/// The seed of every test's sandbox.
const SEED: u64 = 7;

/// The workspace's root.
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the adapters crate sits in the workspace")
        .to_path_buf()
}

/// Where a contract is checked in.
fn checked_in(contract: &Contract) -> PathBuf {
    root()
        .join("docs/backends")
        .join(format!("{}.openapi.json", contract.name))
}

/// A sandbox on a free loopback port, with no faults.
async fn start_sandbox() -> SandboxHandle {
    let identity = IdentityConfig {
        issuer: "test".into(),
        audience: "test".into(),
        token_ttl_seconds: 60,
        signing_key_pem: std::fs::read_to_string(
            root().join("config/sandbox-identity-dev-key.pem"),
        )
        .expect("the development key"),
        key_id: "test".into(),
    };
    let config = SandboxConfig {
        seed: SEED,
        faults: Default::default(),
        identity,
        auto_approve_after: None,
        extra_orders: 0,
    };
    sandbox::start(config, "127.0.0.1:0".parse().expect("an address"))
        .await
        .expect("the sandbox starts")
}

/// `openapi-spec-validator` in the clients' virtualenv, if installed.
fn validator() -> Option<PathBuf> {
    let python = root().join("tests/clients/.venv/bin/python");
    let found = python.exists()
        && Command::new(&python)
            .args(["-c", "import openapi_spec_validator"])
            .status()
            .is_ok_and(|s| s.success());
    if found {
        return Some(python);
    }
    let note = "openapi-spec-validator is not installed in tests/clients/.venv \
                (tests/clients/.venv/bin/pip install -r tests/clients/requirements.txt)";
    assert!(std::env::var("CI").as_deref() != Ok("true"), "{note}");
    eprintln!("skipped: {note}");
    None
}
