//! Every document passes an OpenAPI validator, and the validator refuses a broken one.

use std::path::Path;
use std::process::Command;

use serde_json::Value;
use supportgraph_adapters::sandbox::openapi::contracts;

use super::{checked_in, validator};

#[test]
fn every_checked_in_document_is_valid_openapi() {
    let Some(python) = validator() else { return };
    for contract in contracts() {
        let path = checked_in(&contract);
        let (valid, said) = validate(&python, &path);
        assert!(valid, "{}: {said}", path.display());
        assert_eq!(
            serde_json::from_str::<Value>(&std::fs::read_to_string(&path).expect("a file"))
                .expect("JSON")["openapi"],
            "3.1.0",
            "{}",
            path.display()
        );
    }
}

#[test]
fn the_validator_refuses_a_broken_document() {
    let Some(python) = validator() else { return };
    let contract = &contracts()[0];
    let good = serde_json::to_value(&contract.document).expect("JSON");
    let dir = std::env::temp_dir().join(format!("supportgraph-openapi-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    let breakages: [(&str, Breakage); 2] = [
        ("a response without a description", |response| {
            let response = response.as_object_mut().expect("an object");
            response.remove("description");
        }),
        ("a $ref to nothing", |response| {
            response["content"]["application/json"]["schema"] =
                serde_json::json!({ "$ref": "#/components/schemas/NoSuchSchema" });
        }),
    ];
    for (what, breakage) in breakages {
        let mut broken = good.clone();
        breakage(first_response(&mut broken));
        let file = dir.join("broken.openapi.json");
        std::fs::write(&file, broken.to_string()).expect("writable");
        let (valid, said) = validate(&python, &file);
        assert!(!valid, "{what} passed validation: {said}");
    }
    std::fs::remove_dir_all(&dir).ok();
}

/// A change that breaks one response of a document.
type Breakage = fn(&mut Value);

/// The first response of the first operation of the first path of `document`.
fn first_response(document: &mut Value) -> &mut Value {
    document["paths"]
        .as_object_mut()
        .and_then(|paths| paths.values_mut().next())
        .and_then(|item| item.as_object_mut())
        .and_then(|item| item.values_mut().next())
        .and_then(|operation| operation["responses"].as_object_mut())
        .and_then(|responses| responses.values_mut().next())
        .expect("a response")
}

/// Runs the validator on `file`: whether it passed, and what it said.
fn validate(python: &Path, file: &Path) -> (bool, String) {
    let output = Command::new(python)
        .args(["-m", "openapi_spec_validator"])
        .arg(file)
        .output()
        .expect("the validator runs");
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.success(), said)
}
