//! Billing downloads: a statement's lines as XLSX and CSV equal `statementLines` (the last
//! balance the closing balance), an invoice search as CSV equals `invoices` page after page,
//! links work without a token within their life and never after it, altered, or once their user
//! lost the authorisation, and the link fields refuse what the download would.

use std::io::Cursor;
use std::str::FromStr;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use calamine::{Data, DataType, Reader, Xlsx};
use chrono::{Duration, Utc};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use serde_json::{Value, json};
use supportgraph::links::{LinkKey, LinkSigner};
use supportgraph::settings::SecretString;

use crate::helpers::{GLOBEX_USER, IBERIA_USER, NORTHWIND_USER, TestApp, spawn_app_with};
use crate::statements::{all_lines, decimal};

/// A signing key the tests know, so they can forge and age links.
const KEY: &str = "c3VwcG9ydGdyYXBoLXRlc3Qtc2lnbmluZy1rZXktMzItYnl0ZXMh";

async fn app() -> TestApp {
    spawn_app_with(|s| {
        s.links.signing_key = Some(SecretString::new(KEY));
        s.cache.profile_ttl_seconds = 0;
        s.limits.rate_burst = 1_000_000;
    })
    .await
}

const STATEMENT_EXPORT: &str = r#"
query($c: String!, $p: String!, $f: BillingExportFormat!) {
  statementExport(customerNumber: $c, period: $p, format: $f) { url expiresAt }
}"#;

const INVOICE_EXPORT: &str = r#"
query($filter: InvoiceFilter, $sort: InvoiceSortInput, $f: BillingExportFormat!) {
  invoiceExport(filter: $filter, sort: $sort, format: $f) { url expiresAt }
}"#;

const INVOICES: &str = r#"
query($filter: InvoiceFilter, $sort: InvoiceSortInput, $after: String) {
  invoices(filter: $filter, sort: $sort, first: 100, after: $after) {
    pageInfo { hasNextPage endCursor }
    edges { node {
      invoiceNumber customerNumber country invoiceDate dueDate status purchaseOrderNumber
      orderNumber subtotal { amount } taxTotal { amount } total { amount currency }
    } }
  }
}"#;

/// The statement month the tests download: October, a full month of the demo data.
const PERIOD: &str = "2026-10";

async fn link(app: &TestApp, user: &str, query: &str, variables: Value) -> String {
    let answer = app.graphql_as(user, query, variables).await;
    let data = answer.assert_ok();
    let field = data
        .as_object()
        .and_then(|d| d.values().next())
        .expect("a field");
    assert!(field["expiresAt"].as_str().is_some());
    field["url"].as_str().expect("a url").to_owned()
}

async fn download(app: &TestApp, url: &str) -> (u16, Vec<u8>) {
    let response = app.http.get(url).send().await.expect("the gateway answers");
    let status = response.status().as_u16();
    (status, response.bytes().await.expect("a body").to_vec())
}

fn text(cell: &Data) -> String {
    match cell {
        Data::String(s) => s.clone(),
        Data::Empty => String::new(),
        other => panic!("text expected: {other:?}"),
    }
}

fn number(cell: &Data) -> f64 {
    match cell {
        Data::Float(f) => *f,
        Data::Int(i) => *i as f64,
        other => panic!("a number expected: {other:?}"),
    }
}

fn as_f64(amount: &Value) -> f64 {
    decimal(amount).to_f64().expect("a representable amount")
}

fn date(cell: &Data) -> String {
    cell.as_date()
        .map(|d| d.format("%Y-%m-%d").to_string())
        .unwrap_or_else(|| panic!("a date expected: {cell:?}"))
}

fn opt(value: &Value) -> String {
    value.as_str().unwrap_or_default().to_owned()
}

