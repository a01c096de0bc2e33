//! The support system: the body and key a submission POSTs, its retries and refusals; the
//! listing's parameters and keyset, the batches, replies, closes and the change feed, and the
//! translation of their answers; uploads streamed and checked against what was sent, downloads
//! checked against what was announced; and the answers that break the contract.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::IntoResponse;
use bytes::Bytes;
use chrono::{DateTime, NaiveDate, Utc};
use futures::StreamExt;
use supportgraph_adapters::AdapterError;
use supportgraph_adapters::client::BackendEndpoint;
use supportgraph_adapters::model::{
    ContactChannel, InquiryCategory, InquiryContact, InquiryFilter, InquiryKey, InquiryQuery,
    InquiryRefusal, InquiryStatus, MAX_ATTACHMENT_FILE_BYTES, MessageAuthor, NewInquiry,
};
use supportgraph_adapters::ports::{ByteStream, LOOKUP_BATCH, SupportBackend};
use supportgraph_adapters::resilience::{BreakerConfig, ResilienceConfig};
use supportgraph_adapters::support::{self, HttpSupportBackend};

use crate::fixture_server::{FixtureServer, assert_json_body, fixture, serve, serve_each};
use crate::malformed::{assert_refused_for_its_reason, reasons_in};

const KEY: &str = "inquiry-3f9a1c";
const ATTACHMENT: &str = "ATT-5e0b6c1f9a2d4e7b8c3f1a6d2e9b7c40";
const ATTACHMENT_SHA: &str = "e6a6e6a4b37547f687cb40a398a3045de2e4fb2f6f64c3b1eab9408a1922f236";

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .expect("a time")
        .with_timezone(&Utc)
}

/// An adapter of the server at `addr`, retrying reads and keyed calls from the first call.
fn backend_at(addr: std::net::SocketAddr) -> HttpSupportBackend {
    HttpSupportBackend::new(
        reqwest::Client::new(),
        BackendEndpoint {
            name: support::INSTANCE.into(),
            base_url: format!("http://{addr}/support").parse().expect("a URL"),
            timeout: Duration::from_secs(2),
        },
        ResilienceConfig {
            breaker: BreakerConfig::default(),
            max_retries: 2,
            retry_ratio: 1.0,
            retry_backoff: Duration::from_millis(1),
        },
        Duration::from_secs(2),
    )
}

async fn answering(status: StatusCode, file: &str) -> (HttpSupportBackend, FixtureServer) {
    let server = serve(status, fixture(file), Duration::ZERO).await;
    (backend_at(server.addr), server)
}

/// The submission `fixtures/support/new_inquiry_request.json` documents.
fn documented_inquiry() -> NewInquiry {
    NewInquiry {
        category: InquiryCategory::Invoices,
        customer_number: "4400301".into(),
        country: "ES".into(),
        subject: "Factura duplicada".into(),
        description: "Hemos recibido dos facturas por el mismo pedido 244003010017.\n\
                      Adjunto el detalle."
            .into(),
        response_due_by: at("2026-11-23T09:15:00Z"),
        submitted_by: "iberia-lucia".into(),
        contact: InquiryContact {
            name: "Lucía Fernández".into(),
            email: "lucia.fernandez@iberia.example".parse().expect("valid"),
            phone: Some("+34 91 555 0163".into()),
            preferred_channel: ContactChannel::Email,
            language: "es-ES".into(),
        },
        routed_to_person: false,
        attachment_ids: vec![ATTACHMENT.into()],
    }
}

