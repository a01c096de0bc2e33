//! The billing instances: the listing's parameters and the keyset, the batches, statements, PDFs
//! and invoice actions, the translation of their answers, every sum checked, and the answers that
//! break the contract.

use std::time::Duration;

use axum::http::StatusCode;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use supportgraph_adapters::AdapterError;
use supportgraph_adapters::billing::{self, HttpBillingBackend};
use supportgraph_adapters::client::{BackendClient, BackendEndpoint};
use supportgraph_adapters::model::{
    CustomerNumber, DocumentNumber, InvoiceAction, InvoiceFilters, InvoiceQuery, InvoiceRefusal,
    InvoiceSort, InvoiceSortField, InvoiceSortKey, InvoiceSortValue, InvoiceStatus, OrderNumber,
    Region, SerialNumber, SortDirection, StatementLineKind, StatementPeriod,
};
use supportgraph_adapters::ports::{BillingBackend, BillingDocument, LOOKUP_BATCH, MAX_PDF_BYTES};
use supportgraph_adapters::resilience::{BreakerConfig, ResilienceConfig};

use crate::fixture_server::{FixtureServer, assert_json_body, client, fixture, serve, serve_each};
use crate::malformed::{assert_refused_for_its_reason, reasons_in};

const EMEA: &str = "billing/emea";

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("a date")
}

async fn emea(status: StatusCode, body: String) -> (HttpBillingBackend, FixtureServer) {
    let server = serve(status, body, Duration::ZERO).await;
    let backend = HttpBillingBackend::new(client(&server, EMEA, 500), Region::Emea);
    (backend, server)
}

async fn ap(status: StatusCode, body: String) -> (HttpBillingBackend, FixtureServer) {
    let server = serve(status, body, Duration::ZERO).await;
    let backend = HttpBillingBackend::new(client(&server, "billing/ap", 500), Region::Ap);
    (backend, server)
}

/// A query `list_invoices.json` answers: two customer numbers, disputed or open invoices of
/// autumn 2026, newest first, after a key just before them.
fn query() -> InvoiceQuery {
    InvoiceQuery {
        customer_numbers: vec!["4400201".into(), "4900301".into()],
        filters: InvoiceFilters {
            statuses: vec![InvoiceStatus::Disputed, InvoiceStatus::Open],
            invoice_date_from: Some(day(2026, 9, 1)),
            total_min: Some(Decimal::new(100_000, 2)),
            ..InvoiceFilters::default()
        },
        sort: InvoiceSort::default(),
        after: Some(InvoiceSortKey {
            sort: InvoiceSort::default(),
            value: InvoiceSortValue::Date(day(2026, 10, 7)),
            invoice_number: "IN244002010043".into(),
        }),
        limit: 20,
    }
}

#[test]
fn every_instance_has_its_name() {
    assert_eq!(billing::instance_name(Region::Americas), "billing/americas");
    assert_eq!(billing::instance_name(Region::Emea), "billing/emea");
    assert_eq!(billing::instance_name(Region::Ap), "billing/ap");
}

#[tokio::test]
async fn a_list_page_sends_the_documented_parameters_and_adds_up() {
    let (backend, server) = emea(StatusCode::OK, fixture("billing/list_invoices.json")).await;
    let page = backend
        .list_invoices(&query())
        .await
        .expect("the fixture is valid");

    let uri = server.uri(0);
    assert!(uri.starts_with("/billing/emea/v1/invoices?"), "{uri}");
    for part in [
        "customers=4400201%2C4900301",
        "limit=20",
        "sort=INVOICE_DATE",
        "direction=DESC",
        "status=DISPUTED%2COPEN",
        "issuedFrom=2026-09-01",
        "totalMin=1000.00",
        "afterValue=2026-10-07",
        "afterNumber=IN244002010043",
    ] {
        assert!(uri.contains(part), "{part} in {uri}");
    }
    assert_eq!(page.total_count, 50);
    assert_eq!(page.invoices.len(), 2);
    let disputed = &page.invoices[0];
    assert_eq!(disputed.invoice_number, "IN244002010042");
    assert_eq!(disputed.region, Region::Emea);
    assert_eq!(disputed.status, InvoiceStatus::Disputed);
    assert!(
        disputed
            .dispute_reason
            .as_deref()
            .is_some_and(|r| r.contains("4400201-907"))
    );
    assert_eq!(disputed.order_number.as_deref(), Some("244002010017"));
    assert_eq!(
        disputed.lines[0].serial_number.as_deref(),
        Some("4400201-907")
    );
    assert_eq!(disputed.lines[1].serial_number, None);
    // 2 x 44620.00 + 32 x 3275.20, and 21 % of each line.
    assert_eq!(disputed.subtotal, Decimal::new(19_404_640, 2));
    assert_eq!(disputed.tax_total, Decimal::new(4_074_974, 2));
    assert_eq!(disputed.total_money().amount, Decimal::new(23_479_614, 2));
    assert_eq!(disputed.total_money().currency, "EUR");
    let renewal = &page.invoices[1];
    assert_eq!(renewal.order_number, None);
    assert_eq!(renewal.po_number.as_deref(), Some("PO-207731"));
    assert_eq!(renewal.due_date, day(2026, 10, 31));
}

