//! Inquiry attachments through the gateway: an upload comes back byte for byte, by signed link or
//! bearer token, as a sandboxed download that never runs on the gateway's origin; a link cannot
//! be altered; and whoever may not see the customer number's inquiries finds nothing — another
//! company's user without the support system even being asked.

use std::sync::Arc;

use bytes::Bytes;
use chrono::Utc;
use futures::StreamExt;
use supportgraph::app::App;
use supportgraph::links::{LinkKey, LinkSigner};
use supportgraph::settings::SecretString;
use supportgraph_adapters::model::{ContactChannel, InquiryCategory, InquiryContact, NewInquiry};

use crate::helpers::{GLOBEX_USER, IBERIA_USER, TestApp, spawn_keeping_state};

/// A signing key the tests know, so they can sign links themselves.
const KEY: &str = "c3VwcG9ydGdyYXBoLXRlc3Qtc2lnbmluZy1rZXktMzItYnl0ZXMh";

/// A Globex customer number Avery may use Inquiries on (Kenji may not).
const CUSTOMER: &str = "1000101";

/// Avery's colleague, authorised for Inquiries on 8100501 only.
const KENJI: &str = "globex-kenji";

/// A name with what a header cannot hold as it is: non-ASCII, a space, `%` and `;`.
const FILE_NAME: &str = "Übersicht «Q3»; 100% 請求書.html";

/// An uploaded inquiry attachment.
struct Uploaded {
    tracking_number: String,
    attachment_id: String,
    content: Vec<u8>,
}

async fn app() -> (TestApp, Arc<App>) {
    spawn_keeping_state(|s| {
        s.links.signing_key = Some(SecretString::new(KEY));
        s.cache.profile_ttl_seconds = 0;
    })
    .await
}

/// HTML that would run if the gateway let a browser render it, then enough bytes for the
/// download to come in many pieces.
fn content() -> Vec<u8> {
    let mut content = b"<html><script>alert(document.cookie)</script></html>\n".to_vec();
    content.extend((0..300_000u32).map(|i| (i % 251) as u8));
    content
}

/// Uploads [`content`] for [`CUSTOMER`] through the gateway's own support port and submits an
/// inquiry carrying it.
async fn upload(state: &App) -> Uploaded {
    let content = content();
    let body = futures::stream::iter(
        content
            .chunks(64 * 1024)
            .map(|piece| Ok(Bytes::copy_from_slice(piece)))
            .collect::<Vec<_>>(),
    )
    .boxed();
    let attachment = state
        .support
        .upload_attachment(CUSTOMER, FILE_NAME, "text/html", content.len() as u64, body)
        .await
        .expect("uploaded");
    let new = NewInquiry {
        category: InquiryCategory::Orders,
        customer_number: CUSTOMER.into(),
        country: "US".into(),
        subject: "Delivery note attached".into(),
        description: "The attached page shows what arrived.".into(),
        response_due_by: Utc::now() + chrono::Duration::days(2),
        submitted_by: GLOBEX_USER.into(),
        contact: InquiryContact {
            name: "Avery Quinn".into(),
            email: "avery@globex.example".parse().expect("valid"),
            phone: None,
            preferred_channel: ContactChannel::Email,
            language: "en-US".into(),
        },
        routed_to_person: false,
        attachment_ids: vec![attachment.id.clone()],
    };
    let inquiry = state
        .support
        .create_inquiry(&new, "attachment-download-test")
        .await
        .expect("submitted");
    Uploaded {
        tracking_number: inquiry.tracking_number,
        attachment_id: attachment.id,
        content,
    }
}

fn path(tracking_number: &str, attachment_id: &str) -> String {
    format!("/documents/inquiries/{tracking_number}/attachments/{attachment_id}")
}

/// A link signed with [`KEY`], as `attachmentUrl` fields hand them out.
fn signed(app: &TestApp, path: &str, customer: &str, user: &str) -> String {
    let signer = LinkSigner::new(
        &LinkKey::decode(KEY).expect("the key"),
        std::time::Duration::from_secs(300),
        None,
    );
    let link = signer
        .sign(path, &[("customer", customer)], user, Utc::now())
        .expect("signed");
    format!("{}{}", app.address, link.path_and_query)
}

async fn get(app: &TestApp, url: &str, token: Option<&str>) -> reqwest::Response {
    let mut request = app.http.get(url);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request.send().await.expect("the gateway answers")
}

async fn status(app: &TestApp, url: &str, token: Option<&str>) -> u16 {
    get(app, url, token).await.status().as_u16()
}

/// Calls the support system received so far.
fn support_calls(app: &TestApp) -> u64 {
    app.sandbox
        .stats()
        .instances
        .get("support")
        .map_or(0, |s| s.calls)
}

