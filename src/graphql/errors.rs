//! async-graphql's own errors in the gateway's shape: every error carries an `extensions.code`
//! (a client's mistake is `BAD_USER_INPUT`, anything else without a code is a bug reported as
//! `INTERNAL_ERROR` without its message), and a syntax error is one line that names the position
//! and never echoes the document.

use async_graphql::{Response, ServerError};

use crate::error::{ErrorCode, GatewayError};

/// Puts every error of an executed request in the gateway's shape (see the module doc).
pub fn normalise(response: &mut Response) {
    response.errors.iter_mut().for_each(ensure_code);
    response.errors.iter_mut().for_each(one_line_syntax_error);
}

/// Gives every error of `response` the request's trace id (`extensions.traceId`), as
/// `/graphql` answers carry it (subscriptions' events are not HTTP answers: they are stamped
/// here).
pub fn stamp_trace_id(response: &mut Response, trace_id: &str) {
    for error in &mut response.errors {
        error
            .extensions
            .get_or_insert_with(Default::default)
            .set("traceId", trace_id);
    }
}

/// A syntax error, in one line that names the position and never echoes the document (the
/// parser's own message draws the offending line, which may be the whole query).
pub fn syntax_error(error: async_graphql::parser::Error) -> ServerError {
    let positions: Vec<_> = error.positions().collect();
    let mut server_error = ServerError::new(error.to_string(), positions.first().copied());
    one_line_syntax_error(&mut server_error);
    if server_error.message.len() > 200 {
        // Not the parser's drawing: keep the start, never the whole document.
        let cut: String = server_error.message.chars().take(200).collect();
        server_error.message = format!("{cut}...");
    }
    server_error.extensions = GatewayError::bad_input("query", "")
        .to_server_error()
        .extensions;
    server_error
}

/// Gives every error an `extensions.code`: errors from our resolvers carry one already; errors
/// without a path come from parsing and validation (a query or variables that do not fit the
/// schema, a limit exceeded), and argument values that fail their scalar's parsing (async-graphql
/// reports those with the field's path and a `Failed to parse "Type"` message): both are
/// `BAD_USER_INPUT`. Anything else is a bug, reported as `INTERNAL_ERROR` without its message.
fn ensure_code(error: &mut ServerError) {
    if error
        .extensions
        .as_ref()
        .is_some_and(|e| e.get("code").is_some())
    {
        return;
    }
    let code = if error.path.is_empty() || is_input_error(&error.message) {
        ErrorCode::BadUserInput
    } else {
        tracing::error!(message = %error.message, path = ?error.path, "resolver error without a code");
        error.message = GatewayError::Internal.message();
        ErrorCode::InternalError
    };
    error
        .extensions
        .get_or_insert_with(Default::default)
        .set("code", code.as_str());
}

/// Whether an error async-graphql raised while resolving a field is about the client's input:
/// an argument or variable that does not coerce to its type, or a variable the request did not
/// send. (Validation does not check variables' values; the executor reports them per field.)
fn is_input_error(message: &str) -> bool {
    const CLIENT_MISTAKES: [&str; 4] = [
        "Failed to parse \"",
        "Invalid value for argument",
        "Expected input type",
        "Variable ",
    ];
    CLIENT_MISTAKES
        .iter()
        .any(|prefix| message.starts_with(prefix))
}

/// Makes a syntax error's message one line: the parser's is a multi-line drawing of the
/// document with a caret, which clients show badly; the position is in `locations` already.
fn one_line_syntax_error(error: &mut ServerError) {
    if !error.path.is_empty() || !error.message.contains('\n') {
        return;
    }
    // The parser's drawing ends with a `= expected ...` line; any other message is joined.
    let Some(expected) = error
        .message
        .lines()
        .rev()
        .find_map(|line| line.trim().strip_prefix("= "))
        .map(str::to_owned)
    else {
        error.message = error
            .message
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        return;
    };
    let at = error
        .locations
        .first()
        .map(|p| format!(" at line {}, column {}", p.line, p.column))
        .unwrap_or_default();
    error.message = format!("syntax error{at}: {expected}");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_syntax_error_fits_on_one_line() {
        let schema = async_graphql::Schema::new(
            crate::graphql::Query::default(),
            async_graphql::EmptyMutation,
            async_graphql::EmptySubscription,
        );
        let response = futures::executor::block_on(schema.execute("{ me { "));
        let mut error = response.errors.into_iter().next().expect("a syntax error");
        one_line_syntax_error(&mut error);
        assert!(!error.message.contains('\n'), "{}", error.message);
        assert!(
            error.message.starts_with("syntax error at line 1"),
            "{}",
            error.message
        );
    }
}
