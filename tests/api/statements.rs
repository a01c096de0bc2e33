//! Statements OnLine: every statement a demo user can reach adds up — its totals, every running
//! balance and its closing balance recomputed here from the lines and the opening balance, over
//! several months, in USD, EUR and JPY; a statement's lines come back exactly once whatever the
//! filter, sort and page size; each line links to its invoice or credit note, a page's documents
//! fetched together; and another company's or an unauthorised customer number is refused.

use std::collections::BTreeMap;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde_json::{Value, json};
use supportgraph_adapters::model::Tool;
use supportgraph_adapters::sandbox::FaultSpec;

use crate::helpers::{
    GLOBEX_USER, IBERIA_USER, NORTHWIND_USER, TestApp, authorized_customers, spawn_app_with,
};

/// The multinational's Japanese customer number, billed in yen.
const JPY_CUSTOMER: &str = "8100501";

/// The months every statement test reads.
const MONTHS: [&str; 6] = [
    "2026-06", "2026-07", "2026-08", "2026-09", "2026-10", "2026-11",
];

const STATEMENTS: &str = r#"
query($c: String, $p: String!) {
  statements(customerNumber: $c, period: $p) {
    id customerNumber country currency period periodStart periodEnd lineCount
    openingBalance { amount currency } closingBalance { amount currency }
    totals { invoices { amount currency } creditNotes { amount currency } payments { amount currency } }
  }
}"#;

const LINES: &str = r#"
query($f: StatementLineFilter!, $s: StatementLineSortInput, $first: Int, $after: String) {
  statementLines(filter: $f, sort: $s, first: $first, after: $after) {
    totalCount
    openingBalance { amount currency } closingBalance { amount currency }
    totals { invoices { amount } creditNotes { amount } payments { amount } }
    pageInfo { hasNextPage endCursor }
    edges { cursor node { kind date reference appliesTo dueDate amount { amount currency } balance { amount currency } } }
  }
}"#;

const REQUEST: &str = r#"
mutation($c: String!) {
  requestToolAuthorization(input: { tool: STATEMENTS, customerNumber: $c, justification: "Reconciling our accounts" }) {
    authorization { status } userErrors { code }
  }
}"#;

/// A gateway that reads authorisations fresh, with room for the many pages these tests read.
pub(crate) async fn app() -> TestApp {
    spawn_app_with(|s| {
        s.cache.profile_ttl_seconds = 0;
        s.limits.rate_burst = 1_000_000;
    })
    .await
}

pub(crate) fn decimal(value: &Value) -> Decimal {
    let text = value
        .as_str()
        .unwrap_or_else(|| panic!("a decimal string: {value}"));
    Decimal::from_str(text).unwrap_or_else(|e| panic!("{text}: {e}"))
}

/// Gives `user` Statements on `customer`: asked for, then approved by the administrator.
pub(crate) async fn authorise_statements(app: &TestApp, user: &str, customer: &str) {
    let asked = app
        .graphql_as(user, REQUEST, json!({ "c": customer }))
        .await;
    assert_eq!(
        asked.assert_ok()["requestToolAuthorization"]["userErrors"],
        json!([]),
        "{}",
        asked.body
    );
    app.decide(user, "STATEMENTS", customer, "APPROVE").await;
}

/// Every line `filter` finds, page by page in `sort`, with the first page's connection.
pub(crate) async fn all_lines(
    app: &TestApp,
    user: &str,
    filter: &Value,
    sort: &Value,
    first: u32,
) -> (Vec<Value>, Value) {
    let mut lines = Vec::new();
    let mut after = Value::Null;
    let mut first_page = Value::Null;
    for _ in 0..500 {
        let answer = app
            .graphql_as(
                user,
                LINES,
                json!({ "f": filter, "s": sort, "first": first, "after": after }),
            )
            .await;
        let connection = answer.assert_ok()["statementLines"].clone();
        let edges = connection["edges"].as_array().expect("edges").clone();
        assert!(edges.len() <= first as usize);
        lines.extend(edges.iter().map(|e| e["node"].clone()));
        if first_page.is_null() {
            first_page = connection.clone();
        }
        if connection["pageInfo"]["hasNextPage"] != json!(true) {
            return (lines, first_page);
        }
        after = connection["pageInfo"]["endCursor"].clone();
    }
    panic!("the listing did not end");
}