#[tokio::test]
async fn a_statement_downloads_as_xlsx_and_csv_equal_to_its_lines() {
    let app = app().await;
    let filter = json!({ "customerNumber": "1000201", "period": PERIOD });
    let (lines, connection) = all_lines(&app, NORTHWIND_USER, &filter, &Value::Null, 100).await;
    assert!(!lines.is_empty());
    let closing = &connection["closingBalance"]["amount"];

    let vars = |format: &str| json!({ "c": "1000201", "p": PERIOD, "f": format });
    let url = link(&app, NORTHWIND_USER, STATEMENT_EXPORT, vars("XLSX")).await;
    let (status, body) = download(&app, &url).await;
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(body)).expect("an XLSX");
    let sheet = workbook
        .worksheet_range_at(0)
        .expect("a sheet")
        .expect("readable");
    let rows: Vec<&[Data]> = sheet.rows().collect();
    let headers: Vec<String> = rows[0].iter().map(text).collect();
    assert_eq!(
        headers,
        [
            "Date",
            "Kind",
            "Reference",
            "Applies to",
            "Due date",
            "Amount",
            "Balance",
            "Currency"
        ]
    );
    assert_eq!(rows.len() - 1, lines.len());
    for (row, line) in rows[1..].iter().zip(&lines) {
        assert_eq!(date(&row[0]), opt(&line["date"]));
        assert_eq!(text(&row[1]), opt(&line["kind"]));
        assert_eq!(text(&row[2]), opt(&line["reference"]));
        assert_eq!(text(&row[3]), opt(&line["appliesTo"]));
        match line["dueDate"].as_str() {
            Some(due) => assert_eq!(date(&row[4]), due),
            None => assert_eq!(row[4], Data::Empty),
        }
        assert_eq!(number(&row[5]), as_f64(&line["amount"]["amount"]));
        assert_eq!(number(&row[6]), as_f64(&line["balance"]["amount"]));
        assert_eq!(text(&row[7]), opt(&line["amount"]["currency"]));
    }
    let last = rows.last().expect("a line");
    assert_eq!(
        number(&last[6]),
        as_f64(closing),
        "the last balance is the closing one"
    );

    let url = link(&app, NORTHWIND_USER, STATEMENT_EXPORT, vars("CSV")).await;
    let (status, body) = download(&app, &url).await;
    assert_eq!(status, 200);
    let mut reader = csv::Reader::from_reader(body.as_slice());
    let records: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("a record")).collect();
    assert_eq!(records.len(), lines.len());
    for (record, line) in records.iter().zip(&lines) {
        assert_eq!(&record[0], opt(&line["date"]));
        assert_eq!(&record[2], opt(&line["reference"]));
        // Exact, as the query states them.
        assert_eq!(&record[5], opt(&line["amount"]["amount"]));
        assert_eq!(&record[6], opt(&line["balance"]["amount"]));
    }
    assert_eq!(&records[records.len() - 1][6], opt(closing));
}

/// Every invoice `filter` and `sort` find, as rows of the download's columns.
async fn invoice_rows(app: &TestApp, user: &str, filter: &Value, sort: &Value) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut after = Value::Null;
    loop {
        let answer = app
            .graphql_as(
                user,
                INVOICES,
                json!({ "filter": filter, "sort": sort, "after": after }),
            )
            .await;
        let connection = &answer.assert_ok()["invoices"];
        for edge in connection["edges"].as_array().expect("edges") {
            let i = &edge["node"];
            rows.push(vec![
                opt(&i["invoiceNumber"]),
                opt(&i["customerNumber"]),
                opt(&i["country"]),
                opt(&i["invoiceDate"]),
                opt(&i["dueDate"]),
                opt(&i["status"]),
                opt(&i["purchaseOrderNumber"]),
                opt(&i["orderNumber"]),
                opt(&i["subtotal"]["amount"]),
                opt(&i["taxTotal"]["amount"]),
                opt(&i["total"]["amount"]),
                opt(&i["total"]["currency"]),
            ]);
        }
        if connection["pageInfo"]["hasNextPage"] != json!(true) {
            return rows;
        }
        after = connection["pageInfo"]["endCursor"].clone();
    }
}

