//! What one request may cost, checked in three places: before it runs, the document against the
//! [`document`] limits and the backend calls its operation would cause ([`budget`]); while it
//! runs, the answer's size ([`response_cap`]) — and the backend calls actually made
//! (`federation::call_budget`).
//!
//! [`admit`] is the first check, as the HTTP layer calls it for every request.

pub mod budget;
pub mod document;
pub mod response_cap;
mod walk;

use async_graphql::parser::types::{DocumentOperations, ExecutableDocument};
use async_graphql::{Request, ServerError};

pub use budget::Estimate;
pub use document::{DocumentLimits, LimitExceeded};

use super::errors::syntax_error;
use crate::error::GatewayError;

/// Parses the request's document and checks it against the limits before anything runs; the
/// parsed document is handed on to the executor. The estimate of the operation the request runs
/// comes back, for the rate limit and the request's loaders ([`super::request_data`]).
pub fn admit(limits: &DocumentLimits, request: &mut Request) -> Result<Estimate, ServerError> {
    let document = async_graphql::parser::parse_query(&request.query).map_err(syntax_error)?;
    // A name labels the request metrics only when the document has it (see `operation_name`).
    crate::telemetry::metrics::record_operation(operation_name(request, &document));
    let cost = limits.check(&document).map_err(|exceeded| {
        crate::telemetry::metrics::budget_refused(exceeded.label());
        let error = match exceeded {
            LimitExceeded::BackendCalls { estimate, max } => {
                GatewayError::OverBudget { estimate, max }
            }
            other => GatewayError::bad_input("query", other.to_string()),
        };
        error.to_server_error()
    })?;
    let estimate = cost.of_operation(request.operation_name.as_deref());
    request.set_parsed_query(document);
    Ok(estimate)
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
