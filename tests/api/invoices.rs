//! Invoices On-Line through the gateway: search and paging against the billing systems' own data
//! (computed here from the sandbox's ledger, not by the code under test), every review step
//! allowed or refused as the billing rules say, reconciliation with the installed inventory in one
//! inventory call per system per page, PDF links, and forwarding a copy by e-mail.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Duration, Utc};
use serde_json::{Value, json};
use supportgraph::links::{LinkKey, LinkSigner};
use supportgraph::settings::SecretString;
use supportgraph_adapters::billing::sandbox::generate as ledger;
use supportgraph_adapters::model::{Invoice, InvoiceStatus, Region};

use crate::helpers::{GLOBEX_USER, IBERIA_USER, TestApp, spawn_app_with};

/// A signing key the tests know, so they can age links.
const KEY: &str = "c3VwcG9ydGdyYXBoLXRlc3Qtc2lnbmluZy1rZXktMzItYnl0ZXMh";

/// Avery's customer numbers authorised for Invoices in the demo data.
const AVERY_INVOICES: [&str; 2] = ["1000101", "4400201"];

async fn app() -> TestApp {
    spawn_app_with(|s| {
        s.links.signing_key = Some(SecretString::new(KEY));
        s.cache.profile_ttl_seconds = 0;
    })
    .await
}

/// Every invoice of `customers`, from the billing sandbox's own data.
fn invoices_of(app: &TestApp, customers: &[&str]) -> Vec<Invoice> {
    Region::ALL
        .into_iter()
        .flat_map(|region| ledger(app.settings.sandbox.seed, region).invoices)
        .filter(|i| customers.contains(&i.customer_number.as_str()))
        .collect()
}

const LIST: &str = r#"
query($filter: InvoiceFilter, $sort: InvoiceSortInput, $after: String) {
  invoices(filter: $filter, sort: $sort, first: 25, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { invoiceNumber customerNumber status total { amount currency } } }
  }
}"#;

/// Every invoice number a search lists, page by page.
async fn walk(app: &TestApp, user: &str, filter: Value, sort: Value) -> (Vec<String>, Value) {
    let mut numbers = Vec::new();
    let mut after = Value::Null;
    for _ in 0..100 {
        let answer = app
            .graphql_as(
                user,
                LIST,
                json!({ "filter": filter, "sort": sort, "after": after }),
            )
            .await;
        let page = &answer.assert_ok()["invoices"];
        for edge in page["edges"].as_array().expect("edges") {
            numbers.push(
                edge["node"]["invoiceNumber"]
                    .as_str()
                    .expect("a number")
                    .to_owned(),
            );
        }
        if page["pageInfo"]["hasNextPage"] != json!(true) {
            return (numbers, page["totalCount"].clone());
        }
        after = page["pageInfo"]["endCursor"].clone();
    }
    panic!("the listing never ended");
}

