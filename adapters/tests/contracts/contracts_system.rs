//! The contracts system: the search's body and the checks of its page, the batches, a step's body,
//! key, retries and refusals, the documents and the change feed, and the answers that break the
//! contract.

use std::time::Duration;

use axum::http::StatusCode;
use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use supportgraph_adapters::AdapterError;
use supportgraph_adapters::client::BackendEndpoint;
use supportgraph_adapters::contracts::{self, HttpContractsBackend};
use supportgraph_adapters::model::{
    ApprovalDecision, ContractAction, ContractActor, ContractAlertKind, ContractFilter,
    ContractQuery, ContractRefusal, ContractSide, ContractSort, ContractSortKey, ContractStatus,
    ContractType, CustomerStep,
};
use supportgraph_adapters::ports::{ContractsBackend, LOOKUP_BATCH};
use supportgraph_adapters::resilience::{BreakerConfig, ResilienceConfig};

use crate::fixture_server::{FixtureServer, assert_json_body, fixture, serve, serve_each};
use crate::malformed::{assert_refused_for_its_reason, reasons_in};

const KEY: &str = "contract-step-7d41e9";

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .expect("a time")
        .with_timezone(&Utc)
}

fn day(text: &str) -> NaiveDate {
    text.parse().expect("a day")
}

