//! The typed-client examples in `examples/` against a real gateway: the same operations
//! (`examples/operations/*.graphql`) run by the TypeScript client that GraphQL Code Generator
//! types (its `npm run check` first), by that client sending only the ids of a safelisted
//! gateway's codegen-produced manifest, by the curl script and by the Python `gql` script. Each
//! example prints `ran <Operation>` per operation, and each test checks that exactly the
//! operations in `examples/operations/` ran, so the examples cannot drift apart. The React
//! example (`examples/typescript/src/react/`: Apollo Client's `useQuery` and `useMutation` with
//! the codegen-typed documents, rendered in Node) runs a fixed subset of them.
//!
//! They need what `tests/api/clients.rs` needs (node, the clients' virtualenv), plus
//! `examples/typescript/node_modules` (`npm ci --prefix examples/typescript`) for TypeScript
//! and `curl` and `jq` for the script. Without them the tests are skipped, except under
//! `CI=true`, where that is a failure.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Stdio;

use serde_json::{Value, json};
use tokio::process::Command;
use tokio::sync::OnceCell;

use crate::clients::{Needs, SCRIPT_TIMEOUT, prerequisites_present, python};
use crate::helpers::{Answer, GLOBEX_USER, TestApp, spawn_app, spawn_app_with};

fn examples_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples")
}

fn typescript_dir() -> PathBuf {
    examples_dir().join("typescript")
}

/// The manifest `npm run codegen` writes.
fn codegen_manifest() -> PathBuf {
    typescript_dir().join("src/gql/persisted-documents.json")
}

/// The name of the first `query Name` or `mutation Name` in a document's text.
fn operation_name(document: &str) -> Option<String> {
    document.lines().find_map(|line| {
        let rest = line
            .trim_start()
            .strip_prefix("query ")
            .or_else(|| line.trim_start().strip_prefix("mutation "))?;
        let name: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        (!name.is_empty()).then_some(name)
    })
}

/// The operations every example runs: one per `examples/operations/*.graphql`, by name.
fn shared_operations() -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    for entry in std::fs::read_dir(examples_dir().join("operations")).expect("examples/operations")
    {
        let path = entry.expect("a directory entry").path();
        if path.extension().is_some_and(|e| e == "graphql") {
            let text = std::fs::read_to_string(&path).expect("readable");
            let name = operation_name(&text)
                .unwrap_or_else(|| panic!("{} names no operation", path.display()));
            let stem = path
                .file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or_default();
            assert_eq!(
                name,
                stem,
                "{} is named after its operation",
                path.display()
            );
            assert!(names.insert(name), "{} repeats a name", path.display());
        }
    }
    names
}

/// The operations an example says it ran (its `ran <Operation>` lines).
fn ran(stdout: &str) -> BTreeSet<String> {
    stdout
        .lines()
        .filter_map(|line| line.strip_prefix("ran "))
        .map(|rest| rest.split(':').next().unwrap_or_default().trim().to_owned())
        .collect()
}

/// Runs `program args` in `dir` with `env`; panics with its output unless it exits 0 within
/// [`SCRIPT_TIMEOUT`]. Returns its standard output.
async fn run(program: &Path, args: &[&str], dir: &Path, env: &[(&str, &str)]) -> String {
    let mut command = Command::new(program);
    command
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    for (key, value) in env {
        command.env(key, value);
    }
    let what = format!("{} {}", program.display(), args.join(" "));
    let child = command
        .spawn()
        .unwrap_or_else(|e| panic!("{what} starts: {e}"));
    let output = match tokio::time::timeout(SCRIPT_TIMEOUT, child.wait_with_output()).await {
        Ok(output) => output.expect("the output is readable"),
        Err(_) => panic!("{what} did not finish within {SCRIPT_TIMEOUT:?} (killed)"),
    };
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr);
    // Shown by the test harness when the test fails, or with `--nocapture`.
    println!("--- {what} ---\n{stdout}{stderr}");
    assert!(
        output.status.success(),
        "{what} failed ({}):\n--- stdout ---\n{stdout}\n--- stderr ---\n{stderr}",
        output.status
    );
    stdout
}

