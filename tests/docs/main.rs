//! The documentation under `docs/` checked against the code, so that it cannot drift from it:
//!
//! - [`settings_reference`]: `docs/operators/settings.md` is generated from the settings structs'
//!   doc comments and the two shipped profiles; a setting without a doc comment, or a changed
//!   setting, comment or profile value without a regenerated page, fails.
//!   `UPDATE_DOCS=1 cargo test --test docs` rewrites the page.
//! - [`operations`]: every ```` ```graphql ```` block under `docs/` parses and validates against
//!   the schema the gateway serves (the subgraph schema, so `_entities` examples count too).
//! - [`codes`]: every `userErrors` code of the schema is explained on a tool page, and every
//!   `extensions.code` of `src/error.rs` in the partner guide.
//! - [`links`]: every relative link under `docs/` leads to a file, and to a heading of it.

mod codes;
mod links;
mod markdown;
mod operations;
mod settings_reference;

use std::path::{Path, PathBuf};

/// The repository's root: the working directory, which cargo sets to the package root. (Running
/// the test binary from a copy of the tree checks that copy, which is how a deliberately broken
/// doc comment or page can be tried without touching the real files.)
fn root() -> PathBuf {
    std::env::current_dir().expect("a working directory")
}

/// The text of `relative` (from the repository's root).
fn read(relative: impl AsRef<Path>) -> String {
    let path = root().join(relative);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// Every Markdown file under `docs/`, sorted, as paths relative to the root.
fn markdown_files() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let entries =
            std::fs::read_dir(dir).unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()));
        for entry in entries {
            let path = entry.expect("a directory entry").path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "md") {
                out.push(path);
            }
        }
    }
    let mut files = Vec::new();
    walk(&root().join("docs"), &mut files);
    files.sort();
    files
        .into_iter()
        .map(|p| {
            p.strip_prefix(root())
                .expect("under the root")
                .to_path_buf()
        })
        .collect()
}
