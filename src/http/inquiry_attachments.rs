//! `GET /documents/inquiries/{trackingNumber}/attachments/{attachmentId}?customer=…`: a document
//! attached to an inquiry (submitted with it, or carried by a message of its thread), streamed
//! from the support system to the client.
//!
//! Authenticated like the billing documents (`http::documents`): by a signed link
//! (`graphql::inquiries::links`) or a bearer token, with the inquiry's customer number as
//! `customer=`. Either way the user's authorisation for Inquiries on that customer number is
//! checked now, against their registration profile as it is now, before the support system is
//! asked; one who may not see the customer number's inquiries finds nothing (404), as if there
//! were nothing to find. The support system answers "unknown" for another customer number's
//! inquiry, so naming one's own customer number with another company's tracking number finds
//! nothing either. Each download costs the principal two rate units.
//!
//! The file is never held whole: it passes through as the support system sends it, with its
//! size as `Content-Length`. The adapter checks the bytes against the announced size and SHA-256
//! as they stream and ends the stream with an error when they do not match; the last piece is
//! held back until the stream has ended cleanly, so a failure at any point — the last check
//! included — cuts the connection before the client has every byte: an incomplete download,
//! never a wrong or short file passed as complete.
//!
//! The content is whatever a customer or the support team uploaded (HTML and SVG included), so
//! the answer is a download (`Content-Disposition: attachment`), never sniffed, never cached, and
//! sandboxed by its `Content-Security-Policy`: nothing in it can run on the gateway's origin.

use std::pin::Pin;
use std::task::{Context, Poll};

use axum::body::Body;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use futures::{Stream, StreamExt};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use supportgraph_adapters::model::{
    AttachmentId, CustomerNumber, InquiryNumber, check_content_type,
};
use supportgraph_adapters::ports::{AttachmentDownload, ByteStream};

use super::HttpState;
use super::exports::{gateway_refusal, refuse, user_of};
use crate::app::App;
use crate::countries::Tool;
use crate::error::GatewayError;
use crate::federation::scope::ToolScope;

/// Rate units one download costs (as a billing document's).
const DOWNLOAD_UNITS: u32 = 2;

/// Nothing in the file may run, load or navigate: a sandboxed, opaque origin with no sources.
const CONTENT_SECURITY_POLICY: &str = "sandbox; default-src 'none'";

/// What RFC 8187's `attr-char` leaves as it is in `filename*`; everything else is
/// percent-encoded (as UTF-8).
const ATTR_CHAR: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'!')
    .remove(b'#')
    .remove(b'$')
    .remove(b'&')
    .remove(b'+')
    .remove(b'-')
    .remove(b'.')
    .remove(b'^')
    .remove(b'_')
    .remove(b'`')
    .remove(b'|')
    .remove(b'~');

/// The attachment's content.
pub async fn inquiry_attachment(
    State(state): State<HttpState>,
    path: Result<Path<(String, String)>, PathRejection>,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let ids = path.ok().and_then(|Path((tracking, attachment))| {
        let tracking = tracking.parse::<InquiryNumber>().ok()?;
        let attachment = attachment.parse::<AttachmentId>().ok()?;
        Some((tracking, attachment))
    });
    let Some((tracking_number, attachment_id)) = ids else {
        return refuse(
            StatusCode::NOT_FOUND,
            "an inquiry's attachment is /documents/inquiries/{trackingNumber}/attachments/{attachmentId}, \
             with a tracking number INQ-dddddddd and an attachment ID of letters, digits, - and _",
        );
    };
    let app = &state.app;
    let (user_id, params) = match user_of(app, &uri, &headers).await {
        Ok(found) => found,
        Err(response) => return response,
    };
    let customer = params
        .iter()
        .find(|(k, _)| k == "customer")
        .and_then(|(_, v)| v.parse::<CustomerNumber>().ok());
    let Some(customer) = customer else {
        return refuse(
            StatusCode::BAD_REQUEST,
            "name the inquiry's customer number: customer=NNNNNNN",
        );
    };
    let found = fetch(
        app,
        &user_id,
        customer.as_str(),
        tracking_number.as_str(),
        attachment_id.as_str(),
    )
    .await;
    match found {
        Ok(download) => download_response(download, tracking_number.as_str()),
        Err(error) => gateway_refusal(&error),
    }
}

/// The attachment, streaming, once the user's authorisation on `customer` is checked.
async fn fetch(
    app: &App,
    user_id: &str,
    customer: &str,
    tracking_number: &str,
    attachment_id: &str,
) -> Result<AttachmentDownload, GatewayError> {
    app.rate_limits.check(user_id, DOWNLOAD_UNITS).await?;
    let profile = app
        .profiles
        .get(user_id)
        .await
        .map_err(|e| GatewayError::from_adapter(&e, None))?
        .ok_or_else(|| {
            GatewayError::Forbidden("your user ID is not registered for the e-tools".into())
        })?;
    // Not authorised, pending, or another company's number: all alike, nothing to find.
    ToolScope::region_for(
        Tool::Inquiries,
        &profile,
        &app.countries.snapshot(),
        customer,
    )
    .ok_or(GatewayError::NotFound)?;
    app.support
        .attachment(tracking_number, customer, attachment_id)
        .await
        .map_err(|e| GatewayError::from_adapter(&e, None))?
        .ok_or(GatewayError::NotFound)
}

