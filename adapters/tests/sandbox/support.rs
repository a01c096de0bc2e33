//! The support simulator and its adapter, over real HTTP: one inquiry per idempotency key;
//! uploads streamed at the 10 MiB limit with their SHA-256, and one byte more refused as it
//! arrives; the rules of replies and closes; another customer number's inquiries kept apart; the
//! change feed after support answers; listings whose filters and pages hold each inquiry once;
//! and the demo's attachments downloaded as listed.

use std::time::Duration;

use bytes::Bytes;
use chrono::NaiveDate;
use futures::StreamExt;
use reqwest::StatusCode;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use supportgraph_adapters::AdapterError;
use supportgraph_adapters::client::BackendEndpoint;
use supportgraph_adapters::model::{
    ContactChannel, Inquiry, InquiryCategory, InquiryContact, InquiryFilter, InquiryQuery,
    InquiryRefusal, InquiryStatus, MAX_ATTACHMENT_FILE_BYTES, MessageAuthor, NewInquiry,
};
use supportgraph_adapters::ports::{ByteStream, SupportBackend};
use supportgraph_adapters::resilience::ResilienceConfig;
use supportgraph_adapters::sandbox::{FaultSpec, SandboxHandle};
use supportgraph_adapters::support::sandbox::{DEMO_INQUIRIES, generate};
use supportgraph_adapters::support::{self, HttpSupportBackend};

use crate::{SEED, sandbox};

/// Lucía's answered inquiry about a late order (4400301).
const ANSWERED: &str = "INQ-10000009";

fn adapter(sandbox: &SandboxHandle) -> HttpSupportBackend {
    HttpSupportBackend::new(
        reqwest::Client::new(),
        BackendEndpoint {
            name: support::INSTANCE.into(),
            base_url: sandbox.base_url(support::INSTANCE),
            timeout: Duration::from_secs(5),
        },
        ResilienceConfig::default(),
        Duration::from_secs(60),
    )
}

fn submission(subject: &str, attachment_ids: Vec<String>) -> NewInquiry {
    NewInquiry {
        category: InquiryCategory::Orders,
        customer_number: "4400301".into(),
        country: "ES".into(),
        subject: subject.into(),
        description: "¿Cuándo llega el pedido 244003010017?".into(),
        // Fixed: a repeat must be the same body, due time included.
        response_due_by: chrono::DateTime::parse_from_rfc3339("2026-11-30T17:00:00Z")
            .expect("a time")
            .to_utc(),
        submitted_by: "iberia-lucia".into(),
        contact: InquiryContact {
            name: "Lucía Fernández".into(),
            email: "lucia.fernandez@iberia.example".parse().expect("valid"),
            phone: None,
            preferred_channel: ContactChannel::Email,
            language: "es-ES".into(),
        },
        routed_to_person: false,
        attachment_ids,
    }
}

/// `size` bytes of a repeating pattern, made a piece at a time as they are asked for.
fn generated(size: u64) -> ByteStream {
    const PIECE: u64 = 64 * 1024;
    futures::stream::unfold(0u64, move |sent| async move {
        (sent < size).then(|| {
            let len = PIECE.min(size - sent);
            let piece: Vec<u8> = (sent..sent + len).map(|i| (i % 251) as u8).collect();
            (Ok(Bytes::from(piece)), sent + len)
        })
    })
    .boxed()
}

