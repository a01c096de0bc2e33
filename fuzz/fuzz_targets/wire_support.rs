//! The support system's answers: a submission's, an upload's, a listing page, a batch, a reply's
//! and a close's answers and refusals, the change feed, and an attachment's download (its
//! headers and its streamed body), decoded and checked by the real adapter
//! ([`HttpSupportBackend`]) from a stub answering the input.
//!
//! Input: `CALL STATUS`, header lines (the answer's: a download reads `Content-Type`,
//! `Repr-Digest` and `Content-Disposition`), a blank line, the body. CALL is one of
//! `create_inquiry`, `upload_attachment` (`attachment.txt`, as `upload.json` answers it),
//! `inquiries`, `inquiries_by_number`, `reply`, `close`, `attachment`, `changes`.
//!
//! Checked: no panic; a download that streams to its end without an error is exactly the size
//! and SHA-256 its headers announced.

#![no_main]

use std::sync::LazyLock;
use std::time::Duration;

use chrono::{DateTime, NaiveDate, Utc};
use futures::StreamExt;
use libfuzzer_sys::fuzz_target;
use sha2::{Digest, Sha256};
use supportgraph_adapters::model::{
    ContactChannel, InquiryCategory, InquiryContact, InquiryFilter, InquiryKey, InquiryQuery,
    InquiryStatus, NewInquiry,
};
use supportgraph_adapters::ports::{ByteStream, SupportBackend};
use supportgraph_adapters::support::{self, HttpSupportBackend};
use supportgraph_fuzz::stub::{Exchange, Stub, no_retries};

const CALLS: [&str; 8] = [
    "create_inquiry",
    "upload_attachment",
    "inquiries",
    "inquiries_by_number",
    "reply",
    "close",
    "attachment",
    "changes",
];

const KEY: &str = "inquiry-3f9a1c";
const ATTACHMENT: &str = "ATT-5e0b6c1f9a2d4e7b8c3f1a6d2e9b7c40";
const FILE: &[u8] = include_bytes!("../../adapters/fixtures/support/attachment.txt");

static STUB: LazyLock<Stub> = LazyLock::new(Stub::start);

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .expect("a time")
        .with_timezone(&Utc)
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

/// The listing `fixtures/support/inquiries.json` answers.
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

fn file() -> ByteStream {
    let pieces: Vec<Result<bytes::Bytes, std::io::Error>> = FILE
        .chunks(FILE.len().div_ceil(3))
        .map(|c| Ok(bytes::Bytes::copy_from_slice(c)))
        .collect();
    futures::stream::iter(pieces).boxed()
}

fuzz_target!(|data: &[u8]| {
    let stub = &*STUB;
    let exchange = Exchange::parse(data, &CALLS, "application/json");
    let backend = HttpSupportBackend::new(
        stub.http(),
        stub.endpoint(support::INSTANCE),
        no_retries(),
        Duration::from_secs(5),
    );
    let answer = &exchange.answer;
    match CALLS[exchange.call] {
        "create_inquiry" => {
            let _ = stub.run(answer, backend.create_inquiry(&documented_inquiry(), KEY));
        }
        "upload_attachment" => {
            let upload = backend.upload_attachment(
                "4400301",
                "facturas duplicadas.txt",
                "text/plain",
                FILE.len() as u64,
                file(),
            );
            let _ = stub.run(answer, upload);
        }
        "inquiries" => {
            let _ = stub.run(answer, backend.inquiries(&listing_query()));
        }
        "inquiries_by_number" => {
            let customers = ["3300401".to_owned()];
            let numbers = ["INQ-10000006".to_owned(), "INQ-10000099".to_owned()];
            let _ = stub.run(answer, backend.inquiries_by_number(&customers, &numbers));
        }
        "reply" => {
            let message = "Gracias. ¿Nos pueden enviar también el abono?";
            let reply = backend.reply("INQ-10000019", "4400301", "Lucía Fernández", message, &[]);
            let _ = stub.run(answer, reply);
        }
        "close" => {
            let _ = stub.run(answer, backend.close("INQ-10000019", "4400301"));
        }
        "attachment" => {
            stub.run(answer, async {
                let download = backend.attachment("INQ-10000019", "4400301", ATTACHMENT);
                let Ok(Some(mut download)) = download.await else {
                    return;
                };
                let mut bytes = Vec::new();
                while let Some(piece) = download.body.next().await {
                    match piece {
                        Ok(piece) => bytes.extend_from_slice(&piece),
                        Err(_) => return,
                    }
                }
                let announced = &download.attachment;
                assert_eq!(
                    bytes.len() as u64,
                    announced.size,
                    "a download ended cleanly with another size than announced"
                );
                let digest: String = Sha256::digest(&bytes)
                    .iter()
                    .map(|b| format!("{b:02x}"))
                    .collect();
                assert_eq!(
                    digest, announced.sha256,
                    "a download ended cleanly with another SHA-256 than announced"
                );
            });
        }
        _ => {
            let _ = stub.run(answer, backend.changes(Some(41)));
            let _ = stub.run(answer, backend.changes(None));
        }
    }
});
