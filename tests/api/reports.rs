//! Order reports and their files: saved reports kept by the registration system (seen by a
//! second gateway, surviving a restart), their rows, export links that work without a token
//! within their life and never after it or for someone who lost access, CSV and XLSX contents
//! equal to the search, and e-mailed reports in the mail outbox.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use chrono::{Duration, Utc};
use serde_json::{Value, json};
use supportgraph::links::{LinkKey, LinkSigner};
use supportgraph::settings::SecretString;
use supportgraph_adapters::model::Tool;

use crate::helpers::{GLOBEX_USER, IBERIA_USER, TestApp, authorized_customers, spawn_app_with};

/// A signing key the tests know, so they can forge and age links.
const KEY: &str = "c3VwcG9ydGdyYXBoLXRlc3Qtc2lnbmluZy1rZXktMzItYnl0ZXMh";

async fn app() -> TestApp {
    spawn_app_with(|s| {
        s.links.signing_key = Some(SecretString::new(KEY));
        s.cache.profile_ttl_seconds = 0;
    })
    .await
}

const SAVE: &str = r#"
mutation($input: SaveOrderReportInput!) {
  saveOrderReport(input: $input) { report { id name columns } userErrors { field code } }
}"#;

const REPORTS: &str = "{ me { orderReports { id name standard } } }";

const ROWS: &str = r#"
query($id: ID!) { orderReport(id: $id) { name rows(first: 100) { totalCount edges { node { orderNumber } } } } }"#;

const ORDERS: &str = r#"
query($filter: OrderFilter, $sort: OrderSortInput) {
  orders(filter: $filter, sort: $sort, first: 100) { totalCount edges { node { orderNumber } } }
}"#;

const EXPORT: &str = r#"
query($report: ID, $search: OrderSearchInput, $format: OrderExportFormat!) {
  orderExport(report: $report, search: $search, format: $format) { url expiresAt }
}"#;

fn numbers(connection: &Value) -> Vec<String> {
    connection["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .map(|e| {
            e["node"]["orderNumber"]
                .as_str()
                .expect("number")
                .to_owned()
        })
        .collect()
}

async fn save(app: &TestApp, user: &str, name: &str, filter: Value) -> Value {
    let input = json!({ "name": name, "filter": filter,
        "sort": { "field": "TOTAL", "direction": "DESCENDING" },
        "columns": ["ORDER_NUMBER", "COUNTRY", "TOTAL", "CURRENCY"] });
    let answer = app.graphql_as(user, SAVE, json!({ "input": input })).await;
    answer.assert_ok()["saveOrderReport"].clone()
}