fn filter(customer: &str, period: &str) -> Value {
    json!({ "customerNumber": customer, "period": period })
}

/// Checks one statement against its lines, recomputing every sum; the number of lines.
async fn check_statement(app: &TestApp, user: &str, statement: &Value) -> usize {
    let customer = statement["customerNumber"].as_str().expect("a customer");
    let period = statement["period"].as_str().expect("a period");
    let currency = statement["currency"].as_str().expect("a currency");
    let at = format!("{customer} {period}");
    let (lines, connection) =
        all_lines(app, user, &filter(customer, period), &Value::Null, 7).await;
    assert_eq!(
        statement["lineCount"].as_u64(),
        Some(lines.len() as u64),
        "{at}"
    );
    assert_eq!(
        connection["totalCount"].as_u64(),
        Some(lines.len() as u64),
        "{at}"
    );
    assert_eq!(
        connection["openingBalance"], statement["openingBalance"],
        "{at}"
    );
    assert_eq!(
        connection["closingBalance"], statement["closingBalance"],
        "{at}"
    );
    let mut balance = decimal(&statement["openingBalance"]["amount"]);
    let mut totals: BTreeMap<&str, Decimal> = BTreeMap::new();
    for line in &lines {
        let amount = decimal(&line["amount"]["amount"]);
        assert_eq!(line["amount"]["currency"], currency, "{at}");
        let kind = line["kind"].as_str().expect("a kind");
        match kind {
            "INVOICE" => assert!(amount >= Decimal::ZERO, "{at}: {line}"),
            _ => assert!(amount <= Decimal::ZERO, "{at}: {line}"),
        }
        *totals.entry(kind).or_default() += amount.abs();
        balance += amount;
        assert_eq!(decimal(&line["balance"]["amount"]), balance, "{at}: {line}");
        let date = line["date"].as_str().expect("a date");
        assert!(date.starts_with(period), "{at}: {line}");
        if currency == "JPY" {
            assert!(
                !line["amount"]["amount"]
                    .as_str()
                    .unwrap_or(".")
                    .contains('.'),
                "{line}"
            );
        }
    }
    assert_eq!(
        decimal(&statement["closingBalance"]["amount"]),
        balance,
        "{at}"
    );
    if let Some(last) = lines.last() {
        assert_eq!(
            last["balance"]["amount"], statement["closingBalance"]["amount"],
            "{at}"
        );
    }
    for (kind, field) in [
        ("INVOICE", "invoices"),
        ("CREDIT_NOTE", "creditNotes"),
        ("PAYMENT", "payments"),
    ] {
        let expected = totals.get(kind).copied().unwrap_or_default();
        assert_eq!(
            decimal(&statement["totals"][field]["amount"]),
            expected,
            "{at} {field}"
        );
        assert_eq!(statement["totals"][field]["currency"], currency, "{at}");
        assert_eq!(
            decimal(&connection["totals"][field]["amount"]),
            expected,
            "{at} {field}"
        );
    }
    lines.len()
}

#[tokio::test]
async fn every_reachable_statement_adds_up_exactly_from_its_opening_balance_and_lines() {
    let app = app().await;
    authorise_statements(&app, GLOBEX_USER, JPY_CUSTOMER).await;
    let mut users: Vec<(&str, Vec<&str>)> = [NORTHWIND_USER, IBERIA_USER]
        .into_iter()
        .map(|u| (u, authorized_customers(u, Tool::Statements)))
        .collect();
    let mut globex = authorized_customers(GLOBEX_USER, Tool::Statements);
    globex.push(JPY_CUSTOMER);
    users.push((GLOBEX_USER, globex));
    let mut lines_by_currency: BTreeMap<String, usize> = BTreeMap::new();
    for (user, customers) in &users {
        for period in MONTHS {
            let answer = app
                .graphql_as(user, STATEMENTS, json!({ "p": period }))
                .await;
            let statements = answer.assert_ok()["statements"]
                .as_array()
                .expect("a list")
                .clone();
            let mut seen: Vec<&str> = statements
                .iter()
                .map(|s| s["customerNumber"].as_str().expect("a customer"))
                .collect();
            seen.sort_unstable();
            let mut expected = customers.clone();
            expected.sort_unstable();
            assert_eq!(seen, expected, "{user} {period}");
            for statement in &statements {
                assert_eq!(statement["period"], period);
                assert_eq!(statement["periodStart"], format!("{period}-01"));
                let count = check_statement(&app, user, statement).await;
                *lines_by_currency
                    .entry(statement["currency"].as_str().unwrap_or("?").to_owned())
                    .or_default() += count;
            }
        }
    }
    for currency in ["USD", "EUR", "JPY"] {
        assert!(
            lines_by_currency.get(currency).copied().unwrap_or(0) > 0,
            "{currency} statements have lines: {lines_by_currency:?}"
        );
    }
}

