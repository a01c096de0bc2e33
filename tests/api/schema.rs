//! The checked-in SDL, plain and as a Federation v2 subgraph, must match the code. The schema
//! checks CI runs on it have their own tests: [`lint`] (`.ci/check-schema-lint`) and [`gate`]
//! (`.ci/check-schema-changes`, the breaking-change gate). Both need node and
//! `tests/clients/node_modules` (see `clients.rs`).

mod gate;
mod lint;

use std::path::{Path, PathBuf};
use std::process::Stdio;

use tokio::process::Command;

use crate::clients::{SCRIPT_TIMEOUT, clients_dir};

#[test]
fn the_checked_in_schema_matches_the_code() {
    let checked_in = std::fs::read_to_string("schema/supportgraph.graphql")
        .expect("schema/supportgraph.graphql exists");
    let current = supportgraph::graphql::sdl();
    assert!(
        checked_in == current,
        "schema/supportgraph.graphql is out of date: run `cargo run -- schema > schema/supportgraph.graphql` and commit it"
    );
}

#[test]
fn the_checked_in_subgraph_schema_matches_the_code() {
    let checked_in = std::fs::read_to_string("schema/supportgraph.subgraph.graphql")
        .expect("schema/supportgraph.subgraph.graphql exists");
    let current = supportgraph::graphql::subgraph_sdl();
    assert!(
        checked_in == current,
        "schema/supportgraph.subgraph.graphql is out of date: run `cargo run -- schema --federation > schema/supportgraph.subgraph.graphql` and commit it"
    );
}

/// What a check script said.
pub(super) struct Outcome {
    pub(super) passed: bool,
    pub(super) output: String,
}

/// Runs `.ci/<script> args` in `dir` with `env` (and without any `SCHEMA_BASE` the test run
/// inherits) and returns whether it exited 0, with its output; panics if it takes longer than
/// [`SCRIPT_TIMEOUT`].
pub(super) async fn run_check(
    script: &str,
    args: &[&Path],
    env: &[(&str, &str)],
    dir: &Path,
) -> Outcome {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(".ci")
        .join(script);
    let run = Command::new(&path)
        .args(args)
        .env_remove("SCHEMA_BASE")
        .envs(env.iter().copied())
        .current_dir(dir)
        .stdin(Stdio::null())
        .kill_on_drop(true)
        .output();
    let output = tokio::time::timeout(SCRIPT_TIMEOUT, run)
        .await
        .unwrap_or_else(|_| panic!("{script} took longer than {SCRIPT_TIMEOUT:?}"))
        .unwrap_or_else(|error| panic!("{} does not run: {error}", path.display()));
    Outcome {
        passed: output.status.success(),
        output: format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        ),
    }
}

/// The repository root, where the lint runs.
pub(super) fn repository() -> PathBuf {
    clients_dir()
        .parent()
        .and_then(Path::parent)
        .expect("tests/clients is two levels down")
        .to_path_buf()
}
