//! Why each malformed fixture must fail, as `fixtures/README.md` says it in its table "Why each
//! malformed fixture must fail": the fixture, and what the adapter's error detail must say. A
//! fixture that fails for another reason — a field the contract gained since, a typo — fails its
//! test instead of passing it by accident.

use supportgraph_adapters::AdapterError;

/// One row of the README's table.
#[derive(Debug, Clone)]
pub struct Reason {
    /// The fixture's path under `fixtures/`, e.g. `us_inventory/malformed_iso_date.json`.
    pub fixture: String,
    /// What the error's detail must contain.
    pub says: String,
}

const HEADING: &str = "## Why each malformed fixture must fail";

/// Every row of the table.
pub fn reasons() -> Vec<Reason> {
    let readme = std::fs::read_to_string("fixtures/README.md").expect("the fixtures' README");
    let (_, section) = readme
        .split_once(HEADING)
        .unwrap_or_else(|| panic!("fixtures/README.md has a section {HEADING:?}"));
    let section = section.split("\n## ").next().unwrap_or_default();
    section
        .lines()
        .filter(|line| line.starts_with("| `"))
        .map(|line| {
            let cells: Vec<&str> = line.split('|').map(str::trim).collect();
            let code = |cell: &str| cell.trim_matches('`').trim().to_owned();
            Reason {
                fixture: code(cells[1]),
                says: code(cells[cells.len() - 2]),
            }
        })
        .collect()
}

/// The rows of one backend's folder (`order_status`, `registration`, ...).
pub fn reasons_in(folder: &str) -> Vec<Reason> {
    let rows: Vec<Reason> = reasons()
        .into_iter()
        .filter(|r| r.fixture.starts_with(&format!("{folder}/")))
        .collect();
    assert!(!rows.is_empty(), "the README gives reasons for {folder}/");
    rows
}

/// Asserts that `result` is a decode error of `backend` that says `reason`.
pub fn assert_refused_for_its_reason<T: std::fmt::Debug>(
    reason: &Reason,
    backend: &str,
    result: Result<T, AdapterError>,
) {
    match result {
        Err(AdapterError::Decode {
            backend: from,
            detail,
        }) => {
            assert_eq!(from, backend, "{}", reason.fixture);
            assert!(
                detail.contains(&reason.says),
                "{} must fail because {:?}, but failed with: {detail}",
                reason.fixture,
                reason.says
            );
        }
        other => panic!("{}: expected a decode error, got {other:?}", reason.fixture),
    }
}

#[test]
fn every_malformed_fixture_has_one_reason_and_every_reason_a_fixture() {
    let rows = reasons();
    let mut on_disk = Vec::new();
    for folder in std::fs::read_dir("fixtures").expect("the fixtures folder") {
        let folder = folder.expect("an entry").path();
        if !folder.is_dir() {
            continue;
        }
        for file in std::fs::read_dir(&folder).expect("a backend's folder") {
            let file = file.expect("an entry").path();
            let name = file
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default();
            if name.starts_with("malformed_") {
                let folder = folder
                    .file_name()
                    .and_then(|n| n.to_str())
                    .unwrap_or_default();
                on_disk.push(format!("{folder}/{name}"));
            }
        }
    }
    on_disk.sort();
    let mut listed: Vec<String> = rows.iter().map(|r| r.fixture.clone()).collect();
    listed.sort();
    assert_eq!(
        listed, on_disk,
        "one row per malformed fixture, no row without one"
    );
    for row in &rows {
        assert!(!row.says.trim().is_empty(), "{}: a reason", row.fixture);
    }
}
