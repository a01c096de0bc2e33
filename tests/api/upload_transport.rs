//! File uploads on `POST /graphql` as transport (the GraphQL multipart request spec): the CSRF
//! header and the token checked before the body is read, the size limits, what is refused.
//! No field takes a file here: `{ __typename }` with files alongside shows the transport alone.

use std::time::Duration;

use bytes::Bytes;
use futures::StreamExt;
use reqwest::header::{ACCEPT, CONTENT_LENGTH, CONTENT_TYPE, WWW_AUTHENTICATE};
use serde_json::json;

use crate::helpers::{Answer, GLOBEX_USER, TestApp, spawn_app, spawn_app_with};

const BOUNDARY: &str = "supportgraph-test-boundary-7MA4YWxkTrZu0gW";
const TYPENAME: &str = r#"{"query":"{ __typename }"}"#;

/// A `multipart/form-data` body: `operations`, `map`, then each `(name, bytes)` as a file part.
fn form(operations: &str, map: &str, files: &[(&str, &[u8])]) -> Vec<u8> {
    let mut body = Vec::new();
    for (name, value) in [("operations", operations), ("map", map)] {
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    for (name, bytes) in files {
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{name}.txt\"\r\nContent-Type: text/plain\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    body
}

/// A multipart POST to `/graphql`, with no token and no preflight header yet.
fn multipart(app: &TestApp) -> reqwest::RequestBuilder {
    app.http
        .post(format!("{}/graphql", app.address))
        .header(
            CONTENT_TYPE,
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .header(ACCEPT, "application/graphql-response+json")
}

/// A body that starts like an upload and never ends: a gateway that read it would never answer.
fn endless_body() -> reqwest::Body {
    let start = Bytes::from(format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"operations\"\r\n\r\n{{\"query\":"
    ));
    let stream = futures::stream::once(async move { Ok::<_, std::io::Error>(start) })
        .chain(futures::stream::pending());
    reqwest::Body::wrap_stream(stream)
}

/// Sends the request, failing the test when no answer comes within a few seconds (a gateway
/// waiting for the rest of an [`endless_body`]).
async fn send(request: reqwest::RequestBuilder) -> reqwest::Response {
    tokio::time::timeout(Duration::from_secs(10), request.send())
        .await
        .expect("an answer without the body having ended")
        .expect("the gateway answers")
}

fn first_message(answer: &Answer) -> String {
    answer.body["errors"][0]["message"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test]
async fn a_multipart_request_without_a_preflight_header_is_400_before_its_body_is_read() {
    let app = spawn_app().await;
    let request = multipart(&app)
        .bearer_auth(app.token(GLOBEX_USER))
        .body(endless_body());
    let answer = Answer::from_response(send(request).await).await;
    assert_eq!(answer.status, 400);
    assert_eq!(answer.error_codes(), ["BAD_USER_INPUT"]);
    assert!(
        first_message(&answer).contains("graphql-require-preflight"),
        "{}",
        answer.body
    );
    assert!(answer.body.get("data").is_none(), "nothing executed");

    // An empty header is no proof either.
    let request = multipart(&app)
        .bearer_auth(app.token(GLOBEX_USER))
        .header("graphql-require-preflight", "")
        .body(form(TYPENAME, "{}", &[]));
    assert_eq!(send(request).await.status(), 400);
}

#[tokio::test]
async fn a_multipart_request_without_a_valid_token_is_401_before_its_body_is_read() {
    let app = spawn_app().await;
    for token in [None, Some("not-a-token")] {
        let mut request = multipart(&app)
            .header("graphql-require-preflight", "1")
            .body(endless_body());
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = send(request).await;
        assert_eq!(
            response
                .headers()
                .get(WWW_AUTHENTICATE)
                .map(|v| v.as_bytes()),
            Some(&b"Bearer"[..]),
            "{token:?}"
        );
        let answer = Answer::from_response(response).await;
        assert_eq!(answer.status, 401, "{token:?}");
        assert_eq!(answer.error_codes(), ["UNAUTHENTICATED"], "{token:?}");
    }
}

#[tokio::test]
async fn an_upload_with_the_preflight_header_and_a_token_runs_like_a_json_request() {
    let app = spawn_app().await;
    let token = app.token(GLOBEX_USER);
    // A file the map does not place is dropped; one it places goes into the variables.
    let operations = r#"{"query":"{ __typename }","variables":{"file":null}}"#;
    for (preflight, map, operations) in [
        ("graphql-require-preflight", "{}", TYPENAME),
        (
            "apollo-require-preflight",
            r#"{"0":["variables.file"]}"#,
            operations,
        ),
    ] {
        let request = multipart(&app)
            .bearer_auth(&token)
            .header(preflight, "1")
            .body(form(operations, map, &[("0", b"hello, support")]));
        let answer = Answer::from_response(send(request).await).await;
        assert_eq!(answer.status, 200, "{preflight}: {}", answer.body);
        assert_eq!(answer.assert_ok()["__typename"], "Query");
        assert!(
            answer
                .content_type
                .starts_with("application/graphql-response+json")
        );
    }
}

#[tokio::test]
async fn an_upload_larger_than_a_json_body_may_be_is_accepted() {
    let app = spawn_app().await;
    let file = vec![b'a'; app.settings.server.max_body_bytes * 2];
    let request = multipart(&app)
        .bearer_auth(app.token(GLOBEX_USER))
        .header("graphql-require-preflight", "1")
        .body(form(TYPENAME, "{}", &[("0", &file)]));
    let answer = Answer::from_response(send(request).await).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(answer.assert_ok()["__typename"], "Query");
}

#[tokio::test]
async fn a_malformed_upload_is_400_with_a_reason_of_our_own() {
    let app = spawn_app().await;
    let token = app.token(GLOBEX_USER);
    let batch = format!("[{TYPENAME},{TYPENAME}]");
    for (operations, map, expected) in [
        (TYPENAME, r#"{"1":["variables.file"]}"#, "does not carry"),
        (batch.as_str(), "{}", "batches are not accepted"),
        ("{ not json", "{}", "not a GraphQL request"),
        (TYPENAME, "[not a map", "not a JSON object"),
    ] {
        let request = multipart(&app)
            .bearer_auth(&token)
            .header("graphql-require-preflight", "1")
            .body(form(operations, map, &[("0", b"hello")]));
        let answer = Answer::from_response(send(request).await).await;
        assert_eq!(answer.status, 400, "{operations} {map}: {}", answer.body);
        assert_eq!(answer.error_codes(), ["BAD_USER_INPUT"]);
        let message = first_message(&answer);
        assert!(message.contains(expected), "{message}");
        assert!(answer.body.get("data").is_none());
    }
    let no_boundary = app
        .http
        .post(format!("{}/graphql", app.address))
        .header(CONTENT_TYPE, "multipart/form-data")
        .header("graphql-require-preflight", "1")
        .bearer_auth(&token)
        .body(form(TYPENAME, "{}", &[]));
    assert_eq!(send(no_boundary).await.status(), 415);
}

#[tokio::test]
async fn a_file_over_the_file_limit_is_413_naming_the_limits() {
    let app = spawn_app_with(|s| {
        s.inquiries.max_file_bytes = 1024;
        s.inquiries.max_files_per_message = 3;
    })
    .await;
    let file = vec![b'a'; 1025];
    let request = multipart(&app)
        .bearer_auth(app.token(GLOBEX_USER))
        .header("graphql-require-preflight", "1")
        .body(form(TYPENAME, "{}", &[("0", &file)]));
    let answer = Answer::from_response(send(request).await).await;
    assert_eq!(answer.status, 413, "{}", answer.body);
    assert_eq!(answer.error_codes(), ["BAD_USER_INPUT"]);
    let message = first_message(&answer);
    assert!(message.contains("1 KiB (1024 bytes)"), "{message}");
    assert!(message.contains("at most 3 files"), "{message}");

    let at_the_limit = vec![b'a'; 1024];
    let request = multipart(&app)
        .bearer_auth(app.token(GLOBEX_USER))
        .header("graphql-require-preflight", "1")
        .body(form(TYPENAME, "{}", &[("0", &at_the_limit)]));
    assert_eq!(send(request).await.status(), 200);
}

#[tokio::test]
async fn bodies_over_their_limits_are_413_also_when_chunked() {
    let app = spawn_app_with(|s| {
        s.server.max_body_bytes = 1_000;
        s.inquiries.max_file_bytes = 1024;
        s.inquiries.max_files_per_message = 1;
    })
    .await;
    let token = app.token(GLOBEX_USER);

    // JSON without a Content-Length, over `server.max_body_bytes`.
    let huge = json!({ "query": format!("{{ __typename }} # {}", "x".repeat(5_000)) }).to_string();
    let chunks: Vec<Result<Bytes, std::io::Error>> = huge
        .into_bytes()
        .chunks(500)
        .map(|chunk| Ok(Bytes::copy_from_slice(chunk)))
        .collect();
    let response = send(
        app.http
            .post(format!("{}/graphql", app.address))
            .header(CONTENT_TYPE, "application/json")
            .header(ACCEPT, "application/graphql-response+json")
            .body(reqwest::Body::wrap_stream(futures::stream::iter(chunks))),
    )
    .await;
    let answer = Answer::from_response(response).await;
    assert_eq!(answer.status, 413, "{}", answer.body);
    assert_eq!(answer.error_codes(), ["BAD_USER_INPUT"]);

    // An upload that says it is over the upload limit is refused before it is read.
    let limit = app.settings.inquiries.max_upload_request_bytes();
    let request = multipart(&app)
        .bearer_auth(&token)
        .header("graphql-require-preflight", "1")
        .header(CONTENT_LENGTH, limit + 1)
        .body(endless_body());
    let answer = Answer::from_response(send(request).await).await;
    assert_eq!(answer.status, 413, "{}", answer.body);
    assert_eq!(answer.error_codes(), ["BAD_USER_INPUT"]);
    assert!(
        first_message(&answer).contains("1 KiB (1024 bytes)"),
        "{}",
        answer.body
    );

    // A chunked upload over the request limit (every file at its largest, plus 1 MiB for the
    // rest), in files each within the file limit: cut off by the body limit as it arrives.
    let app = spawn_app_with(|s| {
        s.inquiries.max_file_bytes = 600 * 1024;
        s.inquiries.max_files_per_message = 1;
    })
    .await;
    let token = app.token(GLOBEX_USER);
    let file = vec![b'a'; 600 * 1024];
    let body = form(TYPENAME, "{}", &[("0", &file), ("1", &file), ("2", &file)]);
    assert!(body.len() as u64 > app.settings.inquiries.max_upload_request_bytes());
    let chunks: Vec<Result<Bytes, std::io::Error>> = body
        .chunks(64 * 1024)
        .map(|chunk| Ok(Bytes::copy_from_slice(chunk)))
        .collect();
    let request = multipart(&app)
        .bearer_auth(&token)
        .header("graphql-require-preflight", "1")
        .body(reqwest::Body::wrap_stream(futures::stream::iter(chunks)));
    let answer = Answer::from_response(send(request).await).await;
    assert_eq!(answer.status, 413, "{}", answer.body);
    assert_eq!(answer.error_codes(), ["BAD_USER_INPUT"]);
}

#[tokio::test]
async fn a_browser_app_on_an_allowed_origin_may_upload_after_a_preflight() {
    let app = spawn_app().await;
    let origin = "http://localhost:5173";
    let preflight = app
        .http
        .request(reqwest::Method::OPTIONS, format!("{}/graphql", app.address))
        .header("origin", origin)
        .header("access-control-request-method", "POST")
        .header(
            "access-control-request-headers",
            "authorization, apollo-require-preflight, content-type",
        )
        .send()
        .await
        .expect("answers");
    assert!(preflight.status().is_success(), "{}", preflight.status());
    assert_eq!(preflight.headers()["access-control-allow-origin"], origin);
    let allowed = preflight.headers()["access-control-allow-headers"]
        .to_str()
        .expect("ASCII")
        .to_ascii_lowercase();
    for header in ["authorization", "apollo-require-preflight", "content-type"] {
        assert!(allowed.contains(header), "{allowed}");
    }

    let response = send(
        multipart(&app)
            .header("origin", origin)
            .header("apollo-require-preflight", "true")
            .bearer_auth(app.token(GLOBEX_USER))
            .body(form(TYPENAME, "{}", &[("0", b"hello")])),
    )
    .await;
    assert_eq!(response.headers()["access-control-allow-origin"], origin);
    let answer = Answer::from_response(response).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
}
