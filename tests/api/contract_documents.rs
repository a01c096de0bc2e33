//! Contract PDFs through the gateway: `printContract` hands out a signed link to a version's PDF
//! (the current one unless named), which downloads the very document whose SHA-256 the contract
//! announces; a link cannot be altered and expires; and whoever may not see the customer number's
//! contracts finds nothing — another company's user without the contracts system even being
//! asked.

use chrono::{Duration, Utc};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use supportgraph::links::{LinkKey, LinkSigner};
use supportgraph::settings::SecretString;
use supportgraph_adapters::contracts::sandbox::generate;
use supportgraph_adapters::model::Contract;

use crate::helpers::{GLOBEX_USER, IBERIA_USER, TestApp, spawn_app_with};

/// A signing key the tests know, so they can sign and age links themselves.
const KEY: &str = "c3VwcG9ydGdyYXBoLXRlc3Qtc2lnbmluZy1rZXktMzItYnl0ZXMh";

/// A Globex customer number Avery may use Contracts on.
const CUSTOMER: &str = "1000101";

/// Globex's first demo contract, on [`CUSTOMER`].
const CONTRACT: &str = "CTR-20260001";

/// Iberia's demo contract, on Lucia's 4400301.
const IBERIA_CONTRACT: &str = "CTR-20260020";

/// Iberia's customer number.
const IBERIA_CUSTOMER: &str = "4400301";

/// Avery's colleague, authorised for Contracts on 1000101 only.
const KENJI: &str = "globex-kenji";

const PRINT: &str = "query($n: String!, $v: Int) {
    printContract(contractNumber: $n, version: $v) { url expiresAt version fileName }
}";

async fn app() -> TestApp {
    spawn_app_with(|s| {
        s.links.signing_key = Some(SecretString::new(KEY));
        s.cache.profile_ttl_seconds = 0;
    })
    .await
}

/// The demo contracts, from the contracts simulator's own data.
fn demo(app: &TestApp) -> Vec<Contract> {
    generate(app.settings.sandbox.seed)
}

/// A demo contract of [`CUSTOMER`] with exactly two versions.
fn revised(app: &TestApp) -> Contract {
    demo(app)
        .into_iter()
        .find(|c| c.customer_number == CUSTOMER && c.versions.len() == 2)
        .expect("a demo contract of 1000101 has two versions")
}

fn path(contract_number: &str, version: u32) -> String {
    format!("/documents/contracts/{contract_number}/versions/{version}.pdf")
}

/// A link signed with [`KEY`] for `user`, made at `now`.
fn signed(
    app: &TestApp,
    path: &str,
    customer: &str,
    user: &str,
    now: chrono::DateTime<Utc>,
) -> String {
    let signer = LinkSigner::new(
        &LinkKey::decode(KEY).expect("the key"),
        std::time::Duration::from_secs(300),
        None,
    );
    let link = signer
        .sign(path, &[("customer", customer)], user, now)
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

/// Calls the contracts system received so far.
fn contracts_calls(app: &TestApp) -> u64 {
    app.sandbox
        .stats()
        .instances
        .get("contracts")
        .map_or(0, |s| s.calls)
}

fn sha256(bytes: &[u8]) -> String {
    format!("{:x}", Sha256::digest(bytes))
}

/// `printContract` as `user`: the answer's data or errors.
async fn print(
    app: &TestApp,
    user: &str,
    number: &str,
    version: Option<i32>,
) -> crate::helpers::Answer {
    app.graphql_as(user, PRINT, json!({ "n": number, "v": version }))
        .await
}

fn url_of(data: &Value) -> String {
    data["printContract"]["url"]
        .as_str()
        .expect("a link")
        .to_owned()
}

#[tokio::test]
async fn print_contract_links_to_the_current_versions_pdf_with_its_announced_hash() {
    let app = app().await;
    let current = app
        .graphql_as(
            GLOBEX_USER,
            "query($n: String!) { contract(contractNumber: $n) {
                currentVersion { number documentSha256 }
            } }",
            json!({ "n": CONTRACT }),
        )
        .await;
    let current = current.assert_ok()["contract"]["currentVersion"].clone();
    let number = current["number"].as_u64().expect("a version");

    let before = contracts_calls(&app);
    let answer = print(&app, GLOBEX_USER, CONTRACT, None).await;
    let data = answer.assert_ok();
    assert_eq!(contracts_calls(&app) - before, 1, "the lookup only");
    let printed = &data["printContract"];
    assert_eq!(printed["version"].as_u64(), Some(number));
    assert_eq!(printed["fileName"], format!("{CONTRACT}-v{number}.pdf"));
    let expires_at: chrono::DateTime<Utc> = printed["expiresAt"]
        .as_str()
        .and_then(|t| t.parse().ok())
        .expect("an RFC 3339 time");
    assert!(expires_at > Utc::now(), "{expires_at}");
    let url = url_of(data);
    assert!(
        url.starts_with(&format!(
            "{}{}?",
            app.address,
            path(CONTRACT, number as u32)
        )),
        "{url}"
    );
    assert!(url.contains(&format!("customer={CUSTOMER}")), "{url}");

    // Downloaded without a token: the version's PDF, byte for byte.
    let before = contracts_calls(&app);
    let response = get(&app, &url, None).await;
    assert_eq!(response.status(), 200);
    let headers = response.headers().clone();
    assert_eq!(headers["content-type"], "application/pdf");
    assert_eq!(
        headers["content-disposition"],
        format!("inline; filename=\"{CONTRACT}-v{number}.pdf\"").as_str()
    );
    assert_eq!(headers["cache-control"], "private, no-store");
    assert_eq!(headers["x-content-type-options"], "nosniff");
    let body = response.bytes().await.expect("a body");
    assert!(body.starts_with(b"%PDF-"), "a PDF");
    assert_eq!(
        Some(sha256(&body).as_str()),
        current["documentSha256"].as_str()
    );
    assert_eq!(
        contracts_calls(&app) - before,
        2,
        "the lookup, then the PDF"
    );

    // With a bearer token instead of a signature, the same PDF.
    let plain = format!(
        "{}{}?customer={CUSTOMER}",
        app.address,
        path(CONTRACT, number as u32)
    );
    let response = get(&app, &plain, Some(&app.token(GLOBEX_USER))).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.bytes().await.expect("a body"), body);
}