#[tokio::test]
async fn a_list_answer_that_is_not_what_was_asked_breaks_the_contract() {
    let mut other_customer = query();
    other_customer.customer_numbers = vec!["4900301".into()];
    let mut one_invoice = query();
    one_invoice.limit = 1;
    let mut only_open = query();
    only_open.filters.statuses = vec![InvoiceStatus::Open];
    let mut oldest_first = query();
    oldest_first.sort.direction = SortDirection::Ascending;
    oldest_first.after = None;
    let mut before_the_key = query();
    if let Some(after) = &mut before_the_key.after {
        after.value = InvoiceSortValue::Date(day(2026, 10, 3));
    }
    for (q, says) in [
        (other_customer, "which was not asked for"),
        (one_invoice, "asked for at most 1 invoices"),
        (only_open, "does not match the search"),
        (oldest_first, "out of the sort's order"),
        (before_the_key, "out of the sort's order"),
    ] {
        let (backend, _server) = emea(StatusCode::OK, fixture("billing/list_invoices.json")).await;
        match backend.list_invoices(&q).await {
            Err(AdapterError::Decode { detail, .. }) => assert!(detail.contains(says), "{detail}"),
            other => panic!("{says}: {other:?}"),
        }
    }
}

#[tokio::test]
async fn a_query_the_contract_cannot_carry_is_refused_unsent() {
    let mut no_customer = query();
    no_customer.customer_numbers.clear();
    let mut smuggled = query();
    smuggled.customer_numbers = vec!["4400201,1000101".into()];
    let mut too_many = query();
    too_many.limit = 501;
    let mut bad_number = query();
    bad_number.filters.invoice_number = Some("in-1".into());
    let mut other_sort = query();
    other_sort.sort.field = InvoiceSortField::DueDate;
    let mut amount_for_a_date = query();
    if let Some(after) = &mut amount_for_a_date.after {
        after.value = InvoiceSortValue::Amount(Decimal::ONE);
    }
    let (backend, server) = emea(StatusCode::OK, fixture("billing/list_invoices.json")).await;
    for q in [
        no_customer,
        smuggled,
        too_many,
        bad_number,
        other_sort,
        amount_for_a_date,
    ] {
        assert!(
            matches!(
                backend.list_invoices(&q).await,
                Err(AdapterError::InvalidRequest { .. })
            ),
            "{q:?}"
        );
    }
    assert_eq!(server.requests(), 0);
}

#[tokio::test]
async fn an_invoice_batch_sends_its_ids_and_translates_yen_without_decimals() {
    let (backend, server) = ap(StatusCode::OK, fixture("billing/invoices_batch.json")).await;
    let asked = ["IN381005010040".to_owned(), "IN381005010099".to_owned()];
    let invoices = backend.invoices_by_number(&asked).await.expect("valid");
    assert!(
        server
            .uri(0)
            .ends_with("/billing/ap/v1/invoices/batch?ids=IN381005010040%2CIN381005010099"),
        "{}",
        server.uri(0)
    );
    assert_eq!(invoices.len(), 1, "the unknown number is simply absent");
    let invoice = &invoices[0];
    assert_eq!(invoice.region, Region::Ap);
    assert_eq!(invoice.currency, "JPY");
    assert_eq!(invoice.status, InvoiceStatus::Approved);
    assert_eq!(invoice.total, Decimal::from(1_281_225));
    assert_eq!(
        invoice.due_date - invoice.invoice_date,
        chrono::Duration::days(60)
    );

    let (backend, _server) = ap(StatusCode::OK, fixture("billing/invoices_batch.json")).await;
    assert!(
        matches!(
            backend
                .invoices_by_number(&["IN381005010041".to_owned()])
                .await,
            Err(AdapterError::Decode { .. })
        ),
        "an invoice not asked for"
    );
}

