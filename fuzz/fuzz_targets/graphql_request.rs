//! The request handler: arbitrary methods, targets, headers and bodies sent through the gateway's
//! real router (every route and middleware: CORS, compression, the deadline, the body limit, the
//! panic guard, content negotiation, persisted queries, multipart uploads, token verification,
//! the document limits, the rate limits, execution against the embedded sandbox).
//!
//! Input: an HTTP request as text (see `supportgraph_fuzz::gateway`), e.g.
//!
//! ```text
//! POST /graphql
//! accept: application/graphql-response+json
//! content-type: application/json
//! authorization: demo 0
//!
//! {"query":"{ me { displayName } }"}
//! ```
//!
//! Checked: no panic anywhere (libFuzzer aborts on any panic, even one the panic guard or a task
//! would have caught); never a 500 (the sandbox has no faults configured, so no backend fails);
//! an answer with a JSON media type, uncompressed, is JSON.
//!
//! With `FUZZ_VERBOSE=1` in the environment every answer is printed (status, headers, body): run
//! one input that way to see what the gateway made of it.

#![no_main]

use std::sync::LazyLock;

use axum::http::{Method, StatusCode, header};
use libfuzzer_sys::fuzz_target;
use supportgraph_fuzz::gateway::Gateway;

static VERBOSE: LazyLock<bool> = LazyLock::new(|| std::env::var_os("FUZZ_VERBOSE").is_some());

fuzz_target!(|data: &[u8]| {
    let gateway = Gateway::get();
    let request = gateway.request(data);
    let head = request.method() == Method::HEAD;
    let answer = gateway.send(request);
    if *VERBOSE {
        eprintln!(
            "{} {:?}\n{}\n",
            answer.status,
            answer.headers,
            String::from_utf8_lossy(&answer.body)
        );
    }
    assert_ne!(
        answer.status,
        StatusCode::INTERNAL_SERVER_ERROR,
        "a 500 with no backend failing: {}",
        String::from_utf8_lossy(&answer.body)
    );
    let json = answer
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json") || v.contains("+json"));
    let encoded = answer.headers.contains_key(header::CONTENT_ENCODING);
    if json && !encoded && !head {
        if let Err(error) = serde_json::from_slice::<serde_json::Value>(&answer.body) {
            panic!(
                "a {} answer typed JSON is not JSON ({error}): {}",
                answer.status,
                String::from_utf8_lossy(&answer.body)
            );
        }
    }
});