/// Whether the commands are installed: a failure under `CI=true`, else a note and `false`.
fn commands_present(commands: &[&str]) -> bool {
    let missing: Vec<&str> = commands
        .iter()
        .copied()
        .filter(|command| {
            !std::process::Command::new(command)
                .arg("--version")
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|status| status.success())
        })
        .collect();
    if missing.is_empty() {
        return true;
    }
    let missing = format!(
        "{} not installed: run `apt-get install {}`",
        missing.join(", "),
        missing.join(" ")
    );
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "{missing} (CI=true makes that a failure)"
    );
    eprintln!("skipping: {missing}");
    false
}

/// Node and `examples/typescript/node_modules`, with the same skip-unless-CI rule.
async fn typescript_present() -> bool {
    if !prerequisites_present(Needs::Node).await {
        return false;
    }
    if typescript_dir().join("node_modules").is_dir() {
        return true;
    }
    let missing =
        "examples/typescript/node_modules is missing: run `npm ci --prefix examples/typescript`";
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "{missing} (CI=true makes that a failure)"
    );
    eprintln!("skipping: {missing}");
    false
}

/// `npm run check` (codegen, then `tsc --noEmit`), then `npm run build` (codegen and the
/// compiled client in `dist/`), once for every test of this binary: they share the directory.
async fn build_typescript() {
    static BUILT: OnceCell<()> = OnceCell::const_new();
    BUILT
        .get_or_init(|| async {
            let npm = Path::new("npm");
            run(npm, &["run", "check"], &typescript_dir(), &[]).await;
            run(npm, &["run", "build"], &typescript_dir(), &[]).await;
        })
        .await;
}

/// The fetch client, compiled by `npm run build`.
const FETCH_CLIENT: &str = "dist/typescript/src/main.js";

/// The React example (`npm run start:hooks`), compiled by `npm run build`.
const REACT_EXAMPLE: &str = "dist/typescript/src/react/main.js";

/// The operations the React example renders with `useQuery` or runs with its mutation.
const REACT_OPERATIONS: [&str; 4] = [
    "Dashboard",
    "MyInquiries",
    "RequestInvoicesAccess",
    "Statement",
];

/// Runs a compiled TypeScript `script` against `app` as the first demo user.
async fn run_typescript(app: &TestApp, script: &str, args: &[&str]) -> String {
    let token = app.token(GLOBEX_USER);
    let mut all = vec![script];
    all.extend_from_slice(args);
    let env = [
        ("GATEWAY_URL", app.address.as_str()),
        ("GATEWAY_TOKEN", token.as_str()),
    ];
    run(Path::new("node"), &all, &typescript_dir(), &env).await
}

#[test]
fn every_shared_operation_has_its_variables_and_nothing_else_does() {
    let text = std::fs::read_to_string(examples_dir().join("operations/variables.json"))
        .expect("examples/operations/variables.json");
    let variables: Value = serde_json::from_str(&text).expect("JSON");
    let named: BTreeSet<String> = variables
        .as_object()
        .expect("an object by operation name")
        .keys()
        .cloned()
        .collect();
    let operations = shared_operations();
    assert!(operations.len() >= 7, "{operations:?}");
    assert_eq!(named, operations);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_typescript_example_type_checks_and_runs_every_operation() {
    if !typescript_present().await {
        return;
    }
    build_typescript().await;
    let app = spawn_app().await;
    let stdout = run_typescript(&app, FETCH_CLIENT, &[]).await;
    assert_eq!(ran(&stdout), shared_operations(), "{stdout}");
}

/// A frontend team's typed hooks against the sandbox: the React components' `useQuery` calls
/// render (Apollo's `prerenderStatic`) with data the example finds in the HTML, and the
/// mutation's answer reaches the rendered Dashboard through Apollo's normalised cache.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_react_example_renders_apollo_hooks_with_the_generated_documents() {
    if !typescript_present().await {
        return;
    }
    let expected: BTreeSet<String> = REACT_OPERATIONS.map(String::from).into();
    assert!(
        expected.is_subset(&shared_operations()),
        "{expected:?} are shared operations"
    );
    build_typescript().await;
    let app = spawn_app().await;
    let stdout = run_typescript(&app, REACT_EXAMPLE, &[]).await;
    assert_eq!(ran(&stdout), expected, "{stdout}");
    // A fresh sandbox: the Dashboard showed the request's ToolAccess before and after it.
    assert!(
        stdout.contains("went from NOT_REQUESTED to PENDING"),
        "{stdout}"
    );
}

