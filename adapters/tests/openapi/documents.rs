//! The documents as checked in, listed in `docs/backends.md` and served by the sandbox.

use std::collections::BTreeSet;

use supportgraph_adapters::sandbox::openapi::{Contract, SANDBOX_TAG, contracts};
use supportgraph_adapters::sandbox::{FaultSpec, INSTANCES};

use super::routes::{METHODS, documented};
use super::{checked_in, root, start_sandbox};

/// Whether this run rewrites the checked-in documents (`UPDATE_OPENAPI=1`) instead of checking
/// them; never under `CI=true`, where a rewrite would stand in for the check.
fn updating() -> bool {
    let update = std::env::var("UPDATE_OPENAPI").is_ok_and(|v| v == "1");
    assert!(
        !(update && std::env::var("CI").as_deref() == Ok("true")),
        "UPDATE_OPENAPI=1 under CI=true: CI checks the documents, it does not rewrite them"
    );
    update
}

#[test]
fn the_checked_in_documents_are_what_the_handlers_generate() {
    let update = updating();
    let mut stale = Vec::new();
    for contract in contracts() {
        let path = checked_in(&contract);
        let generated = contract.to_json();
        if update {
            std::fs::write(&path, &generated).expect("docs/backends is writable");
        } else if std::fs::read_to_string(&path).ok().as_deref() != Some(generated.as_str()) {
            stale.push(path.display().to_string());
        }
    }
    assert!(
        stale.is_empty(),
        "out of date (run `UPDATE_OPENAPI=1 cargo test -p supportgraph-adapters --test openapi` \
         and review the diff): {stale:?}"
    );
    let names: BTreeSet<String> = contracts()
        .iter()
        .map(|c| format!("{}.openapi.json", c.name))
        .collect();
    let files: BTreeSet<String> = std::fs::read_dir(root().join("docs/backends"))
        .expect("docs/backends")
        .map(|entry| {
            entry
                .expect("an entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    assert_eq!(
        files, names,
        "docs/backends holds exactly one document per backend"
    );
}

/// The endpoint table of `contract` in `docs/backends.md`: one row per operation, in the
/// document's order.
fn endpoint_table(contract: &Contract) -> String {
    let document = serde_json::to_value(&contract.document).expect("JSON");
    let mut table = String::from("| Method | Path | What it does | A real system offers it |\n");
    table.push_str("|---|---|---|---|\n");
    for (path, methods) in documented(&document) {
        for method in METHODS.into_iter().filter(|m| methods.contains(*m)) {
            let operation = &document["paths"][&path][method];
            let summary = operation["summary"].as_str().unwrap_or_default();
            let sandbox_only = operation["tags"]
                .as_array()
                .is_some_and(|tags| tags.iter().any(|t| t == SANDBOX_TAG));
            let required = if sandbox_only {
                "no: sandbox only"
            } else {
                "yes"
            };
            let method = method.to_uppercase();
            table.push_str(&format!(
                "| {method} | `{path}` | {summary} | {required} |\n"
            ));
        }
    }
    table
}

#[test]
fn the_endpoint_tables_of_docs_backends_md_are_the_documents() {
    let update = updating();
    let path = root().join("docs/backends.md");
    let page = std::fs::read_to_string(&path).expect("docs/backends.md");
    let mut rewritten = String::new();
    let mut rest = page.as_str();
    let mut stale = Vec::new();
    for contract in contracts() {
        let open = format!("<!-- endpoints: {} -->\n", contract.name);
        let (before, after_open) = rest
            .split_once(&open)
            .unwrap_or_else(|| panic!("docs/backends.md has no `{}` marker", open.trim()));
        let (table, after) = after_open
            .split_once("<!-- /endpoints -->")
            .expect("every endpoints marker is closed");
        let generated = endpoint_table(&contract);
        if table != generated {
            stale.push(contract.name);
        }
        rewritten.push_str(before);
        rewritten.push_str(&open);
        rewritten.push_str(&generated);
        rewritten.push_str("<!-- /endpoints -->");
        rest = after;
    }
    rewritten.push_str(rest);
    if update {
        std::fs::write(&path, rewritten).expect("docs/backends.md is writable");
    } else {
        assert!(
            stale.is_empty(),
            "the endpoint tables of {stale:?} in docs/backends.md are out of date (run \
             `UPDATE_OPENAPI=1 cargo test -p supportgraph-adapters --test openapi`)"
        );
    }
}

#[tokio::test]
async fn each_instance_serves_its_backends_checked_in_document() {
    let sandbox = start_sandbox().await;
    // The documents are served outside fault injection: a failing instance still shows its
    // contract.
    let failing = FaultSpec {
        error_rate: 1.0,
        ..FaultSpec::default()
    };
    sandbox.set_fault("mail", failing).expect("a fault");
    let outbox = sandbox
        .base_url("mail")
        .join("admin/outbox")
        .expect("a URL");
    let refused = reqwest::get(outbox).await.expect("the sandbox answers");
    assert!(refused.status().is_server_error(), "the fault bites");
    let http = reqwest::Client::new();
    let contracts = contracts();
    for instance in INSTANCES {
        let url = sandbox
            .base_url(instance)
            .join("openapi.json")
            .expect("a URL");
        let answer = http
            .get(url.clone())
            .send()
            .await
            .expect("the sandbox answers");
        let Some(contract) = contracts.iter().find(|c| c.instances.contains(&instance)) else {
            assert_eq!(
                answer.status(),
                404,
                "{instance} is not a backend: no document"
            );
            continue;
        };
        assert_eq!(answer.status(), 200, "{url}");
        let served = answer.text().await.expect("a body");
        // While the drift test rewrites the files (`UPDATE_OPENAPI=1`), compare with what it
        // writes.
        let expected = if updating() {
            contract.to_json()
        } else {
            std::fs::read_to_string(checked_in(contract)).expect("checked in")
        };
        assert!(
            served == expected,
            "{url} does not serve docs/backends/{}.openapi.json",
            contract.name
        );
    }
    let covered: BTreeSet<&str> = contracts.iter().flat_map(|c| c.instances.clone()).collect();
    let others: Vec<&str> = INSTANCES
        .into_iter()
        .filter(|i| !covered.contains(i))
        .collect();
    assert_eq!(
        others,
        ["identity"],
        "every backend instance has a contract"
    );
}