#[tokio::test]
async fn an_attachment_downloads_byte_for_byte_as_a_sandboxed_attachment() {
    let (app, state) = app().await;
    let uploaded = upload(&state).await;
    let path = path(&uploaded.tracking_number, &uploaded.attachment_id);
    let link = signed(&app, &path, CUSTOMER, GLOBEX_USER);

    let response = get(&app, &link, None).await;
    assert_eq!(response.status(), 200);
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    assert_eq!(header("content-type"), "text/html");
    assert_eq!(header("content-length"), uploaded.content.len().to_string());
    assert_eq!(
        header("content-disposition"),
        "attachment; filename=\"_bersicht _Q3_; 100_ ___.html\"; filename*=UTF-8''\
         %C3%9Cbersicht%20%C2%ABQ3%C2%BB%3B%20100%25%20%E8%AB%8B%E6%B1%82%E6%9B%B8.html"
    );
    assert_eq!(header("x-content-type-options"), "nosniff");
    assert_eq!(header("cache-control"), "private, no-store");
    assert!(
        header("content-security-policy")
            .split(';')
            .any(|directive| directive.trim() == "sandbox"),
        "{}",
        header("content-security-policy")
    );
    let body = response.bytes().await.expect("the whole body");
    assert!(body == uploaded.content, "the bytes uploaded");

    // The same with a bearer token and the customer number in the query.
    let url = format!("{}{path}?customer={CUSTOMER}", app.address);
    let response = get(&app, &url, Some(&app.token(GLOBEX_USER))).await;
    assert_eq!(response.status(), 200);
    let body = response.bytes().await.expect("the whole body");
    assert!(body == uploaded.content, "the bytes uploaded");
}

#[tokio::test]
async fn whoever_may_not_see_the_inquiries_of_the_customer_number_finds_nothing() {
    let (app, state) = app().await;
    let uploaded = upload(&state).await;
    let path = path(&uploaded.tracking_number, &uploaded.attachment_id);
    let url = format!("{}{path}?customer={CUSTOMER}", app.address);

    // Another company's user: not found, and the support system is not asked.
    let before = support_calls(&app);
    assert_eq!(status(&app, &url, Some(&app.token(IBERIA_USER))).await, 404);
    let theirs = signed(&app, &path, CUSTOMER, IBERIA_USER);
    assert_eq!(status(&app, &theirs, None).await, 404);
    assert_eq!(support_calls(&app), before, "no attachment call");

    // Their own customer number with Globex's inquiry: the support system knows of no such one.
    let smuggled = format!("{}{path}?customer=4400301", app.address);
    assert_eq!(
        status(&app, &smuggled, Some(&app.token(IBERIA_USER))).await,
        404
    );

    // A colleague not authorised for Inquiries on the customer number: not found either.
    assert_eq!(status(&app, &url, Some(&app.token(KENJI))).await, 404);

    // The user loses Inquiries on the customer number: their link stops working.
    let link = signed(&app, &path, CUSTOMER, GLOBEX_USER);
    assert_eq!(status(&app, &link, None).await, 200);
    app.decide(GLOBEX_USER, "INQUIRIES", CUSTOMER, "REVOKE")
        .await;
    assert_eq!(status(&app, &link, None).await, 404);
}

#[tokio::test]
async fn an_altered_link_a_malformed_path_or_an_unknown_attachment_is_refused() {
    let (app, state) = app().await;
    let uploaded = upload(&state).await;
    let path = path(&uploaded.tracking_number, &uploaded.attachment_id);
    let link = signed(&app, &path, CUSTOMER, GLOBEX_USER);
    let token = app.token(GLOBEX_USER);

    // Tampered: another inquiry, another customer number, another user under the signature.
    let tampered = [
        link.replace(&uploaded.tracking_number, "INQ-10000001"),
        link.replace(&format!("customer={CUSTOMER}"), "customer=4400201"),
        link.replace(&format!("user={GLOBEX_USER}"), &format!("user={KENJI}")),
    ];
    for url in &tampered {
        assert_ne!(url, &link);
        assert_eq!(status(&app, url, None).await, 403, "{url}");
    }

    // Malformed tracking numbers and attachment IDs: not found, with the form they take.
    let malformed = [
        path.replace(&uploaded.tracking_number, "INQ-123"),
        path.replace(&uploaded.tracking_number, "10000001"),
        path.replace(&uploaded.attachment_id, "-ATT"),
        path.replace(&uploaded.attachment_id, "ATT%2C1"),
        path.replace(&uploaded.attachment_id, "ATT.1"),
    ];
    for malformed in &malformed {
        let url = format!("{}{malformed}?customer={CUSTOMER}", app.address);
        let response = get(&app, &url, Some(&token)).await;
        assert_eq!(response.status(), 404, "{url}");
        let body: serde_json::Value = response.json().await.expect("JSON");
        assert!(
            body["error"]
                .as_str()
                .is_some_and(|e| e.contains("INQ-dddddddd")),
            "{body}"
        );
    }

    // Well-formed but unknown: not found.
    let unknown = path.replace(&uploaded.attachment_id, "ATT-0000");
    let url = format!("{}{unknown}?customer={CUSTOMER}", app.address);
    assert_eq!(status(&app, &url, Some(&token)).await, 404);

    // Without a customer number, or without a token or a link.
    let url = format!("{}{path}", app.address);
    assert_eq!(status(&app, &url, Some(&token)).await, 400);
    let url = format!("{}{path}?customer={CUSTOMER}", app.address);
    assert_eq!(status(&app, &url, None).await, 401);
}
