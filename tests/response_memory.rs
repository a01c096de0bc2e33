//! The response cap bounds memory, not just bytes on the wire: an answer that would be about
//! 15 MB stops being built at the cap. Its own test binary, so the allocator's peak counts this
//! one request and nothing else.

// Tests drive the sandbox and real HTTP clients directly; the boundary lint is for the gateway.
#![allow(clippy::disallowed_types, clippy::disallowed_methods)]

#[path = "api/helpers.rs"]
#[allow(dead_code)]
mod helpers;

use peak_alloc::PeakAlloc;
use serde_json::Value;

use helpers::{GLOBEX_USER, spawn_app_with};

#[global_allocator]
static ALLOCATOR: PeakAlloc = PeakAlloc;

/// 125 aliases of a page of 100 orders: about 15 MB of JSON without a cap.
fn huge_query() -> String {
    let fields: String = (0..125)
        .map(|i| {
            format!(
                "a{i}: orders(first: 100) {{ edges {{ node {{ id orderNumber customerNumber region orderDate status total {{ amount currency }} lines {{ productCode description quantity unitPrice {{ amount currency }} }} shipments {{ carrierName trackingNumber trackingUrl }} }} }} }} "
            )
        })
        .collect();
    format!("{{ {fields} }}")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_answer_past_the_cap_ends_with_an_error_and_memory_stays_bounded() {
    let cap = 1_000_000;
    let app = spawn_app_with(|s| {
        s.limits.max_response_bytes = cap;
        s.limits.max_root_fields = 1_000;
        s.limits.max_backend_calls = 10_000;
        s.limits.rate_burst = 100_000;
        s.graphql.max_complexity = 1_000_000;
        s.server.max_body_bytes = 1_000_000;
    })
    .await;
    let token = app.token(GLOBEX_USER);
    // Warm the caches and connections, so the peak below is the answer's own.
    app.graphql(
        Some(&token),
        "{ orders(first: 100) { totalCount } }",
        Value::Null,
    )
    .await
    .assert_ok();
    let before = ALLOCATOR.current_usage();
    ALLOCATOR.reset_peak_usage();
    let answer = app.graphql(Some(&token), &huge_query(), Value::Null).await;
    let peak_growth = ALLOCATOR.peak_usage().saturating_sub(before);
    println!(
        "peak heap growth during the request: {} KB",
        peak_growth / 1024
    );

    assert_eq!(
        answer.error_codes(),
        ["RESPONSE_TOO_LARGE"],
        "{:.300}",
        answer.body.to_string()
    );
    assert_eq!(
        answer.body["errors"][0]["extensions"]["maxResponseBytes"],
        cap
    );
    assert!(answer.body.get("data").is_none(), "no partial answer");
    println!(
        "peak heap growth during the request: {} KB",
        peak_growth / 1024
    );
    assert!(
        peak_growth < 48 * 1024 * 1024,
        "the request grew the heap by {} MB",
        peak_growth / 1024 / 1024
    );
}
