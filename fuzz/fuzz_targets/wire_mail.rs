//! The outgoing mail service's answers to a send (a receipt, a refusal), decoded and checked by
//! the real adapter ([`HttpMailBackend`]) from a stub answering the input.
//!
//! Input: `send STATUS`, header lines, a blank line, the body (the first word is ignored: the
//! service has one call).
//!
//! Checked: no panic, and a receipt that decodes has a message ID.

#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use supportgraph_adapters::mail::{self, HttpMailBackend};
use supportgraph_adapters::model::{MailAttachment, MailMessage};
use supportgraph_adapters::ports::MailBackend;
use supportgraph_fuzz::stub::{Exchange, Stub};

const CALLS: [&str; 1] = ["send"];

static STUB: LazyLock<Stub> = LazyLock::new(Stub::start);

/// The message `fixtures/mail/message_request.json` documents.
static MESSAGE: LazyLock<MailMessage> = LazyLock::new(|| MailMessage {
    to: vec![
        "avery.stone@globex.example".parse().expect("valid"),
        "purchasing@globex.example".parse().expect("valid"),
    ],
    subject: "Your inquiry INQ-000042 was received".into(),
    text_body: "Hello Avery,\n\nwe received your inquiry INQ-000042 and will answer within one \
                business day.\nFollow it at https://support.example.com/inquiries/INQ-000042\n\n\
                The support team"
        .into(),
    attachments: vec![MailAttachment {
        filename: "inquiry.txt".into(),
        content_type: "text/plain".into(),
        bytes: b"Printer 70101001 jams on tray 2.\n".to_vec(),
    }],
});

fuzz_target!(|data: &[u8]| {
    let stub = &*STUB;
    let exchange = Exchange::parse(data, &CALLS, "application/json");
    let backend = HttpMailBackend::new(stub.client(mail::INSTANCE));
    if let Ok(receipt) = stub.run(&exchange.answer, backend.send(&MESSAGE, "ack-INQ-000042")) {
        assert!(
            !receipt.message_id.trim().is_empty(),
            "a receipt with a blank message ID was accepted: {receipt:?}"
        );
    }
});
