//! Documents already admitted, by their text: most clients send the same few documents again and
//! again, so the common request skips parsing, the limits' walk and — for documents without
//! variables — async-graphql's validation.
//!
//! - An entry holds the parsed document, its cost under the limits it was admitted with, and,
//!   once a request has passed validation with it, the validation's result. A request whose text
//!   matches an entry gets a copy of the parsed document (cheaper than parsing it again) and the
//!   entry's cost; when the limits changed since (a reload), the document is checked again.
//! - Validation is skipped only for documents that declare no variables: their validation
//!   depends on nothing but the text and the schema (which never changes while the gateway runs).
//!   A document with variables is validated on every request, since its variables' values are
//!   checked there.
//! - Only documents that parsed and passed the limits are kept, up to [`MAX_DOCUMENT_BYTES`] of
//!   text each. What they hold is bounded by an estimate of their parsed size (the text's length
//!   times [`PARSED_BYTES_PER_TEXT_BYTE`], an upper bound: a field written in two characters
//!   parses into a node of about 200 bytes) to [`MAX_PARSED_BYTES`] in all. Entries are admitted
//!   and evicted by moka's TinyLFU policy, so documents sent once — say, an attacker's stream of
//!   distinct texts — do not push out the ones clients send again and again.

use std::sync::{Arc, OnceLock};

use async_graphql::ServerError;
use async_graphql::ValidationResult;
use async_graphql::extensions::{ExtensionContext, NextValidation};
use async_graphql::parser::types::{DocumentOperations, ExecutableDocument};
use moka::sync::Cache;

use super::document::{DocumentCost, DocumentLimits};

/// The longest document text kept.
pub const MAX_DOCUMENT_BYTES: usize = 8 * 1024;
/// What one byte of text is counted as once parsed, at most.
pub const PARSED_BYTES_PER_TEXT_BYTE: usize = 100;
/// The most parsed documents kept in all, by that estimate.
pub const MAX_PARSED_BYTES: u64 = 32 * 1024 * 1024;

/// One admitted document.
pub struct Admitted {
    /// The parsed document, copied into each request that sends its text.
    pub(super) document: ExecutableDocument,
    /// Its cost, under `limits`.
    pub(super) cost: DocumentCost,
    /// The limits it was admitted under.
    pub(super) limits: DocumentLimits,
    /// Whether its validation depends on the text alone (it declares no variables).
    validation_cacheable: bool,
    /// The result of its validation, once a request passed it.
    validated: OnceLock<ValidationResult>,
}

impl Admitted {
    pub(super) fn new(
        document: ExecutableDocument,
        cost: DocumentCost,
        limits: DocumentLimits,
    ) -> Self {
        let declares_variables = match &document.operations {
            DocumentOperations::Single(op) => !op.node.variable_definitions.is_empty(),
            DocumentOperations::Multiple(ops) => ops
                .values()
                .any(|op| !op.node.variable_definitions.is_empty()),
        };
        Self {
            document,
            cost,
            limits,
            validation_cacheable: !declares_variables,
            validated: OnceLock::new(),
        }
    }
}

/// The admitted documents of one gateway, by text.
pub struct AdmittedDocuments {
    // Keyed by the client's own text, before sign-in: SipHash, not MapHasher (crate::hashing).
    entries: Cache<Arc<str>, Arc<Admitted>>,
}

impl Default for AdmittedDocuments {
    fn default() -> Self {
        Self {
            entries: Cache::builder()
                .max_capacity(MAX_PARSED_BYTES)
                .weigher(|text: &Arc<str>, _| {
                    let parsed = text.len().saturating_mul(PARSED_BYTES_PER_TEXT_BYTE);
                    u32::try_from(parsed).unwrap_or(u32::MAX)
                })
                .build(),
        }
    }
}

impl AdmittedDocuments {
    /// The entry of `text`, if admitted before.
    pub(super) fn get(&self, text: &str) -> Option<Arc<Admitted>> {
        self.entries.get(text)
    }

    /// Keeps `admitted` for `text`, unless the text is too long to keep.
    pub(super) fn insert(&self, text: &str, admitted: Arc<Admitted>) {
        if text.len() <= MAX_DOCUMENT_BYTES {
            self.entries.insert(Arc::from(text), admitted);
        }
    }

    /// How many documents are kept (after pending maintenance), for tests.
    pub fn len(&self) -> u64 {
        self.entries.run_pending_tasks();
        self.entries.entry_count()
    }

    /// Whether none is kept.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Validation as the schema's extension ([`super::extension`]) runs it: answered from the
/// request's [`Admitted`] entry (put in the request's data by [`super::admit`]) when its result
/// is known and depends on the text alone, else run — and recorded the first time such a
/// document passes.
pub(super) async fn validate(
    ctx: &ExtensionContext<'_>,
    next: NextValidation<'_>,
) -> Result<ValidationResult, Vec<ServerError>> {
    let Some(admitted) = ctx
        .data_opt::<Arc<Admitted>>()
        .filter(|a| a.validation_cacheable)
    else {
        return next.run(ctx).await;
    };
    if let Some(result) = admitted.validated.get() {
        return Ok(*result);
    }
    let result = next.run(ctx).await?;
    let _ = admitted.validated.set(result);
    Ok(result)
}