#[tokio::test]
async fn an_older_version_downloads_its_own_pdf() {
    let app = app().await;
    let contract = revised(&app);
    let (first, second) = (&contract.versions[0], &contract.versions[1]);
    assert_ne!(first.document_sha256, second.document_sha256);

    let answer = print(&app, GLOBEX_USER, &contract.contract_number, Some(1)).await;
    let data = answer.assert_ok();
    assert_eq!(data["printContract"]["version"], 1);
    assert_eq!(
        data["printContract"]["fileName"],
        format!("{}-v1.pdf", contract.contract_number)
    );
    let response = get(&app, &url_of(data), None).await;
    assert_eq!(response.status(), 200);
    let body = response.bytes().await.expect("a body");
    assert!(body.starts_with(b"%PDF-"), "a PDF");
    assert_eq!(sha256(&body), first.document_sha256);

    // Left out, the version is the current one: the second.
    let answer = print(&app, GLOBEX_USER, &contract.contract_number, None).await;
    let data = answer.assert_ok();
    assert_eq!(data["printContract"]["version"], 2);
    let body = get(&app, &url_of(data), None)
        .await
        .bytes()
        .await
        .expect("a body");
    assert_eq!(sha256(&body), second.document_sha256);
}

#[tokio::test]
async fn print_contract_refuses_another_companys_contract_and_a_version_it_does_not_have() {
    let app = app().await;
    let answer = print(&app, GLOBEX_USER, IBERIA_CONTRACT, None).await;
    assert_eq!(answer.error_codes(), ["NOT_FOUND"], "{}", answer.body);
    assert!(answer.body["data"].is_null(), "{}", answer.body);

    let contract = revised(&app);
    let answer = print(&app, GLOBEX_USER, &contract.contract_number, Some(3)).await;
    assert_eq!(answer.error_codes(), ["BAD_USER_INPUT"], "{}", answer.body);
    let message = answer.body["errors"][0]["message"]
        .as_str()
        .expect("a message");
    assert!(message.contains("1, 2"), "names the versions: {message}");

    // Not a version at all: refused before the contracts system is asked.
    let before = contracts_calls(&app);
    for version in [0, -1] {
        let answer = print(&app, GLOBEX_USER, CONTRACT, Some(version)).await;
        assert_eq!(answer.error_codes(), ["BAD_USER_INPUT"], "{}", answer.body);
    }
    assert_eq!(contracts_calls(&app), before);

    // A malformed contract number.
    let answer = print(&app, GLOBEX_USER, "CTR-1", None).await;
    assert_eq!(answer.error_codes(), ["BAD_USER_INPUT"], "{}", answer.body);
}

