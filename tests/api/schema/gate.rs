//! The breaking-change gate (`.ci/check-schema-changes`) must stop a breaking change that its
//! commit message does not own up to, in any commit since its base, judging committed content
//! only and failing when it cannot see the history or load a schema. It runs in scratch git
//! repositories with commits of a tiny schema.

use std::process::Stdio;

use crate::clients::{Needs, prerequisites_present};

use super::{Outcome, run_check};

/// A tiny schema: `Query` with `fields`, each a `name: Type` line.
fn tiny_schema(fields: &[&str]) -> String {
    let fields: String = fields
        .iter()
        .map(|field| format!("  \"A field.\"\n  {field}\n"))
        .collect();
    format!("\"The root.\"\ntype Query {{\n{fields}}}\n")
}

/// A scratch git repository holding `schema/supportgraph.graphql`.
struct ScratchRepository {
    dir: tempfile::TempDir,
}

impl ScratchRepository {
    fn new() -> Self {
        let repository = Self {
            dir: tempfile::tempdir().expect("a scratch directory"),
        };
        repository.git(&["init", "--quiet", "--initial-branch=main"]);
        std::fs::create_dir(repository.dir.path().join("schema")).expect("schema/ is created");
        repository
    }

    /// A depth-1 clone of this repository (over `file://`, so `--depth` applies), keeping
    /// `origin` only if `keep_remote`.
    fn shallow_clone(&self, keep_remote: bool) -> Self {
        let clone = Self {
            dir: tempfile::tempdir().expect("a scratch directory"),
        };
        let url = format!("file://{}", self.dir.path().display());
        let into = clone.dir.path().to_str().expect("a UTF-8 path");
        clone.git(&["clone", "--quiet", "--depth", "1", &url, into]);
        if !keep_remote {
            clone.git(&["remote", "remove", "origin"]);
        }
        clone
    }

