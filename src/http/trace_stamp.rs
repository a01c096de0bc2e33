//! Every error a client sees carries `extensions.traceId`, the id of the request's trace, which
//! every log line of the request holds too (the request span's `trace_id`): an operator finds
//! what happened from what a client reports, and the client learns nothing else.
//!
//! Handlers mark an answer that carries GraphQL errors with [`CarriesErrors`] (every
//! [`super::graphql::error_response`], and executed requests with errors), as do the download
//! routes' refusals (`{"error": message}`, which get a `traceId` beside it); only those answers
//! are read again here and given the id, so an answer without errors costs nothing. The answers
//! are JSON the gateway wrote itself, already whole in memory.

use axum::body::Body;
use axum::extract::Request;
use axum::http::header;
use axum::middleware::Next;
use axum::response::Response;
use serde_json::Value;

use crate::telemetry::RequestTrace;

/// Marks an answer whose JSON body has an `errors` list.
#[derive(Debug, Clone, Copy)]
pub struct CarriesErrors;

/// Adds the request's trace id to every error of an answer marked [`CarriesErrors`], and logs
/// the answer's codes under the same id.
pub async fn stamp_trace_id(request: Request, next: Next) -> Response {
    let trace = request.extensions().get::<RequestTrace>().copied();
    let response = next.run(request).await;
    let Some(trace) = trace else {
        return response;
    };
    if response.extensions().get::<CarriesErrors>().is_none() {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let bytes = match axum::body::to_bytes(body, usize::MAX).await {
        Ok(bytes) => bytes,
        Err(error) => {
            tracing::warn!(%error, "an error answer could not be read to add its trace id");
            return Response::from_parts(parts, Body::empty());
        }
    };
    let Ok(mut json) = serde_json::from_slice::<Value>(&bytes) else {
        return Response::from_parts(parts, Body::from(bytes));
    };
    let trace_id = trace.trace_id();
    let mut codes = Vec::new();
    // A download route's refusal is `{"error": message}`: the id goes beside the message.
    if let Some(object) = json.as_object_mut()
        && object.get("error").is_some_and(Value::is_string)
    {
        object.insert("traceId".to_owned(), Value::String(trace_id.clone()));
    }
    if let Some(errors) = json.get_mut("errors").and_then(Value::as_array_mut) {
        for error in errors {
            let Some(error) = error.as_object_mut() else {
                continue;
            };
            let extensions = error
                .entry("extensions")
                .or_insert_with(|| Value::Object(Default::default()));
            if let Some(extensions) = extensions.as_object_mut() {
                if let Some(code) = extensions.get("code").and_then(Value::as_str) {
                    codes.push(code.to_owned());
                }
                extensions.insert("traceId".to_owned(), Value::String(trace_id.clone()));
            }
        }
    }
    tracing::info!(
        trace_id = %trace_id,
        status = parts.status.as_u16(),
        codes = %codes.join(","),
        "answered with errors"
    );
    let body = json.to_string();
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(body))
}