#[tokio::test]
async fn a_submission_posts_the_documented_body_with_its_key_and_reads_the_inquiry() {
    let (backend, server) = answering(StatusCode::CREATED, "support/inquiry_submitted.json").await;
    assert_eq!(backend.instance(), "support");
    let inquiry = backend
        .create_inquiry(&documented_inquiry(), KEY)
        .await
        .expect("submitted");
    assert_eq!(server.uri(0), "/support/v1/inquiries");
    assert_eq!(server.header(0, "idempotency-key").as_deref(), Some(KEY));
    assert_json_body(&server, 0, "support/new_inquiry_request.json");
    assert_eq!(inquiry.tracking_number, "INQ-10000019");
    assert_eq!(inquiry.status, InquiryStatus::Submitted);
    assert_eq!(inquiry.submitted_at, at("2026-11-20T09:15:02.481Z"));
    assert_eq!(inquiry.response_due_by, at("2026-11-23T09:15:00Z"));
    assert_eq!(inquiry.contact.language, "es-ES");
    assert_eq!(inquiry.attachments.len(), 1);
    assert_eq!(inquiry.attachments[0].sha256, ATTACHMENT_SHA);
    assert_eq!(inquiry.attachments[0].file_name, "facturas duplicadas.txt");
    assert!(inquiry.messages.is_empty());

    // The answer must be the submission: another subject, another customer number, other
    // attachments are not.
    for change in [
        (|n: &mut NewInquiry| n.subject = "Factura".into()) as fn(&mut NewInquiry),
        |n| n.customer_number = "4400201".into(),
        |n| n.attachment_ids.clear(),
    ] {
        let (backend, _server) =
            answering(StatusCode::CREATED, "support/inquiry_submitted.json").await;
        let mut other = documented_inquiry();
        change(&mut other);
        assert!(matches!(
            backend.create_inquiry(&other, KEY).await,
            Err(AdapterError::Decode { .. })
        ));
    }
}

#[tokio::test]
async fn a_submission_outside_its_rules_or_with_a_bad_key_is_refused_unsent() {
    let (backend, server) = answering(StatusCode::CREATED, "support/inquiry_submitted.json").await;
    let changed = |change: fn(&mut NewInquiry)| {
        let mut new = documented_inquiry();
        change(&mut new);
        new
    };
    for new in [
        changed(|n| n.subject = "s".repeat(201)),
        changed(|n| n.description = "d".repeat(10_001)),
        changed(|n| n.customer_number = "4400301,1000101".into()),
        changed(|n| n.attachment_ids = vec![ATTACHMENT.into(); 2]),
        changed(|n| n.attachment_ids = (0..6).map(|i| format!("ATT-{i}")).collect()),
        changed(|n| n.attachment_ids = vec!["../admin".into()]),
        changed(|n| {
            n.contact.phone = None;
            n.contact.preferred_channel = ContactChannel::Phone;
        }),
    ] {
        let result = backend.create_inquiry(&new, KEY).await;
        assert!(
            matches!(&result, Err(AdapterError::InvalidRequest { backend, .. }) if backend == "support"),
            "{result:?}"
        );
    }
    for key in ["", "two words", &"k".repeat(256)] {
        assert!(matches!(
            backend.create_inquiry(&documented_inquiry(), key).await,
            Err(AdapterError::InvalidRequest { .. })
        ));
    }
    assert_eq!(server.requests(), 0, "nothing was sent");
}

#[tokio::test]
async fn a_submission_is_retried_with_its_key_and_a_refusal_is_a_status_never_retried() {
    let server = serve_each(
        vec![
            (StatusCode::SERVICE_UNAVAILABLE, "{}".into()),
            (StatusCode::OK, fixture("support/inquiry_submitted.json")),
        ],
        Duration::ZERO,
    )
    .await;
    let inquiry = backend_at(server.addr)
        .create_inquiry(&documented_inquiry(), KEY)
        .await
        .expect("the retry got through");
    assert_eq!(inquiry.tracking_number, "INQ-10000019");
    assert_eq!(server.requests(), 2);
    assert_eq!(server.header(1, "idempotency-key").as_deref(), Some(KEY));
    assert_eq!(server.body(1), server.body(0));

    for (status, file) in [
        (StatusCode::CONFLICT, "support/refusal_key_reused.json"),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            "support/refusal_unknown_attachment.json",
        ),
    ] {
        let (backend, server) = answering(status, file).await;
        assert_eq!(
            backend.create_inquiry(&documented_inquiry(), KEY).await,
            Err(AdapterError::Status {
                backend: "support".into(),
                status: status.as_u16()
            })
        );
        assert_eq!(server.requests(), 1, "a 4xx is an answer: not retried");
    }
}

/// The query `inquiries.json` answers.
fn listing_query() -> InquiryQuery {
    InquiryQuery {
        customer_numbers: vec!["1000101".into(), "4400201".into()],
        filter: InquiryFilter {
            statuses: vec![InquiryStatus::Answered, InquiryStatus::InProgress],
            submitted_from: NaiveDate::from_ymd_opt(2026, 11, 1),
            ..InquiryFilter::default()
        },
        after: Some(InquiryKey {
            submitted_at: at("2026-11-19T00:00:00Z"),
            tracking_number: "INQ-10000016".into(),
        }),
        limit: 20,
    }
}