/// An adapter of the server at `addr`, retrying reads and steps from the first call.
fn backend_at(addr: std::net::SocketAddr) -> HttpContractsBackend {
    HttpContractsBackend::new(
        reqwest::Client::new(),
        BackendEndpoint {
            name: contracts::INSTANCE.into(),
            base_url: format!("http://{addr}/contracts").parse().expect("a URL"),
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

async fn answering(status: StatusCode, file: &str) -> (HttpContractsBackend, FixtureServer) {
    let server = serve(status, fixture(file), Duration::ZERO).await;
    (backend_at(server.addr), server)
}

/// The search `fixtures/contracts/search.json` answers: Globex's US and Munich contracts, by end
/// date, two at a time.
fn search() -> ContractQuery {
    ContractQuery {
        customer_numbers: vec!["1000101".into(), "4900301".into()],
        filter: ContractFilter::default(),
        sort: ContractSort::EndDate,
        after: None,
        limit: 2,
    }
}

fn avery() -> ContractActor {
    ContractActor {
        user_id: "globex-avery".into(),
        name: "Avery Stone".into(),
    }
}

/// The signature `fixtures/contracts/step_request.json` documents.
fn signature() -> CustomerStep {
    CustomerStep::Sign {
        version: 2,
        signer_name: "Avery Stone".into(),
        accept_terms: true,
    }
}

fn is_decode(result: &Result<impl std::fmt::Debug, AdapterError>, says: &str) -> bool {
    matches!(result, Err(AdapterError::Decode { backend, detail })
        if backend == "contracts" && detail.contains(says))
}

fn is_unsent<T>(result: &Result<T, AdapterError>) -> bool {
    matches!(result, Err(AdapterError::InvalidRequest { backend, .. }) if backend == "contracts")
}

#[tokio::test]
async fn a_search_posts_the_query_and_reads_the_page() {
    let (backend, server) = answering(StatusCode::OK, "contracts/search.json").await;
    assert_eq!(backend.instance(), "contracts");
    let page = backend.contracts(&search()).await.expect("a page");
    assert_eq!(server.method(0), "POST");
    assert_eq!(server.uri(0), "/contracts/v1/contracts/search");
    assert_eq!(
        server.header(0, "idempotency-key"),
        None,
        "a read has no key"
    );
    let sent: serde_json::Value = serde_json::from_str(&server.body(0)).expect("JSON");
    assert_eq!(
        sent,
        serde_json::json!({
            "customer_numbers": ["1000101", "4900301"],
            "filter": {"statuses": [], "types": [], "text": null, "ends_from": null, "ends_to": null},
            "sort": "END_DATE",
            "after": null,
            "limit": 2
        })
    );

    assert_eq!(page.total_count, 3);
    let numbers: Vec<&str> = page
        .contracts
        .iter()
        .map(|c| c.contract_number.as_str())
        .collect();
    assert_eq!(numbers, ["CTR-20250014", "CTR-20260003"]);
    let active = &page.contracts[0];
    assert_eq!(active.status, ContractStatus::Active);
    assert_eq!(active.contract_type, ContractType::Service);
    assert_eq!(active.value, Decimal::new(9_600_000, 2));
    assert_eq!(active.currency, "USD");
    assert_eq!(active.end_date, day("2027-02-28"));
    assert_eq!(active.history.len(), 5);
    assert_eq!(active.history[4].action, Some(ContractAction::Activate));
    assert_eq!(active.history[4].side, ContractSide::Vendor);
    assert_eq!(active.signatures[0].at, at("2025-01-27T16:40:00Z"));
    assert_eq!(active.notify.len(), 2);
    let in_review = &page.contracts[1];
    assert_eq!(in_review.status, ContractStatus::InReview);
    assert_eq!(in_review.comments[0].id, "CMT-00000041");
    assert!(in_review.comments[0].body.starts_with("Could the on-site"));
    assert_eq!(in_review.history[1].action, None, "a comment");
}

#[tokio::test]
async fn a_search_page_must_be_what_was_asked() {
    let with = |change: fn(&mut ContractQuery)| {
        let mut query = search();
        change(&mut query);
        query
    };
    let after_in_review = ContractSortKey {
        sort: ContractSort::EndDate,
        end_date: day("2027-12-31"),
        updated_at: at("2026-11-17T09:02:00Z"),
        contract_number: "CTR-20260003".into(),
    };
    for (query, says) in [
        (
            with(|q| q.customer_numbers = vec!["4900301".into()]),
            "answered about customer number 1000101, which was not asked for",
        ),
        (
            with(|q| q.limit = 1),
            "asked for at most 1 contracts, got 2",
        ),
        (
            with(|q| q.filter.statuses = vec![ContractStatus::InReview]),
            "contract CTR-20250014 does not match the search",
        ),
        (
            with(|q| q.sort = ContractSort::EndDateDescending),
            "contract CTR-20260003 is out of the listing's order",
        ),
        (
            ContractQuery {
                after: Some(after_in_review.clone()),
                ..search()
            },
            "contract CTR-20250014 is out of the listing's order",
        ),
    ] {
        let (backend, _server) = answering(StatusCode::OK, "contracts/search.json").await;
        let result = backend.contracts(&query).await;
        assert!(is_decode(&result, says), "{says}: {result:?}");
    }

    // By number, the same page is in order; a total below the page is not.
    let (backend, _server) = answering(StatusCode::OK, "contracts/search.json").await;
    let by_number = with(|q| q.sort = ContractSort::Number);
    assert!(backend.contracts(&by_number).await.is_ok());
    let page = fixture("contracts/search.json").replace("\"total_count\": 3", "\"total_count\": 1");
    let server = serve(StatusCode::OK, page, Duration::ZERO).await;
    let result = backend_at(server.addr).contracts(&search()).await;
    assert!(
        is_decode(&result, "2 contracts out of a total of 1"),
        "{result:?}"
    );
}

#[tokio::test]
async fn a_search_outside_its_rules_is_refused_unsent() {
    let (backend, server) = answering(StatusCode::OK, "contracts/search.json").await;
    let with = |change: fn(&mut ContractQuery)| {
        let mut query = search();
        change(&mut query);
        query
    };
    for query in [
        with(|q| q.customer_numbers.clear()),
        with(|q| q.customer_numbers = vec!["1000101,4400201".into()]),
        with(|q| q.limit = 0),
        with(|q| q.limit = 51),
        with(|q| q.filter.text = Some("press\u{7}line".into())),
        with(|q| q.filter.text = Some("  ".into())),
        with(|q| q.filter.text = Some("x".repeat(201))),
        with(|q| {
            q.after = Some(ContractSortKey {
                sort: ContractSort::Number,
                end_date: NaiveDate::MIN,
                updated_at: DateTime::UNIX_EPOCH,
                contract_number: "CTR-20260003".into(),
            });
        }),
        with(|q| {
            q.after = Some(ContractSortKey {
                sort: ContractSort::EndDate,
                end_date: NaiveDate::MIN,
                updated_at: DateTime::UNIX_EPOCH,
                contract_number: "../admin/x".into(),
            });
        }),
    ] {
        let result = backend.contracts(&query).await;
        assert!(is_unsent(&result), "{query:?}: {result:?}");
    }
    assert_eq!(server.requests(), 0);
}

#[tokio::test]
async fn a_batch_asks_for_its_numbers_and_reads_the_contracts() {
    let (backend, server) = answering(StatusCode::OK, "contracts/batch.json").await;
    let customers = ["1000101".to_owned(), "4900301".to_owned()];
    let numbers = [
        "CTR-20260002".to_owned(),
        "CTR-20260003".to_owned(),
        "CTR-20269999".to_owned(),
    ];
    let contracts = backend
        .contracts_by_number(&customers, &numbers)
        .await
        .expect("a batch");
    assert_eq!(server.method(0), "GET");
    assert_eq!(
        server.uri(0),
        "/contracts/v1/contracts/batch?customers=1000101%2C4900301\
         &ids=CTR-20260002%2CCTR-20260003%2CCTR-20269999"
    );
    assert_eq!(contracts.len(), 2, "the unknown number is absent");
    let lease = &contracts[0];
    assert_eq!(lease.contract_number, "CTR-20260002");
    assert_eq!(lease.customer_number, "4900301");
    assert_eq!(lease.status, ContractStatus::SentForSignature);
    assert_eq!(lease.current_version, 2);
    assert_eq!(lease.versions[1].created_at, at("2026-10-14T11:00:00Z"));
    assert_eq!(
        lease.versions[1].document_sha256,
        "9db5401a0988be92dc340e80265371338a642ef5a04619ec7391b971410ad0de"
    );
    assert_eq!(lease.history[2].action, Some(ContractAction::Revise));
    assert_eq!(lease.history[2].version, 2);
    assert_eq!(lease.approvals[0].decision, ApprovalDecision::Rejected);
    assert!(lease.approvals[0].reason.is_some());
    assert_eq!(lease.approvals[1].decision, ApprovalDecision::Approved);
    assert_eq!(lease.comments[0].side, ContractSide::Vendor);
    assert_eq!(lease.start_date, day("2027-01-01"));

    // A contract that was not asked for is refused, whatever else came with it.
    let (backend, _server) = answering(StatusCode::OK, "contracts/batch.json").await;
    let result = backend.contracts_by_number(&customers, &numbers[..1]).await;
    assert!(
        is_decode(
            &result,
            "answered contract CTR-20260003, which was not asked for"
        ),
        "{result:?}"
    );
}

#[tokio::test]
async fn a_batch_with_a_bad_identifier_or_too_many_is_refused_unsent() {
    let (backend, server) = answering(StatusCode::OK, "contracts/batch.json").await;
    let customers = vec!["1000101".to_owned()];
    let too_many: Vec<String> = (0..=LOOKUP_BATCH)
        .map(|n| format!("CTR-2026{n:04}"))
        .collect();
    for (customers, numbers) in [
        (customers.clone(), too_many),
        (
            customers.clone(),
            vec!["CTR-20260002,CTR-20260003".to_owned()],
        ),
        (customers.clone(), vec!["INQ-10000001".to_owned()]),
        (
            vec!["1000101&ids=x".to_owned()],
            vec!["CTR-20260002".to_owned()],
        ),
    ] {
        let result = backend.contracts_by_number(&customers, &numbers).await;
        assert!(is_unsent(&result), "{numbers:?}: {result:?}");
    }
    let nothing = backend.contracts_by_number(&customers, &[]).await;
    assert!(nothing.is_ok_and(|c| c.is_empty()), "nothing to ask");
    assert_eq!(server.requests(), 0);
}

#[tokio::test]
async fn a_step_posts_the_documented_body_with_its_key_and_reads_the_contract() {
    let (backend, server) = answering(StatusCode::OK, "contracts/contract_signed.json").await;
    let contract = backend
        .act("4900301", "CTR-20260002", &avery(), &signature(), KEY)
        .await
        .expect("answered")
        .expect("signed");
    assert_eq!(server.method(0), "POST");
    assert_eq!(
        server.uri(0),
        "/contracts/v1/customers/4900301/contracts/CTR-20260002/steps"
    );
    assert_eq!(server.header(0, "idempotency-key").as_deref(), Some(KEY));
    assert_eq!(
        server.header(0, "content-type").as_deref(),
        Some("application/json")
    );
    assert_json_body(&server, 0, "contracts/step_request.json");
    assert_eq!(contract.status, ContractStatus::Signed);
    assert_eq!(contract.signatures.len(), 1);
    assert_eq!(contract.signatures[0].version, 2);
    assert_eq!(contract.signatures[0].signer_id, "globex-avery");
    assert_eq!(
        contract.history.last().map(|e| e.action),
        Some(Some(ContractAction::Sign))
    );
    assert_eq!(contract.updated_at, at("2026-11-20T10:12:00Z"));
}

#[tokio::test]
async fn a_repeated_step_answers_the_contract_as_it_is_now() {
    // The approval was taken with this key before; the vendor has sent the contract for
    // signature since. The system answers it as it is: that is no contract violation.
    let (backend, _server) =
        answering(StatusCode::OK, "contracts/contract_sent_for_signature.json").await;
    let contract = backend
        .act(
            "4900301",
            "CTR-20260002",
            &avery(),
            &CustomerStep::Approve,
            KEY,
        )
        .await
        .expect("answered")
        .expect("the contract");
    assert_eq!(contract.status, ContractStatus::SentForSignature);

    let (backend, server) = answering(StatusCode::OK, "contracts/contract_in_review.json").await;
    let comment = CustomerStep::Comment {
        body: "Could the on-site response for the press line be 4 hours instead of 8?".into(),
    };
    let contract = backend
        .act("1000101", "CTR-20260003", &avery(), &comment, KEY)
        .await
        .expect("answered")
        .expect("the contract");
    assert_eq!(contract.comments.len(), 1);
    let sent: serde_json::Value = serde_json::from_str(&server.body(0)).expect("JSON");
    assert_eq!(sent["step"]["kind"], "COMMENT");
    assert_eq!(sent["actor"]["user_id"], "globex-avery");
}

#[tokio::test]
async fn a_step_answered_with_another_contract_is_refused() {
    for (customer, number) in [("4900301", "CTR-20260002"), ("4900301", "CTR-20250014")] {
        let (backend, _server) = answering(StatusCode::OK, "contracts/contract_active.json").await;
        let result = backend
            .act(customer, number, &avery(), &CustomerStep::Approve, KEY)
            .await;
        assert!(is_decode(&result, "is not the one acted on"), "{result:?}");
    }
}

#[tokio::test]
async fn each_refusal_is_an_answer_with_its_documented_status() {
    for (status, file, refusal) in [
        (
            StatusCode::NOT_FOUND,
            "contracts/refusal_unknown_contract.json",
            ContractRefusal::UnknownContract,
        ),
        (
            StatusCode::CONFLICT,
            "contracts/refusal_invalid_transition.json",
            ContractRefusal::InvalidTransition {
                status: ContractStatus::Signed,
            },
        ),
        (
            StatusCode::CONFLICT,
            "contracts/refusal_version_changed.json",
            ContractRefusal::VersionChanged { current: 3 },
        ),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            "contracts/refusal_terms_not_accepted.json",
            ContractRefusal::TermsNotAccepted,
        ),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            "contracts/refusal_invalid_text.json",
            ContractRefusal::InvalidText,
        ),
    ] {
        let (backend, server) = answering(status, file).await;
        let result = backend
            .act("4900301", "CTR-20260002", &avery(), &signature(), KEY)
            .await;
        assert_eq!(result, Ok(Err(refusal)), "{file}");
        assert_eq!(server.requests(), 1, "a refusal is not retried");
    }

    // A refusal with another status than the contract's, or one the contract does not have.
    for (status, body, says) in [
        (
            StatusCode::CONFLICT,
            fixture("contracts/refusal_invalid_text.json"),
            "refusal INVALID_TEXT came with HTTP 409, not 422",
        ),
        (
            StatusCode::CONFLICT,
            r#"{"error": "INVALID_TRANSITION"}"#.to_owned(),
            "missing field `status`",
        ),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            r#"{"error": "ALREADY_SIGNED"}"#.to_owned(),
            "unknown variant `ALREADY_SIGNED`",
        ),
    ] {
        let server = serve(status, body, Duration::ZERO).await;
        let result = backend_at(server.addr)
            .act("4900301", "CTR-20260002", &avery(), &signature(), KEY)
            .await;
        assert!(is_decode(&result, says), "{says}: {result:?}");
    }
}