#[tokio::test]
async fn a_credit_note_batch_translates_and_batches_are_checked_before_they_leave() {
    let (backend, server) = emea(StatusCode::OK, fixture("billing/credit_notes_batch.json")).await;
    let notes = backend
        .credit_notes_by_number(&["CN244002010003".to_owned()])
        .await
        .expect("valid");
    assert!(
        server
            .uri(0)
            .ends_with("/billing/emea/v1/credit-notes/batch?ids=CN244002010003")
    );
    assert_eq!(notes.len(), 1);
    assert_eq!(notes[0].invoice_number, "IN244002010042");
    assert_eq!(notes[0].amount, Decimal::new(1_173_981, 2));
    assert_eq!(notes[0].issue_date, day(2026, 10, 12));

    let (backend, server) = emea(StatusCode::OK, fixture("billing/credit_notes_batch.json")).await;
    let too_many: Vec<String> = (0..=LOOKUP_BATCH)
        .map(|n| format!("CN2440020{n:05}"))
        .collect();
    assert!(matches!(
        backend.credit_notes_by_number(&too_many).await,
        Err(AdapterError::InvalidRequest { .. })
    ));
    assert!(matches!(
        backend
            .invoices_by_number(&["IN244002010042,IN1".to_owned()])
            .await,
        Err(AdapterError::InvalidRequest { .. })
    ));
    assert_eq!(backend.invoices_by_number(&[]).await, Ok(Vec::new()));
    assert_eq!(server.requests(), 0);
}

#[tokio::test]
async fn a_statement_is_asked_by_customer_and_month_and_its_balances_follow() {
    let (backend, server) = emea(StatusCode::OK, fixture("billing/statement.json")).await;
    let october = StatementPeriod::parse("2026-10").expect("a period");
    let statement = backend
        .statement("4400201", october)
        .await
        .expect("valid")
        .expect("found");
    assert_eq!(
        server.uri(0),
        "/billing/emea/v1/customers/4400201/statements/2026-10"
    );
    assert_eq!(statement.period_start, day(2026, 10, 1));
    assert_eq!(statement.period_end, day(2026, 10, 31));
    assert_eq!(statement.opening_balance, Decimal::new(1_250_000, 2));
    assert_eq!(statement.closing_balance, Decimal::new(23_396_569, 2));
    let kinds: Vec<StatementLineKind> = statement.lines.iter().map(|l| l.kind).collect();
    assert_eq!(
        kinds,
        [
            StatementLineKind::Invoice,
            StatementLineKind::Payment,
            StatementLineKind::Invoice,
            StatementLineKind::CreditNote
        ]
    );
    assert_eq!(
        statement.lines[1].applies_to.as_deref(),
        Some("IN244002010039")
    );
    assert_eq!(statement.lines[0].due_date, Some(day(2026, 10, 31)));

    let (backend, _server) = emea(
        StatusCode::NOT_FOUND,
        fixture("billing/refusal_unknown_customer.json"),
    )
    .await;
    assert_eq!(backend.statement("4400299", october).await, Ok(None));

    let (backend, _server) = emea(StatusCode::OK, fixture("billing/statement.json")).await;
    let november = StatementPeriod::parse("2026-11").expect("a period");
    assert!(matches!(
        backend.statement("4400201", november).await,
        Err(AdapterError::Decode { .. })
    ));
    let thirteenth = StatementPeriod {
        year: 2026,
        month: 13,
    };
    assert!(matches!(
        backend.statement("4400201", thirteenth).await,
        Err(AdapterError::InvalidRequest { .. })
    ));
}