#[tokio::test]
async fn a_listing_sends_the_documented_parameters_and_reads_the_threads() {
    let (backend, server) = answering(StatusCode::OK, "support/inquiries.json").await;
    let page = backend.inquiries(&listing_query()).await.expect("valid");
    let uri = server.uri(0);
    assert!(uri.starts_with("/support/v1/inquiries?"), "{uri}");
    for part in [
        "customers=1000101%2C4400201",
        "limit=20",
        "status=ANSWERED%2CIN_PROGRESS",
        "submittedFrom=2026-11-01",
        "afterSubmitted=2026-11-19T00%3A00%3A00Z",
        "afterNumber=INQ-10000016",
    ] {
        assert!(uri.contains(part), "{part} in {uri}");
    }
    assert_eq!(page.total_count, 5);
    let numbers: Vec<&str> = page
        .inquiries
        .iter()
        .map(|i| i.tracking_number.as_str())
        .collect();
    assert_eq!(numbers, ["INQ-10000014", "INQ-10000010"]);
    let first = &page.inquiries[0];
    assert_eq!(first.category, InquiryCategory::Orders);
    assert_eq!(first.messages[0].author, MessageAuthor::Support);
    assert_eq!(first.messages[0].attachments[0].size, 101);
    assert!(
        first
            .attachment("ATT-0c2f4e6a8b1d3f5e7a9c0b2d4f6e8a1c")
            .is_some()
    );
    assert_eq!(page.inquiries[1].status, InquiryStatus::InProgress);
}

#[tokio::test]
async fn a_listing_that_is_not_what_was_asked_breaks_the_contract() {
    let mut other_customer = listing_query();
    other_customer.customer_numbers = vec!["1000101".into()];
    let mut one = listing_query();
    one.limit = 1;
    let mut only_answered = listing_query();
    only_answered.filter.statuses = vec![InquiryStatus::Answered];
    let mut text = listing_query();
    text.filter.text = Some("docking".into());
    let mut before_the_key = listing_query();
    if let Some(after) = &mut before_the_key.after {
        after.submitted_at = at("2026-11-16T00:00:00Z");
    }
    for (query, says) in [
        (other_customer, "which was not asked for"),
        (one, "at most 1 inquiries"),
        (only_answered, "does not match the search"),
        (text, "does not match the search"),
        (before_the_key, "out of the listing's order"),
    ] {
        let (backend, _server) = answering(StatusCode::OK, "support/inquiries.json").await;
        match backend.inquiries(&query).await {
            Err(AdapterError::Decode { detail, .. }) => assert!(detail.contains(says), "{detail}"),
            other => panic!("{says}: {other:?}"),
        }
    }
}

#[tokio::test]
async fn a_listing_or_batch_the_contract_cannot_carry_is_refused_unsent() {
    let (backend, server) = answering(StatusCode::OK, "support/inquiries.json").await;
    let mut none = listing_query();
    none.customer_numbers.clear();
    let mut smuggled = listing_query();
    smuggled.customer_numbers = vec!["1000101,4400301".into()];
    let mut too_many = listing_query();
    too_many.limit = 51;
    let mut blank = listing_query();
    blank.filter.text = Some("  ".into());
    let mut bad_key = listing_query();
    if let Some(after) = &mut bad_key.after {
        after.tracking_number = "INQ-16".into();
    }
    for query in [none, smuggled, too_many, blank, bad_key] {
        assert!(
            matches!(
                backend.inquiries(&query).await,
                Err(AdapterError::InvalidRequest { .. })
            ),
            "{query:?}"
        );
    }
    let customers = ["3300401".to_owned()];
    let too_many: Vec<String> = (0..=LOOKUP_BATCH)
        .map(|n| format!("INQ-{:08}", n + 1))
        .collect();
    for numbers in [too_many, vec!["INQ-10000006,INQ-10000007".to_owned()]] {
        assert!(matches!(
            backend.inquiries_by_number(&customers, &numbers).await,
            Err(AdapterError::InvalidRequest { .. })
        ));
    }
    assert_eq!(
        backend.inquiries_by_number(&customers, &[]).await,
        Ok(vec![])
    );
    assert_eq!(server.requests(), 0);
}