#[tokio::test]
async fn a_reused_key_or_an_unreadable_request_is_a_status_error() {
    let (backend, _server) =
        answering(StatusCode::CONFLICT, "contracts/refusal_key_reused.json").await;
    let result = backend
        .act("4900301", "CTR-20260002", &avery(), &signature(), KEY)
        .await;
    assert_eq!(
        result,
        Err(AdapterError::Status {
            backend: "contracts".into(),
            status: 409
        })
    );
    let server = serve(StatusCode::BAD_REQUEST, "{}".into(), Duration::ZERO).await;
    let result = backend_at(server.addr)
        .act("4900301", "CTR-20260002", &avery(), &signature(), KEY)
        .await;
    assert!(
        matches!(result, Err(AdapterError::Status { status: 400, .. })),
        "{result:?}"
    );
}

#[tokio::test]
async fn a_step_is_retried_with_its_key_and_body_after_a_503() {
    let server = serve_each(
        vec![
            (StatusCode::SERVICE_UNAVAILABLE, String::new()),
            (StatusCode::OK, fixture("contracts/contract_signed.json")),
        ],
        Duration::ZERO,
    )
    .await;
    let result = backend_at(server.addr)
        .act("4900301", "CTR-20260002", &avery(), &signature(), KEY)
        .await;
    assert!(matches!(result, Ok(Ok(_))), "{result:?}");
    assert_eq!(server.requests(), 2);
    assert_eq!(server.header(1, "idempotency-key").as_deref(), Some(KEY));
    assert_eq!(server.body(1), server.body(0));
}