fn sha256_of_generated(size: u64) -> String {
    let mut sha = Sha256::new();
    let pattern: Vec<u8> = (0..251u64).map(|i| i as u8).collect();
    let mut left = size as usize;
    while left > 0 {
        let take = left.min(pattern.len());
        sha.update(&pattern[..take]);
        left -= take;
    }
    sha.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

async fn drain_sha(mut body: ByteStream) -> (u64, String) {
    let mut sha = Sha256::new();
    let mut bytes = 0;
    while let Some(piece) = body.next().await {
        let piece = piece.expect("the download completes");
        bytes += piece.len() as u64;
        sha.update(&piece);
    }
    let hex = sha.finalize().iter().map(|b| format!("{b:02x}")).collect();
    (bytes, hex)
}

/// POSTs `body` to the simulator's `path`; the status and the JSON answer.
async fn post(sandbox: &SandboxHandle, path: &str, body: Value) -> (StatusCode, Value) {
    let url = sandbox
        .base_url(support::INSTANCE)
        .join(path)
        .expect("a URL");
    let answer = reqwest::Client::new()
        .post(url)
        .json(&body)
        .send()
        .await
        .expect("the sandbox answers");
    let status = answer.status();
    (status, answer.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn one_key_makes_one_inquiry_and_another_body_with_it_is_refused() {
    let sandbox = sandbox().await;
    let support = adapter(&sandbox);
    let first = support
        .create_inquiry(&submission("Pedido retrasado", vec![]), "form-1")
        .await
        .expect("submitted");
    assert_eq!(
        first.tracking_number,
        format!("INQ-{}", 10_000_001 + DEMO_INQUIRIES)
    );
    assert_eq!(first.status, InquiryStatus::Submitted);
    let again = support
        .create_inquiry(&submission("Pedido retrasado", vec![]), "form-1")
        .await
        .expect("the same submission again");
    assert_eq!(again, first, "a repeat answers the first inquiry");
    assert_eq!(
        support
            .create_inquiry(&submission("Otro asunto", vec![]), "form-1")
            .await,
        Err(AdapterError::Status {
            backend: "support".into(),
            status: 409
        })
    );
    let page = support
        .inquiries(&InquiryQuery {
            customer_numbers: vec!["4400301".into()],
            filter: InquiryFilter::default(),
            after: None,
            limit: 50,
        })
        .await
        .expect("a listing");
    let lucias = generate(SEED)
        .0
        .iter()
        .filter(|i| i.customer_number == "4400301")
        .count() as u64;
    assert_eq!(page.total_count, lucias + 1, "one inquiry more, not two");
    assert_eq!(page.inquiries[0], first, "the newest first");
    let other = support
        .create_inquiry(&submission("Otro asunto", vec![]), "form-2")
        .await
        .expect("another key");
    assert_ne!(other.tracking_number, first.tracking_number);
    assert!(other.submitted_at > first.submitted_at);
}

#[tokio::test]
async fn ten_mebibytes_stream_up_with_their_sha256_and_come_back_the_same() {
    let sandbox = sandbox().await;
    let support = adapter(&sandbox);
    let size = MAX_ATTACHMENT_FILE_BYTES;
    let attachment = support
        .upload_attachment(
            "4400301",
            "inventario completo.bin",
            "application/octet-stream",
            size,
            generated(size),
        )
        .await
        .expect("uploaded");
    let expected = sha256_of_generated(size);
    assert_eq!(attachment.size, size);
    assert_eq!(attachment.sha256, expected);
    assert!(attachment.id.starts_with("ATT-") && attachment.id.len() == 36);

    let inquiry = support
        .create_inquiry(
            &submission("Inventario", vec![attachment.id.clone()]),
            "with-file",
        )
        .await
        .expect("submitted with the file");
    assert_eq!(inquiry.attachments, vec![attachment.clone()]);
    let download = support
        .attachment(&inquiry.tracking_number, "4400301", &attachment.id)
        .await
        .expect("valid")
        .expect("found");
    assert_eq!(download.attachment, attachment);
    assert_eq!(drain_sha(download.body).await, (size, expected));
}

#[tokio::test]
async fn one_byte_past_ten_mebibytes_is_refused_as_it_arrives() {
    let sandbox = sandbox().await;
    let support = adapter(&sandbox);
    let size = MAX_ATTACHMENT_FILE_BYTES + 1;
    assert!(matches!(
        support
            .upload_attachment(
                "4400301",
                "big.bin",
                "application/octet-stream",
                size,
                generated(size)
            )
            .await,
        Err(AdapterError::InvalidRequest { .. })
    ));
    // A client that declares 10 MiB and sends one byte more, without a Content-Length: the
    // simulator counts the bytes as they arrive.
    let url = sandbox
        .base_url(support::INSTANCE)
        .join("v1/customers/4400301/attachments")
        .expect("a URL");
    let answer = reqwest::Client::new()
        .post(url)
        .query(&[
            ("fileName", "big.bin".to_owned()),
            ("size", MAX_ATTACHMENT_FILE_BYTES.to_string()),
        ])
        .header("content-type", "application/octet-stream")
        .body(reqwest::Body::wrap_stream(generated(size)))
        .send()
        .await
        .expect("the sandbox answers");
    assert_eq!(answer.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let body: Value = answer.json().await.expect("JSON");
    assert_eq!(body["error"], "TOO_LARGE");
}

#[tokio::test]
async fn an_upload_is_referenced_once_and_only_for_its_customer_number() {
    let sandbox = sandbox().await;
    let support = adapter(&sandbox);
    let upload = |customer: &'static str| {
        let support = support.clone();
        async move {
            support
                .upload_attachment(customer, "nota.txt", "text/plain", 5, generated(5))
                .await
                .expect("uploaded")
        }
    };
    let ours = upload("4400301").await;
    let theirs = upload("1000101").await;
    assert_ne!(ours.id, theirs.id);
    assert_eq!(
        support
            .create_inquiry(&submission("Nota", vec![theirs.id.clone()]), "theirs")
            .await,
        Err(AdapterError::Status {
            backend: "support".into(),
            status: 422
        }),
        "another customer number's upload"
    );
    let replied = support
        .reply(
            ANSWERED,
            "4400301",
            "Lucía",
            "Adjunto la nota.",
            std::slice::from_ref(&ours.id),
        )
        .await
        .expect("valid");
    let replied = replied.expect("accepted");
    let last = replied.messages.last().expect("the reply");
    assert_eq!(last.attachments, vec![ours.clone()]);
    assert_eq!(
        support
            .reply(
                ANSWERED,
                "4400301",
                "Lucía",
                "Otra vez.",
                std::slice::from_ref(&ours.id)
            )
            .await,
        Ok(Err(InquiryRefusal::UnknownAttachment)),
        "an upload is referenced once"
    );
}

#[tokio::test]
async fn a_reply_reopens_an_answered_inquiry_and_a_closed_one_takes_none() {
    let sandbox = sandbox().await;
    let support = adapter(&sandbox);
    let before = support
        .inquiries_by_number(&["4400301".into()], &[ANSWERED.into()])
        .await
        .expect("a batch");
    assert_eq!(before[0].status, InquiryStatus::Answered);
    let replied = support
        .reply(
            ANSWERED,
            "4400301",
            "Lucía Fernández",
            "¿Y el siguiente pedido?",
            &[],
        )
        .await
        .expect("valid")
        .expect("accepted");
    assert_eq!(replied.status, InquiryStatus::InProgress);
    assert_eq!(replied.messages.len(), before[0].messages.len() + 1);
    assert!(replied.updated_at > before[0].updated_at);

    let closed = support
        .close(ANSWERED, "4400301")
        .await
        .expect("valid")
        .expect("closed");
    assert_eq!(closed.status, InquiryStatus::Closed);
    let again = support
        .close(ANSWERED, "4400301")
        .await
        .expect("valid")
        .expect("closed");
    assert_eq!(again, closed, "closing a closed inquiry changes nothing");
    assert_eq!(
        support
            .reply(ANSWERED, "4400301", "Lucía", "Una cosa más.", &[])
            .await,
        Ok(Err(InquiryRefusal::Closed))
    );
    assert_eq!(
        support
            .reply("INQ-99999999", "4400301", "Lucía", "¿Hola?", &[])
            .await,
        Ok(Err(InquiryRefusal::UnknownInquiry))
    );
}

#[tokio::test]
async fn another_customer_numbers_inquiry_is_unknown_everywhere() {
    let sandbox = sandbox().await;
    let support = adapter(&sandbox);
    let (demo, _, _) = generate(SEED);
    let lucias = demo
        .iter()
        .find(|i| i.tracking_number == ANSWERED)
        .expect("a demo inquiry");
    assert_eq!(lucias.customer_number, "4400301");
    let other = "4400201";
    assert_eq!(
        support.reply(ANSWERED, other, "Avery", "Hi", &[]).await,
        Ok(Err(InquiryRefusal::UnknownInquiry))
    );
    assert_eq!(
        support.close(ANSWERED, other).await,
        Ok(Err(InquiryRefusal::UnknownInquiry))
    );
    assert_eq!(
        support
            .inquiries_by_number(&[other.into()], &[ANSWERED.into()])
            .await,
        Ok(Vec::new())
    );
    let with_file = demo
        .iter()
        .find(|i| !i.attachments.is_empty())
        .expect("a demo inquiry with a file");
    let id = &with_file.attachments[0].id;
    assert!(matches!(
        support
            .attachment(&with_file.tracking_number, other, id)
            .await,
        Ok(None)
    ));
    let page = support
        .inquiries(&InquiryQuery {
            customer_numbers: vec![other.into()],
            filter: InquiryFilter::default(),
            after: None,
            limit: 50,
        })
        .await
        .expect("a listing");
    assert!(page.inquiries.iter().all(|i| i.customer_number == other));
    let after = support
        .inquiries_by_number(&["4400301".into()], &[ANSWERED.into()])
        .await
        .expect("a batch");
    assert_eq!(
        &after[0], lucias,
        "untouched by the other customer number's calls"
    );
}

#[tokio::test]
async fn the_change_feed_reports_what_support_and_the_customer_did() {
    let sandbox = sandbox().await;
    let support = adapter(&sandbox);
    let start = support.changes(None).await.expect("from now");
    assert!(start.changes.is_empty());
    let quiet = support
        .changes(Some(start.next))
        .await
        .expect("nothing yet");
    assert!(quiet.changes.is_empty());
    assert_eq!(quiet.next, start.next);

    // Jordan's backordered toner (1000201), in progress: support answers.
    let number = "INQ-10000012";
    let (status, answered) = post(
        &sandbox,
        &format!("admin/inquiries/{number}/answer"),
        json!({ "message": "A compatible cartridge ships today." }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{answered}");
    assert_eq!(answered["status"], "ANSWERED");
    let feed = support.changes(Some(start.next)).await.expect("a change");
    assert_eq!(feed.changes.len(), 1);
    let change = &feed.changes[0];
    assert_eq!(change.tracking_number, number);
    assert_eq!(change.customer_number, "1000201");
    assert_eq!(change.status, InquiryStatus::Answered);
    let message = change.message.as_ref().expect("the answer");
    assert_eq!(message.author, MessageAuthor::Support);
    let inquiry = support
        .inquiries_by_number(&["1000201".into()], &[number.into()])
        .await
        .expect("a batch");
    let last = inquiry[0].messages.last().expect("the answer");
    assert_eq!(last.id, message.id);
    assert_eq!(last.author_name, "Customer Support");
    assert_eq!(last.body, "A compatible cartridge ships today.");
    assert_eq!(change.at, inquiry[0].updated_at);
    assert!(
        sandbox.outbox().is_empty(),
        "the answer e-mail is the gateway's to send"
    );

    let (status, _) = post(
        &sandbox,
        &format!("admin/inquiries/{number}/status"),
        json!({ "status": "CLOSED" }),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    support
        .create_inquiry(&submission("Nuevo", vec![]), "feed")
        .await
        .expect("submitted");
    let more = support.changes(Some(feed.next)).await.expect("changes");
    let seen: Vec<(InquiryStatus, bool)> = more
        .changes
        .iter()
        .map(|c| (c.status, c.message.is_some()))
        .collect();
    assert_eq!(
        seen,
        [
            (InquiryStatus::Closed, false),
            (InquiryStatus::Submitted, false)
        ]
    );
    assert_eq!(more.next, feed.next + 2);

    let (status, refused) = post(
        &sandbox,
        &format!("admin/inquiries/{number}/answer"),
        json!({ "message": "Too late." }),
    )
    .await;
    assert_eq!(
        (status, &refused["error"]),
        (StatusCode::CONFLICT, &json!("INQUIRY_CLOSED"))
    );
    let (status, _) = post(
        &sandbox,
        "admin/inquiries/INQ-99999999/status",
        json!({ "status": "ANSWERED" }),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

/// Every inquiry of `query`, page after page, each page `query.limit` long at most.
async fn walk(support: &HttpSupportBackend, mut query: InquiryQuery) -> (Vec<Inquiry>, u64) {
    let mut all: Vec<Inquiry> = Vec::new();
    let mut total = None;
    loop {
        let page = support.inquiries(&query).await.expect("a valid page");
        assert_eq!(*total.get_or_insert(page.total_count), page.total_count);
        let full = page.inquiries.len() == query.limit as usize;
        all.extend(page.inquiries);
        match all.last() {
            Some(last) if full => query.after = Some(last.key()),
            _ => return (all, total.unwrap_or_default()),
        }
    }
}

#[tokio::test]
async fn listings_filter_and_page_each_inquiry_once_newest_first() {
    let sandbox = sandbox().await;
    let support = adapter(&sandbox);
    let (demo, _, _) = generate(SEED);
    let globex = [
        "1000101", "1000102", "4400201", "4900301", "3300401", "8100501",
    ];
    let day = |d| NaiveDate::from_ymd_opt(2026, 11, d);
    let filters = [
        InquiryFilter::default(),
        InquiryFilter {
            statuses: vec![InquiryStatus::Answered, InquiryStatus::Submitted],
            ..InquiryFilter::default()
        },
        InquiryFilter {
            categories: vec![InquiryCategory::Orders, InquiryCategory::Invoices],
            ..InquiryFilter::default()
        },
        InquiryFilter {
            submitted_from: day(10),
            submitted_to: day(19),
            ..InquiryFilter::default()
        },
        InquiryFilter {
            text: Some("INVOICE".into()),
            ..InquiryFilter::default()
        },
        InquiryFilter {
            text: Some("warehouse".into()),
            ..InquiryFilter::default()
        },
    ];
    let mut seen_any = 0;
    for customers in [&globex[..], &["4400301"][..], &["1000201", "1000202"][..]] {
        for filter in &filters {
            let mut expected: Vec<&Inquiry> = demo
                .iter()
                .filter(|i| customers.contains(&i.customer_number.as_str()))
                .filter(|i| filter.matches(i))
                .collect();
            expected.sort_by_key(|i| std::cmp::Reverse(i.key()));
            for limit in [1, 2, 50] {
                let query = InquiryQuery {
                    customer_numbers: customers.iter().map(|c| (*c).to_owned()).collect(),
                    filter: filter.clone(),
                    after: None,
                    limit,
                };
                let (all, total) = walk(&support, query).await;
                let got: Vec<&str> = all.iter().map(|i| i.tracking_number.as_str()).collect();
                let want: Vec<&str> = expected
                    .iter()
                    .map(|i| i.tracking_number.as_str())
                    .collect();
                assert_eq!(got, want, "{customers:?} {filter:?} by {limit}");
                assert_eq!(total, want.len() as u64);
                seen_any += got.len();
            }
        }
    }
    assert!(
        seen_any > 30,
        "the filters leave something to page: {seen_any}"
    );
}

#[tokio::test]
async fn every_demo_attachment_downloads_as_listed() {
    let sandbox = sandbox().await;
    let support = adapter(&sandbox);
    let (demo, _, _) = generate(SEED);
    let mut downloaded = 0;
    for inquiry in &demo {
        let files = inquiry
            .attachments
            .iter()
            .chain(inquiry.messages.iter().flat_map(|m| &m.attachments));
        for file in files {
            let download = support
                .attachment(&inquiry.tracking_number, &inquiry.customer_number, &file.id)
                .await
                .expect("valid")
                .expect("found");
            assert_eq!(&download.attachment, file);
            assert_eq!(
                drain_sha(download.body).await,
                (file.size, file.sha256.clone())
            );
            downloaded += 1;
        }
    }
    assert!(downloaded >= 8, "{downloaded}");
}

#[tokio::test]
async fn the_documented_request_bodies_are_read_and_a_malformed_payload_served_by_name() {
    let sandbox = sandbox().await;
    let url = sandbox
        .base_url(support::INSTANCE)
        .join("v1/inquiries")
        .expect("a URL");
    let body =
        std::fs::read_to_string("fixtures/support/new_inquiry_request.json").expect("the fixture");
    let answer = reqwest::Client::new()
        .post(url)
        .header("content-type", "application/json")
        .header("idempotency-key", "documented")
        .body(body)
        .send()
        .await
        .expect("the sandbox answers");
    assert_eq!(answer.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let refused: Value = answer.json().await.expect("JSON");
    assert_eq!(refused["error"], "UNKNOWN_ATTACHMENT", "read, then refused");

    let reply: Value = serde_json::from_str(
        &std::fs::read_to_string("fixtures/support/reply_request.json").expect("the fixture"),
    )
    .expect("JSON");
    let (status, replied) = post(
        &sandbox,
        &format!("v1/customers/4400301/inquiries/{ANSWERED}/messages"),
        reply,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{replied}");
    assert_eq!(replied["status"], "IN_PROGRESS");

    sandbox
        .set_fault(
            support::INSTANCE,
            FaultSpec {
                malformed: Some("unknown-status".into()),
                ..FaultSpec::default()
            },
        )
        .expect("a documented payload");
    let query = InquiryQuery {
        customer_numbers: vec!["1000101".into(), "4400201".into()],
        filter: InquiryFilter::default(),
        after: None,
        limit: 10,
    };
    match adapter(&sandbox).inquiries(&query).await {
        Err(AdapterError::Decode { backend, detail }) => {
            assert_eq!(backend, "support");
            assert!(detail.contains("ESCALATED"), "{detail}");
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
}
