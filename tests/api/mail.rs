//! The mail backend as the gateway wires it: a message sent through `App::mail` reaches the
//! embedded sandbox over HTTP and lands in its outbox once per idempotency key, and a failing
//! mail service shows in `/readyz` like every other backend.

use supportgraph_adapters::AdapterError;
use supportgraph_adapters::model::{MailAttachment, MailMessage};
use supportgraph_adapters::sandbox::FaultSpec;

use crate::helpers::spawn_keeping_state;

fn acknowledgment() -> MailMessage {
    MailMessage {
        to: vec!["avery.stone@globex.example".parse().expect("valid")],
        subject: "Your inquiry INQ-000042 was received".into(),
        text_body: "We will answer within one business day.".into(),
        attachments: vec![MailAttachment {
            filename: "inquiry.txt".into(),
            content_type: "text/plain".into(),
            bytes: b"Printer 70101001 jams on tray 2.\n".to_vec(),
        }],
    }
}

#[tokio::test]
async fn a_message_sent_through_the_mail_port_lands_in_the_sandbox_outbox_once() {
    let (app, state) = spawn_keeping_state(|_| {}).await;
    assert_eq!(state.mail.instance(), "mail");
    let receipt = state
        .mail
        .send(&acknowledgment(), "ack-INQ-000042")
        .await
        .expect("sent");
    let repeat = state
        .mail
        .send(&acknowledgment(), "ack-INQ-000042")
        .await
        .expect("sent again");
    assert_eq!(repeat, receipt);

    let outbox = app.sandbox.outbox();
    assert_eq!(outbox.len(), 1, "one message per key");
    assert_eq!(outbox[0].message_id, receipt.message_id);
    assert_eq!(outbox[0].message, acknowledgment());
    let stats = app.sandbox.stats();
    assert_eq!(
        stats.instances["mail"].writes, 2,
        "both sends reached the service"
    );
}

#[tokio::test]
async fn a_failing_mail_service_opens_its_breaker_and_shows_in_readyz() {
    let (app, state) = spawn_keeping_state(|s| {
        s.resilience.max_retries = 0;
        s.resilience.breaker_window = 2;
        s.resilience.breaker_min_calls = 2;
        s.resilience.breaker_open_ms = 60_000;
    })
    .await;
    let failing = FaultSpec {
        error_rate: 1.0,
        ..FaultSpec::default()
    };
    app.sandbox.set_fault("mail", failing).expect("known");
    for key in ["k-1", "k-2"] {
        let result = state.mail.send(&acknowledgment(), key).await;
        assert!(
            matches!(result, Err(AdapterError::Status { status: 503, .. })),
            "{result:?}"
        );
    }
    let result = state.mail.send(&acknowledgment(), "k-3").await;
    assert!(
        matches!(result, Err(AdapterError::CircuitOpen { .. })),
        "{result:?}"
    );
    assert!(app.sandbox.outbox().is_empty());
    let ready = app.readyz().await;
    let open = ready["openBreakers"].as_array().expect("a list");
    assert!(
        open.iter()
            .any(|b| b["backend"] == "mail" && b["operation"] == "send" && b["state"] == "open"),
        "{ready}"
    );
}