#[tokio::test]
async fn a_pdf_is_fetched_by_customer_and_document_and_checked_for_what_it_is() {
    let pdf = fixture("billing/invoice.pdf");
    let (backend, server) = emea(StatusCode::OK, pdf.clone()).await;
    let invoice = BillingDocument::Invoice("IN244002010042".into());
    let note = BillingDocument::CreditNote("CN244002010003".into());
    assert_eq!(
        backend.document_pdf("4400201", &invoice).await,
        Ok(Some(pdf.clone().into_bytes()))
    );
    assert_eq!(
        backend.document_pdf("4400201", &note).await,
        Ok(Some(pdf.into_bytes()))
    );
    assert_eq!(
        server.uri(0),
        "/billing/emea/v1/customers/4400201/invoices/IN244002010042/pdf"
    );
    assert_eq!(
        server.uri(1),
        "/billing/emea/v1/customers/4400201/credit-notes/CN244002010003/pdf"
    );
    assert_eq!(
        server.header(0, "accept").as_deref(),
        Some("application/pdf")
    );

    let (backend, _server) = emea(StatusCode::NOT_FOUND, "{}".into()).await;
    assert_eq!(backend.document_pdf("4400201", &invoice).await, Ok(None));

    let (backend, _server) = emea(StatusCode::OK, "<html>no</html>".into()).await;
    assert!(matches!(
        backend.document_pdf("4400201", &invoice).await,
        Err(AdapterError::Decode { .. })
    ));

    let huge = format!("%PDF-1.7\n{}", " ".repeat(MAX_PDF_BYTES));
    let (backend, _server) = emea(StatusCode::OK, huge).await;
    assert!(matches!(
        backend.document_pdf("4400201", &invoice).await,
        Err(AdapterError::Decode { .. })
    ));

    let (backend, server) = emea(StatusCode::OK, "%PDF-".into()).await;
    let traversal = BillingDocument::Invoice("../../admin".into());
    assert!(matches!(
        backend.document_pdf("4400201", &traversal).await,
        Err(AdapterError::InvalidRequest { .. })
    ));
    assert_eq!(server.requests(), 0);
}

#[tokio::test]
async fn an_action_posts_the_documented_body_once_and_answers_the_invoice() {
    let (backend, server) = emea(StatusCode::OK, fixture("billing/invoice_disputed.json")).await;
    let reason = "Line 1: serial number 4400201-907 is not one of our installed machines.";
    let invoice = backend
        .act_on_invoice(
            "4400201",
            "IN244002010042",
            InvoiceAction::Dispute,
            Some(reason),
        )
        .await
        .expect("valid")
        .expect("accepted");
    assert_eq!(invoice.status, InvoiceStatus::Disputed);
    assert_eq!(
        server.uri(0),
        "/billing/emea/v1/customers/4400201/invoices/IN244002010042/actions"
    );
    assert_eq!(server.method(0), axum::http::Method::POST);
    assert_json_body(&server, 0, "billing/action_request.json");

    // The answer must be the invoice acted on, in the status the action leads to.
    let (backend, _server) = emea(StatusCode::OK, fixture("billing/invoice_disputed.json")).await;
    for (invoice_number, action) in [
        ("IN244002010041", InvoiceAction::Dispute),
        ("IN244002010042", InvoiceAction::Approve),
    ] {
        assert!(matches!(
            backend
                .act_on_invoice("4400201", invoice_number, action, None)
                .await,
            Err(AdapterError::Decode { .. })
        ));
    }
}

#[tokio::test]
async fn action_refusals_are_answers_and_a_failed_action_is_never_retried() {
    for (status, file, refused) in [
        (
            StatusCode::CONFLICT,
            "refusal_invalid_transition.json",
            InvoiceRefusal::InvalidTransition {
                status: InvoiceStatus::Paid,
            },
        ),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            "refusal_reason_required.json",
            InvoiceRefusal::ReasonRequired,
        ),
        (
            StatusCode::NOT_FOUND,
            "refusal_unknown_invoice.json",
            InvoiceRefusal::UnknownInvoice,
        ),
    ] {
        let (backend, _server) = emea(status, fixture(&format!("billing/{file}"))).await;
        assert_eq!(
            backend
                .act_on_invoice("4400201", "IN244002010042", InvoiceAction::Dispute, None)
                .await,
            Ok(Err(refused))
        );
    }

    for body in [
        r#"{"error": "INVALID_TRANSITION"}"#,
        r#"{"error": "NO_WAY"}"#,
    ] {
        let (backend, _server) = emea(StatusCode::CONFLICT, body.into()).await;
        assert!(matches!(
            backend
                .act_on_invoice("4400201", "IN244002010042", InvoiceAction::Approve, None)
                .await,
            Err(AdapterError::Decode { .. })
        ));
    }

    let server = serve_each(
        vec![
            (StatusCode::SERVICE_UNAVAILABLE, "{}".into()),
            (StatusCode::OK, fixture("billing/invoice_disputed.json")),
        ],
        Duration::ZERO,
    )
    .await;
    let backend = HttpBillingBackend::new(retrying_client(&server), Region::Emea);
    assert_eq!(
        backend
            .act_on_invoice("4400201", "IN244002010042", InvoiceAction::Approve, None)
            .await,
        Err(AdapterError::Status {
            backend: EMEA.into(),
            status: 503
        })
    );
    assert_eq!(server.requests(), 1, "an action changes state: sent once");

    let (backend, server) = emea(StatusCode::OK, "{}".into()).await;
    assert!(matches!(
        backend
            .act_on_invoice(
                "4400201",
                "IN244002010042",
                InvoiceAction::Dispute,
                Some("wrong\u{0}")
            )
            .await,
        Err(AdapterError::InvalidRequest { .. })
    ));
    assert_eq!(server.requests(), 0);
}