/// The `200` streaming `download`, with its headers.
fn download_response(download: AttachmentDownload, tracking_number: &str) -> Response {
    let AttachmentDownload { attachment, body } = download;
    let what = format!("attachment {} of {tracking_number}", attachment.id);
    let body = Body::from_stream(HeldBack::new(body, attachment.size, what));
    let mut response = (StatusCode::OK, body).into_response();
    // Sent as stored, with its length: a compressed copy would lose `Content-Length`, and with
    // it the browser's progress and its check that the download is whole.
    response.extensions_mut().insert(super::Uncompressed);
    let headers = response.headers_mut();
    // The adapter checked the type (`type/subtype`, ASCII): always a valid header value.
    let content_type = HeaderValue::from_str(&attachment.content_type)
        .ok()
        .filter(|_| check_content_type(&attachment.content_type))
        .unwrap_or(HeaderValue::from_static("application/octet-stream"));
    headers.insert(header::CONTENT_TYPE, content_type);
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(attachment.size));
    if let Ok(value) = HeaderValue::from_str(&content_disposition(&attachment.file_name)) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    headers.insert(
        HeaderName::from_static("x-content-type-options"),
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONTENT_SECURITY_POLICY),
    );
    response
}

/// `attachment; filename="…"; filename*=UTF-8''…` (RFC 6266): the name itself percent-encoded
/// as UTF-8 for the clients that read `filename*` (all current browsers), and an ASCII stand-in
/// for those that do not, every character outside printable ASCII — and `"`, `\` and `%`, which
/// some clients read as escapes — replaced by `_`. Always a valid header value.
fn content_disposition(file_name: &str) -> String {
    let fallback: String = file_name
        .chars()
        .map(|c| match c {
            '"' | '\\' | '%' => '_',
            ' '..='~' => c,
            _ => '_',
        })
        .collect();
    let encoded = utf8_percent_encode(file_name, ATTR_CHAR);
    format!("attachment; filename=\"{fallback}\"; filename*=UTF-8''{encoded}")
}

/// The support system's stream on its way to the client: exactly `size` bytes, the last piece
/// held back until the stream has ended without an error (the adapter's checks of the size and
/// SHA-256 come at its end). Any failure ends it with an error, which makes the server cut the
/// connection short of `Content-Length`; once the client had every byte, nothing could tell it
/// the file was wrong.
struct HeldBack {
    inner: ByteStream,
    size: u64,
    passed: u64,
    held: Option<Bytes>,
    done: bool,
    /// Which attachment, for the log.
    what: String,
}

impl HeldBack {
    fn new(inner: ByteStream, size: u64, what: String) -> Self {
        Self {
            inner,
            size,
            passed: 0,
            held: None,
            done: false,
            what,
        }
    }

    /// Ends the stream with an error, dropping the piece held back.
    fn fail(&mut self, why: String) -> Poll<Option<std::io::Result<Bytes>>> {
        self.done = true;
        self.held = None;
        tracing::warn!(attachment = %self.what, %why, "an attachment download was cut short");
        Poll::Ready(Some(Err(std::io::Error::other(why))))
    }
}

