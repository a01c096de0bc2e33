//! Every relative link in the docs leads somewhere: the file exists (in the repository), and a
//! `#fragment` into a Markdown page names one of its headings, by GitHub's anchor rule. Links
//! to other sites are not followed.

use std::path::{Component, Path, PathBuf};

use crate::markdown::code_blocks;

/// GitHub's anchor of a heading's text: lower case, punctuation but `-` and `_` dropped, spaces
/// to hyphens.
pub fn anchor(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | ' '))
        .map(|c| if c == ' ' { '-' } else { c })
        .collect()
}

/// The anchors of every heading of a Markdown text (outside code blocks).
fn anchors(text: &str) -> Vec<String> {
    let mut in_code = false;
    let mut found = Vec::new();
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            in_code = !in_code;
            continue;
        }
        let level = line.chars().take_while(|c| *c == '#').count();
        if !in_code && level > 0 && line[level..].starts_with(' ') {
            found.push(anchor(&line[level..]));
        }
    }
    found
}

/// The targets of the inline links `[text](target)` of a Markdown text, outside code blocks
/// and inline code.
fn link_targets(text: &str) -> Vec<String> {
    let mut prose = text.to_owned();
    for block in code_blocks(text) {
        prose = prose.replacen(block.text.as_str(), "", 1);
    }
    // Inline code is every other piece between backticks, line by line.
    let prose: String = prose
        .lines()
        .map(|line| line.split('`').step_by(2).collect::<String>() + "\n")
        .collect();
    let mut targets = Vec::new();
    let mut rest = prose.as_str();
    while let Some(start) = rest.find("](") {
        let after = &rest[start + 2..];
        let Some(end) = after.find(')') else {
            break;
        };
        targets.push(after[..end].to_owned());
        rest = &after[end..];
    }
    targets
}

/// `path` with `.` and `..` resolved, without touching the file system.
fn normalise(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// What is wrong with the links of the page `page` (a path relative to the root).
fn broken_links(page: &Path) -> Vec<String> {
    let text = crate::read(page);
    let dir = page.parent().unwrap_or(Path::new(""));
    let mut broken = Vec::new();
    for target in link_targets(&text) {
        if target.contains("://") || target.starts_with("mailto:") {
            continue;
        }
        let (file, fragment) = match target.split_once('#') {
            Some((file, fragment)) => (file, Some(fragment)),
            None => (target.as_str(), None),
        };
        let path = if file.is_empty() {
            page.to_path_buf()
        } else {
            normalise(&dir.join(file))
        };
        if !crate::root().join(&path).exists() {
            broken.push(format!(
                "{}: {target} (no {})",
                page.display(),
                path.display()
            ));
            continue;
        }
        if let Some(fragment) = fragment
            && path.extension().is_some_and(|e| e == "md")
            && !anchors(&crate::read(&path)).iter().any(|a| a == fragment)
        {
            broken.push(format!("{}: {target} (no such heading)", page.display()));
        }
    }
    broken
}

#[test]
fn every_relative_link_in_the_docs_leads_somewhere() {
    let broken: Vec<String> = crate::markdown_files()
        .iter()
        .flat_map(|page| broken_links(page))
        .collect();
    assert!(
        broken.is_empty(),
        "broken links in docs/:\n{}",
        broken.join("\n")
    );
}

#[test]
fn anchors_follow_github() {
    assert_eq!(
        anchor(" Errors: `extensions.code`"),
        "errors-extensionscode"
    );
    assert_eq!(
        anchor(" `[sandbox.faults.<instance>]`"),
        "sandboxfaultsinstance"
    );
    assert_eq!(link_targets("see [a](b.md#c) and `[x](y)`"), ["b.md#c"]);
}