#[tokio::test]
async fn sorted_and_filtered_pages_list_every_matching_invoice_exactly_once_in_order() {
    let app = app().await;
    let all = invoices_of(&app, &AVERY_INVOICES);
    assert!(all.len() > 100, "the demo data has pages to walk");

    // Newest first (the default): by issue date, then number, both descending.
    let mut expected = all.clone();
    expected.sort_by(|a, b| {
        (b.invoice_date, &b.invoice_number).cmp(&(a.invoice_date, &a.invoice_number))
    });
    let (listed, total) = walk(&app, GLOBEX_USER, Value::Null, Value::Null).await;
    let expected_numbers: Vec<String> = expected.iter().map(|i| i.invoice_number.clone()).collect();
    assert_eq!(listed, expected_numbers);
    assert_eq!(total, json!(all.len()));

    // By total, smallest first, across USD and EUR (numbers compared, not converted).
    let mut by_total = all.clone();
    by_total.sort_by(|a, b| (a.total, &a.invoice_number).cmp(&(b.total, &b.invoice_number)));
    let (listed, _) = walk(
        &app,
        GLOBEX_USER,
        Value::Null,
        json!({ "field": "TOTAL", "direction": "ASCENDING" }),
    )
    .await;
    let expected_numbers: Vec<String> = by_total.iter().map(|i| i.invoice_number.clone()).collect();
    assert_eq!(listed, expected_numbers);

    // Combined: paid, over an amount, due in a window, earliest due first.
    let from = all.iter().map(|i| i.due_date).min().expect("a due date") + Duration::days(60);
    let to = from + Duration::days(200);
    let min = rust_decimal::Decimal::new(500_000, 2);
    let mut matching: Vec<&Invoice> = all
        .iter()
        .filter(|i| {
            i.status == InvoiceStatus::Paid
                && i.total >= min
                && i.due_date >= from
                && i.due_date <= to
        })
        .collect();
    matching.sort_by(|a, b| (a.due_date, &a.invoice_number).cmp(&(b.due_date, &b.invoice_number)));
    assert!(!matching.is_empty(), "the combined search finds something");
    let (listed, total) = walk(
        &app,
        GLOBEX_USER,
        json!({ "statuses": ["PAID"], "totalMin": "5000.00",
                "dueDateFrom": from.to_string(), "dueDateTo": to.to_string() }),
        json!({ "field": "DUE_DATE", "direction": "ASCENDING" }),
    )
    .await;
    let expected_numbers: Vec<String> = matching.iter().map(|i| i.invoice_number.clone()).collect();
    assert_eq!(listed, expected_numbers);
    assert_eq!(total, json!(matching.len()));

    // A bad range or amount is refused before any backend is asked.
    for filter in [
        json!({ "totalMin": "10", "totalMax": "5" }),
        json!({ "totalMin": "ten" }),
        json!({ "invoiceNumber": "IN1,IN2" }),
        json!({ "customerNumbers": [] }),
    ] {
        let answer = app
            .graphql_as(GLOBEX_USER, LIST, json!({ "filter": filter }))
            .await;
        assert_eq!(answer.error_codes(), vec!["BAD_USER_INPUT"], "{filter}");
    }
}

/// One review step on `number`: the new status, or the user error's code.
async fn step(app: &TestApp, action: &str, number: &str) -> Result<String, String> {
    let (mutation, input) = match action {
        "START_REVIEW" => ("startInvoiceReview", json!({ "invoiceNumber": number })),
        "APPROVE" => ("approveInvoice", json!({ "invoiceNumber": number })),
        _ => (
            "disputeInvoice",
            json!({ "invoiceNumber": number, "reason": "Line 2 bills a machine we do not have" }),
        ),
    };
    let input_type = if mutation == "disputeInvoice" {
        "DisputeInvoiceInput"
    } else {
        "InvoiceReviewInput"
    };
    let query = format!(
        "mutation($input: {input_type}!) {{ {mutation}(input: $input) {{ invoice {{ status }} userErrors {{ code }} }} }}"
    );
    let answer = app
        .graphql_as(GLOBEX_USER, &query, json!({ "input": input }))
        .await;
    let payload = &answer.assert_ok()[mutation];
    match payload["userErrors"][0]["code"].as_str() {
        Some(code) => Err(code.to_owned()),
        None => Ok(payload["invoice"]["status"]
            .as_str()
            .expect("a status")
            .to_owned()),
    }
}

/// Pays `number` as the billing system does when the money arrives (sandbox admin).
async fn pay(app: &TestApp, region: Region, number: &str) {
    let instance = supportgraph_adapters::billing::instance_name(region);
    let url = app
        .sandbox
        .base_url(instance)
        .join(&format!("admin/invoices/{number}/payments"))
        .expect("a URL");
    let response = app
        .http
        .post(url)
        .send()
        .await
        .expect("the sandbox answers");
    assert_eq!(response.status(), 200, "paid");
}