impl Stream for HeldBack {
    type Item = std::io::Result<Bytes>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if this.done {
                return Poll::Ready(None);
            }
            match std::task::ready!(this.inner.poll_next_unpin(cx)) {
                Some(Ok(piece)) => {
                    this.passed += piece.len() as u64;
                    if this.passed > this.size {
                        let size = this.size;
                        return this.fail(format!("more than the {size} bytes announced"));
                    }
                    if piece.is_empty() {
                        continue;
                    }
                    if let Some(previous) = this.held.replace(piece) {
                        return Poll::Ready(Some(Ok(previous)));
                    }
                }
                Some(Err(error)) => return this.fail(error.to_string()),
                None if this.passed != this.size => {
                    let (passed, size) = (this.passed, this.size);
                    return this.fail(format!("{passed} bytes where {size} were announced"));
                }
                None => {
                    this.done = true;
                    return Poll::Ready(this.held.take().map(Ok));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use supportgraph_adapters::model::InquiryAttachment;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    fn stream(pieces: Vec<std::io::Result<&'static [u8]>>) -> ByteStream {
        futures::stream::iter(
            pieces
                .into_iter()
                .map(|piece| piece.map(Bytes::from_static)),
        )
        .boxed()
    }

    async fn collect(held: HeldBack) -> (Vec<u8>, Option<String>) {
        let mut bytes = Vec::new();
        let mut held = std::pin::pin!(held);
        while let Some(piece) = held.next().await {
            match piece {
                Ok(piece) => bytes.extend_from_slice(&piece),
                Err(error) => return (bytes, Some(error.to_string())),
            }
        }
        (bytes, None)
    }

    #[tokio::test]
    async fn a_whole_stream_passes_every_byte_in_order() {
        let pieces = stream(vec![Ok(b"hello "), Ok(b""), Ok(b"wor"), Ok(b"ld")]);
        let (bytes, error) = collect(HeldBack::new(pieces, 11, "a".into())).await;
        assert_eq!((bytes.as_slice(), error), (&b"hello world"[..], None));
    }

    #[tokio::test]
    async fn a_failure_at_the_end_keeps_the_last_piece_back() {
        let failed = stream(vec![
            Ok(b"hello "),
            Ok(b"world"),
            Err(std::io::Error::other(
                "the SHA-256 is not the one announced",
            )),
        ]);
        let (bytes, error) = collect(HeldBack::new(failed, 11, "a".into())).await;
        assert_eq!(bytes, b"hello ");
        assert!(error.is_some_and(|e| e.contains("SHA-256")));
    }

    #[tokio::test]
    async fn a_short_or_long_stream_ends_with_an_error() {
        let short = stream(vec![Ok(b"hello "), Ok(b"wor")]);
        let (bytes, error) = collect(HeldBack::new(short, 11, "a".into())).await;
        assert_eq!(bytes, b"hello ");
        assert!(error.is_some_and(|e| e.contains("9 bytes where 11")));
        let long = stream(vec![Ok(b"hello "), Ok(b"world!")]);
        let (bytes, error) = collect(HeldBack::new(long, 11, "a".into())).await;
        assert_eq!(bytes, b"");
        assert!(error.is_some_and(|e| e.contains("more than the 11 bytes")));
    }

    #[test]
    fn the_file_name_is_given_encoded_and_as_an_ascii_stand_in() {
        assert_eq!(
            content_disposition("report.pdf"),
            "attachment; filename=\"report.pdf\"; filename*=UTF-8''report.pdf"
        );
        assert_eq!(
            content_disposition("factura año; 100%.pdf"),
            "attachment; filename=\"factura a_o; 100_.pdf\"; \
             filename*=UTF-8''factura%20a%C3%B1o%3B%20100%25.pdf"
        );
        assert_eq!(
            content_disposition("請求書メモ.txt"),
            "attachment; filename=\"_____.txt\"; \
             filename*=UTF-8''%E8%AB%8B%E6%B1%82%E6%9B%B8%E3%83%A1%E3%83%A2.txt"
        );
    }

    /// Serves `pieces` as an attachment of `size` bytes on a real server, each a moment after
    /// the one before (as from a network: the server sends what it has meanwhile); the raw
    /// answer.
    async fn served(pieces: Vec<std::io::Result<&'static [u8]>>, size: u64) -> String {
        let body = stream(pieces)
            .then(|piece| async move {
                tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                piece
            })
            .boxed();
        let download = std::sync::Mutex::new(Some(AttachmentDownload {
            attachment: InquiryAttachment {
                id: "ATT-1".into(),
                file_name: "a.txt".into(),
                content_type: "text/plain".into(),
                size,
                sha256: "0".repeat(64),
            },
            body,
        }));
        let download = std::sync::Arc::new(download);
        let route = axum::routing::get(move || {
            let download = download.clone();
            async move {
                let taken = download.lock().expect("not poisoned").take();
                download_response(taken.expect("asked once"), "INQ-10000001")
            }
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a port");
        let address = listener.local_addr().expect("an address");
        let router = axum::Router::new().route("/", route);
        tokio::spawn(async move { axum::serve(listener, router).await });
        let mut client = tokio::net::TcpStream::connect(address)
            .await
            .expect("connects");
        client
            .write_all(b"GET / HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n")
            .await
            .expect("sent");
        let mut answer = Vec::new();
        let read = tokio::time::timeout(
            std::time::Duration::from_secs(5),
            client.read_to_end(&mut answer),
        )
        .await
        .expect("the server closes the connection");
        // A reset instead of a close cuts the download as well: what came before it is kept.
        let _ = read;
        String::from_utf8_lossy(&answer).into_owned()
    }

    #[tokio::test]
    async fn a_download_failing_at_its_end_is_cut_before_its_last_bytes() {
        let answer = served(
            vec![
                Ok(b"hello "),
                Ok(b"world"),
                Err(std::io::Error::other(
                    "the SHA-256 is not the one announced",
                )),
            ],
            11,
        )
        .await;
        let (head, body) = answer.split_once("\r\n\r\n").expect(&answer);
        assert!(head.starts_with("HTTP/1.1 200"), "{head}");
        assert!(head.to_ascii_lowercase().contains("content-length: 11"));
        assert_eq!(body, "hello ", "cut short of Content-Length");
    }

    #[tokio::test]
    async fn a_whole_download_is_sent_whole() {
        let answer = served(vec![Ok(b"hello "), Ok(b"world")], 11).await;
        let (_, body) = answer.split_once("\r\n\r\n").expect("a head");
        assert_eq!(body, "hello world");
    }
}
