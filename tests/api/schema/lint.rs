//! The schema lint (`.ci/check-schema-lint`): the checked-in schema passes, and a copy with what
//! the lint exists to catch fails.

use crate::clients::{Needs, prerequisites_present};

use super::{Outcome, repository, run_check};

/// Lints a copy of the checked-in schema changed by `edit`.
async fn lint_edited_schema(edit: impl FnOnce(String) -> String) -> Outcome {
    let schema = std::fs::read_to_string(repository().join("schema/supportgraph.graphql"))
        .expect("schema/supportgraph.graphql exists");
    let dir = tempfile::tempdir().expect("a scratch directory");
    let copy = dir.path().join("edited.graphql");
    std::fs::write(&copy, edit(schema)).expect("the copy is written");
    run_check("check-schema-lint", &[&copy], &[], dir.path()).await
}

/// `schema` with `addition` written first inside `type Query { ... }`.
fn add_to_query(schema: String, addition: &str) -> String {
    assert!(
        schema.contains("\ntype Query {\n"),
        "the schema has a Query type"
    );
    schema.replacen(
        "\ntype Query {\n",
        &format!("\ntype Query {{\n{addition}"),
        1,
    )
}

#[tokio::test]
async fn the_checked_in_schema_passes_the_schema_lint() {
    if !prerequisites_present(Needs::Node).await {
        return;
    }
    let lint = run_check("check-schema-lint", &[], &[], &repository()).await;
    assert!(lint.passed, "the schema lint fails:\n{}", lint.output);
}

#[tokio::test]
async fn the_schema_lint_fails_on_a_field_without_a_description() {
    if !prerequisites_present(Needs::Node).await {
        return;
    }
    let lint =
        lint_edited_schema(|schema| add_to_query(schema, "\tundescribedField: String\n")).await;
    assert!(
        !lint.passed,
        "an undescribed field passed the lint:\n{}",
        lint.output
    );
    assert!(
        lint.output
            .contains(r#"Description is required for field "undescribedField""#),
        "the lint failed for another reason:\n{}",
        lint.output
    );
}

#[tokio::test]
async fn the_schema_lint_fails_on_a_type_no_field_reaches() {
    if !prerequisites_present(Needs::Node).await {
        return;
    }
    let orphan = "\n\"\"\"\nNothing returns it.\n\"\"\"\ntype Orphan {\n\t\"\"\"\n\tIts ID.\n\t\"\"\"\n\tid: ID!\n}\n";
    let lint = lint_edited_schema(|schema| schema + orphan).await;
    assert!(
        !lint.passed,
        "an unreachable type passed the lint:\n{}",
        lint.output
    );
    assert!(
        lint.output.contains("type `Orphan` is unreachable"),
        "the lint failed for another reason:\n{}",
        lint.output
    );
}