#[tokio::test]
async fn every_review_step_is_allowed_or_refused_as_the_billing_rules_say() {
    let app = app().await;
    let all = invoices_of(&app, &AVERY_INVOICES);
    let mut by_status: BTreeMap<String, Vec<&Invoice>> = BTreeMap::new();
    for invoice in &all {
        by_status
            .entry(format!("{:?}", invoice.status))
            .or_default()
            .push(invoice);
    }
    // An invoice of Avery's in `status`: one the data has in it, else an OPEN one driven there.
    let mut pop = |status: &str| -> Option<(String, Region)> {
        by_status
            .get_mut(status)
            .and_then(|list| list.pop())
            .map(|i| (i.invoice_number.clone(), i.region))
    };
    let mut fresh = Vec::new();
    for status in ["Open", "InReview", "Approved", "Disputed", "Paid"] {
        for _ in 0..3 {
            let found = match pop(status) {
                Some(found) => found,
                None => {
                    let (number, region) = pop("Open").expect("an OPEN invoice is left");
                    let path: &[&str] = match status {
                        "InReview" => &["START_REVIEW"],
                        "Disputed" => &["START_REVIEW", "DISPUTE"],
                        _ => panic!("the demo data has {status} invoices enough"),
                    };
                    for action in path {
                        assert!(step(&app, action, &number).await.is_ok());
                    }
                    (number, region)
                }
            };
            fresh.push((status, found));
        }
    }
    let life = pop("Open").expect("an OPEN invoice for its whole life");
    // Written out here, not read from the code: (from, step) → the status it leads to.
    let table = [
        ("Open", "START_REVIEW", Some("IN_REVIEW")),
        ("Open", "APPROVE", None),
        ("Open", "DISPUTE", None),
        ("InReview", "START_REVIEW", None),
        ("InReview", "APPROVE", Some("APPROVED")),
        ("InReview", "DISPUTE", Some("DISPUTED")),
        ("Approved", "START_REVIEW", None),
        ("Approved", "APPROVE", None),
        ("Approved", "DISPUTE", None),
        ("Disputed", "START_REVIEW", Some("IN_REVIEW")),
        ("Disputed", "APPROVE", None),
        ("Disputed", "DISPUTE", None),
        ("Paid", "START_REVIEW", None),
        ("Paid", "APPROVE", None),
        ("Paid", "DISPUTE", None),
    ];
    for ((from, action, to), (status, (number, _))) in table.into_iter().zip(&fresh) {
        assert_eq!(from, *status);
        let outcome = step(&app, action, number).await;
        match to {
            Some(to) => assert_eq!(outcome, Ok(to.to_owned()), "{from} --{action}-->"),
            None => assert_eq!(
                outcome,
                Err("INVALID_TRANSITION".to_owned()),
                "{from} --{action}--> is refused"
            ),
        }
    }

    // The whole life of one invoice, ending where only the billing system moves it.
    let (number, region) = (life.0.as_str(), life.1);
    assert_eq!(
        step(&app, "START_REVIEW", number).await,
        Ok("IN_REVIEW".into())
    );
    assert_eq!(step(&app, "APPROVE", number).await, Ok("APPROVED".into()));
    pay(&app, region, number).await;
    for action in ["START_REVIEW", "APPROVE", "DISPUTE"] {
        assert_eq!(
            step(&app, action, number).await,
            Err("INVALID_TRANSITION".into()),
            "PAID --{action}-->"
        );
    }

    // A dispute needs a reason; another company's invoice is not found.
    let in_review = &fresh[3].1.0;
    let blank = app
        .graphql_as(
            GLOBEX_USER,
            "mutation($n: String!) { disputeInvoice(input: { invoiceNumber: $n, reason: \"  \" }) { invoice { status } userErrors { code } } }",
            json!({ "n": in_review }),
        )
        .await;
    assert_eq!(
        blank.assert_ok()["disputeInvoice"]["userErrors"][0]["code"],
        "REASON_REQUIRED"
    );
    let theirs = invoices_of(&app, &["4400301"]);
    assert_eq!(
        step(&app, "START_REVIEW", &theirs[0].invoice_number).await,
        Err("NOT_FOUND".into())
    );
}

const RECONCILE: &str = r#"
query($after: String) {
  invoices(first: 40, after: $after) {
    pageInfo { hasNextPage endCursor }
    edges { node { invoiceNumber customerNumber
      reconciliation { matchedLines unmatchedLines uncheckedLines }
      lines { serialNumber match installedItem { serialNumber customerNumber } } } }
  }
}"#;

/// Serial numbers installed per customer number, from the inventory sandboxes' own data.
fn installed(app: &TestApp) -> BTreeMap<String, BTreeSet<String>> {
    let seed = app.settings.sandbox.seed;
    let mut by_customer: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for record in supportgraph_adapters::us_inventory::sandbox::generate(seed) {
        by_customer
            .entry(record.cust_no)
            .or_default()
            .insert(record.serial_no);
    }
    for location in supportgraph_adapters::eu_services::sandbox::generate(seed) {
        let customer = location.customer.clone();
        for machine in location.machines {
            by_customer
                .entry(customer.clone())
                .or_default()
                .insert(machine.serial);
        }
    }
    by_customer
}