async fn post(app: &TestApp, body: Value) -> Answer {
    let response = app
        .http
        .post(format!("{}/graphql", app.address))
        .header("accept", "application/graphql-response+json")
        .bearer_auth(app.token(GLOBEX_USER))
        .json(&body)
        .send()
        .await
        .expect("answers");
    Answer::from_response(response).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_codegen_manifest_safelists_exactly_the_typescript_examples_sent_by_id() {
    if !typescript_present().await {
        return;
    }
    build_typescript().await;
    let manifest = codegen_manifest();
    let listed: Value =
        serde_json::from_str(&std::fs::read_to_string(&manifest).expect("codegen wrote it"))
            .expect("JSON");
    let listed: BTreeSet<String> = listed
        .as_object()
        .expect("codegen's {id: document}")
        .values()
        .map(|body| operation_name(body.as_str().expect("a document")).expect("named"))
        .collect();
    assert_eq!(
        listed,
        shared_operations(),
        "the manifest lists every operation"
    );

    let app = spawn_app_with(move |s| {
        s.persisted_documents.manifest = Some(manifest);
        s.persisted_documents.require = true;
    })
    .await;
    let stdout = run_typescript(&app, FETCH_CLIENT, &["--ids-only"]).await;
    assert_eq!(ran(&stdout), shared_operations(), "{stdout}");

    // Anything else is refused: a document that is not listed, as text or by its id.
    let unlisted = "query NotListed { me { userId } }";
    let id = format!(
        "sha256:{}",
        supportgraph::http::persisted::sha256_hex(unlisted)
    );
    for body in [
        json!({ "query": unlisted }),
        json!({ "extensions": { "persistedQuery": { "version": 1, "sha256Hash": id } } }),
    ] {
        let answer = post(&app, body.clone()).await;
        assert_eq!(
            answer.error_codes(),
            ["PERSISTED_QUERY_NOT_LISTED"],
            "{body}: {}",
            answer.body
        );
        assert!(answer.body.get("data").is_none(), "{}", answer.body);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_curl_example_runs_every_operation() {
    if !commands_present(&["bash", "curl", "jq"]) {
        return;
    }
    let app = spawn_app().await;
    let token = app.token(GLOBEX_USER);
    let env = [
        ("GATEWAY_URL", app.address.as_str()),
        ("GATEWAY_TOKEN", token.as_str()),
    ];
    let stdout = run(
        Path::new("bash"),
        &["run.sh"],
        &examples_dir().join("curl"),
        &env,
    )
    .await;
    assert_eq!(ran(&stdout), shared_operations(), "{stdout}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_python_example_runs_every_operation_with_gql() {
    if !prerequisites_present(Needs::Python).await {
        return;
    }
    let app = spawn_app().await;
    let token = app.token(GLOBEX_USER);
    let env = [
        ("GATEWAY_URL", app.address.as_str()),
        ("GATEWAY_TOKEN", token.as_str()),
    ];
    let stdout = run(&python(), &["run.py"], &examples_dir().join("python"), &env).await;
    assert_eq!(ran(&stdout), shared_operations(), "{stdout}");
}