fn csv_rows(body: &[u8]) -> (Vec<String>, Vec<Vec<String>>) {
    let mut reader = csv::Reader::from_reader(body);
    let headers = reader
        .headers()
        .expect("headers")
        .iter()
        .map(str::to_owned)
        .collect();
    let rows = reader
        .records()
        .map(|r| r.expect("a record").iter().map(str::to_owned).collect())
        .collect();
    (headers, rows)
}

#[tokio::test]
async fn an_invoice_search_downloads_as_csv_equal_to_the_invoices_query() {
    let app = app().await;
    let searches = [
        (Value::Null, Value::Null),
        (
            json!({ "statuses": ["PAID", "APPROVED"] }),
            json!({ "field": "TOTAL", "direction": "ASCENDING" }),
        ),
        (
            json!({ "customerNumbers": ["4400201"] }),
            json!({ "field": "DUE_DATE" }),
        ),
    ];
    for (filter, sort) in searches {
        let expected = invoice_rows(&app, GLOBEX_USER, &filter, &sort).await;
        assert!(!expected.is_empty(), "{filter}");
        let url = link(
            &app,
            GLOBEX_USER,
            INVOICE_EXPORT,
            json!({ "filter": filter, "sort": sort, "f": "CSV" }),
        )
        .await;
        let (status, body) = download(&app, &url).await;
        assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
        let (headers, rows) = csv_rows(&body);
        assert_eq!(
            headers,
            [
                "Invoice number",
                "Customer number",
                "Country",
                "Invoice date",
                "Due date",
                "Status",
                "PO number",
                "Order number",
                "Subtotal",
                "Tax",
                "Total",
                "Currency"
            ]
        );
        assert_eq!(rows, expected, "{filter} {sort}");
    }
    // Amounts are exact decimals in both.
    let any = invoice_rows(&app, GLOBEX_USER, &Value::Null, &Value::Null).await;
    assert!(any.iter().all(|r| Decimal::from_str(&r[10]).is_ok()));
}

#[tokio::test]
async fn a_bearer_token_downloads_a_hand_written_search() {
    let app = app().await;
    let search = URL_SAFE_NO_PAD.encode(json!({ "filter": { "statuses": ["PAID"] } }).to_string());
    let url = format!("{}/exports/invoices.xlsx?search={search}", app.address);
    let response = app
        .http
        .get(&url)
        .bearer_auth(app.token(GLOBEX_USER))
        .send()
        .await
        .expect("the gateway answers");
    assert_eq!(response.status(), 200);
    let body = response.bytes().await.expect("a body").to_vec();
    let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(body)).expect("an XLSX");
    let sheet = workbook
        .worksheet_range_at(0)
        .expect("a sheet")
        .expect("readable");
    let expected = invoice_rows(
        &app,
        GLOBEX_USER,
        &json!({ "statuses": ["PAID"] }),
        &Value::Null,
    )
    .await;
    let listed: Vec<String> = sheet.rows().skip(1).map(|r| text(&r[0])).collect();
    let numbers: Vec<String> = expected.iter().map(|r| r[0].clone()).collect();
    assert_eq!(listed, numbers);
    // A search that is not one: refused before anything is asked.
    let garbage = format!("{}/exports/invoices.csv?search=bm90LWpzb24", app.address);
    let response = app
        .http
        .get(&garbage)
        .bearer_auth(app.token(GLOBEX_USER))
        .send()
        .await
        .expect("the gateway answers");
    assert_eq!(response.status(), 400);
}