#[tokio::test]
async fn a_batch_names_its_customer_numbers_and_answers_only_what_was_asked() {
    let (backend, server) = answering(StatusCode::OK, "support/inquiries_batch.json").await;
    let customers = ["3300401".to_owned()];
    let asked = ["INQ-10000006".to_owned(), "INQ-10000099".to_owned()];
    let found = backend
        .inquiries_by_number(&customers, &asked)
        .await
        .expect("valid");
    assert_eq!(
        server.uri(0),
        "/support/v1/inquiries/batch?customers=3300401&ids=INQ-10000006%2CINQ-10000099"
    );
    assert_eq!(found.len(), 1, "the unknown number is simply absent");
    assert_eq!(found[0].country, "FR");
    assert_eq!(found[0].attachments[0].content_type, "text/csv");

    for (customers, asked) in [
        (["1000101".to_owned()], ["INQ-10000006".to_owned()]),
        (["3300401".to_owned()], ["INQ-10000007".to_owned()]),
    ] {
        let (backend, _server) = answering(StatusCode::OK, "support/inquiries_batch.json").await;
        assert!(matches!(
            backend.inquiries_by_number(&customers, &asked).await,
            Err(AdapterError::Decode { .. })
        ));
    }
}

const REPLY: &str = "Gracias. ¿Nos pueden enviar también el abono?";

#[tokio::test]
async fn a_reply_posts_the_documented_body_once_and_answers_the_thread_it_ends() {
    let (backend, server) = answering(StatusCode::CREATED, "support/inquiry_replied.json").await;
    let inquiry = backend
        .reply("INQ-10000019", "4400301", "Lucía Fernández", REPLY, &[])
        .await
        .expect("valid")
        .expect("accepted");
    assert_eq!(
        server.uri(0),
        "/support/v1/customers/4400301/inquiries/INQ-10000019/messages"
    );
    assert_json_body(&server, 0, "support/reply_request.json");
    assert_eq!(
        inquiry.status,
        InquiryStatus::InProgress,
        "answered, then replied to"
    );
    assert_eq!(inquiry.messages.len(), 2);

    // The thread must end with this reply, of this inquiry.
    for (number, customer, message) in [
        ("INQ-10000019", "4400301", "Another text"),
        ("INQ-10000018", "4400301", REPLY),
        ("INQ-10000019", "4400201", REPLY),
    ] {
        let (backend, _server) =
            answering(StatusCode::CREATED, "support/inquiry_replied.json").await;
        assert!(matches!(
            backend.reply(number, customer, "Lucía", message, &[]).await,
            Err(AdapterError::Decode { .. })
        ));
    }
    let (backend, server) = answering(StatusCode::CREATED, "support/inquiry_replied.json").await;
    for (author, message) in [("", REPLY), ("Lucía", " "), ("Lucía", "bell\u{7}")] {
        assert!(matches!(
            backend
                .reply("INQ-10000019", "4400301", author, message, &[])
                .await,
            Err(AdapterError::InvalidRequest { .. })
        ));
    }
    assert_eq!(server.requests(), 0);
}

#[tokio::test]
async fn reply_and_close_refusals_are_answers_and_never_retried() {
    for (status, file, refused) in [
        (
            StatusCode::NOT_FOUND,
            "support/refusal_unknown_inquiry.json",
            InquiryRefusal::UnknownInquiry,
        ),
        (
            StatusCode::CONFLICT,
            "support/refusal_inquiry_closed.json",
            InquiryRefusal::Closed,
        ),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            "support/refusal_unknown_attachment.json",
            InquiryRefusal::UnknownAttachment,
        ),
    ] {
        let (backend, server) = answering(status, file).await;
        let attachments = [ATTACHMENT.to_owned()];
        let result = backend
            .reply("INQ-10000019", "4400301", "Lucía", REPLY, &attachments)
            .await;
        assert_eq!(result, Ok(Err(refused)), "{file}");
        assert_eq!(server.requests(), 1);
    }
    let (backend, _server) = answering(
        StatusCode::NOT_FOUND,
        "support/refusal_unknown_inquiry.json",
    )
    .await;
    assert_eq!(
        backend.close("INQ-10000019", "4400201").await,
        Ok(Err(InquiryRefusal::UnknownInquiry))
    );
    let (backend, _server) =
        answering(StatusCode::CONFLICT, "support/refusal_inquiry_closed.json").await;
    assert!(
        matches!(
            backend.close("INQ-10000019", "4400301").await,
            Err(AdapterError::Decode { .. })
        ),
        "a close is never refused for being closed"
    );
    let server = serve(StatusCode::SERVICE_UNAVAILABLE, "{}".into(), Duration::ZERO).await;
    assert!(matches!(
        backend_at(server.addr)
            .reply("INQ-10000019", "4400301", "Lucía", REPLY, &[])
            .await,
        Err(AdapterError::Status { status: 503, .. })
    ));
    assert_eq!(server.requests(), 1, "a reply is sent once");
}

