//! Safelisted documents for partner portals: a persisted-documents manifest, the documents a
//! deployment agreed to run, each by its id.
//!
//! Two manifest formats are read, the ones the usual tools write:
//! - Apollo's persisted query manifest (`generate-persisted-query-manifest`):
//!   `{"format": "apollo-persisted-query-manifest", "version": 1, "operations": [{"id", "name",
//!   "type", "body"}]}`;
//! - GraphQL Code Generator's client preset (`persistedDocuments: true`): `{"<id>": "<document>"}`.
//!
//! A client names a listed document by id in `extensions.persistedQuery.sha256Hash` (what Apollo
//! Client's persisted-queries link sends, and what Codegen's documents carry). With
//! `persisted_documents.require`, nothing else runs: a request by an unknown id, or with a text
//! that is not a listed document, is refused with `PERSISTED_QUERY_NOT_LISTED` before anything
//! runs (so also before any backend call). Without `require`, listed ids simply resolve first and
//! everything else takes the usual path (automatic persisted queries, or the text).
//!
//! The manifest is read whole and checked (every body must parse as GraphQL, ids unique) before
//! it replaces the one in use, so a broken file never empties the list: [`Safelist::reload`]
//! keeps the old one and says why. Lookups read the current list without a lock.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use arc_swap::ArcSwap;
use serde::Deserialize;

use crate::hashing::sha256_hex;

/// The largest manifest read, in bytes: a few thousand documents fit many times over.
const MAX_MANIFEST_BYTES: u64 = 16 * 1024 * 1024;

/// The longest id accepted (a SHA-256 in hex is 64; Codegen's may carry a prefix).
const MAX_ID_CHARS: usize = 128;

/// The documents of one manifest, by id, and the ids of their texts.
#[derive(Debug, Default)]
pub struct Manifest {
    by_id: HashMap<String, Arc<str>>,
    /// SHA-256 of each listed text: a request sending a listed document as text is listed too.
    text_hashes: HashMap<String, ()>,
}

impl Manifest {
    /// The document listed under `id`.
    pub fn document(&self, id: &str) -> Option<Arc<str>> {
        self.by_id.get(id).cloned()
    }

    /// Whether `text` is exactly one of the listed documents.
    pub fn lists_text(&self, text: &str) -> bool {
        self.text_hashes.contains_key(&sha256_hex(text))
    }

    /// How many documents are listed.
    pub fn len(&self) -> usize {
        self.by_id.len()
    }

    /// Whether no document is listed.
    pub fn is_empty(&self) -> bool {
        self.by_id.is_empty()
    }

    /// Parses and checks a manifest in either format.
    pub fn parse(bytes: &[u8]) -> Result<Self, ManifestError> {
        let json: serde_json::Value =
            serde_json::from_slice(bytes).map_err(|e| ManifestError::NotJson(e.to_string()))?;
        let entries: Vec<(String, String)> = if json.get("format").is_some() {
            let apollo: ApolloManifest =
                serde_json::from_value(json).map_err(|e| ManifestError::Shape(e.to_string()))?;
            if apollo.format != "apollo-persisted-query-manifest" || apollo.version != 1 {
                return Err(ManifestError::Shape(format!(
                    "format {:?} version {} is not apollo-persisted-query-manifest version 1",
                    apollo.format, apollo.version
                )));
            }
            apollo
                .operations
                .into_iter()
                .map(|op| (op.id, op.body))
                .collect()
        } else {
            let codegen: HashMap<String, String> = serde_json::from_value(json).map_err(|_| {
                ManifestError::Shape(
                    "expected Apollo's {\"format\", \"version\", \"operations\"} or Codegen's {\"<id>\": \"<document>\"}"
                        .to_owned(),
                )
            })?;
            codegen.into_iter().collect()
        };
        let mut manifest = Self::default();
        for (id, body) in entries {
            if id.is_empty()
                || id.chars().count() > MAX_ID_CHARS
                || !id
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | ':' | '.'))
            {
                return Err(ManifestError::BadId(id.chars().take(40).collect()));
            }
            if let Err(error) = async_graphql::parser::parse_query(&body) {
                return Err(ManifestError::BadDocument {
                    id,
                    reason: error.to_string(),
                });
            }
            manifest.text_hashes.insert(sha256_hex(&body), ());
            if manifest.by_id.insert(id.clone(), Arc::from(body)).is_some() {
                return Err(ManifestError::DuplicateId(id));
            }
        }
        Ok(manifest)
    }
}

#[derive(Deserialize)]
struct ApolloManifest {
    format: String,
    version: u32,
    operations: Vec<ApolloOperation>,
}

#[derive(Deserialize)]
struct ApolloOperation {
    id: String,
    body: String,
}