#[tokio::test]
async fn invoice_lines_link_to_installed_items_with_one_inventory_call_per_system_per_page() {
    let app = app().await;
    // Avery may see the inventory of 1000101 (US); for Spain, ask and approve as an
    // administrator would, so one page holds invoices of both systems.
    app.graphql_as(
        GLOBEX_USER,
        "mutation { requestToolAuthorization(input: { tool: INVENTORY, customerNumber: \"4400201\", justification: \"I reconcile the Madrid invoices\" }) { authorization { status } } }",
        json!({}),
    )
    .await
    .assert_ok();
    app.decide(GLOBEX_USER, "INVENTORY", "4400201", "APPROVE")
        .await;
    let installed = installed(&app);
    let mut after = Value::Null;
    let mut pages = 0;
    let mut seen = (0, 0);
    loop {
        app.sandbox.reset_stats();
        let answer = app
            .graphql_as(GLOBEX_USER, RECONCILE, json!({ "after": after }))
            .await;
        let page = &answer.assert_ok()["invoices"];
        let stats = app.sandbox.stats();
        let calls = |instance: &str| stats.instances.get(instance).map_or(0, |s| s.calls);
        let customers: BTreeSet<&str> = page["edges"]
            .as_array()
            .expect("edges")
            .iter()
            .filter_map(|e| e["node"]["customerNumber"].as_str())
            .collect();
        assert!(
            calls(supportgraph_adapters::us_inventory::INSTANCE) <= 1,
            "one US Inventory OnLine call for the page"
        );
        assert!(
            calls(supportgraph_adapters::eu_services::INSTANCE) <= 1,
            "one Services Assistant call for the page"
        );
        if customers.contains("1000101") {
            assert_eq!(calls(supportgraph_adapters::us_inventory::INSTANCE), 1);
        }
        if customers.contains("4400201") {
            assert_eq!(calls(supportgraph_adapters::eu_services::INSTANCE), 1);
        }
        for edge in page["edges"].as_array().expect("edges") {
            let node = &edge["node"];
            let customer = node["customerNumber"].as_str().expect("a customer");
            let mine = &installed[customer];
            let (mut matched, mut unmatched, mut unchecked) = (0, 0, 0);
            for line in node["lines"].as_array().expect("lines") {
                let expected = match line["serialNumber"].as_str() {
                    None => "UNCHECKED",
                    Some(serial) if mine.contains(serial) => "MATCHED",
                    Some(_) => "UNMATCHED",
                };
                assert_eq!(line["match"], expected, "{node}");
                match expected {
                    "MATCHED" => {
                        matched += 1;
                        assert_eq!(line["installedItem"]["serialNumber"], line["serialNumber"]);
                        assert_eq!(line["installedItem"]["customerNumber"], customer);
                        seen.0 += 1;
                    }
                    "UNMATCHED" => {
                        unmatched += 1;
                        assert!(line["installedItem"].is_null());
                        seen.1 += 1;
                    }
                    _ => unchecked += 1,
                }
            }
            assert_eq!(
                node["reconciliation"],
                json!({ "matchedLines": matched, "unmatchedLines": unmatched, "uncheckedLines": unchecked })
            );
        }
        pages += 1;
        if page["pageInfo"]["hasNextPage"] != json!(true) || pages == 4 {
            break;
        }
        after = page["pageInfo"]["endCursor"].clone();
    }
    assert!(
        seen.0 > 0 && seen.1 > 0,
        "matched and unmatched lines were seen: {seen:?}"
    );
}