    fn git(&self, args: &[&str]) -> String {
        let output = std::process::Command::new("git")
            .args([
                "-c",
                "user.name=Schema Test",
                "-c",
                "user.email=schema@example.com",
            ])
            .args(["-c", "commit.gpgsign=false"])
            .args(args)
            .current_dir(self.dir.path())
            .stdin(Stdio::null())
            .output()
            .expect("git runs");
        assert!(
            output.status.success(),
            "git {args:?} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout)
            .expect("git prints UTF-8")
            .trim()
            .to_owned()
    }

    /// The commit HEAD names.
    fn head(&self) -> String {
        self.git(&["rev-parse", "HEAD"])
    }

    /// Writes `schema` as `schema/supportgraph.graphql` without committing it.
    fn write_schema(&self, schema: &str) {
        std::fs::write(self.dir.path().join(SCHEMA_PATH), schema).expect("the schema is written");
    }

    /// Commits `schema` as `schema/supportgraph.graphql` with `message`.
    fn commit(&self, schema: &str, message: &str) -> &Self {
        self.write_schema(schema);
        self.git(&["add", SCHEMA_PATH]);
        self.git(&["commit", "--quiet", "--message", message]);
        self
    }

    /// Commits a change to a file other than the schema with `message`.
    fn commit_other_file(&self, message: &str) -> &Self {
        let notes = self.dir.path().join("NOTES.md");
        let mut text = std::fs::read_to_string(&notes).unwrap_or_default();
        text.push_str(message);
        text.push('\n');
        std::fs::write(&notes, text).expect("the notes are written");
        self.git(&["add", "NOTES.md"]);
        self.git(&["commit", "--quiet", "--message", message]);
        self
    }

    /// Runs the gate against its default base, HEAD~1.
    async fn check(&self) -> Outcome {
        run_check("check-schema-changes", &[], &[], self.dir.path()).await
    }

    /// Runs the gate with `SCHEMA_BASE=base`.
    async fn check_since(&self, base: &str) -> Outcome {
        let env = [("SCHEMA_BASE", base)];
        run_check("check-schema-changes", &[], &env, self.dir.path()).await
    }
}

/// Where the gate finds the schema in a repository.
const SCHEMA_PATH: &str = "schema/supportgraph.graphql";

#[tokio::test]
async fn a_removed_field_fails_the_breaking_change_check_unless_the_commit_says_breaking_and_why() {
    if !prerequisites_present(Needs::Node).await {
        return;
    }
    let before = tiny_schema(&["kept: String", "removed: Int"]);
    let after = tiny_schema(&["kept: String"]);
    let repository = ScratchRepository::new();
    repository.commit(&before, "A schema");

    repository.commit(&after, "Tidy the schema");
    let check = repository.check().await;
    assert!(!check.passed, "a removed field passed:\n{}", check.output);
    assert!(
        check
            .output
            .contains("Field removed was removed from object type Query")
            && check.output.contains("BREAKING:"),
        "the failure does not list the change and the way out:\n{}",
        check.output
    );

    repository.commit(&before, "Put it back");
    repository.commit(&after, "Tidy the schema\n\nBREAKING:\n");
    let check = repository.check().await;
    assert!(
        !check.passed,
        "BREAKING: without a reason passed:\n{}",
        check.output
    );

    repository.commit(&before, "Put it back again");
    repository.commit(
        &after,
        "Tidy the schema\n\nBREAKING: `removed` never returned anything; no client asks for it",
    );
    let check = repository.check().await;
    assert!(
        check.passed,
        "BREAKING: with a reason failed:\n{}",
        check.output
    );
}

#[tokio::test]
async fn an_added_field_passes_the_breaking_change_check() {
    if !prerequisites_present(Needs::Node).await {
        return;
    }
    let repository = ScratchRepository::new();
    repository
        .commit(&tiny_schema(&["kept: String"]), "A schema")
        .commit(&tiny_schema(&["kept: String", "added: Int"]), "Add a field");
    let check = repository.check().await;
    assert!(check.passed, "an added field failed:\n{}", check.output);
    assert!(
        check
            .output
            .contains("Field added was added to object type Query"),
        "the added field is not reported:\n{}",
        check.output
    );
}

#[tokio::test]
async fn the_breaking_change_check_passes_on_a_first_commit() {
    if !prerequisites_present(Needs::Node).await {
        return;
    }
    let repository = ScratchRepository::new();
    repository.commit(&tiny_schema(&["kept: String"]), "A schema");
    let check = repository.check().await;
    assert!(check.passed, "a first commit failed:\n{}", check.output);
    assert!(
        check.output.contains("no previous commit"),
        "it does not say why it passes:\n{}",
        check.output
    );
}

#[tokio::test]
async fn a_shallow_clone_that_cannot_reach_the_previous_commit_fails_the_breaking_change_check() {
    if !prerequisites_present(Needs::Node).await {
        return;
    }
    let origin = ScratchRepository::new();
    origin
        .commit(&tiny_schema(&["kept: String", "removed: Int"]), "A schema")
        .commit(&tiny_schema(&["kept: String"]), "Tidy the schema");

    let deepened = origin.shallow_clone(true).check().await;
    assert!(
        !deepened.passed
            && deepened
                .output
                .contains("Field removed was removed from object type Query"),
        "a shallow clone that can fetch the previous commit did not gate the removal:\n{}",
        deepened.output
    );

    let cut_off = origin.shallow_clone(false).check().await;
    assert!(
        !cut_off.passed,
        "a shallow clone that cannot reach the previous commit passed:\n{}",
        cut_off.output
    );
    assert!(
        cut_off
            .output
            .contains("this shallow clone does not reach HEAD~1")
            && !cut_off.output.contains("no previous commit"),
        "it does not say why it fails:\n{}",
        cut_off.output
    );
}

/// A repository with a schema at the returned base, then a commit removing a field with
/// `breaking_message`, then a commit to another file with `later_message`.
fn a_breaking_commit_then_an_unrelated_one(
    breaking_message: &str,
    later_message: &str,
) -> (ScratchRepository, String) {
    let repository = ScratchRepository::new();
    repository.commit(&tiny_schema(&["kept: String", "removed: Int"]), "A schema");
    let base = repository.head();
    repository
        .commit(&tiny_schema(&["kept: String"]), breaking_message)
        .commit_other_file(later_message);
    (repository, base)
}

#[tokio::test]
async fn every_commit_since_schema_base_is_gated_not_only_the_last() {
    if !prerequisites_present(Needs::Node).await {
        return;
    }
    let (repository, base) =
        a_breaking_commit_then_an_unrelated_one("Tidy the schema", "Write some notes");
    let check = repository.check_since(&base).await;
    assert!(
        !check.passed,
        "a breaking commit followed by another passed:\n{}",
        check.output
    );
    assert!(
        check.output.contains("\"Tidy the schema\" breaks clients")
            && check
                .output
                .contains("Field removed was removed from object type Query"),
        "the failure does not name the breaking commit and its change:\n{}",
        check.output
    );

    let (repository, base) = a_breaking_commit_then_an_unrelated_one(
        "Tidy the schema",
        "Write some notes\n\nBREAKING: a later commit cannot own up for another",
    );
    let check = repository.check_since(&base).await;
    assert!(
        !check.passed,
        "a later commit's BREAKING: line excused an earlier commit:\n{}",
        check.output
    );

    let (repository, base) = a_breaking_commit_then_an_unrelated_one(
        "Tidy the schema\n\nBREAKING: `removed` never returned anything",
        "Write some notes",
    );
    let check = repository.check_since(&base).await;
    assert!(
        check.passed,
        "a breaking commit that says BREAKING: and why failed:\n{}",
        check.output
    );
}

#[tokio::test]
async fn uncommitted_schema_edits_are_not_judged_by_the_last_commit() {
    if !prerequisites_present(Needs::Node).await {
        return;
    }
    let repository = ScratchRepository::new();
    repository
        .commit(&tiny_schema(&["kept: String"]), "A schema")
        .commit(&tiny_schema(&["kept: String", "added: Int"]), "Add a field");
    repository.write_schema(&tiny_schema(&["added: Int"]));
    let check = repository.check().await;
    assert!(
        check.passed,
        "an uncommitted edit was judged against the last commit:\n{}",
        check.output
    );
    assert!(
        check.output.contains("uncommitted changes")
            && check.output.contains("are not checked")
            && check
                .output
                .contains("Field added was added to object type Query"),
        "it does not check the commit and say the edit is not checked:\n{}",
        check.output
    );
}

#[tokio::test]
async fn an_unparsable_schema_fails_the_breaking_change_check() {
    if !prerequisites_present(Needs::Node).await {
        return;
    }
    let repository = ScratchRepository::new();
    repository
        .commit(&tiny_schema(&["kept: String"]), "A schema")
        .commit(
            "type Query {\n  kept: \n",
            "Rewrite the schema\n\nBREAKING: no BREAKING: line excuses a schema that cannot load",
        );
    let check = repository.check().await;
    assert!(
        !check.passed,
        "an unparsable schema passed:\n{}",
        check.output
    );
    assert!(
        check
            .output
            .contains("\"Rewrite the schema\": graphql-inspector cannot load")
            && check.output.contains("Syntax Error"),
        "it does not say the schema cannot be loaded:\n{}",
        check.output
    );
}