#[tokio::test]
async fn a_report_is_saved_listed_run_renamed_and_deleted() {
    let app = app().await;
    let filter = json!({ "countries": ["ES", "DE"], "statuses": ["DELIVERED"] });
    let saved = save(&app, GLOBEX_USER, "Delivered in Europe", filter.clone()).await;
    assert_eq!(saved["userErrors"], json!([]));
    let id = saved["report"]["id"].clone();

    let listed = app.graphql_as(GLOBEX_USER, REPORTS, json!({})).await;
    let reports = listed.assert_ok()["me"]["orderReports"].clone();
    let names: Vec<&str> = reports
        .as_array()
        .expect("reports")
        .iter()
        .map(|r| r["name"].as_str().expect("name"))
        .collect();
    assert_eq!(
        names,
        [
            "Open orders",
            "Shipped in the last 30 days",
            "Delayed orders",
            "Delivered in Europe"
        ]
    );

    // Its rows are the search's orders, in its sort.
    let rows = app.graphql_as(GLOBEX_USER, ROWS, json!({ "id": id })).await;
    let search = app
        .graphql_as(
            GLOBEX_USER,
            ORDERS,
            json!({ "filter": filter, "sort": { "field": "TOTAL", "direction": "DESCENDING" } }),
        )
        .await;
    let expected = numbers(&search.assert_ok()["orders"]);
    assert!(!expected.is_empty());
    assert_eq!(numbers(&rows.assert_ok()["orderReport"]["rows"]), expected);

    // Names are unique ignoring case; another user may use the same one.
    let again = save(&app, GLOBEX_USER, "delivered in europe", json!({})).await;
    assert_eq!(again["userErrors"][0]["code"], "NAME_TAKEN");
    let kenji = save(&app, "globex-kenji", "Delivered in Europe", json!({})).await;
    assert_eq!(kenji["userErrors"], json!([]));

    let rename = r#"mutation($id: ID!) { renameOrderReport(input: { id: $id, name: "EU delivered" }) {
        report { name version } userErrors { code } } }"#;
    let renamed = app
        .graphql_as(GLOBEX_USER, rename, json!({ "id": id }))
        .await;
    assert_eq!(
        renamed.assert_ok()["renameOrderReport"]["report"],
        json!({ "name": "EU delivered", "version": 2 })
    );
    // Another user cannot see or touch it.
    let theirs = app
        .graphql_as("globex-kenji", rename, json!({ "id": id }))
        .await;
    assert_eq!(
        theirs.assert_ok()["renameOrderReport"]["userErrors"][0]["code"],
        "NOT_FOUND"
    );
    let hidden = app
        .graphql_as("globex-kenji", ROWS, json!({ "id": id }))
        .await;
    assert_eq!(hidden.error_codes(), ["NOT_FOUND"]);

    let delete = r#"mutation($id: ID!) { deleteOrderReport(input: { id: $id }) { deletedReportId userErrors { code } } }"#;
    let deleted = app
        .graphql_as(GLOBEX_USER, delete, json!({ "id": id }))
        .await;
    assert_eq!(
        deleted.assert_ok()["deleteOrderReport"]["deletedReportId"],
        id
    );
    let gone = app.graphql_as(GLOBEX_USER, ROWS, json!({ "id": id })).await;
    assert_eq!(gone.error_codes(), ["NOT_FOUND"]);
}

#[tokio::test]
async fn saved_reports_live_in_the_registration_system_not_in_a_gateway() {
    // One sandbox apart, two gateways using its registration system; the first then goes away.
    let first = app().await;
    let registration = first.sandbox.base_url("registration");
    let second = spawn_app_with(|s| {
        s.backends.registration.base_url = Some(registration.clone());
        s.cache.profile_ttl_seconds = 0;
    })
    .await;
    let saved = save(
        &first,
        GLOBEX_USER,
        "Seen everywhere",
        json!({ "delayed": true }),
    )
    .await;
    let id = saved["report"]["id"].clone();
    let seen = second
        .graphql_as(GLOBEX_USER, ROWS, json!({ "id": id }))
        .await;
    assert_eq!(seen.assert_ok()["orderReport"]["name"], "Seen everywhere");
    drop(second);
    let restarted = spawn_app_with(|s| {
        s.backends.registration.base_url = Some(registration.clone());
        s.cache.profile_ttl_seconds = 0;
    })
    .await;
    let kept = restarted
        .graphql_as(GLOBEX_USER, ROWS, json!({ "id": id }))
        .await;
    assert_eq!(kept.assert_ok()["orderReport"]["name"], "Seen everywhere");
}

async fn link(app: &TestApp, user: &str, variables: Value) -> String {
    let answer = app.graphql_as(user, EXPORT, variables).await;
    answer.assert_ok()["orderExport"]["url"]
        .as_str()
        .expect("a url")
        .to_owned()
}

async fn download(app: &TestApp, url: &str) -> (u16, Vec<u8>) {
    let response = app.http.get(url).send().await.expect("the gateway answers");
    let status = response.status().as_u16();
    (status, response.bytes().await.expect("a body").to_vec())
}