#[tokio::test]
async fn the_unmatched_filter_finds_exactly_the_invoices_with_a_line_installed_nowhere() {
    let app = app().await;
    let installed = installed(&app);
    // Avery may see the inventory of 1000101 only: Spanish lines cannot be checked.
    let expected: BTreeSet<String> = invoices_of(&app, &["1000101"])
        .into_iter()
        .filter(|i| {
            i.lines.iter().any(|l| {
                l.serial_number
                    .as_ref()
                    .is_some_and(|s| !installed["1000101"].contains(s))
            })
        })
        .map(|i| i.invoice_number)
        .collect();
    assert!(!expected.is_empty());
    // The demo's story: one of them waits for Avery's review, to be disputed.
    assert!(
        invoices_of(&app, &["1000101"])
            .iter()
            .any(|i| expected.contains(&i.invoice_number)
                && matches!(i.status, InvoiceStatus::Open | InvoiceStatus::InReview)),
        "an unmatched invoice awaits review"
    );
    let mut found = Vec::new();
    let mut after = Value::Null;
    for _ in 0..50 {
        let answer = app
            .graphql_as(
                GLOBEX_USER,
                "query($after: String) { invoices(first: 5, after: $after, filter: { reconciliation: UNMATCHED }) { totalCount pageInfo { hasNextPage endCursor } edges { node { invoiceNumber reconciliation { unmatchedLines } } } } }",
                json!({ "after": after }),
            )
            .await;
        let page = &answer.assert_ok()["invoices"];
        assert!(page["totalCount"].is_null(), "not counted with this filter");
        for edge in page["edges"].as_array().expect("edges") {
            assert!(edge["node"]["reconciliation"]["unmatchedLines"].as_i64() >= Some(1));
            found.push(
                edge["node"]["invoiceNumber"]
                    .as_str()
                    .expect("a number")
                    .to_owned(),
            );
        }
        if page["pageInfo"]["hasNextPage"] != json!(true) {
            break;
        }
        after = page["pageInfo"]["endCursor"].clone();
    }
    let unique: BTreeSet<String> = found.iter().cloned().collect();
    assert_eq!(unique.len(), found.len(), "each invoice once");
    assert_eq!(unique, expected);
}

const IMAGE: &str = "query($n: String!) { invoice(invoiceNumber: $n) { imageUrl } }";

async fn get(app: &TestApp, url: &str, token: Option<&str>) -> (u16, Vec<u8>) {
    let mut request = app.http.get(url);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.expect("the gateway answers");
    let status = response.status().as_u16();
    (status, response.bytes().await.expect("a body").to_vec())
}

#[tokio::test]
async fn a_pdf_link_works_for_its_user_while_they_may_see_the_invoice_and_never_otherwise() {
    let app = app().await;
    let invoice = &invoices_of(&app, &["1000101"])[0];
    let number = &invoice.invoice_number;
    let answer = app
        .graphql_as(GLOBEX_USER, IMAGE, json!({ "n": number }))
        .await;
    let url = answer.assert_ok()["invoice"]["imageUrl"]
        .as_str()
        .expect("a link")
        .to_owned();
    let (status, body) = get(&app, &url, None).await;
    assert_eq!(status, 200);
    assert!(body.starts_with(b"%PDF-"), "a PDF");

    // Tampered: another invoice under the same signature.
    let other = &invoices_of(&app, &["1000101"])[1].invoice_number;
    assert_eq!(
        get(&app, &url.replace(number.as_str(), other), None)
            .await
            .0,
        403
    );
    // Expired.
    let signer = LinkSigner::new(
        &LinkKey::decode(KEY).expect("the key"),
        std::time::Duration::from_secs(300),
        None,
    );
    let old = signer
        .sign(
            &format!("/documents/invoices/{number}.pdf"),
            &[("customer", "1000101")],
            GLOBEX_USER,
            Utc::now() - Duration::hours(1),
        )
        .expect("signed");
    assert_eq!(
        get(
            &app,
            &format!("{}{}", app.address, old.path_and_query),
            None
        )
        .await
        .0,
        403
    );
    // Another company's user, with their own valid token, asking for it: not found.
    let theirs = format!(
        "{}/documents/invoices/{number}.pdf?customer=1000101",
        app.address
    );
    assert_eq!(
        get(&app, &theirs, Some(&app.token(IBERIA_USER))).await.0,
        404
    );
    // Their invoice number under A's own customer number: the document is not one of A's.
    let foreign = &invoices_of(&app, &["4400301"])[0].invoice_number;
    let smuggled = format!(
        "{}/documents/invoices/{foreign}.pdf?customer=4400201",
        app.address
    );
    assert_eq!(
        get(&app, &smuggled, Some(&app.token(GLOBEX_USER))).await.0,
        404
    );
    // The user loses Invoices and Statements on the customer number: the link stops working.
    for tool in ["INVOICES", "STATEMENTS"] {
        app.decide(GLOBEX_USER, tool, "1000101", "REVOKE").await;
    }
    assert_eq!(get(&app, &url, None).await.0, 404);
}