#[tokio::test]
async fn a_close_answers_the_inquiry_closed() {
    let (backend, server) = answering(StatusCode::OK, "support/inquiry_closed.json").await;
    let closed = backend
        .close("INQ-10000019", "4400301")
        .await
        .expect("valid")
        .expect("closed");
    assert_eq!(closed.status, InquiryStatus::Closed);
    assert_eq!(
        server.uri(0),
        "/support/v1/customers/4400301/inquiries/INQ-10000019/close"
    );
    assert_eq!(server.method(0), axum::http::Method::POST);

    let (backend, _server) = answering(StatusCode::OK, "support/inquiry_replied.json").await;
    assert!(matches!(
        backend.close("INQ-10000019", "4400301").await,
        Err(AdapterError::Decode { .. })
    ));
}

#[tokio::test]
async fn the_change_feed_is_read_from_a_position_and_only_moves_on() {
    let (backend, server) = answering(StatusCode::OK, "support/changes.json").await;
    let feed = backend.changes(Some(41)).await.expect("valid");
    let uri = server.uri(0);
    assert!(uri.starts_with("/support/v1/inquiries/changes?"), "{uri}");
    assert!(
        uri.contains("since=41") && uri.contains("limit=500"),
        "{uri}"
    );
    assert_eq!(feed.next, 44);
    assert!(!feed.more);
    let seqs: Vec<u64> = feed.changes.iter().map(|c| c.seq).collect();
    assert_eq!(seqs, [42, 43, 44]);
    assert_eq!(feed.changes[0].message, None);
    let answer = feed.changes[1].message.as_ref().expect("a message");
    assert_eq!(
        (answer.id.as_str(), answer.author),
        ("MSG-00000031", MessageAuthor::Support)
    );
    assert_eq!(feed.changes[2].status, InquiryStatus::Closed);

    for since in [None, Some(43)] {
        let (backend, _server) = answering(StatusCode::OK, "support/changes.json").await;
        assert!(
            matches!(
                backend.changes(since).await,
                Err(AdapterError::Decode { .. })
            ),
            "{since:?}"
        );
    }
    let half = fixture("support/changes.json").replace("\"author\": \"SUPPORT\",", "");
    let server = serve(StatusCode::OK, half, Duration::ZERO).await;
    match backend_at(server.addr).changes(Some(41)).await {
        Err(AdapterError::Decode { detail, .. }) => {
            assert!(
                detail.contains("messageId comes with its author"),
                "{detail}"
            )
        }
        other => panic!("{other:?}"),
    }
}

/// `bytes` as a stream of `pieces` pieces.
fn pieces(bytes: &[u8], pieces: usize) -> ByteStream {
    let size = bytes.len().div_ceil(pieces).max(1);
    let chunks: Vec<Result<Bytes, std::io::Error>> = bytes
        .chunks(size)
        .map(|c| Ok(Bytes::copy_from_slice(c)))
        .collect();
    futures::stream::iter(chunks).boxed()
}

#[tokio::test]
async fn an_upload_streams_the_file_and_checks_the_answer_against_the_bytes_sent() {
    let file = fixture("support/attachment.txt").into_bytes();
    let (backend, server) = answering(StatusCode::CREATED, "support/upload.json").await;
    let size = file.len() as u64;
    let attachment = backend
        .upload_attachment(
            "4400301",
            "facturas duplicadas.txt",
            "text/plain",
            size,
            pieces(&file, 3),
        )
        .await
        .expect("uploaded");
    assert_eq!(attachment.id, ATTACHMENT);
    assert_eq!(attachment.sha256, ATTACHMENT_SHA);
    assert_eq!(
        server.uri(0),
        "/support/v1/customers/4400301/attachments?fileName=facturas+duplicadas.txt&size=101"
    );
    assert_eq!(
        server.header(0, "content-type").as_deref(),
        Some("text/plain")
    );
    assert_eq!(server.header(0, "content-length").as_deref(), Some("101"));
    assert_eq!(server.body(0).as_bytes(), file.as_slice());
    assert!(
        backend
            .breakers()
            .iter()
            .any(|b| b.operation == "upload_attachment")
    );

    // Other bytes of the same size, another name: not what the answer describes.
    let mut other = file.clone();
    other[0] = b'f';
    for (name, bytes) in [
        ("facturas duplicadas.txt", other),
        ("facturas.txt", file.clone()),
    ] {
        let (backend, _server) = answering(StatusCode::CREATED, "support/upload.json").await;
        let result = backend
            .upload_attachment("4400301", name, "text/plain", size, pieces(&bytes, 2))
            .await;
        assert!(matches!(result, Err(AdapterError::Decode { .. })), "{name}");
    }
}