/// The month of `customer`'s statement with the most lines, and its lines in statement order.
async fn busiest_month(app: &TestApp, user: &str, customer: &str) -> (String, Vec<Value>) {
    let mut best = (String::new(), Vec::new());
    for period in MONTHS {
        let (lines, _) = all_lines(app, user, &filter(customer, period), &Value::Null, 100).await;
        if lines.len() > best.1.len() {
            best = (period.to_owned(), lines);
        }
    }
    assert!(best.1.len() >= 4, "a month with a few lines: {best:?}");
    best
}

fn references(lines: &[Value]) -> Vec<String> {
    lines
        .iter()
        .map(|l| l["reference"].as_str().expect("a reference").to_owned())
        .collect()
}

#[tokio::test]
async fn every_sort_and_page_size_lists_each_line_exactly_once_in_order() {
    let app = app().await;
    let (period, lines) = busiest_month(&app, NORTHWIND_USER, "1000201").await;
    let position: BTreeMap<String, usize> = references(&lines)
        .into_iter()
        .enumerate()
        .map(|(at, r)| (r, at))
        .collect();
    let kind_rank = |k: &str| match k {
        "INVOICE" => 0,
        "CREDIT_NOTE" => 1,
        _ => 2,
    };
    for field in ["DATE", "AMOUNT", "KIND"] {
        for direction in ["ASCENDING", "DESCENDING"] {
            for first in [1, 3, 100] {
                let sort = json!({ "field": field, "direction": direction });
                let (listed, _) = all_lines(
                    &app,
                    NORTHWIND_USER,
                    &filter("1000201", &period),
                    &sort,
                    first,
                )
                .await;
                let mut once = references(&listed);
                once.sort();
                let mut all = references(&lines);
                all.sort();
                assert_eq!(once, all, "{field} {direction} {first}: every line once");
                // In order: by the field, ties in the statement's own order (reversed when
                // descending).
                let key = |l: &Value| {
                    let value = match field {
                        "DATE" => Decimal::ZERO,
                        "AMOUNT" => decimal(&l["amount"]["amount"]),
                        _ => Decimal::from(kind_rank(l["kind"].as_str().unwrap_or(""))),
                    };
                    (value, position[l["reference"].as_str().unwrap_or("")])
                };
                for pair in listed.windows(2) {
                    let (a, b) = (key(&pair[0]), key(&pair[1]));
                    match direction {
                        "ASCENDING" => assert!(a < b, "{field} {direction}: {a:?} {b:?}"),
                        _ => assert!(a > b, "{field} {direction}: {a:?} {b:?}"),
                    }
                }
            }
        }
    }
}

/// Which lines a filter keeps, computed here.
type Keeps = Box<dyn Fn(&Value) -> bool>;