#[tokio::test]
async fn csv_and_xlsx_exports_hold_exactly_the_search_and_links_expire() {
    let app = app().await;
    let search = json!({ "filter": { "countries": ["ES"] }, "columns": ["ORDER_NUMBER", "TOTAL", "CURRENCY"] });
    let expected = numbers(
        &app.graphql_as(
            GLOBEX_USER,
            ORDERS,
            json!({ "filter": { "countries": ["ES"] } }),
        )
        .await
        .assert_ok()["orders"],
    );
    assert!(!expected.is_empty());

    let csv_url = link(
        &app,
        GLOBEX_USER,
        json!({ "search": search, "format": "CSV" }),
    )
    .await;
    let (status, body) = download(&app, &csv_url).await;
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    let mut reader = csv::Reader::from_reader(body.as_slice());
    assert_eq!(
        reader
            .headers()
            .expect("headers")
            .iter()
            .collect::<Vec<_>>(),
        ["Order number", "Total", "Currency"]
    );
    let listed: Vec<String> = reader
        .records()
        .map(|r| r.expect("a record")[0].to_owned())
        .collect();
    assert_eq!(listed, expected);

    let xlsx_url = link(
        &app,
        GLOBEX_USER,
        json!({ "search": search, "format": "XLSX" }),
    )
    .await;
    let (status, body) = download(&app, &xlsx_url).await;
    assert_eq!(status, 200);
    let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(body)).expect("an XLSX");
    let sheet = workbook
        .worksheet_range_at(0)
        .expect("a sheet")
        .expect("readable");
    let listed: Vec<String> = sheet
        .rows()
        .skip(1)
        .map(|row| match &row[0] {
            Data::String(s) => s.clone(),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(listed, expected);

    // Tampered, or signed for someone else: refused.
    let tampered = csv_url.replacen("expires=", "expires=1", 1);
    assert_ne!(tampered, csv_url);
    assert_eq!(download(&app, &tampered).await.0, 403);
    let mut other = csv_url.clone();
    other = other.replace("globex-avery", "globex-kenji");
    assert_eq!(download(&app, &other).await.0, 403);

    // A link past its life: refused.
    let signer = LinkSigner::new(
        &LinkKey::decode(KEY).expect("the key"),
        std::time::Duration::from_secs(300),
        None,
    );
    let old = signer
        .sign(
            "/exports/orders.csv",
            &[("report", "standard:OPEN")],
            GLOBEX_USER,
            Utc::now() - Duration::hours(1),
        )
        .expect("signed");
    let url = format!("{}{}", app.address, old.path_and_query);
    assert_eq!(download(&app, &url).await.0, 403);
    // Without a token or link: refused.
    assert_eq!(
        download(
            &app,
            &format!("{}/exports/orders.csv?report=standard:OPEN", app.address)
        )
        .await
        .0,
        401
    );
}

#[tokio::test]
async fn a_link_stops_working_when_its_user_loses_access() {
    let app = app().await;
    let url = link(
        &app,
        IBERIA_USER,
        json!({ "report": "standard:OPEN", "format": "HTML" }),
    )
    .await;
    assert_eq!(download(&app, &url).await.0, 200);
    for customer in authorized_customers(IBERIA_USER, Tool::OrderStatus) {
        app.decide(IBERIA_USER, "ORDER_STATUS", customer, "REVOKE")
            .await;
    }
    assert_eq!(download(&app, &url).await.0, 403);
}

const EMAIL: &str = r#"
mutation($input: EmailOrderReportInput!) {
  emailOrderReport(input: $input) { messageId userErrors { field code } }
}"#;

#[tokio::test]
async fn an_emailed_report_lands_in_the_outbox_with_its_file_once_per_key() {
    let app = app().await;
    app.sandbox.clear_outbox();
    let input = json!({ "report": "standard:DELAYED", "format": "XLSX",
        "recipients": ["buyer@globex.example", "cfo@globex.example"], "message": "Late ones" });
    let send = || {
        app.http
            .post(format!("{}/graphql", app.address))
            .bearer_auth(app.token(GLOBEX_USER))
            .header("Idempotency-Key", "report-mail-1")
            .json(&json!({ "query": EMAIL, "variables": { "input": input } }))
            .send()
    };
    let first: Value = send().await.expect("sent").json().await.expect("json");
    let second: Value = send().await.expect("sent").json().await.expect("json");
    let id = &first["data"]["emailOrderReport"]["messageId"];
    assert!(id.is_string(), "{first}");
    assert_eq!(&second["data"]["emailOrderReport"]["messageId"], id);
    // The same key with other input is refused before anything is built or sent.
    let other = json!({ "report": "standard:DELAYED", "format": "XLSX",
        "recipients": ["someone-else@globex.example"], "message": "Late ones" });
    let reused: Value = app
        .http
        .post(format!("{}/graphql", app.address))
        .bearer_auth(app.token(GLOBEX_USER))
        .header("Idempotency-Key", "report-mail-1")
        .json(&json!({ "query": EMAIL, "variables": { "input": other } }))
        .send()
        .await
        .expect("sent")
        .json()
        .await
        .expect("json");
    assert_eq!(
        reused["errors"][0]["extensions"]["code"], "BAD_USER_INPUT",
        "{reused}"
    );
    let outbox = app.sandbox.outbox();
    assert_eq!(outbox.len(), 1, "one message for one key");
    let message = &outbox[0].message;
    assert_eq!(message.to.len(), 2);
    let attachment = &message.attachments[0];
    assert_eq!(attachment.filename, "orders.xlsx");
    let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(attachment.bytes.clone())).expect("an XLSX");
    let sheet = workbook
        .worksheet_range_at(0)
        .expect("a sheet")
        .expect("readable");
    let delayed = app
        .graphql_as(
            GLOBEX_USER,
            ORDERS,
            json!({ "filter": { "delayed": true } }),
        )
        .await;
    let total = delayed.assert_ok()["orders"]["totalCount"]
        .as_u64()
        .expect("a count");
    assert_eq!(
        sheet.rows().count() as u64,
        total + 1,
        "a header and every delayed order"
    );

    for (recipients, code) in [
        (
            (0..11)
                .map(|i| format!("r{i}@globex.example"))
                .collect::<Vec<_>>(),
            "TOO_MANY_RECIPIENTS",
        ),
        (vec!["not an address".to_owned()], "INVALID_EMAIL"),
    ] {
        let input = json!({ "report": "standard:OPEN", "format": "CSV", "recipients": recipients });
        let answer = app
            .graphql_as(GLOBEX_USER, EMAIL, json!({ "input": input }))
            .await;
        assert_eq!(
            answer.assert_ok()["emailOrderReport"]["userErrors"][0]["code"],
            code
        );
    }
    assert_eq!(
        app.sandbox.outbox().len(),
        1,
        "nothing sent for refused input"
    );
}

