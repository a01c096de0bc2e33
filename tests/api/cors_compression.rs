//! What browsers and bandwidth need: CORS for apps on other origins, compressed answers.

use std::io::Read;

use serde_json::{Value, json};

use crate::helpers::{GLOBEX_USER, spawn_app, spawn_app_with};

async fn preflight(app: &crate::helpers::TestApp, origin: &str) -> reqwest::Response {
    app.http
        .request(reqwest::Method::OPTIONS, format!("{}/graphql", app.address))
        .header("origin", origin)
        .header("access-control-request-method", "POST")
        .header(
            "access-control-request-headers",
            "authorization, content-type, idempotency-key",
        )
        .send()
        .await
        .expect("answers")
}

#[tokio::test]
async fn a_preflight_from_an_allowed_origin_succeeds_and_another_is_refused() {
    let app = spawn_app().await;
    let allowed = preflight(&app, "http://localhost:5173").await;
    assert!(allowed.status().is_success(), "{}", allowed.status());
    let headers = allowed.headers();
    assert_eq!(
        headers["access-control-allow-origin"],
        "http://localhost:5173"
    );
    let allowed_headers = headers["access-control-allow-headers"]
        .to_str()
        .expect("ASCII")
        .to_ascii_lowercase();
    for header in ["authorization", "content-type", "idempotency-key"] {
        assert!(allowed_headers.contains(header), "{allowed_headers}");
    }
    assert!(
        headers["access-control-allow-methods"]
            .to_str()
            .expect("ASCII")
            .contains("POST")
    );
    assert_eq!(headers["access-control-max-age"], "600");

    for refused in ["https://evil.example", "http://localhost.evil.example:5173"] {
        let response = preflight(&app, refused).await;
        assert!(
            response
                .headers()
                .get("access-control-allow-origin")
                .is_none(),
            "{refused}"
        );
    }

    // The actual request from the allowed origin carries the header too.
    let response = app
        .http
        .post(format!("{}/graphql", app.address))
        .header("origin", "http://127.0.0.1:3000")
        .bearer_auth(app.token(GLOBEX_USER))
        .json(&json!({ "query": "{ me { userId } }" }))
        .send()
        .await
        .expect("answers");
    assert_eq!(
        response.headers()["access-control-allow-origin"],
        "http://127.0.0.1:3000"
    );
}

#[tokio::test]
async fn production_style_empty_origin_list_allows_no_browser_app() {
    let app = spawn_app_with(|s| s.cors.allowed_origins.clear()).await;
    let response = preflight(&app, "http://localhost:5173").await;
    assert!(
        response
            .headers()
            .get("access-control-allow-origin")
            .is_none()
    );
}

async fn orders_with_encoding(app: &crate::helpers::TestApp, encoding: &str) -> reqwest::Response {
    app.http
        .post(format!("{}/graphql", app.address))
        .header("accept-encoding", encoding)
        .bearer_auth(app.token(GLOBEX_USER))
        .json(&json!({ "query": "{ orders(first: 100) { edges { node { id orderNumber status orderDate total { amount currency } } } } }" }))
        .send()
        .await
        .expect("answers")
}

#[tokio::test]
async fn large_answers_are_compressed_for_clients_that_accept_it() {
    let app = spawn_app().await;
    let plain = orders_with_encoding(&app, "identity").await;
    assert!(plain.headers().get("content-encoding").is_none());
    let plain = plain.bytes().await.expect("a body");
    let plain: Value = serde_json::from_slice(&plain).expect("JSON");
    assert_eq!(
        plain["data"]["orders"]["edges"].as_array().map(Vec::len),
        Some(100)
    );

    let gzip = orders_with_encoding(&app, "gzip").await;
    assert_eq!(gzip.headers()["content-encoding"], "gzip");
    let compressed = gzip.bytes().await.expect("a body");
    let mut text = String::new();
    flate2::read::GzDecoder::new(&compressed[..])
        .read_to_string(&mut text)
        .expect("valid gzip");
    let unzipped: Value = serde_json::from_str(&text).expect("JSON");
    assert_eq!(unzipped, plain, "the same answer");
    assert!(
        compressed.len() * 3 < text.len(),
        "{} compressed vs {} plain",
        compressed.len(),
        text.len()
    );

    let br = orders_with_encoding(&app, "br").await;
    assert_eq!(br.headers()["content-encoding"], "br");

    // Small answers are not worth it.
    let small = app
        .http
        .post(format!("{}/graphql", app.address))
        .header("accept-encoding", "gzip")
        .json(&json!({ "query": "{ __typename }" }))
        .send()
        .await
        .expect("answers");
    assert!(small.headers().get("content-encoding").is_none());
}
