//! Attachments of inquiries, as a client sends them: the GraphQL multipart request spec with a
//! preflight header and a token. Every file is judged by its bytes before anything is stored; a
//! refused file refuses the whole submission, and the support system never hears of it.

use reqwest::header::{ACCEPT, CONTENT_TYPE};
use serde_json::{Value, json};

use supportgraph_adapters::sandbox::FaultSpec;

use crate::helpers::{Answer, GLOBEX_USER, TestApp, spawn_app, spawn_app_with};

const BOUNDARY: &str = "inquiry-upload-test-boundary-Qx81";
const SUBMIT: &str = "mutation($input: SubmitInquiryInput!) { submitInquiry(input: $input) {
  inquiry { trackingNumber attachments { id fileName contentType size sha256 downloadUrl } }
  userErrors { field code message } } }";

/// A small but real PDF.
const PDF: &[u8] = b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";
/// The start of a Windows program.
const PROGRAM: &[u8] = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00This program cannot be run in DOS mode.";

/// One file part: the name the client sends, its declared type, its bytes.
struct Part<'a> {
    name: &'a str,
    content_type: &'a str,
    bytes: &'a [u8],
}

fn multipart_body(query: &str, variables: Value, files_at: &str, parts: &[Part<'_>]) -> Vec<u8> {
    let operations = json!({ "query": query, "variables": variables }).to_string();
    let map: serde_json::Map<String, Value> = (0..parts.len())
        .map(|i| (i.to_string(), json!([format!("{files_at}.{i}")])))
        .collect();
    let mut body = Vec::new();
    for (name, value) in [
        ("operations", operations),
        ("map", Value::Object(map).to_string()),
    ] {
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    for (i, part) in parts.iter().enumerate() {
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{i}\"; filename=\"{}\"\r\nContent-Type: {}\r\n\r\n",
                part.name, part.content_type
            )
            .as_bytes(),
        );
        body.extend_from_slice(part.bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    body
}

async fn upload(app: &TestApp, preflight: bool, body: Vec<u8>) -> Answer {
    upload_with_key(app, preflight, None, body).await
}

async fn upload_with_key(
    app: &TestApp,
    preflight: bool,
    key: Option<&str>,
    body: Vec<u8>,
) -> Answer {
    let mut request = app
        .http
        .post(format!("{}/graphql", app.address))
        .bearer_auth(app.token(GLOBEX_USER))
        .header(
            CONTENT_TYPE,
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .header(ACCEPT, "application/graphql-response+json")
        .body(body);
    if preflight {
        request = request.header("apollo-require-preflight", "true");
    }
    if let Some(key) = key {
        request = request.header("Idempotency-Key", key);
    }
    Answer::from_response(request.send().await.expect("the gateway answers")).await
}

fn submission(parts: usize) -> Value {
    json!({ "input": {
        "category": "INVOICES",
        "subject": "Copy of a delivery note",
        "description": "The signed delivery note is attached.",
        "customerNumber": "1000101",
        "attachments": vec![Value::Null; parts],
    }})
}

async fn submit_files(app: &TestApp, parts: &[Part<'_>]) -> Answer {
    let body = multipart_body(
        SUBMIT,
        submission(parts.len()),
        "variables.input.attachments",
        parts,
    );
    upload(app, true, body).await
}

fn support_calls(app: &TestApp) -> u64 {
    app.sandbox
        .stats()
        .instances
        .get("support")
        .map_or(0, |s| s.calls)
}

async fn inquiry_count(app: &TestApp) -> u64 {
    let answer = app
        .graphql_as(GLOBEX_USER, "{ inquiries { totalCount } }", json!({}))
        .await;
    answer.assert_ok()["inquiries"]["totalCount"]
        .as_u64()
        .expect("a count")
}

#[tokio::test]
async fn a_pdf_is_stored_under_a_safe_name_and_downloads_byte_for_byte() {
    let app = spawn_app().await;
    let answer = submit_files(
        &app,
        &[Part {
            name: "../../etc/cron.d/delivery <note>.PDF",
            content_type: "application/octet-stream",
            bytes: PDF,
        }],
    )
    .await;
    let payload = &answer.assert_ok()["submitInquiry"];
    assert_eq!(payload["userErrors"], json!([]), "{payload}");
    let attachment = &payload["inquiry"]["attachments"][0];
    let name = attachment["fileName"].as_str().expect("a name");
    assert!(
        !name.contains(['/', '\\', '<', '>', '"']) && !name.starts_with('.'),
        "{name}"
    );
    assert!(name.ends_with(".pdf"), "{name}");
    assert_eq!(
        attachment["contentType"], "application/pdf",
        "from its bytes, not the declared type"
    );
    assert_eq!(attachment["size"], PDF.len());
    assert_eq!(
        attachment["sha256"],
        json!(supportgraph::hashing::sha256_hex(PDF))
    );
    let url = attachment["downloadUrl"].as_str().expect("a link");
    let download = app.http.get(url).send().await.expect("the gateway answers");
    assert_eq!(download.status(), 200);
    assert_eq!(download.bytes().await.expect("a body").as_ref(), PDF);
}

#[tokio::test]
async fn a_program_renamed_to_pdf_is_refused_and_nothing_of_the_submission_is_stored() {
    let app = spawn_app().await;
    let count = inquiry_count(&app).await;
    let before = support_calls(&app);
    let answer = submit_files(
        &app,
        &[
            Part {
                name: "note.pdf",
                content_type: "application/pdf",
                bytes: PDF,
            },
            Part {
                name: "invoice.pdf",
                content_type: "application/pdf",
                bytes: PROGRAM,
            },
        ],
    )
    .await;
    let payload = &answer.assert_ok()["submitInquiry"];
    assert_eq!(payload["inquiry"], Value::Null);
    assert_eq!(payload["userErrors"][0]["code"], "UNSUPPORTED_FILE_TYPE");
    assert_eq!(
        payload["userErrors"][0]["field"],
        json!(["input", "attachments"])
    );
    assert!(
        payload["userErrors"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("file 2"))
    );
    assert_eq!(
        support_calls(&app),
        before,
        "not even the good file was uploaded"
    );
    assert_eq!(inquiry_count(&app).await, count);
}

#[tokio::test]
async fn more_files_than_a_message_carries_are_refused_before_any_is_stored() {
    let app = spawn_app().await;
    let before = support_calls(&app);
    let parts: Vec<Part<'_>> = (0..6)
        .map(|_| Part {
            name: "note.txt",
            content_type: "text/plain",
            bytes: b"a line of text\n",
        })
        .collect();
    let answer = submit_files(&app, &parts).await;
    let payload = &answer.assert_ok()["submitInquiry"];
    assert_eq!(payload["inquiry"], Value::Null);
    assert_eq!(payload["userErrors"][0]["code"], "TOO_MANY_ATTACHMENTS");
    assert_eq!(support_calls(&app), before);
}

#[tokio::test]
async fn a_file_over_the_limit_is_refused_whole_before_anything_runs() {
    let app = spawn_app_with(|s| s.inquiries.max_file_bytes = 4096).await;
    let count = inquiry_count(&app).await;
    let before = support_calls(&app);
    let mut big = PDF.to_vec();
    big.resize(5000, b' ');
    let answer = submit_files(
        &app,
        &[Part {
            name: "big.pdf",
            content_type: "application/pdf",
            bytes: &big,
        }],
    )
    .await;
    assert_eq!(answer.status, 413, "{}", answer.body);
    let message = answer.body["errors"][0]["message"]
        .as_str()
        .unwrap_or_default();
    assert!(message.contains("4096"), "names the limit: {message}");
    assert_eq!(support_calls(&app), before);
    assert_eq!(inquiry_count(&app).await, count);
}

#[tokio::test]
async fn an_upload_without_the_preflight_header_is_refused_and_nothing_is_stored() {
    let app = spawn_app().await;
    let count = inquiry_count(&app).await;
    let before = support_calls(&app);
    let body = multipart_body(
        SUBMIT,
        submission(1),
        "variables.input.attachments",
        &[Part {
            name: "note.pdf",
            content_type: "application/pdf",
            bytes: PDF,
        }],
    );
    let answer = upload(&app, false, body).await;
    assert_eq!(answer.status, 400);
    assert_eq!(answer.error_codes(), ["CSRF_BLOCKED"], "{}", answer.body);
    assert_eq!(support_calls(&app), before);
    assert_eq!(inquiry_count(&app).await, count);
}

#[tokio::test]
async fn a_reply_carries_its_documents() {
    let app = spawn_app().await;
    let created = submit_files(&app, &[]).await;
    let tracking = created.assert_ok()["submitInquiry"]["inquiry"]["trackingNumber"].clone();
    let query = "mutation($input: ReplyToInquiryInput!) { replyToInquiry(input: $input) {
        inquiry { messages { body attachments { fileName contentType size } } } userErrors { code } } }";
    let variables = json!({ "input": { "trackingNumber": tracking, "message": "The corrected list.", "attachments": [null] } });
    let body = multipart_body(
        query,
        variables,
        "variables.input.attachments",
        &[Part {
            name: "machines.csv",
            content_type: "text/csv",
            bytes: b"serial,site\nSN-1,Chicago\n",
        }],
    );
    let answer = upload(&app, true, body).await;
    let messages = answer.assert_ok()["replyToInquiry"]["inquiry"]["messages"].clone();
    let last = messages
        .as_array()
        .and_then(|m| m.last())
        .expect("the reply");
    assert_eq!(last["attachments"][0]["fileName"], "machines.csv");
    assert_eq!(last["attachments"][0]["contentType"], "text/csv");
}

#[tokio::test]
async fn the_most_files_at_their_largest_are_accepted() {
    let app = spawn_app_with(|s| s.inquiries.max_file_bytes = 2048).await;
    let text = vec![b'a'; 2048];
    let parts: Vec<Part<'_>> = (0..5)
        .map(|_| Part {
            name: "notes.txt",
            content_type: "text/plain",
            bytes: &text,
        })
        .collect();
    let answer = submit_files(&app, &parts).await;
    let attachments = answer.assert_ok()["submitInquiry"]["inquiry"]["attachments"].clone();
    assert_eq!(
        attachments.as_array().map(Vec::len),
        Some(5),
        "{}",
        answer.body
    );
    assert!(
        attachments
            .as_array()
            .expect("a list")
            .iter()
            .all(|a| a["size"] == 2048)
    );
}

#[tokio::test]
async fn a_browser_download_keeps_its_length_and_is_not_recompressed() {
    let app = spawn_app().await;
    let text: Vec<u8> = "serial,site,model\n".repeat(6_000).into_bytes();
    let answer = submit_files(
        &app,
        &[Part {
            name: "machines.csv",
            content_type: "text/csv",
            bytes: &text,
        }],
    )
    .await;
    let url = answer.assert_ok()["submitInquiry"]["inquiry"]["attachments"][0]["downloadUrl"]
        .as_str()
        .expect("a link")
        .to_owned();
    let download = app
        .http
        .get(url)
        .header("accept-encoding", "gzip, deflate, br")
        .send()
        .await
        .expect("the gateway answers");
    assert_eq!(download.status(), 200);
    assert!(download.headers().get("content-encoding").is_none());
    assert_eq!(
        download
            .headers()
            .get("content-length")
            .and_then(|v| v.to_str().ok()),
        Some(text.len().to_string().as_str())
    );
    assert_eq!(
        download.bytes().await.expect("a body").as_ref(),
        text.as_slice()
    );
}

#[tokio::test]
async fn a_retry_after_a_failed_create_sends_the_first_attempts_uploads_and_due_date() {
    // Creating times out (its timeout is short; the upload's is long): the first attempt
    // uploads, then fails. The retry with the same key must send that attempt's body.
    let app = spawn_app_with(|s| s.backends.support.timeout_ms = 100).await;
    let slow_writes = FaultSpec {
        latency_ms: 400,
        only_method: Some("POST".into()),
        ..FaultSpec::default()
    };
    app.sandbox
        .set_fault("support", slow_writes)
        .expect("a valid fault");
    let body = || {
        multipart_body(
            SUBMIT,
            submission(1),
            "variables.input.attachments",
            &[Part {
                name: "note.pdf",
                content_type: "application/pdf",
                bytes: PDF,
            }],
        )
    };
    let writes = |app: &TestApp| app.sandbox.stats().instances["support"].writes;
    let before = writes(&app);
    let failed = upload_with_key(&app, true, Some("upload-retry-1"), body()).await;
    assert!(
        !failed.error_codes().is_empty(),
        "the create timed out: {}",
        failed.body
    );
    let uploads_and_creates = writes(&app) - before;
    app.sandbox
        .set_fault("support", FaultSpec::default())
        .expect("a valid fault");
    let retried = upload_with_key(&app, true, Some("upload-retry-1"), body()).await;
    let inquiry = &retried.assert_ok()["submitInquiry"]["inquiry"];
    assert_eq!(inquiry["attachments"][0]["size"], PDF.len());
    // The retry made one call (the create), no second upload.
    assert_eq!(
        writes(&app) - before,
        uploads_and_creates + 1,
        "no second upload"
    );
}

#[tokio::test]
async fn a_binary_file_that_starts_like_text_is_refused() {
    let app = spawn_app().await;
    let before = support_calls(&app);
    let mut bytes = "serial,site\n".repeat(8_000).into_bytes();
    bytes.extend_from_slice(PROGRAM);
    let answer = submit_files(
        &app,
        &[Part {
            name: "machines.csv",
            content_type: "text/csv",
            bytes: &bytes,
        }],
    )
    .await;
    let payload = &answer.assert_ok()["submitInquiry"];
    assert_eq!(
        payload["userErrors"][0]["code"], "UNSUPPORTED_FILE_TYPE",
        "{payload}"
    );
    assert_eq!(support_calls(&app), before);
}