#[tokio::test]
async fn a_step_with_a_bad_identifier_text_or_key_is_refused_unsent() {
    let (backend, server) = answering(StatusCode::OK, "contracts/contract_signed.json").await;
    let reject = |reason: &str| CustomerStep::Reject {
        reason: reason.into(),
    };
    let named = |name: &str| ContractActor {
        name: name.into(),
        ..avery()
    };
    let cases: Vec<(&str, &str, ContractActor, CustomerStep, &str)> = vec![
        ("4900301/x", "CTR-20260002", avery(), signature(), KEY),
        ("4900301", "CTR-2026-002", avery(), signature(), KEY),
        ("4900301", "../admin", avery(), signature(), KEY),
        ("4900301", "CTR-20260002", avery(), reject("   "), KEY),
        (
            "4900301",
            "CTR-20260002",
            avery(),
            reject("clause 7\u{0}"),
            KEY,
        ),
        (
            "4900301",
            "CTR-20260002",
            avery(),
            reject(&"x".repeat(4_001)),
            KEY,
        ),
        (
            "4900301",
            "CTR-20260002",
            avery(),
            CustomerStep::Comment {
                body: "lone\rCR".into(),
            },
            KEY,
        ),
        (
            "4900301",
            "CTR-20260002",
            avery(),
            CustomerStep::Sign {
                version: 2,
                signer_name: "Avery\nStone".into(),
                accept_terms: true,
            },
            KEY,
        ),
        ("4900301", "CTR-20260002", named(""), signature(), KEY),
        (
            "4900301",
            "CTR-20260002",
            named("Avery\u{1b}[2J"),
            signature(),
            KEY,
        ),
        (
            "4900301",
            "CTR-20260002",
            ContractActor {
                user_id: "..".into(),
                ..avery()
            },
            signature(),
            KEY,
        ),
        ("4900301", "CTR-20260002", avery(), signature(), ""),
        ("4900301", "CTR-20260002", avery(), signature(), "a key"),
    ];
    for (customer, number, actor, step, key) in cases {
        let result = backend.act(customer, number, &actor, &step, key).await;
        assert!(
            is_unsent(&result),
            "{customer} {number} {step:?}: {result:?}"
        );
    }
    assert_eq!(server.requests(), 0);
}