#[tokio::test]
async fn links_work_without_a_token_and_never_when_altered_expired_or_after_a_revocation() {
    let app = app().await;
    let statement_url = link(
        &app,
        NORTHWIND_USER,
        STATEMENT_EXPORT,
        json!({ "c": "1000201", "p": PERIOD, "f": "CSV" }),
    )
    .await;
    let invoices_url = link(&app, NORTHWIND_USER, INVOICE_EXPORT, json!({ "f": "XLSX" })).await;
    assert_eq!(download(&app, &statement_url).await.0, 200);
    assert_eq!(download(&app, &invoices_url).await.0, 200);

    // Altered: another customer number, another month, another user, a later expiry.
    for (from, to) in [
        ("customer=1000201", "customer=1000202"),
        ("period=2026-10", "period=2026-09"),
        ("user=northwind-jordan", "user=globex-avery"),
        ("expires=", "expires=1"),
    ] {
        let altered = statement_url.replacen(from, to, 1);
        assert_ne!(altered, statement_url, "{from}");
        assert_eq!(download(&app, &altered).await.0, 403, "{from}");
    }
    // Past its life.
    let signer = LinkSigner::new(
        &LinkKey::decode(KEY).expect("the key"),
        std::time::Duration::from_secs(300),
        None,
    );
    let old = signer
        .sign(
            "/exports/statement-lines.csv",
            &[("customer", "1000201"), ("period", PERIOD)],
            NORTHWIND_USER,
            Utc::now() - Duration::hours(1),
        )
        .expect("signed");
    assert_eq!(
        download(&app, &format!("{}{}", app.address, old.path_and_query))
            .await
            .0,
        403
    );
    // Neither a token nor a link.
    let bare = format!(
        "{}/exports/statement-lines.csv?customer=1000201&period={PERIOD}",
        app.address
    );
    assert_eq!(download(&app, &bare).await.0, 401);

    // The user loses Statements on the customer number: the statement link stops working.
    app.decide(NORTHWIND_USER, "STATEMENTS", "1000201", "REVOKE")
        .await;
    assert_eq!(download(&app, &statement_url).await.0, 403);
    // And Invoices on every customer number: the invoice link too.
    for customer in ["1000201", "1000202"] {
        app.decide(NORTHWIND_USER, "INVOICES", customer, "REVOKE")
            .await;
    }
    assert_eq!(download(&app, &invoices_url).await.0, 403);
}

#[tokio::test]
async fn the_link_fields_refuse_at_once_what_the_download_would_refuse() {
    let app = app().await;
    let cases = [
        (
            GLOBEX_USER,
            INVOICE_EXPORT,
            json!({ "filter": { "totalMin": "ten" }, "f": "CSV" }),
            "BAD_USER_INPUT",
        ),
        (
            GLOBEX_USER,
            INVOICE_EXPORT,
            json!({ "filter": { "reconciliation": "UNMATCHED" }, "f": "CSV" }),
            "BAD_USER_INPUT",
        ),
        (
            GLOBEX_USER,
            INVOICE_EXPORT,
            json!({ "filter": { "customerNumbers": ["4400301"] }, "f": "CSV" }),
            "FORBIDDEN",
        ),
        (
            GLOBEX_USER,
            INVOICE_EXPORT,
            json!({ "filter": { "customerNumbers": ["1000102"] }, "f": "XLSX" }),
            "FORBIDDEN",
        ),
        (
            GLOBEX_USER,
            STATEMENT_EXPORT,
            json!({ "c": "4400301", "p": PERIOD, "f": "CSV" }),
            "FORBIDDEN",
        ),
        (
            GLOBEX_USER,
            STATEMENT_EXPORT,
            json!({ "c": "4400201", "p": PERIOD, "f": "CSV" }),
            "FORBIDDEN",
        ),
        (
            IBERIA_USER,
            STATEMENT_EXPORT,
            json!({ "c": "4400301", "p": "2099-01", "f": "CSV" }),
            "BAD_USER_INPUT",
        ),
        (
            IBERIA_USER,
            STATEMENT_EXPORT,
            json!({ "c": "4400301", "p": "10/2026", "f": "XLSX" }),
            "BAD_USER_INPUT",
        ),
    ];
    for (user, query, variables, code) in cases {
        let answer = app.graphql_as(user, query, variables.clone()).await;
        assert_eq!(answer.error_codes(), [code], "{variables}: {}", answer.body);
    }
}
