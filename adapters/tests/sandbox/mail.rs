//! The mail simulator and its adapter, over real HTTP: a message is kept in the outbox once per
//! idempotency key, the documented body is read, the admin endpoints show and empty the outbox,
//! a 10 MiB attachment gets through, and an injected failure sends nothing.

use reqwest::StatusCode;
use serde_json::Value;
use supportgraph_adapters::AdapterError;
use supportgraph_adapters::mail::{self, HttpMailBackend};
use supportgraph_adapters::model::{MAX_ATTACHMENT_BYTES, MailAttachment, MailMessage};
use supportgraph_adapters::ports::MailBackend;
use supportgraph_adapters::sandbox::{FaultSpec, SandboxHandle};

use crate::{client, sandbox};

fn adapter(sandbox: &SandboxHandle) -> HttpMailBackend {
    HttpMailBackend::new(client(sandbox, mail::INSTANCE))
}

fn message(subject: &str) -> MailMessage {
    MailMessage {
        to: vec!["lucia.garcia@iberia.example".parse().expect("valid")],
        subject: subject.into(),
        text_body: "Su pedido 244002010017 ha sido enviado.".into(),
        attachments: vec![MailAttachment {
            filename: "albarán.pdf".into(),
            content_type: "application/pdf".into(),
            bytes: b"%PDF-1.7 demo".to_vec(),
        }],
    }
}

#[tokio::test]
async fn the_simulator_keeps_one_message_per_idempotency_key() {
    let sandbox = sandbox().await;
    let mail = adapter(&sandbox);
    let first = mail
        .send(&message("Enviado"), "ship-1")
        .await
        .expect("sent");
    let again = mail
        .send(&message("Enviado"), "ship-1")
        .await
        .expect("sent");
    assert_eq!(again, first, "a repeat answers the first receipt");
    let outbox = sandbox.outbox();
    assert_eq!(outbox.len(), 1, "and sends nothing more");
    assert_eq!(outbox[0].message_id, first.message_id);
    assert_eq!(outbox[0].idempotency_key.as_deref(), Some("ship-1"));
    assert_eq!(outbox[0].message, message("Enviado"));

    assert_eq!(
        mail.send(&message("Otro"), "ship-1").await,
        Err(AdapterError::Status {
            backend: "mail".into(),
            status: 409
        }),
        "one key, another message"
    );
    let other = mail.send(&message("Otro"), "ship-2").await.expect("sent");
    assert_ne!(other.message_id, first.message_id);
    assert_eq!(sandbox.outbox().len(), 2);

    sandbox.clear_outbox();
    assert!(sandbox.outbox().is_empty());
}

/// POSTs `body` to the simulator with the key, when given; the status and the JSON answer.
async fn post(sandbox: &SandboxHandle, key: Option<&str>, body: String) -> (StatusCode, Value) {
    let url = sandbox
        .base_url(mail::INSTANCE)
        .join("v1/messages")
        .expect("a URL");
    let mut request = reqwest::Client::new()
        .post(url)
        .header("content-type", "application/json")
        .body(body);
    if let Some(key) = key {
        request = request.header("idempotency-key", key);
    }
    let answer = request.send().await.expect("the sandbox answers");
    let status = answer.status();
    (status, answer.json().await.expect("a JSON answer"))
}

#[tokio::test]
async fn the_documented_body_is_read_and_a_keyless_or_invalid_one_refused() {
    let sandbox = sandbox().await;
    let documented =
        std::fs::read_to_string("fixtures/mail/message_request.json").expect("the fixture");
    let (status, answer) = post(&sandbox, Some("ack-INQ-000042"), documented.clone()).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{answer}");
    assert_eq!(answer["messageId"], sandbox.outbox()[0].message_id.as_str());
    assert_eq!(
        sandbox.outbox()[0].message.attachments[0].bytes,
        b"Printer 70101001 jams on tray 2.\n"
    );

    let (status, answer) = post(&sandbox, None, documented.clone()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(answer["error"], "IDEMPOTENCY_KEY_REQUIRED");

    let mut bad: Value = serde_json::from_str(&documented).expect("JSON");
    bad["to"][0] = "Avery <avery.stone@globex.example>".into();
    let (status, answer) = post(&sandbox, Some("k-2"), bad.to_string()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(answer["error"], "INVALID_MESSAGE");
    assert_eq!(sandbox.outbox().len(), 1, "nothing refused was kept");
}

#[tokio::test]
async fn the_admin_outbox_lists_attachments_in_base64_with_their_size_and_empties() {
    let sandbox = sandbox().await;
    adapter(&sandbox)
        .send(&message("Enviado"), "ship-1")
        .await
        .expect("sent");
    let url = sandbox
        .base_url(mail::INSTANCE)
        .join("admin/outbox")
        .expect("a URL");
    let http = reqwest::Client::new();
    let listed: Value = http
        .get(url.clone())
        .send()
        .await
        .expect("answers")
        .json()
        .await
        .expect("JSON");
    let sent = &listed[0];
    assert_eq!(sent["to"][0], "lucia.garcia@iberia.example");
    assert_eq!(sent["subject"], "Enviado");
    assert_eq!(sent["idempotencyKey"], "ship-1");
    let attachment = &sent["attachments"][0];
    assert_eq!(attachment["filename"], "albarán.pdf");
    assert_eq!(attachment["size"], 13);
    assert_eq!(attachment["content"], "JVBERi0xLjcgZGVtbw==");

    let deleted = http.delete(url.clone()).send().await.expect("answers");
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    assert!(sandbox.outbox().is_empty());
    let listed: Value = http
        .get(url)
        .send()
        .await
        .expect("answers")
        .json()
        .await
        .expect("JSON");
    assert_eq!(listed, serde_json::json!([]));
}

#[tokio::test]
async fn ten_mebibytes_of_attachments_get_through() {
    let sandbox = sandbox().await;
    let mut large = message("Informe");
    large.attachments[0].bytes = vec![7; MAX_ATTACHMENT_BYTES];
    adapter(&sandbox)
        .send(&large, "report-1")
        .await
        .expect("within the limit");
    assert_eq!(
        sandbox.outbox()[0].message.attachment_bytes(),
        MAX_ATTACHMENT_BYTES
    );
}

#[tokio::test]
async fn an_injected_failure_sends_nothing_and_a_malformed_receipt_is_refused() {
    let sandbox = sandbox().await;
    let failing = FaultSpec {
        error_rate: 1.0,
        ..FaultSpec::default()
    };
    sandbox.set_fault(mail::INSTANCE, failing).expect("known");
    let result = adapter(&sandbox).send(&message("Enviado"), "ship-1").await;
    assert!(
        matches!(result, Err(AdapterError::Status { status: 503, .. })),
        "{result:?}"
    );
    assert!(sandbox.outbox().is_empty());

    let malformed = FaultSpec {
        malformed: Some("blank-message-id".into()),
        ..FaultSpec::default()
    };
    sandbox
        .set_fault(mail::INSTANCE, malformed)
        .expect("documented");
    let result = adapter(&sandbox).send(&message("Enviado"), "ship-1").await;
    assert!(
        matches!(&result, Err(AdapterError::Decode { detail, .. }) if detail.contains("blank")),
        "{result:?}"
    );
}
