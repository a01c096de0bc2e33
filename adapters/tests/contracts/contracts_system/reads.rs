//! Reads: the search, batches, documents, the change feed, retries of reads, malformed answers.

use std::time::Duration;

use axum::http::StatusCode;
use chrono::{DateTime, NaiveDate};
use rust_decimal::Decimal;
use supportgraph_adapters::model::{
    ApprovalDecision, ContractAction, ContractAlertKind, ContractQuery, ContractSide, ContractSort,
    ContractSortKey, ContractStatus, ContractType,
};
use supportgraph_adapters::ports::{ContractsBackend, LOOKUP_BATCH};

use crate::fixture_server::{fixture, serve, serve_each};
use crate::malformed::{assert_refused_for_its_reason, reasons_in};

use super::*;

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