#[tokio::test]
async fn a_forwarded_invoice_lands_in_the_outbox_with_its_pdf_once_per_key() {
    let app = app().await;
    app.sandbox.clear_outbox();
    let number = invoices_of(&app, &["4400201"])[0].invoice_number.clone();
    let forward = |email: &str, key: &str| {
        app.http
            .post(format!("{}/graphql", app.address))
            .bearer_auth(app.token(GLOBEX_USER))
            .header("Idempotency-Key", key.to_owned())
            .json(&json!({
                "query": "mutation($input: ForwardInvoiceInput!) { forwardInvoice(input: $input) { messageId userErrors { code } } }",
                "variables": { "input": { "invoiceNumber": number, "recipientEmail": email, "message": "Please check" } }
            }))
            .send()
    };
    let first: Value = forward("ap@globex.example", "fwd-1")
        .await
        .expect("sent")
        .json()
        .await
        .expect("json");
    let again: Value = forward("ap@globex.example", "fwd-1")
        .await
        .expect("sent")
        .json()
        .await
        .expect("json");
    let id = &first["data"]["forwardInvoice"]["messageId"];
    assert!(id.is_string(), "{first}");
    assert_eq!(&again["data"]["forwardInvoice"]["messageId"], id);
    let outbox = app.sandbox.outbox();
    assert_eq!(outbox.len(), 1, "one message for one key");
    let message = &outbox[0].message;
    assert!(message.subject.contains(&number));
    let attachment = &message.attachments[0];
    assert_eq!(attachment.filename, format!("{number}.pdf"));
    assert!(attachment.bytes.starts_with(b"%PDF-"));

    let bad: Value = forward("not an address", "fwd-2")
        .await
        .expect("sent")
        .json()
        .await
        .expect("json");
    assert_eq!(
        bad["data"]["forwardInvoice"]["userErrors"][0]["code"],
        "INVALID_EMAIL"
    );
    assert_eq!(app.sandbox.outbox().len(), 1);
}

#[tokio::test]
async fn the_unmatched_filter_stops_rather_than_skips_when_the_inventory_cannot_answer() {
    use supportgraph_adapters::sandbox::FaultSpec;
    let app = app().await;
    const UNMATCHED: &str = "query($after: String) { invoices(first: 3, after: $after, filter: { reconciliation: UNMATCHED }) { pageInfo { hasNextPage endCursor } edges { node { invoiceNumber } } } }";
    let first = app
        .graphql_as(GLOBEX_USER, UNMATCHED, json!({ "after": null }))
        .await;
    let page = &first.assert_ok()["invoices"];
    let cursor = page["pageInfo"]["endCursor"].clone();
    let failing = FaultSpec {
        error_rate: 1.0,
        ..FaultSpec::default()
    };
    app.sandbox
        .set_fault(supportgraph_adapters::us_inventory::INSTANCE, failing)
        .expect("known");
    let down = app
        .graphql_as(GLOBEX_USER, UNMATCHED, json!({ "after": cursor }))
        .await;
    assert_eq!(down.error_codes(), ["BACKEND_UNAVAILABLE"], "{}", down.body);
    assert!(
        down.body["data"]["invoices"].is_null(),
        "no page that skips what could not be checked"
    );
    app.sandbox
        .set_fault(
            supportgraph_adapters::us_inventory::INSTANCE,
            FaultSpec::default(),
        )
        .expect("known");
    // Retried from the same cursor once the system is back (and its breaker closed): the page
    // that was due arrives.
    tokio::time::sleep(std::time::Duration::from_millis(5_500)).await;
    let back = app
        .graphql_as(GLOBEX_USER, UNMATCHED, json!({ "after": cursor }))
        .await;
    assert!(
        !back.body["data"]["invoices"]["edges"]
            .as_array()
            .expect("edges")
            .is_empty(),
        "{}",
        back.body
    );
}