#[tokio::test]
async fn an_export_names_each_column_once() {
    let app = app().await;
    let twice = json!({ "columns": ["ORDER_NUMBER", "TOTAL", "ORDER_NUMBER"] });
    let answer = app
        .graphql_as(
            GLOBEX_USER,
            EXPORT,
            json!({ "search": twice, "format": "CSV" }),
        )
        .await;
    assert_eq!(answer.error_codes(), ["BAD_USER_INPUT"], "{}", answer.body);
    let none = json!({ "columns": [] });
    let answer = app
        .graphql_as(
            GLOBEX_USER,
            EXPORT,
            json!({ "search": none, "format": "CSV" }),
        )
        .await;
    assert_eq!(answer.error_codes(), ["BAD_USER_INPUT"], "{}", answer.body);
}

/// Browsers ask for compressed responses: every export format must arrive whole, gzip'd or not
/// (a compressed stream once ended early when its body was polled past its end).
#[tokio::test]
async fn exports_arrive_whole_when_the_client_asks_for_compression() {
    use std::io::Read;
    let app = app().await;
    for format in ["CSV", "XLSX", "HTML"] {
        let url = link(
            &app,
            GLOBEX_USER,
            json!({ "report": "standard:OPEN", "format": format }),
        )
        .await;
        let (status, plain) = download(&app, &url).await;
        assert_eq!(status, 200, "{format}");
        let response = app
            .http
            .get(&url)
            .header("Accept-Encoding", "gzip")
            .send()
            .await
            .expect("the gateway answers");
        assert_eq!(response.status(), 200, "{format}");
        assert_eq!(
            response
                .headers()
                .get("content-encoding")
                .and_then(|v| v.to_str().ok()),
            Some("gzip"),
            "{format} is compressed"
        );
        let compressed = response
            .bytes()
            .await
            .expect("the whole compressed body arrives");
        let mut unpacked = Vec::new();
        flate2::read::GzDecoder::new(&compressed[..])
            .read_to_end(&mut unpacked)
            .expect("a complete gzip stream");
        if format == "XLSX" {
            // The workbook's bytes differ by its creation time; both are whole workbooks.
            assert!(
                unpacked.starts_with(b"PK") && unpacked.len() > 1000,
                "{format}"
            );
        } else {
            assert_eq!(unpacked, plain, "{format}: the same file, compressed");
        }
    }
}