/// Why a manifest was not taken.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ManifestError {
    /// The file could not be read.
    #[error("cannot read the manifest: {0}")]
    Unreadable(String),
    /// Larger than [`MAX_MANIFEST_BYTES`].
    #[error("the manifest is larger than {MAX_MANIFEST_BYTES} bytes")]
    TooLarge,
    /// Not JSON.
    #[error("the manifest is not JSON: {0}")]
    NotJson(String),
    /// JSON, but neither format.
    #[error("the manifest is in neither known format: {0}")]
    Shape(String),
    /// An id that is empty, too long, or has characters ids do not have.
    #[error("the manifest has an unusable id {0:?}: ids are 1 to 128 letters, digits, _ - : .")]
    BadId(String),
    /// The same id twice.
    #[error("the manifest lists id {0:?} twice")]
    DuplicateId(String),
    /// A document that does not parse.
    #[error("the manifest's document {id:?} is not GraphQL: {reason}")]
    BadDocument {
        /// The document's id.
        id: String,
        /// The parser's message.
        reason: String,
    },
}

/// The manifest in use, reloadable; empty when none is configured.
pub struct Safelist {
    path: Option<PathBuf>,
    require: bool,
    current: ArcSwap<Manifest>,
}

impl Safelist {
    /// Reads the manifest at `path`, when one is configured; `require` is
    /// `persisted_documents.require`.
    pub fn load(path: Option<&Path>, require: bool) -> Result<Self, ManifestError> {
        let manifest = match path {
            Some(path) => read(path)?,
            None => Manifest::default(),
        };
        Ok(Self {
            path: path.map(Path::to_path_buf),
            require,
            current: ArcSwap::from_pointee(manifest),
        })
    }

    /// Reads the manifest file again and swaps it in; on any error the one in use stays.
    /// Returns how many documents are listed now.
    pub fn reload(&self) -> Result<usize, ManifestError> {
        let Some(path) = &self.path else {
            return Ok(0);
        };
        let manifest = read(path)?;
        let count = manifest.len();
        self.current.store(Arc::new(manifest));
        Ok(count)
    }

    /// Puts `manifest` in use (a reload that has read and checked the file itself).
    pub fn install(&self, manifest: Manifest) {
        self.current.store(Arc::new(manifest));
    }

    /// The manifest file, when one is configured.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// Whether only listed documents may run.
    pub fn required(&self) -> bool {
        self.require
    }

    /// The manifest in use now.
    pub fn current(&self) -> Arc<Manifest> {
        self.current.load_full()
    }
}

fn read(path: &Path) -> Result<Manifest, ManifestError> {
    let unreadable =
        |e: std::io::Error| ManifestError::Unreadable(format!("{}: {e}", path.display()));
    let size = std::fs::metadata(path).map_err(unreadable)?.len();
    if size > MAX_MANIFEST_BYTES {
        return Err(ManifestError::TooLarge);
    }
    let bytes = std::fs::read(path).map_err(unreadable)?;
    Manifest::parse(&bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ME: &str = "query Me { me { userId } }";

    #[test]
    fn both_formats_list_their_documents_by_id() {
        let apollo = serde_json::json!({
            "format": "apollo-persisted-query-manifest", "version": 1,
            "operations": [{ "id": sha256_hex(ME), "name": "Me", "type": "query", "body": ME }]
        });
        let codegen = serde_json::json!({ "sha256:abc": ME });
        for (json, id) in [(apollo, sha256_hex(ME)), (codegen, "sha256:abc".to_owned())] {
            let manifest = Manifest::parse(json.to_string().as_bytes()).expect("parses");
            assert_eq!(manifest.document(&id).as_deref(), Some(ME));
            assert!(manifest.lists_text(ME));
            assert!(!manifest.lists_text("{ me { userId } }"));
            assert!(manifest.document("unknown").is_none());
        }
    }

    #[test]
    fn broken_manifests_are_refused_with_the_reason() {
        let cases = [
            ("not json", "not JSON"),
            (
                r#"{"format":"other","version":1,"operations":[]}"#,
                "neither",
            ),
            (r#"{"a": "query {"}"#, "not GraphQL"),
            (r#"{"a b": "{ me { userId } }"}"#, "unusable id"),
            (r#"[1, 2]"#, "neither"),
        ];
        for (text, expected) in cases {
            let error = Manifest::parse(text.as_bytes()).expect_err(text);
            assert!(error.to_string().contains(expected), "{text}: {error}");
        }
        let twice = serde_json::json!({
            "format": "apollo-persisted-query-manifest", "version": 1,
            "operations": [{ "id": "a", "body": ME }, { "id": "a", "body": ME }]
        });
        assert_eq!(
            Manifest::parse(twice.to_string().as_bytes()).expect_err("twice"),
            ManifestError::DuplicateId("a".to_owned())
        );
    }

    #[test]
    fn a_broken_file_keeps_the_list_in_use() {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let path = dir.path().join("manifest.json");
        std::fs::write(&path, serde_json::json!({ "a": ME }).to_string()).expect("written");
        let safelist = Safelist::load(Some(&path), true).expect("loads");
        assert!(safelist.current().document("a").is_some());

        std::fs::write(&path, "{ broken").expect("written");
        assert!(safelist.reload().is_err());
        assert!(
            safelist.current().document("a").is_some(),
            "the old list stays"
        );

        std::fs::write(&path, serde_json::json!({ "b": ME }).to_string()).expect("written");
        assert_eq!(safelist.reload(), Ok(1));
        assert!(safelist.current().document("a").is_none());
        assert!(safelist.current().document("b").is_some());
    }
}
