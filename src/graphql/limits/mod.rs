//! What one request may cost, checked in three places: before it runs, the document against the
//! [`document`] limits and the backend calls its operation would cause ([`budget`]); while it
//! runs, the answer's size ([`response_cap`]) — and the backend calls actually made
//! (`federation::call_budget`).
//!
//! [`admit`] is the first check, as the HTTP layer calls it for every request; documents it
//! admitted before are taken from [`admitted`] rather than parsed and checked again.

pub mod admitted;
pub mod budget;
pub mod document;
pub mod entities;
pub mod extension;
pub mod response_cap;
mod walk;

use async_graphql::parser::types::{DocumentOperations, ExecutableDocument};
use std::sync::Arc;

use async_graphql::{Request, ServerError};

pub use admitted::AdmittedDocuments;
pub use budget::Estimate;
pub use document::{DocumentLimits, LimitExceeded};

use super::errors::syntax_error;
use crate::error::GatewayError;

/// Parses the request's document and checks it against the limits before anything runs; the
/// parsed document is handed on to the executor. The estimate of the operation the request runs
/// comes back, for the rate limit and the request's loaders ([`super::request_data`]).
///
/// A text admitted before under the same limits is neither parsed nor walked again: the request
/// gets a copy of its parsed document, and carries the entry in its data so that validation can
/// be skipped too ([`ValidationCache`]).
pub fn admit(
    limits: &DocumentLimits,
    documents: &AdmittedDocuments,
    request: &mut Request,
) -> Result<Estimate, ServerError> {
    let admitted = match documents.get(&request.query) {
        Some(admitted) if admitted.limits == *limits => admitted,
        _ => {
            let document =
                async_graphql::parser::parse_query(&request.query).map_err(syntax_error)?;
            let cost = match limits.check(&document) {
                Ok(cost) => cost,
                Err(exceeded) => {
                    crate::telemetry::metrics::record_operation(operation_name(request, &document));
                    return Err(refusal(exceeded));
                }
            };
            let admitted = Arc::new(admitted::Admitted::new(document, cost, *limits));
            documents.insert(&request.query, admitted.clone());
            admitted
        }
    };
    // A name labels the request metrics only when the document has it (see `operation_name`).
    crate::telemetry::metrics::record_operation(operation_name(request, &admitted.document));
    let estimate = entities::with_representations(
        admitted
            .cost
            .of_operation(request.operation_name.as_deref()),
        &admitted.document,
        request,
    );
    if estimate.backend_calls > limits.max_backend_calls {
        return Err(refusal(LimitExceeded::BackendCalls {
            estimate: estimate.backend_calls,
            max: limits.max_backend_calls,
        }));
    }
    request.set_parsed_query(admitted.document.clone());
    request.data.insert(admitted);
    Ok(estimate)
}

/// The error of a document over a limit, counted in the metrics.
fn refusal(exceeded: LimitExceeded) -> ServerError {
    crate::telemetry::metrics::budget_refused(exceeded.label());
    let error = match exceeded {
        LimitExceeded::BackendCalls { estimate, max } => GatewayError::OverBudget { estimate, max },
        other => GatewayError::bad_input("query", other.to_string()),
    };
    error.to_server_error()
}

/// The name of the operation `request` runs: the one it names when the document has it, else
/// the document's only operation's (for the request metrics; bounded there).
fn operation_name<'a>(request: &'a Request, document: &'a ExecutableDocument) -> Option<&'a str> {
    let DocumentOperations::Multiple(operations) = &document.operations else {
        return None;
    };
    match request.operation_name.as_deref() {
        // A name the document does not have runs nothing: it labels nothing either.
        Some(name) => operations
            .keys()
            .find(|known| known.as_str() == name)
            .map(|known| known.as_str()),
        None if operations.len() == 1 => operations.keys().next().map(|name| name.as_str()),
        None => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The document module's test limits, one level deeper for the orders listing below.
    const LIMITS: DocumentLimits = DocumentLimits {
        max_depth: 4,
        ..document::tests::LIMITS
    };

    const ORDERS: &str = "query Listing { orders(first: 5) { edges { node { id } } } }";

    #[test]
    fn a_document_sent_again_is_taken_from_the_admitted_ones() {
        let documents = AdmittedDocuments::default();
        let mut first = Request::new(ORDERS);
        let estimate = admit(&LIMITS, &documents, &mut first).expect("admitted");
        assert_eq!(documents.len(), 1);
        let mut again = Request::new(ORDERS);
        assert_eq!(
            admit(&LIMITS, &documents, &mut again).expect("admitted again"),
            estimate
        );
        assert_eq!(documents.len(), 1, "one entry per text");
        // Each request gets its own copy of the parsed document.
        let parsed = again.parsed_query().expect("parsed").clone();
        assert!(
            matches!(parsed.operations, DocumentOperations::Multiple(ref ops) if ops.contains_key("Listing"))
        );
        assert!(
            again
                .data
                .get(&std::any::TypeId::of::<Arc<admitted::Admitted>>())
                .is_some()
        );
    }

    #[test]
    fn a_document_admitted_under_other_limits_is_checked_again() {
        let documents = AdmittedDocuments::default();
        admit(&LIMITS, &documents, &mut Request::new(ORDERS)).expect("admitted");
        let tighter = DocumentLimits {
            max_depth: 3,
            ..LIMITS
        };
        let refused = admit(&tighter, &documents, &mut Request::new(ORDERS));
        assert!(
            refused.is_err(),
            "a reload's tighter limits apply to known documents"
        );
        admit(&LIMITS, &documents, &mut Request::new(ORDERS)).expect("admitted again");
    }

    #[test]
    fn refused_and_oversized_documents_are_not_kept() {
        let documents = AdmittedDocuments::default();
        assert!(admit(&LIMITS, &documents, &mut Request::new("{ orders { ")).is_err());
        let deep = "{ orders { edges { node { shipments { trackingUrl } } } } }";
        assert!(admit(&LIMITS, &documents, &mut Request::new(deep)).is_err());
        let padding = " ".repeat(admitted::MAX_DOCUMENT_BYTES);
        let long = format!("{{ me {{ userId }} }}{padding}");
        admit(&LIMITS, &documents, &mut Request::new(long)).expect("admitted");
        assert!(documents.is_empty());
    }
}
