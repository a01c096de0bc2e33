//! File uploads on `POST /graphql` as transport (the GraphQL multipart request spec): the CSRF
//! header, the token, the rate limit and the upload slots checked before the body is read; the
//! size and count limits; the upload deadline; what is refused. No field takes a file here:
//! `{ __typename }` with files placed in unused variables shows the transport alone.

use std::time::{Duration, Instant};

use bytes::Bytes;
use futures::StreamExt;
use reqwest::header::{ACCEPT, CONTENT_LENGTH, CONTENT_TYPE, RETRY_AFTER, WWW_AUTHENTICATE};
use serde_json::{Value, json};
use tokio::sync::oneshot;

use crate::helpers::{Answer, GLOBEX_USER, NORTHWIND_USER, TestApp, spawn_app, spawn_app_with};
use crate::live::socket::Socket;

const BOUNDARY: &str = "supportgraph-test-boundary-7MA4YWxkTrZu0gW";
const TYPENAME: &str = r#"{"query":"{ __typename }"}"#;

/// A `multipart/form-data` body of these parts in this order: `(name, filename, bytes)`, a file
/// part when it has a filename.
fn parts(parts: &[(&str, Option<&str>, &[u8])]) -> Vec<u8> {
    let mut body = Vec::new();
    for (name, filename, bytes) in parts {
        let head = match filename {
            Some(filename) => format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{filename}\"\r\nContent-Type: text/plain\r\n\r\n"
            ),
            None => {
                format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n")
            }
        };
        body.extend_from_slice(head.as_bytes());
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    body
}

/// A `multipart/form-data` body: `operations`, `map`, then each `(name, bytes)` as a file part.
fn form(operations: &str, map: &str, files: &[(&str, &[u8])]) -> Vec<u8> {
    let names: Vec<String> = files
        .iter()
        .map(|(name, _)| format!("{name}.txt"))
        .collect();
    let mut all = vec![
        ("operations", None, operations.as_bytes()),
        ("map", None, map.as_bytes()),
    ];
    for ((name, bytes), filename) in files.iter().zip(&names) {
        all.push((name, Some(filename.as_str()), bytes));
    }
    parts(&all)
}

/// `{ __typename }` with `files` as parts `0`, `1`, … placed in the variable `files`.
fn mapped_form(files: &[&[u8]]) -> Vec<u8> {
    let (operations, map) = typename_with_files(files.len(), files.len());
    let names: Vec<String> = (0..files.len()).map(|i| i.to_string()).collect();
    let files: Vec<(&str, &[u8])> = names
        .iter()
        .map(String::as_str)
        .zip(files.iter().copied())
        .collect();
    form(&operations, &map, &files)
}