#[tokio::test]
async fn every_malformed_contracts_fixture_is_refused_for_its_reason() {
    let customers = ["1000101".to_owned(), "4900301".to_owned()];
    let numbers = [
        "CTR-20260002".to_owned(),
        "CTR-20260003".to_owned(),
        "CTR-20250014".to_owned(),
    ];
    for reason in reasons_in("contracts") {
        let server = serve(StatusCode::OK, fixture(&reason.fixture), Duration::ZERO).await;
        let result = backend_at(server.addr)
            .contracts_by_number(&customers, &numbers)
            .await;
        assert_refused_for_its_reason(&reason, "contracts", result);
    }
}

#[tokio::test]
async fn reads_are_retried_after_a_503() {
    let retried = |file: &str| {
        vec![
            (StatusCode::SERVICE_UNAVAILABLE, String::new()),
            (StatusCode::OK, fixture(file)),
        ]
    };
    let server = serve_each(retried("contracts/search.json"), Duration::ZERO).await;
    let backend = backend_at(server.addr);
    assert!(backend.contracts(&search()).await.is_ok());
    assert_eq!(server.requests(), 2);
    assert_eq!(server.body(1), server.body(0), "the same query again");

    let server = serve_each(retried("contracts/batch.json"), Duration::ZERO).await;
    let customers = ["1000101".to_owned(), "4900301".to_owned()];
    let numbers = ["CTR-20260002".to_owned(), "CTR-20260003".to_owned()];
    let result = backend_at(server.addr)
        .contracts_by_number(&customers, &numbers)
        .await;
    assert_eq!(result.map(|c| c.len()), Ok(2));
    assert_eq!(server.requests(), 2);

    let server = serve_each(retried("contracts/document.pdf"), Duration::ZERO).await;
    let backend = backend_at(server.addr);
    let pdf = backend
        .document_pdf("4900301", "CTR-20260002", 2)
        .await
        .expect("read");
    assert!(pdf.is_some());
    assert_eq!(server.requests(), 2);

    // Each operation has its breaker, the search's and the document's too.
    let operations: Vec<&str> = backend.breakers().iter().map(|b| b.operation).collect();
    assert_eq!(operations, ["document_pdf"]);
    let server = serve(
        StatusCode::OK,
        fixture("contracts/search.json"),
        Duration::ZERO,
    )
    .await;
    let backend = backend_at(server.addr);
    backend.contracts(&search()).await.expect("a page");
    backend.changes(None).await.expect_err("not a feed");
    let mut operations: Vec<&str> = backend.breakers().iter().map(|b| b.operation).collect();
    operations.sort_unstable();
    assert_eq!(operations, ["changes", "contracts"]);
}