#[tokio::test]
async fn filters_keep_exactly_the_lines_they_describe() {
    let app = app().await;
    let (period, lines) = busiest_month(&app, NORTHWIND_USER, "1000201").await;
    let amounts: Vec<Decimal> = lines
        .iter()
        .map(|l| decimal(&l["amount"]["amount"]).abs())
        .collect();
    let mut sorted = amounts.clone();
    sorted.sort();
    let (low, high) = (sorted[1], sorted[sorted.len() - 2]);
    let dates: Vec<String> = lines
        .iter()
        .map(|l| l["date"].as_str().unwrap_or("").to_owned())
        .collect();
    let (from, to) = (dates[1].clone(), dates[dates.len() - 2].clone());
    let reference = lines[0]["reference"].as_str().expect("a reference");
    let fragment = reference[2..reference.len() - 1].to_lowercase();
    let cases: Vec<(Value, Keeps)> = vec![
        (
            json!({ "kinds": ["INVOICE"] }),
            Box::new(|l: &Value| l["kind"] == "INVOICE"),
        ),
        (
            json!({ "kinds": ["CREDIT_NOTE", "PAYMENT"] }),
            Box::new(|l: &Value| l["kind"] != "INVOICE"),
        ),
        (
            json!({ "reference": fragment }),
            Box::new(move |l: &Value| {
                l["reference"]
                    .as_str()
                    .unwrap_or("")
                    .to_lowercase()
                    .contains(&fragment)
            }),
        ),
        (
            json!({ "amountMin": low.to_string(), "amountMax": high.to_string() }),
            Box::new(move |l: &Value| {
                let a = decimal(&l["amount"]["amount"]).abs();
                a >= low && a <= high
            }),
        ),
        (
            json!({ "dateFrom": from, "dateTo": to }),
            Box::new(move |l: &Value| {
                let d = l["date"].as_str().unwrap_or("");
                d >= from.as_str() && d <= to.as_str()
            }),
        ),
    ];
    for (conditions, keeps) in cases {
        let mut f = filter("1000201", &period);
        for (k, v) in conditions.as_object().expect("an object") {
            f[k] = v.clone();
        }
        let (listed, connection) = all_lines(&app, NORTHWIND_USER, &f, &Value::Null, 2).await;
        let expected: Vec<Value> = lines.iter().filter(|l| keeps(l)).cloned().collect();
        assert_eq!(references(&listed), references(&expected), "{conditions}");
        assert_eq!(
            connection["totalCount"].as_u64(),
            Some(expected.len() as u64),
            "{conditions}"
        );
        // The statement's own figures, whatever the filter.
        assert_eq!(
            connection["closingBalance"],
            lines.last().expect("a line")["balance"]
        );
    }
}

#[tokio::test]
async fn bad_periods_filters_and_foreign_cursors_are_bad_user_input() {
    let app = app().await;
    let (period, _) = busiest_month(&app, NORTHWIND_USER, "1000201").await;
    for bad in ["2026-13", "2026-1", "october", "2099-01"] {
        let answer = app
            .graphql_as(NORTHWIND_USER, STATEMENTS, json!({ "p": bad }))
            .await;
        assert_eq!(answer.error_codes(), ["BAD_USER_INPUT"], "{bad}");
    }
    let by_date = app
        .graphql_as(
            NORTHWIND_USER,
            LINES,
            json!({ "f": filter("1000201", &period), "first": 1 }),
        )
        .await;
    let cursor = by_date.assert_ok()["statementLines"]["pageInfo"]["endCursor"].clone();
    let attempts = [
        json!({ "f": filter("1000201", &period), "s": { "field": "AMOUNT" }, "after": cursor }),
        json!({ "f": filter("1000202", &period), "after": cursor }),
        json!({ "f": filter("1000201", "2026-01"), "after": cursor }),
        json!({ "f": filter("1000201", &period), "after": "bm90LWEtY3Vyc29y" }),
        json!({ "f": { "customerNumber": "1000201", "period": period, "amountMin": "ten" } }),
        json!({ "f": { "customerNumber": "1000201", "period": period, "amountMin": "5", "amountMax": "1" } }),
        json!({ "f": { "customerNumber": "1000201", "period": period, "dateFrom": "2026-10-09", "dateTo": "2026-10-01" } }),
        json!({ "f": { "customerNumber": "not-a-number", "period": period } }),
    ];
    for variables in attempts {
        let answer = app
            .graphql_as(NORTHWIND_USER, LINES, variables.clone())
            .await;
        assert_eq!(answer.error_codes(), ["BAD_USER_INPUT"], "{variables}");
        assert_eq!(answer.body["data"]["statementLines"], Value::Null);
    }
}

const DOCUMENTS: &str = r#"
query($f: StatementLineFilter!) {
  statementLines(filter: $f, first: 100) {
    edges { node { kind reference amount { amount currency }
      document {
        __typename
        ... on Invoice { invoiceNumber customerNumber total { amount currency } }
        ... on CreditNote { creditNoteNumber customerNumber invoiceNumber amount { amount currency } }
      } } }
  }
}"#;