#[tokio::test]
async fn an_upload_outside_its_limits_or_with_a_body_of_another_size_is_the_callers_fault() {
    let (backend, server) = answering(StatusCode::CREATED, "support/upload.json").await;
    for (customer, name, media, size) in [
        (
            "4400301",
            "big.bin",
            "application/octet-stream",
            MAX_ATTACHMENT_FILE_BYTES + 1,
        ),
        ("4400301", "empty.txt", "text/plain", 0),
        ("4400301", "../x.txt", "text/plain", 3),
        ("4400301", "x.txt", "text/plain; charset=utf-8", 3),
        ("4400301/../..", "x.txt", "text/plain", 3),
    ] {
        let result = backend
            .upload_attachment(customer, name, media, size, pieces(b"abc", 1))
            .await;
        assert!(
            matches!(result, Err(AdapterError::InvalidRequest { .. })),
            "{name}: {result:?}"
        );
    }
    assert_eq!(server.requests(), 0, "refused unsent");

    for (bytes, declared, says) in [
        (&b"abcd"[..], 3, "longer than the 3 bytes declared"),
        (&b"ab"[..], 3, "after 2 of the 3 bytes"),
    ] {
        let (backend, _server) = answering(StatusCode::CREATED, "support/upload.json").await;
        match backend
            .upload_attachment("4400301", "x.txt", "text/plain", declared, pieces(bytes, 2))
            .await
        {
            Err(AdapterError::InvalidRequest { detail, .. }) => {
                assert!(detail.contains(says), "{detail}")
            }
            other => panic!("{says}: {other:?}"),
        }
        assert!(
            backend
                .breakers()
                .iter()
                .all(|b| b.state == supportgraph_adapters::resilience::BreakerState::Closed),
            "the caller's fault judges nothing"
        );
    }
    let failing: ByteStream = futures::stream::iter(vec![
        Ok(Bytes::from_static(b"ab")),
        Err(std::io::Error::other("the disk went away")),
    ])
    .boxed();
    let (backend, _server) = answering(StatusCode::CREATED, "support/upload.json").await;
    assert!(matches!(
        backend
            .upload_attachment("4400301", "x.txt", "text/plain", 3, failing)
            .await,
        Err(AdapterError::InvalidRequest { .. })
    ));

    let server = serve(
        StatusCode::PAYLOAD_TOO_LARGE,
        "{\"error\":\"TOO_LARGE\"}".into(),
        Duration::ZERO,
    )
    .await;
    assert!(matches!(
        backend_at(server.addr)
            .upload_attachment("4400301", "x.txt", "text/plain", 3, pieces(b"abc", 1))
            .await,
        Err(AdapterError::Status { status: 413, .. })
    ));
}