#[tokio::test]
async fn a_document_is_read_whole_and_must_be_a_pdf() {
    let (backend, server) = answering(StatusCode::OK, "contracts/document.pdf").await;
    let pdf = backend
        .document_pdf("4900301", "CTR-20260002", 2)
        .await
        .expect("read")
        .expect("found");
    assert_eq!(pdf, fixture("contracts/document.pdf").into_bytes());
    assert_eq!(server.method(0), "GET");
    assert_eq!(
        server.uri(0),
        "/contracts/v1/customers/4900301/contracts/CTR-20260002/versions/2/document"
    );
    assert_eq!(
        server.header(0, "accept").as_deref(),
        Some("application/pdf")
    );

    let (backend, server) = answering(
        StatusCode::NOT_FOUND,
        "contracts/refusal_unknown_contract.json",
    )
    .await;
    assert_eq!(
        backend.document_pdf("4900301", "CTR-20260002", 9).await,
        Ok(None)
    );
    assert_eq!(server.requests(), 1, "a 404 is an answer");

    for body in [
        "<html><body>Service temporarily unavailable</body></html>".to_owned(),
        String::new(),
        fixture("contracts/document.pdf").replace("%PDF-", "PDF-"),
    ] {
        let server = serve(StatusCode::OK, body, Duration::ZERO).await;
        let result = backend_at(server.addr)
            .document_pdf("4900301", "CTR-20260002", 2)
            .await;
        assert!(is_decode(&result, "not a PDF"), "{result:?}");
    }

    let huge = format!("%PDF-1.7\n{}", "0".repeat(20 * 1024 * 1024));
    let server = serve(StatusCode::OK, huge, Duration::ZERO).await;
    let result = backend_at(server.addr)
        .document_pdf("4900301", "CTR-20260002", 2)
        .await;
    assert!(is_decode(&result, "bytes allowed"), "{result:?}");
}

