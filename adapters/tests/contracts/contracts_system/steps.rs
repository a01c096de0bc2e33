//! Steps: the body and key sent, repeats, refusals, retries and what is refused unsent.

use std::time::Duration;

use axum::http::StatusCode;
use supportgraph_adapters::AdapterError;
use supportgraph_adapters::model::{
    ContractAction, ContractActor, ContractRefusal, ContractStatus, CustomerStep,
};
use supportgraph_adapters::ports::ContractsBackend;

use crate::fixture_server::{assert_json_body, fixture, serve, serve_each};

use super::*;

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