fn billing_calls(app: &TestApp) -> u64 {
    app.sandbox
        .stats()
        .instances
        .iter()
        .filter(|(name, _)| name.starts_with("billing/"))
        .map(|(_, s)| s.calls)
        .sum()
}

#[tokio::test]
async fn each_line_links_to_its_document_fetched_with_the_rest_of_the_page() {
    let app = app().await;
    // A month with a credit note, so both kinds of document are on the page.
    let mut chosen = None;
    for period in MONTHS {
        let (lines, _) = all_lines(
            &app,
            NORTHWIND_USER,
            &filter("1000201", period),
            &Value::Null,
            100,
        )
        .await;
        if lines.iter().any(|l| l["kind"] == "CREDIT_NOTE")
            && lines.iter().any(|l| l["kind"] == "INVOICE")
        {
            chosen = Some(period);
            break;
        }
    }
    let period = chosen.expect("a month with an invoice and a credit note");
    let before = billing_calls(&app);
    let answer = app
        .graphql_as(
            NORTHWIND_USER,
            DOCUMENTS,
            json!({ "f": filter("1000201", period) }),
        )
        .await;
    let data = answer.assert_ok();
    assert_eq!(
        billing_calls(&app) - before,
        2,
        "the statement is cached; one call for the page's invoices, one for its credit notes"
    );
    for edge in data["statementLines"]["edges"].as_array().expect("edges") {
        let line = &edge["node"];
        let document = &line["document"];
        match line["kind"].as_str() {
            Some("INVOICE") => {
                assert_eq!(document["__typename"], "Invoice", "{line}");
                assert_eq!(document["invoiceNumber"], line["reference"]);
                assert_eq!(document["customerNumber"], "1000201");
                assert_eq!(document["total"], line["amount"], "{line}");
            }
            Some("CREDIT_NOTE") => {
                assert_eq!(document["__typename"], "CreditNote", "{line}");
                assert_eq!(document["creditNoteNumber"], line["reference"]);
                assert_eq!(
                    decimal(&document["amount"]["amount"]),
                    -decimal(&line["amount"]["amount"])
                );
            }
            _ => assert_eq!(*document, Value::Null, "a payment has no document"),
        }
    }
}

#[tokio::test]
async fn another_companys_or_an_unauthorised_customer_number_is_forbidden() {
    let app = app().await;
    let cases = [
        // Iberia's customer number.
        (GLOBEX_USER, "4400301"),
        // Globex's own, authorised for Invoices but not for Statements.
        (GLOBEX_USER, "4400201"),
        // A number nobody has.
        (GLOBEX_USER, "7777777"),
    ];
    for (user, customer) in cases {
        let listed = app
            .graphql_as(user, STATEMENTS, json!({ "c": customer, "p": "2026-10" }))
            .await;
        assert_eq!(listed.error_codes(), ["FORBIDDEN"], "{customer}");
        assert_eq!(listed.body["data"]["statements"], Value::Null);
        let lines = app
            .graphql_as(user, LINES, json!({ "f": filter(customer, "2026-10") }))
            .await;
        assert_eq!(lines.error_codes(), ["FORBIDDEN"], "{customer}");
        assert_eq!(lines.body["data"]["statementLines"], Value::Null);
    }
}

#[tokio::test]
async fn a_region_down_leaves_its_statements_out_with_an_error_on_the_field() {
    let app = app().await;
    authorise_statements(&app, GLOBEX_USER, JPY_CUSTOMER).await;
    app.sandbox
        .set_fault(
            "billing/ap",
            FaultSpec {
                error_rate: 1.0,
                ..FaultSpec::default()
            },
        )
        .expect("a known instance");
    let answer = app
        .graphql_as(GLOBEX_USER, STATEMENTS, json!({ "p": "2026-10" }))
        .await;
    assert_eq!(
        answer.error_codes(),
        ["BACKEND_UNAVAILABLE"],
        "{}",
        answer.body
    );
    assert_eq!(answer.body["errors"][0]["path"], json!(["statements"]));
    let statements = answer.body["data"]["statements"]
        .as_array()
        .expect("the rest");
    let customers: Vec<&str> = statements
        .iter()
        .filter_map(|s| s["customerNumber"].as_str())
        .collect();
    assert_eq!(customers, ["1000101"]);
}