#[tokio::test]
async fn a_document_with_a_bad_identifier_is_refused_unsent() {
    let (backend, server) = answering(StatusCode::OK, "contracts/document.pdf").await;
    for (customer, number, version) in [
        ("4900301", "CTR-20260002/../..", 2),
        ("4900301", "ctr-20260002", 2),
        ("49003O1", "CTR-20260002", 2),
        ("4900301", "CTR-20260002", 0),
    ] {
        let result = backend.document_pdf(customer, number, version).await;
        assert!(
            is_unsent(&result),
            "{customer} {number} {version}: {result:?}"
        );
    }
    assert_eq!(server.requests(), 0);
}

#[tokio::test]
async fn the_change_feed_is_read_after_its_position() {
    let (backend, server) = answering(StatusCode::OK, "contracts/changes.json").await;
    let feed = backend.changes(Some(41)).await.expect("a feed");
    assert_eq!(
        server.uri(0),
        "/contracts/v1/contracts/changes?limit=500&since=41"
    );
    assert_eq!(feed.next, 45);
    assert!(!feed.more);
    let seqs: Vec<u64> = feed.changes.iter().map(|c| c.seq).collect();
    assert_eq!(seqs, [42, 43, 44, 45]);
    assert_eq!(
        feed.changes[0].alert,
        Some(ContractAlertKind::ApprovalNeeded)
    );
    assert_eq!(feed.changes[1].action, None);
    assert_eq!(feed.changes[2].customer_number, "4900301");
    assert_eq!(feed.changes[2].status, ContractStatus::Signed);
    assert_eq!(
        feed.changes[3].alert,
        Some(ContractAlertKind::EndingSoon { days: 90 })
    );
    assert_eq!(feed.changes[3].at, at("2026-11-30T06:00:00Z"));

    let changes = fixture("contracts/changes.json");
    for (since, body, says) in [
        (None, changes.clone(), "without since"),
        (
            Some(43),
            changes.clone(),
            "change 42 does not come after 43",
        ),
        (
            Some(41),
            changes.replace("\"next\": 45", "\"next\": 47"),
            "next is 47 but the last change is 45",
        ),
        (
            Some(41),
            changes.replacen("\"status\": \"SIGNED\"", "\"status\": \"ACTIVE\"", 1),
            "change 44: SIGN leads to SIGNED, not ACTIVE",
        ),
        (
            Some(41),
            changes.replacen("\"CTR-20260002\"", "\"CTR-2026002\"", 1),
            "contract_number of change 44",
        ),
        (
            Some(41),
            changes.replacen("APPROVAL_NEEDED", "SIGNATURE_NEEDED", 1),
            "change 42: an SIGNATURE_NEEDED alert for a contract IN_REVIEW",
        ),
        (
            Some(45),
            r#"{"changes": [], "next": 45, "more": true}"#.to_owned(),
            "more changes announced after none",
        ),
    ] {
        let server = serve(StatusCode::OK, body, Duration::ZERO).await;
        let result = backend_at(server.addr).changes(since).await;
        assert!(is_decode(&result, says), "{says}: {result:?}");
    }

    let server = serve(
        StatusCode::OK,
        r#"{"changes": [], "next": 45, "more": false}"#.into(),
        Duration::ZERO,
    )
    .await;
    let feed = backend_at(server.addr)
        .changes(None)
        .await
        .expect("from now");
    assert_eq!(server.uri(0), "/contracts/v1/contracts/changes?limit=500");
    assert_eq!((feed.changes.len(), feed.next, feed.more), (0, 45, false));
}