#[tokio::test]
async fn whoever_may_not_see_the_contracts_of_the_customer_number_finds_nothing() {
    let app = app().await;
    let pdf = path(CONTRACT, 1);
    let url = format!("{}{pdf}?customer={CUSTOMER}", app.address);
    assert_eq!(status(&app, &url, Some(&app.token(GLOBEX_USER))).await, 200);

    // Another company's user, by token or by their own link: not found, the contracts system
    // not asked.
    let before = contracts_calls(&app);
    assert_eq!(status(&app, &url, Some(&app.token(IBERIA_USER))).await, 404);
    let theirs = signed(&app, &pdf, CUSTOMER, IBERIA_USER, Utc::now());
    assert_eq!(status(&app, &theirs, None).await, 404);
    // A link for another company's contract, under its own customer number: not found either.
    let foreign = signed(
        &app,
        &path(IBERIA_CONTRACT, 1),
        IBERIA_CUSTOMER,
        GLOBEX_USER,
        Utc::now(),
    );
    assert_eq!(status(&app, &foreign, None).await, 404);
    assert_eq!(contracts_calls(&app), before, "no contracts call");

    // Their contract number under one's own customer number: not one of its contracts, and no
    // PDF is asked for (the lookup only).
    let smuggled = signed(
        &app,
        &path(IBERIA_CONTRACT, 1),
        CUSTOMER,
        GLOBEX_USER,
        Utc::now(),
    );
    assert_eq!(status(&app, &smuggled, None).await, 404);
    assert_eq!(contracts_calls(&app), before + 1, "the lookup only");

    // A colleague not authorised for Contracts on the contract's customer number.
    let elsewhere = demo(&app)
        .into_iter()
        .find(|c| ["1000102", "4900301"].contains(&c.customer_number.as_str()))
        .expect("a Globex contract on another of Avery's customer numbers");
    let url_elsewhere = format!(
        "{}{}?customer={}",
        app.address,
        path(&elsewhere.contract_number, 1),
        elsewhere.customer_number
    );
    assert_eq!(
        status(&app, &url_elsewhere, Some(&app.token(GLOBEX_USER))).await,
        200
    );
    assert_eq!(
        status(&app, &url_elsewhere, Some(&app.token(KENJI))).await,
        404
    );

    // The user loses Contracts on the customer number: their link stops working.
    let link = signed(&app, &pdf, CUSTOMER, GLOBEX_USER, Utc::now());
    assert_eq!(status(&app, &link, None).await, 200);
    app.decide(GLOBEX_USER, "CONTRACTS", CUSTOMER, "REVOKE")
        .await;
    assert_eq!(status(&app, &link, None).await, 404);
}

#[tokio::test]
async fn an_altered_or_expired_link_or_a_malformed_path_is_refused() {
    let app = app().await;
    let contract = revised(&app);
    let number = &contract.contract_number;
    let answer = print(&app, GLOBEX_USER, number, Some(1)).await;
    let link = url_of(answer.assert_ok());
    assert_eq!(status(&app, &link, None).await, 200);

    // Tampered: another version, another contract, another customer number, another user
    // under the signature.
    let tampered = [
        link.replace("/versions/1.pdf", "/versions/2.pdf"),
        link.replace(number.as_str(), CONTRACT),
        link.replace(&format!("customer={CUSTOMER}"), "customer=1000102"),
        link.replace(&format!("user={GLOBEX_USER}"), &format!("user={KENJI}")),
    ];
    for url in &tampered {
        assert_ne!(url, &link);
        assert_eq!(status(&app, url, None).await, 403, "{url}");
    }

    // Expired: signed an hour ago, for five minutes.
    let old = signed(
        &app,
        &path(number, 1),
        CUSTOMER,
        GLOBEX_USER,
        Utc::now() - Duration::hours(1),
    );
    let response = get(&app, &old, None).await;
    assert_eq!(response.status(), 403);
    let body: Value = response.json().await.expect("JSON");
    assert!(
        body["error"]
            .as_str()
            .is_some_and(|e| e.contains("expired")),
        "{body}"
    );

    // Malformed contract numbers and versions: not found, with the form they take.
    let token = app.token(GLOBEX_USER);
    let malformed = [
        "/documents/contracts/CTR-123/versions/1.pdf",
        "/documents/contracts/20260001/versions/1.pdf",
        "/documents/contracts/CTR-20260001/versions/0.pdf",
        "/documents/contracts/CTR-20260001/versions/01.pdf",
        "/documents/contracts/CTR-20260001/versions/-1.pdf",
        "/documents/contracts/CTR-20260001/versions/1",
        "/documents/contracts/CTR-20260001/versions/v1.pdf",
    ];
    for malformed in malformed {
        let url = format!("{}{malformed}?customer={CUSTOMER}", app.address);
        let response = get(&app, &url, Some(&token)).await;
        assert_eq!(response.status(), 404, "{url}");
        let body: Value = response.json().await.expect("JSON");
        assert!(
            body["error"]
                .as_str()
                .is_some_and(|e| e.contains("CTR-dddddddd")),
            "{body}"
        );
    }

    // Well-formed, but a version the contract does not have: not found.
    let url = format!("{}{}?customer={CUSTOMER}", app.address, path(number, 3));
    assert_eq!(status(&app, &url, Some(&token)).await, 404);

    // Without a customer number; without a token or a link.
    let url = format!("{}{}", app.address, path(number, 1));
    assert_eq!(status(&app, &url, Some(&token)).await, 400);
    let url = format!("{}{}?customer={CUSTOMER}", app.address, path(number, 1));
    assert_eq!(status(&app, &url, None).await, 401);
}