/// A server answering every GET with `headers` and `body` (or 404 when `body` is `None`),
/// recording the URIs asked for.
async fn file_server(
    headers: Vec<(&'static str, String)>,
    body: Option<&'static [u8]>,
) -> (HttpSupportBackend, Arc<Mutex<Vec<String>>>) {
    let asked = Arc::new(Mutex::new(Vec::new()));
    let log = asked.clone();
    let app = Router::new().fallback(move |uri: Uri| {
        let headers = headers.clone();
        let log = log.clone();
        async move {
            log.lock().expect("lock").push(uri.to_string());
            let Some(body) = body else {
                return (StatusCode::NOT_FOUND, "{\"error\":\"UNKNOWN_ATTACHMENT\"}")
                    .into_response();
            };
            let mut map = HeaderMap::new();
            for (name, value) in headers {
                map.insert(name, value.parse().expect("a header value"));
            }
            (map, body).into_response()
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("binds");
    let addr = listener.local_addr().expect("an address");
    tokio::spawn(async move { axum::serve(listener, app).await });
    (backend_at(addr), asked)
}

const FILE: &[u8] = b"Factura IN244003010042 y IN244003010043: mismo pedido 244003010017.\n\
Por favor anulen una de las dos.\n";

fn download_headers(digest: &str) -> Vec<(&'static str, String)> {
    vec![
        ("content-type", "text/plain".into()),
        ("repr-digest", format!("sha-256=:{digest}:")),
        (
            "content-disposition",
            "attachment; filename*=UTF-8''facturas%20duplicadas%20a%C3%B1o.txt".into(),
        ),
    ]
}

const DIGEST: &str = "5qbmpLN1R/aHy0CjmKMEXeLk+y9vZMOx6rlAihki8jY=";

async fn drain(mut body: ByteStream) -> (Vec<u8>, Option<String>) {
    let mut bytes = Vec::new();
    while let Some(piece) = body.next().await {
        match piece {
            Ok(piece) => bytes.extend_from_slice(&piece),
            Err(error) => return (bytes, Some(error.to_string())),
        }
    }
    (bytes, None)
}

#[tokio::test]
async fn a_download_streams_the_file_announced_and_fails_on_another() {
    assert_eq!(fixture("support/attachment.txt").as_bytes(), FILE);
    let (backend, asked) = file_server(download_headers(DIGEST), Some(FILE)).await;
    let download = backend
        .attachment("INQ-10000019", "4400301", ATTACHMENT)
        .await
        .expect("valid")
        .expect("found");
    assert_eq!(
        asked.lock().expect("lock")[0],
        format!("/support/v1/customers/4400301/inquiries/INQ-10000019/attachments/{ATTACHMENT}")
    );
    assert_eq!(download.attachment.file_name, "facturas duplicadas año.txt");
    assert_eq!(download.attachment.size, 101);
    assert_eq!(download.attachment.sha256, ATTACHMENT_SHA);
    assert_eq!(drain(download.body).await, (FILE.to_vec(), None));

    let other = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
    let (backend, _) = file_server(download_headers(other), Some(FILE)).await;
    let download = backend
        .attachment("INQ-10000019", "4400301", ATTACHMENT)
        .await
        .expect("valid")
        .expect("found");
    let (bytes, error) = drain(download.body).await;
    assert_eq!(bytes, FILE, "every byte passed on before the verdict");
    assert!(error.is_some_and(|e| e.contains("SHA-256")));

    let (backend, _) = file_server(Vec::new(), None).await;
    assert!(matches!(
        backend
            .attachment("INQ-10000019", "4400301", ATTACHMENT)
            .await,
        Ok(None)
    ));
    assert!(matches!(
        backend
            .attachment("INQ-10000019", "4400301", "ATT/../x")
            .await,
        Err(AdapterError::InvalidRequest { .. })
    ));
}

#[tokio::test]
async fn a_download_that_does_not_say_what_it_is_breaks_the_contract() {
    let without = |name: &str| {
        download_headers(DIGEST)
            .into_iter()
            .filter(|(n, _)| *n != name)
            .collect::<Vec<_>>()
    };
    let mut with_parameters = download_headers(DIGEST);
    with_parameters[0].1 = "text/plain; charset=utf-8".into();
    let mut bad_name = download_headers(DIGEST);
    bad_name[2].1 = "attachment; filename*=UTF-8''..%2F..%2Fetc%2Fpasswd".into();
    for (headers, says) in [
        (without("repr-digest"), "SHA-256"),
        (without("content-disposition"), "names no file"),
        (with_parameters, "media type"),
        (bad_name, "file name"),
    ] {
        let (backend, _) = file_server(headers, Some(FILE)).await;
        match backend
            .attachment("INQ-10000019", "4400301", ATTACHMENT)
            .await
        {
            Err(AdapterError::Decode { detail, .. }) => {
                assert!(
                    detail.to_lowercase().contains(&says.to_lowercase()),
                    "{detail}"
                )
            }
            other => panic!("{says}: {other:?}"),
        }
    }
}

#[tokio::test]
async fn every_malformed_listing_is_refused_for_its_reason() {
    for reason in reasons_in("support") {
        let server = serve(StatusCode::OK, fixture(&reason.fixture), Duration::ZERO).await;
        let result = backend_at(server.addr).inquiries(&listing_query()).await;
        assert_refused_for_its_reason(&reason, "support", result);
    }
}
