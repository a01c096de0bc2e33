//! The mail service: the body and key a send POSTs, the receipt it reads, what it refuses to send
//! at all, its retries with the same key, and the answers that break the contract.

use std::time::Duration;

use axum::http::StatusCode;
use supportgraph_adapters::AdapterError;
use supportgraph_adapters::client::{BackendClient, BackendEndpoint};
use supportgraph_adapters::mail::HttpMailBackend;
use supportgraph_adapters::model::{
    EmailAddress, MAX_ATTACHMENT_BYTES, MailAttachment, MailMessage,
};
use supportgraph_adapters::ports::MailBackend;
use supportgraph_adapters::resilience::{BreakerConfig, ResilienceConfig};

use crate::fixture_server::{FixtureServer, assert_json_body, client, fixture, serve, serve_each};
use crate::malformed::{assert_refused_for_its_reason, reasons_in};

const KEY: &str = "ack-INQ-000042";

/// The message `fixtures/mail/message_request.json` documents.
pub fn documented_message() -> MailMessage {
    MailMessage {
        to: vec![
            "avery.stone@globex.example".parse().expect("valid"),
            "purchasing@globex.example".parse().expect("valid"),
        ],
        subject: "Your inquiry INQ-000042 was received".into(),
        text_body: "Hello Avery,\n\nwe received your inquiry INQ-000042 and will answer within \
                    one business day.\nFollow it at https://support.example.com/inquiries/\
                    INQ-000042\n\nThe support team"
            .into(),
        attachments: vec![MailAttachment {
            filename: "inquiry.txt".into(),
            content_type: "text/plain".into(),
            bytes: b"Printer 70101001 jams on tray 2.\n".to_vec(),
        }],
    }
}

fn mail(server: &FixtureServer) -> HttpMailBackend {
    HttpMailBackend::new(client(server, "mail", 2000))
}

#[tokio::test]
async fn a_send_posts_the_documented_body_with_its_key_and_reads_the_receipt() {
    let server = serve(
        StatusCode::ACCEPTED,
        fixture("mail/receipt.json"),
        Duration::ZERO,
    )
    .await;
    let receipt = mail(&server)
        .send(&documented_message(), KEY)
        .await
        .expect("accepted");
    assert_eq!(receipt.message_id, "MSG-000042");
    assert!(
        server.uri(0).ends_with("/mail/v1/messages"),
        "{}",
        server.uri(0)
    );
    assert_eq!(server.header(0, "idempotency-key").as_deref(), Some(KEY));
    assert_eq!(
        server.header(0, "content-type").as_deref(),
        Some("application/json")
    );
    assert_json_body(&server, 0, "mail/message_request.json");
}

#[tokio::test]
async fn a_message_outside_its_limits_or_a_bad_key_is_refused_before_any_request() {
    let server = serve(
        StatusCode::ACCEPTED,
        fixture("mail/receipt.json"),
        Duration::ZERO,
    )
    .await;
    let mail = mail(&server);
    let changed = |change: fn(&mut MailMessage)| {
        let mut message = documented_message();
        change(&mut message);
        message
    };
    let refused = [
        changed(|m| m.to = vec![m.to[0].clone(); 11]),
        changed(|m| m.to.clear()),
        changed(|m| m.attachments[0].bytes = vec![0; MAX_ATTACHMENT_BYTES + 1]),
        changed(|m| m.subject = "Hi\r\nBcc: everyone@example.com".into()),
        changed(|m| m.subject = "s".repeat(201)),
        changed(|m| m.text_body = "b".repeat(20_001)),
        changed(|m| m.attachments[0].filename = "../../etc/passwd".into()),
    ];
    for message in &refused {
        let result = mail.send(message, KEY).await;
        assert!(
            matches!(&result, Err(AdapterError::InvalidRequest { backend, .. }) if backend == "mail"),
            "{result:?}"
        );
    }
    for key in ["", "two words", "line\nbreak", &"k".repeat(256)] {
        let result = mail.send(&documented_message(), key).await;
        assert!(
            matches!(result, Err(AdapterError::InvalidRequest { .. })),
            "{key:?}: {result:?}"
        );
    }
    // An address that breaks its rule cannot be written into a message at all: not parsed, not
    // read from JSON.
    for bad in [
        "avery <a@globex.example>",
        "a@globex.example,b@x.com",
        "avery@localhost",
    ] {
        assert!(bad.parse::<EmailAddress>().is_err(), "{bad}");
    }
    let mut json = serde_json::to_value(documented_message()).expect("serialises");
    json["to"][1] = "not an address".into();
    assert!(serde_json::from_value::<MailMessage>(json).is_err());
    assert_eq!(server.requests(), 0, "nothing was sent");
}

/// A client that retries, with a budget that allows it from the first call.
fn retrying_client(server: &FixtureServer) -> BackendClient {
    BackendClient::with_resilience(
        reqwest::Client::new(),
        BackendEndpoint {
            name: "mail".into(),
            base_url: format!("http://{}/mail", server.addr)
                .parse()
                .expect("a URL"),
            timeout: Duration::from_secs(2),
        },
        ResilienceConfig {
            breaker: BreakerConfig::default(),
            max_retries: 2,
            retry_ratio: 1.0,
            retry_backoff: Duration::from_millis(1),
        },
    )
}

#[tokio::test]
async fn a_send_that_failed_is_retried_with_the_same_key_and_body() {
    let server = serve_each(
        vec![
            (StatusCode::SERVICE_UNAVAILABLE, "{}".into()),
            (StatusCode::ACCEPTED, fixture("mail/receipt.json")),
        ],
        Duration::ZERO,
    )
    .await;
    let mail = HttpMailBackend::new(retrying_client(&server));
    let receipt = mail
        .send(&documented_message(), KEY)
        .await
        .expect("the retry got through");
    assert_eq!(receipt.message_id, "MSG-000042");
    assert_eq!(server.requests(), 2);
    assert_eq!(server.header(1, "idempotency-key").as_deref(), Some(KEY));
    assert_eq!(server.body(1), server.body(0));
}

#[tokio::test]
async fn a_refusal_is_never_retried_and_a_broken_receipt_is_refused_for_its_reason() {
    let reused = serve(
        StatusCode::CONFLICT,
        fixture("mail/refusal_key_reused.json"),
        Duration::ZERO,
    )
    .await;
    let backend = HttpMailBackend::new(retrying_client(&reused));
    assert_eq!(
        backend.send(&documented_message(), KEY).await,
        Err(AdapterError::Status {
            backend: "mail".into(),
            status: 409
        })
    );
    assert_eq!(reused.requests(), 1, "a 4xx is an answer: not retried");

    let not_json = serve(StatusCode::ACCEPTED, "<html/>".into(), Duration::ZERO).await;
    assert!(matches!(
        mail(&not_json).send(&documented_message(), KEY).await,
        Err(AdapterError::Decode { .. })
    ));

    for reason in reasons_in("mail") {
        let malformed = serve(
            StatusCode::ACCEPTED,
            fixture(&reason.fixture),
            Duration::ZERO,
        )
        .await;
        let result = mail(&malformed).send(&documented_message(), KEY).await;
        assert_refused_for_its_reason(&reason, "mail", result);
    }
}