/// The `operations` of `{ __typename }` with a variable `files` of `slots` nulls, and a map
/// placing `mapped` files (parts `0`, `1`, …) there.
fn typename_with_files(slots: usize, mapped: usize) -> (String, String) {
    let operations =
        json!({ "query": "{ __typename }", "variables": { "files": vec![Value::Null; slots] } });
    let map: serde_json::Map<String, Value> = (0..mapped)
        .map(|i| (i.to_string(), json!([format!("variables.files.{i}")])))
        .collect();
    (operations.to_string(), Value::Object(map).to_string())
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

/// A body sent in two halves, the second only once the sender is used (or dropped): an upload
/// that stays in flight until the test lets it end.
fn held_body(body: Vec<u8>) -> (reqwest::Body, oneshot::Sender<()>) {
    let (release, released) = oneshot::channel::<()>();
    let mut rest = Bytes::from(body);
    let head = rest.split_to(rest.len() / 2);
    let stream = futures::stream::once(async move { Ok::<_, std::io::Error>(head) }).chain(
        futures::stream::once(async move {
            let _ = released.await;
            Ok(rest)
        }),
    );
    (reqwest::Body::wrap_stream(stream), release)
}

/// A body sent in two halves, `pause` apart.
fn slow_body(body: Vec<u8>, pause: Duration) -> reqwest::Body {
    let mut rest = Bytes::from(body);
    let head = rest.split_to(rest.len() / 2);
    let stream = futures::stream::once(async move { Ok::<_, std::io::Error>(head) }).chain(
        futures::stream::once(async move {
            tokio::time::sleep(pause).await;
            Ok(rest)
        }),
    );
    reqwest::Body::wrap_stream(stream)
}

/// A multipart POST by `user` with the preflight header, ready for its body.
fn upload_by(app: &TestApp, user: &str) -> reqwest::RequestBuilder {
    multipart(app)
        .bearer_auth(app.token(user))
        .header("graphql-require-preflight", "1")
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
    assert_eq!(answer.error_codes(), ["CSRF_BLOCKED"]);
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
    // Without files, and with a file the map places in the variables.
    let without_files = form(TYPENAME, "{}", &[]);
    for (preflight, body) in [
        ("graphql-require-preflight", without_files),
        (
            "apollo-require-preflight",
            mapped_form(&[b"hello, support"]),
        ),
    ] {
        let request = multipart(&app)
            .bearer_auth(&token)
            .header(preflight, "1")
            .body(body);
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
    let request = upload_by(&app, GLOBEX_USER).body(mapped_form(&[&file]));
    let answer = Answer::from_response(send(request).await).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(answer.assert_ok()["__typename"], "Query");
}

#[tokio::test]
async fn a_malformed_upload_is_400_with_a_reason_of_our_own() {
    let app = spawn_app().await;
    let token = app.token(GLOBEX_USER);
    let batch = format!("[{TYPENAME},{TYPENAME}]");
    let (two_files, map_of_two) = typename_with_files(2, 2);
    let (one_file, map_of_one) = typename_with_files(1, 1);
    let cases: Vec<(Vec<u8>, &str)> = vec![
        (
            form(&two_files, &map_of_two, &[("0", b"hello")]),
            "does not carry: \"1\"",
        ),
        (form(&batch, "{}", &[]), "batches are not accepted"),
        (form("{ not json", "{}", &[]), "not a GraphQL request"),
        (form(TYPENAME, "[not a map", &[]), "not a JSON object"),
        // A file the map does not place: refused before it is stored.
        (
            form(TYPENAME, "{}", &[("0", b"hello")]),
            "which the \"map\" part does not name",
        ),
        (
            form(TYPENAME, r#"{"0":["variables.file"]}"#, &[("0", b"hello")]),
            "at \"variables.file\", which the request's variables do not have",
        ),
        (
            form(&one_file, &map_of_one, &[("0", b"hello"), ("0", b"again")]),
            "carries part \"0\" twice",
        ),
        (
            parts(&[
                ("operations", None, one_file.as_bytes()),
                ("map", None, map_of_one.as_bytes()),
                ("0", None, b"no filename"),
            ]),
            "is not a file",
        ),
        (
            parts(&[
                ("map", None, b"{}"),
                ("operations", None, TYPENAME.as_bytes()),
            ]),
            "starts with an \"operations\" part",
        ),
        (
            parts(&[
                ("operations", None, one_file.as_bytes()),
                ("0", Some("early.txt"), b"before the map"),
                ("map", None, map_of_one.as_bytes()),
            ]),
            "followed by the \"map\" part",
        ),
        (
            b"not multipart at all".to_vec(),
            "not well-formed multipart/form-data",
        ),
    ];
    for (body, expected) in cases {
        let request = multipart(&app)
            .bearer_auth(&token)
            .header("graphql-require-preflight", "1")
            .body(body);
        let answer = Answer::from_response(send(request).await).await;
        assert_eq!(answer.status, 400, "{expected}: {}", answer.body);
        assert_eq!(answer.error_codes(), ["BAD_USER_INPUT"]);
        let message = first_message(&answer);
        assert!(message.contains(expected), "{expected}: {message}");
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
    let request = upload_by(&app, GLOBEX_USER).body(mapped_form(&[&file]));
    let answer = Answer::from_response(send(request).await).await;
    assert_eq!(answer.status, 413, "{}", answer.body);
    assert_eq!(answer.error_codes(), ["BAD_USER_INPUT"]);
    let message = first_message(&answer);
    assert!(message.contains("1 KiB (1024 bytes)"), "{message}");
    assert!(message.contains("at most 3 files"), "{message}");

    let at_the_limit = vec![b'a'; 1024];
    let request = upload_by(&app, GLOBEX_USER).body(mapped_form(&[&at_the_limit]));
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
    // rest), in files each within the file limit and no more of them than the reader takes (one
    // more than a message carries): cut off by the body limit as it arrives.
    let app = spawn_app_with(|s| {
        s.inquiries.max_file_bytes = 1536 * 1024;
        s.inquiries.max_files_per_message = 1;
    })
    .await;
    let token = app.token(GLOBEX_USER);
    let file = vec![b'a'; 1536 * 1024];
    let body = mapped_form(&[&file, &file]);
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
            .body(mapped_form(&[b"hello"])),
    )
    .await;
    assert_eq!(response.headers()["access-control-allow-origin"], origin);
    let answer = Answer::from_response(response).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
}

#[tokio::test]
async fn many_file_parts_are_413_before_they_are_stored_and_the_gateway_serves_on() {
    let app = spawn_app().await;
    assert_eq!(app.settings.inquiries.max_files_per_message, 5);
    let token = app.token(GLOBEX_USER);

    // Fifty tiny files, each in the map: refused at the map.
    let tiny: Vec<&[u8]> = vec![b"x"; 50];
    let answer =
        Answer::from_response(send(upload_by(&app, GLOBEX_USER).body(mapped_form(&tiny))).await)
            .await;
    assert_eq!(answer.status, 413, "{}", answer.body);
    assert_eq!(answer.error_codes(), ["BAD_USER_INPUT"]);
    assert!(
        first_message(&answer).contains("at most 5 files"),
        "{}",
        answer.body
    );

    // Fifty file parts after a map of six: refused at the seventh part.
    let (operations, map) = typename_with_files(6, 6);
    let names: Vec<String> = (0..50).map(|i| i.to_string()).collect();
    let files: Vec<(&str, &[u8])> = names
        .iter()
        .map(|name| (name.as_str(), &b"x"[..]))
        .collect();
    let request = upload_by(&app, GLOBEX_USER).body(form(&operations, &map, &files));
    let answer = Answer::from_response(send(request).await).await;
    assert_eq!(answer.status, 413, "{}", answer.body);
    assert!(
        first_message(&answer).contains("at most 5 files"),
        "{}",
        answer.body
    );

    // Six: one more than a message carries is still read, for the mutation to refuse with a
    // user error of its own.
    let six: Vec<&[u8]> = vec![b"x"; 6];
    let response = send(upload_by(&app, GLOBEX_USER).body(mapped_form(&six))).await;
    assert_eq!(response.status(), 200);

    // Everyone else is served as before.
    let answer = app.graphql(Some(&token), "{ __typename }", json!({})).await;
    assert_eq!(answer.assert_ok()["__typename"], "Query");
    let response = send(upload_by(&app, NORTHWIND_USER).body(mapped_form(&[b"hello"]))).await;
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn a_map_placing_files_at_thousands_of_paths_is_refused() {
    let app = spawn_app().await;

    // One file, at three thousand places.
    let (operations, _) = typename_with_files(3000, 0);
    let paths: Vec<String> = (0..3000).map(|i| format!("variables.files.{i}")).collect();
    let map = json!({ "0": paths }).to_string();
    let request = upload_by(&app, GLOBEX_USER).body(form(&operations, &map, &[("0", b"x")]));
    let answer = Answer::from_response(send(request).await).await;
    assert_eq!(answer.status, 413, "{}", answer.body);
    assert_eq!(answer.error_codes(), ["BAD_USER_INPUT"]);
    assert!(
        first_message(&answer).contains("more than 12 paths"),
        "names the limit: {}",
        answer.body
    );

    // A thousand files named, none sent.
    let (operations, map) = typename_with_files(1000, 1000);
    let request = upload_by(&app, GLOBEX_USER).body(form(&operations, &map, &[]));
    assert_eq!(send(request).await.status(), 413);

    // A file in two places is legal.
    let (operations, _) = typename_with_files(2, 0);
    let map = json!({ "0": ["variables.files.0", "variables.files.1"] }).to_string();
    let request = upload_by(&app, GLOBEX_USER).body(form(&operations, &map, &[("0", b"x")]));
    let answer = Answer::from_response(send(request).await).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
}

#[tokio::test]
async fn operations_or_a_map_over_the_json_body_limit_is_413_naming_it() {
    let app = spawn_app_with(|s| s.server.max_body_bytes = 1000).await;
    let operations =
        json!({ "query": format!("{{ __typename }} # {}", "x".repeat(2000)) }).to_string();
    let map = json!({ "0": [format!("variables.{}", "x".repeat(2000))] }).to_string();
    for (operations, map, part) in [
        (operations.as_str(), "{}", "operations"),
        (TYPENAME, map.as_str(), "map"),
    ] {
        let request = upload_by(&app, GLOBEX_USER).body(form(operations, map, &[]));
        let answer = Answer::from_response(send(request).await).await;
        assert_eq!(answer.status, 413, "{part}: {}", answer.body);
        assert_eq!(answer.error_codes(), ["BAD_USER_INPUT"]);
        let message = first_message(&answer);
        assert!(
            message.contains(&format!("the \"{part}\" part is too large"))
                && message.contains("1000 bytes"),
            "{message}"
        );
    }
}

#[tokio::test]
async fn a_third_concurrent_upload_of_one_user_is_429_while_two_are_in_flight() {
    let app = spawn_app().await;
    assert_eq!(app.settings.inquiries.max_concurrent_uploads_per_user, 2);
    let mut in_flight = Vec::new();
    let mut releases = Vec::new();
    for _ in 0..2 {
        let (body, release) = held_body(mapped_form(&[b"held"]));
        in_flight.push(tokio::spawn(send(upload_by(&app, GLOBEX_USER).body(body))));
        releases.push(release);
    }

    // The two hold their slots once their heads arrive: ask until the third is refused.
    let started = Instant::now();
    let refused = loop {
        let response = send(upload_by(&app, GLOBEX_USER).body(mapped_form(&[b"third"]))).await;
        if response.status() == 429 {
            break response;
        }
        assert_eq!(response.status(), 200);
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "a third upload is refused while two are in flight"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert_eq!(
        refused.headers().get(RETRY_AFTER).map(|v| v.as_bytes()),
        Some(&b"1"[..])
    );
    let answer = Answer::from_response(refused).await;
    assert_eq!(answer.error_codes(), ["RATE_LIMITED"]);
    assert!(
        first_message(&answer).contains("2 uploads in flight"),
        "{}",
        answer.body
    );
    assert!(answer.body.get("data").is_none());

    // Another user is not held up.
    let response = send(upload_by(&app, NORTHWIND_USER).body(mapped_form(&[b"hers"]))).await;
    assert_eq!(response.status(), 200);

    // Let go, the two finish and give their slots back.
    for release in releases {
        let _ = release.send(());
    }
    for upload in in_flight {
        assert_eq!(upload.await.expect("the upload's task").status(), 200);
    }
    let response = send(upload_by(&app, GLOBEX_USER).body(mapped_form(&[b"again"]))).await;
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn the_rate_limit_is_checked_before_an_upload_body_is_read() {
    let app = spawn_app_with(|s| {
        s.limits.rate_burst = 1;
        s.limits.rate_per_second = 1;
    })
    .await;
    let token = app.token(GLOBEX_USER);
    // The one unit the bucket holds.
    let answer = app.graphql(Some(&token), "{ __typename }", json!({})).await;
    assert_eq!(answer.assert_ok()["__typename"], "Query");

    let request = upload_by(&app, GLOBEX_USER).body(endless_body());
    let response = send(request).await;
    assert_eq!(response.status(), 429);
    assert!(response.headers().get(RETRY_AFTER).is_some());
    let answer = Answer::from_response(response).await;
    assert_eq!(answer.error_codes(), ["RATE_LIMITED"]);
}

#[tokio::test]
async fn an_upload_has_the_upload_deadline_and_not_the_request_deadline() {
    let app = spawn_app_with(|s| {
        s.server.request_timeout_ms = 300;
        s.inquiries.upload_timeout_ms = 3_000;
    })
    .await;

    // Any other request keeps the request deadline: a JSON body that never ends is cut off.
    let start = Bytes::from_static(b"{\"query\":");
    let endless_json = futures::stream::once(async move { Ok::<_, std::io::Error>(start) })
        .chain(futures::stream::pending());
    let request = app
        .http
        .post(format!("{}/graphql", app.address))
        .header(CONTENT_TYPE, "application/json")
        .header(ACCEPT, "application/graphql-response+json")
        .body(reqwest::Body::wrap_stream(endless_json));
    let answer = Answer::from_response(send(request).await).await;
    assert_eq!(answer.status, 504, "{}", answer.body);
    assert_eq!(answer.error_codes(), ["DEADLINE_EXCEEDED"]);

    // An upload arriving for longer than that is not.
    let body = slow_body(mapped_form(&[b"slowly"]), Duration::from_millis(1_000));
    let answer = Answer::from_response(send(upload_by(&app, GLOBEX_USER).body(body)).await).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(answer.assert_ok()["__typename"], "Query");

    // It has a deadline of its own.
    let started = Instant::now();
    let answer =
        Answer::from_response(send(upload_by(&app, GLOBEX_USER).body(endless_body())).await).await;
    assert_eq!(answer.status, 504, "{}", answer.body);
    assert_eq!(answer.error_codes(), ["DEADLINE_EXCEEDED"]);
    assert!(started.elapsed() >= Duration::from_millis(2_500));
}

const SUBMIT: &str = "mutation($input: SubmitInquiryInput!) { submitInquiry(input: $input) {
  inquiry { trackingNumber } userErrors { code message } } }";

const UPDATES: &str =
    "subscription($tracking: String!) { inquiryUpdated(trackingNumber: $tracking) {
  inquiry { attachments { fileName downloadUrl } } } }";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn links_over_the_websocket_point_at_the_host_the_socket_came_to() {
    let app = spawn_app_with(|s| s.inquiries.feed_poll_ms = 50).await;
    assert!(app.settings.links.public_base_url.is_none());

    // An inquiry with an attachment.
    let operations = json!({ "query": SUBMIT, "variables": { "input": {
        "category": "INVOICES",
        "subject": "Copy of a delivery note",
        "description": "The delivery note is attached.",
        "customerNumber": "1000101",
        "attachments": [null],
    }}})
    .to_string();
    let map = json!({ "0": ["variables.input.attachments.0"] }).to_string();
    let body = form(&operations, &map, &[("0", b"a line of text\n")]);
    let answer = Answer::from_response(send(upload_by(&app, GLOBEX_USER).body(body)).await).await;
    let tracking = answer.assert_ok()["submitInquiry"]["inquiry"]["trackingNumber"]
        .as_str()
        .expect("a tracking number")
        .to_owned();

    let mut socket = Socket::signed_in(&app.address, &app.token(GLOBEX_USER)).await;
    socket
        .subscribe("1", UPDATES, json!({ "tracking": tracking }))
        .await;
    // Support answers, again until the feed has read an answer given while subscribed.
    let answer_url = app
        .sandbox
        .base_url("support")
        .join(&format!("admin/inquiries/{tracking}/answer"))
        .expect("a URL");
    let mut update = None;
    for _ in 0..10 {
        let answered = app
            .http
            .post(answer_url.clone())
            .json(&json!({ "message": "Here is the copy." }))
            .send()
            .await
            .expect("the sandbox answers");
        assert_eq!(answered.status(), 200);
        if let Ok(message) = tokio::time::timeout(Duration::from_secs(1), socket.next_json()).await
        {
            update = Some(message);
            break;
        }
    }
    let update = update.expect("an update over the socket");
    assert_eq!(update["type"], "next", "{update}");
    let attachment = &update["payload"]["data"]["inquiryUpdated"]["inquiry"]["attachments"][0];
    let url = attachment["downloadUrl"].as_str().unwrap_or_default();
    assert!(
        url.starts_with(&format!("{}/documents/inquiries/{tracking}/", app.address)),
        "an absolute link on the socket's host: {update}"
    );
}