/// A client of `server` that may retry at once.
fn retrying_client(server: &FixtureServer) -> BackendClient {
    BackendClient::with_resilience(
        reqwest::Client::new(),
        BackendEndpoint {
            name: EMEA.into(),
            base_url: format!("http://{}/{EMEA}", server.addr)
                .parse()
                .expect("a URL"),
            timeout: Duration::from_secs(2),
        },
        ResilienceConfig {
            breaker: BreakerConfig::default(),
            max_retries: 2,
            retry_ratio: 1.0,
            retry_backoff: Duration::from_millis(1),
        },
    )
}

#[tokio::test]
async fn a_read_that_failed_is_retried() {
    let server = serve_each(
        vec![
            (StatusCode::SERVICE_UNAVAILABLE, "{}".into()),
            (StatusCode::OK, fixture("billing/list_invoices.json")),
        ],
        Duration::ZERO,
    )
    .await;
    let backend = HttpBillingBackend::new(retrying_client(&server), Region::Emea);
    let page = backend.list_invoices(&query()).await.expect("the retry");
    assert_eq!(page.invoices.len(), 2);
    assert_eq!(server.requests(), 2);
}

#[tokio::test]
async fn malformed_billing_payloads_are_refused_for_their_reason() {
    for reason in reasons_in("billing") {
        let body = fixture(&reason.fixture);
        let (backend, _server) = emea(StatusCode::OK, body.clone()).await;
        if body.contains("openingBalance") {
            let october = StatementPeriod::parse("2026-10").expect("a period");
            let result = backend.statement("4400201", october).await;
            assert_refused_for_its_reason(&reason, EMEA, result);
        } else if body.contains("totalCount") {
            let result = backend.list_invoices(&query()).await;
            assert_refused_for_its_reason(&reason, EMEA, result);
        } else {
            let result = backend
                .invoices_by_number(&["IN381005010040".to_owned()])
                .await;
            assert_refused_for_its_reason(&reason, EMEA, result);
        }
    }
}

/// Every identifier in the well-formed billing fixtures passes its type.
#[test]
fn every_identifier_in_the_billing_fixtures_passes_its_type() {
    fn walk(value: &serde_json::Value, found: &mut Vec<(String, String)>) {
        match value {
            serde_json::Value::Object(map) => {
                for (key, value) in map {
                    if let Some(text) = value.as_str() {
                        found.push((key.clone(), text.to_owned()));
                    }
                    walk(value, found);
                }
            }
            serde_json::Value::Array(items) => items.iter().for_each(|v| walk(v, found)),
            _ => {}
        }
    }
    let mut checked = 0;
    for entry in std::fs::read_dir("fixtures/billing").expect("the folder exists") {
        let path = entry.expect("an entry").path();
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_owned();
        if name.starts_with("malformed_") || !name.ends_with(".json") {
            continue;
        }
        let json: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&path).expect("readable")).expect("JSON");
        let mut found = Vec::new();
        walk(&json, &mut found);
        for (key, value) in found {
            let valid = match key.as_str() {
                "custNo" => CustomerNumber::check(&value).is_ok(),
                "orderNo" => OrderNumber::check(&value).is_ok(),
                "serialNo" => SerialNumber::check(&value).is_ok(),
                "invoiceNo" | "creditNoteNo" | "ref" | "appliesTo" => {
                    DocumentNumber::check(&value).is_ok()
                }
                _ => continue,
            };
            assert!(valid, "{name}: {key} {value:?}");
            checked += 1;
        }
    }
    assert!(
        checked >= 20,
        "the fixtures were read: {checked} identifiers"
    );
}
