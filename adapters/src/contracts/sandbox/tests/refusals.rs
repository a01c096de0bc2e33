//! What the simulator refuses, and how: one step per idempotency key, a stale version to sign
//! (even after a revision put the contract back in DRAFT), terms not accepted, texts breaking
//! their rules, steps the status does not allow, contracts of another customer number — and a
//! refusal changes nothing.

use serde_json::json;

use super::demo_numbers::{APPROVED, DRAFT, EXPIRED, IN_REVIEW, SENT_FOR_SIGNATURE, SIGNED};
use super::{Sim, kind};
use crate::model::{MAX_CONTRACT_TEXT, MAX_SIGNER_NAME};

fn sign(version: u32, accept_terms: bool) -> serde_json::Value {
    json!({ "kind": "SIGN", "version": version, "signer_name": "Avery Stone", "accept_terms": accept_terms })
}

#[tokio::test]
async fn one_step_per_idempotency_key() {
    let sim = Sim::start().await;
    let (code, first) = sim.step(IN_REVIEW, kind("APPROVE"), "key-1").await;
    assert_eq!(code, 200);
    assert_eq!(first["status"], "APPROVED");
    let entries = first["history"].as_array().map(Vec::len);

    let (code, again) = sim.step(IN_REVIEW, kind("APPROVE"), "key-1").await;
    assert_eq!(code, 200, "the same body: the contract as it is");
    assert_eq!(again, first);
    assert_eq!(sim.feed().await.len(), 1, "one change");

    let vendor = sim
        .vendor(IN_REVIEW, json!({ "action": "SEND_FOR_SIGNATURE" }))
        .await;
    assert_eq!(vendor.0, 200);
    let (code, now) = sim.step(IN_REVIEW, kind("APPROVE"), "key-1").await;
    assert_eq!(code, 200, "a repeat answers the contract as it is now");
    assert_eq!(now["status"], "SENT_FOR_SIGNATURE");
    assert_eq!(
        now["history"].as_array().map(Vec::len),
        entries.map(|n| n + 1)
    );

    let reject = json!({ "kind": "REJECT", "reason": "No." });
    let (code, body) = sim.step(IN_REVIEW, reject, "key-1").await;
    assert_eq!(
        (code, body),
        (409, json!({ "error": "IDEMPOTENCY_KEY_REUSED" }))
    );
    let (code, body) = sim.step(APPROVED, kind("APPROVE"), "key-1").await;
    assert_eq!(code, 409, "the same body for another contract: {body}");

    let path = format!("/v1/customers/1000101/contracts/{IN_REVIEW}/steps");
    let body = json!({ "actor": { "user_id": "u", "name": "n" }, "step": kind("APPROVE") });
    let (code, answer) = sim.post(&path, &body, None).await;
    assert_eq!(
        (code, answer["error"].clone()),
        (400, json!("IDEMPOTENCY_KEY_REQUIRED"))
    );
    let (code, answer) = sim.post(&path, &body, Some("two words")).await;
    assert_eq!(
        (code, answer["error"].clone()),
        (400, json!("INVALID_IDEMPOTENCY_KEY"))
    );
}

#[tokio::test]
async fn a_refused_step_keeps_its_key_free_and_changes_nothing() {
    let sim = Sim::start().await;
    let before = sim.contract("1000101", DRAFT).await;
    let (code, body) = sim.step(DRAFT, kind("APPROVE"), "k").await;
    assert_eq!(
        (code, body),
        (
            409,
            json!({ "error": "INVALID_TRANSITION", "status": "DRAFT" })
        )
    );
    assert_eq!(sim.contract("1000101", DRAFT).await, before);
    assert!(sim.feed().await.is_empty());
    let (code, _) = sim.step(DRAFT, kind("SUBMIT_FOR_APPROVAL"), "k").await;
    assert_eq!(code, 200, "the key was not used");
}

#[tokio::test]
async fn a_signature_of_a_version_no_longer_current_is_version_changed() {
    let sim = Sim::start().await;
    let (code, body) = sim.step(SENT_FOR_SIGNATURE, sign(1, true), "s1").await;
    assert_eq!(
        (code, body),
        (409, json!({ "error": "VERSION_CHANGED", "current": 2 }))
    );

    let summary = json!({ "action": "REVISE", "changeSummary": "Section 9: insurance added." });
    let (code, revised) = sim.vendor(SENT_FOR_SIGNATURE, summary).await;
    assert_eq!(code, 200);
    assert_eq!(revised["status"], "DRAFT");
    assert_eq!(revised["current_version"], 3);
    let version = &revised["versions"][2];
    assert_eq!(version["number"], 3);
    assert_eq!(version["change_summary"], "Section 9: insurance added.");
    let event = revised["history"]
        .as_array()
        .and_then(|h| h.last())
        .cloned();
    let event = event.expect("an entry");
    assert_eq!(
        (event["action"].clone(), event["version"].clone()),
        (json!("REVISE"), json!(3))
    );
    assert_eq!(event["note"], "Section 9: insurance added.");

    let (code, body) = sim.step(SENT_FOR_SIGNATURE, sign(2, true), "s2").await;
    assert_eq!(
        (code, body),
        (409, json!({ "error": "VERSION_CHANGED", "current": 3 })),
        "the version is checked before the status"
    );
    let (code, body) = sim.step(SENT_FOR_SIGNATURE, sign(3, true), "s3").await;
    assert_eq!(
        (code, body),
        (
            409,
            json!({ "error": "INVALID_TRANSITION", "status": "DRAFT" })
        )
    );
}

#[tokio::test]
async fn a_signature_needs_the_terms_accepted() {
    let sim = Sim::start().await;
    let (code, body) = sim.step(SENT_FOR_SIGNATURE, sign(2, false), "t1").await;
    assert_eq!(
        (code, body),
        (422, json!({ "error": "TERMS_NOT_ACCEPTED" }))
    );
    let contract = sim.contract("1000101", SENT_FOR_SIGNATURE).await;
    assert_eq!(contract["status"], "SENT_FOR_SIGNATURE");
    assert_eq!(contract["signatures"], json!([]));
    let (code, signed) = sim.step(SENT_FOR_SIGNATURE, sign(2, true), "t2").await;
    assert_eq!(code, 200);
    assert_eq!(signed["signatures"][0]["version"], 2);
}

#[tokio::test]
async fn texts_break_their_rules_as_invalid_text() {
    let sim = Sim::start().await;
    let invalid = json!({ "error": "INVALID_TEXT" });
    let too_long = "x".repeat(MAX_CONTRACT_TEXT + 1);
    let bad_steps = [
        (IN_REVIEW, json!({ "kind": "REJECT", "reason": "" })),
        (IN_REVIEW, json!({ "kind": "REJECT", "reason": "  \n " })),
        (DRAFT, json!({ "kind": "COMMENT", "body": too_long })),
        (DRAFT, json!({ "kind": "COMMENT", "body": "bell \u{7}" })),
        (
            SENT_FOR_SIGNATURE,
            json!({ "kind": "SIGN", "version": 2, "signer_name": "",
            "accept_terms": true }),
        ),
        (
            SENT_FOR_SIGNATURE,
            json!({ "kind": "SIGN", "version": 2,
            "signer_name": "n".repeat(MAX_SIGNER_NAME + 1), "accept_terms": true }),
        ),
    ];
    for (n, (number, step)) in bad_steps.into_iter().enumerate() {
        let (code, body) = sim.step(number, step.clone(), &format!("text-{n}")).await;
        assert_eq!((code, body), (422, invalid.clone()), "{step}");
    }
    let longest = json!({ "kind": "COMMENT", "body": "é".repeat(MAX_CONTRACT_TEXT) });
    assert_eq!(sim.step(DRAFT, longest, "text-ok").await.0, 200);
    let admin = format!("/admin/contracts/{DRAFT}/comments");
    let (code, body) = sim
        .post(&admin, &json!({ "author": "", "body": "Hi" }), None)
        .await;
    assert_eq!((code, body), (422, invalid.clone()));
    let revise = json!({ "action": "REVISE" });
    assert_eq!(sim.vendor(DRAFT, revise).await, (422, invalid));
}

#[tokio::test]
async fn no_comment_on_an_expired_or_terminated_contract() {
    let sim = Sim::start().await;
    let comment = json!({ "kind": "COMMENT", "body": "Can we renew this?" });
    let (code, body) = sim.step(EXPIRED, comment, "c1").await;
    assert_eq!(
        (code, body),
        (
            409,
            json!({ "error": "INVALID_TRANSITION", "status": "EXPIRED" })
        )
    );
    let admin = format!("/admin/contracts/{}/comments", "CTR-20260012");
    let (code, body) = sim
        .post(&admin, &json!({ "author": "Dana", "body": "Hi" }), None)
        .await;
    assert_eq!(
        (code, body),
        (
            409,
            json!({ "error": "INVALID_TRANSITION", "status": "TERMINATED" })
        )
    );
}

#[tokio::test]
async fn a_contract_of_another_customer_number_is_unknown() {
    let sim = Sim::start().await;
    let unknown = json!({ "error": "UNKNOWN_CONTRACT" });
    let answer = sim
        .step_as("1000102", DRAFT, kind("SUBMIT_FOR_APPROVAL"), "u1")
        .await;
    assert_eq!(answer, (404, unknown.clone()));
    let answer = sim
        .step("CTR-20269999", kind("SUBMIT_FOR_APPROVAL"), "u2")
        .await;
    assert_eq!(answer, (404, unknown.clone()));
    assert_eq!(
        sim.vendor("CTR-20269999", json!({ "action": "ACTIVATE" }))
            .await,
        (404, unknown)
    );
}

#[tokio::test]
async fn the_vendor_takes_only_the_vendors_steps_where_allowed() {
    let sim = Sim::start().await;
    let (code, _) = sim.vendor(IN_REVIEW, json!({ "action": "APPROVE" })).await;
    assert_eq!(code, 400, "a customer's step");
    let (code, body) = sim.vendor(DRAFT, json!({ "action": "ACTIVATE" })).await;
    assert_eq!(
        (code, body),
        (
            409,
            json!({ "error": "INVALID_TRANSITION", "status": "DRAFT" })
        )
    );
    let (code, _) = sim.vendor(DRAFT, json!({ "action": "NAP" })).await;
    assert_eq!(code, 400);
    let reason = "Ended before it started: the workstations were sold.";
    let terminate = json!({ "action": "TERMINATE", "changeSummary": reason });
    let (code, ended) = sim.vendor(SIGNED, terminate).await;
    assert_eq!((code, ended["status"].clone()), (200, json!("TERMINATED")));
    let event = ended["history"].as_array().and_then(|h| h.last()).cloned();
    let event = event.expect("an entry");
    assert_eq!(
        (event["actor"].clone(), event["note"].clone()),
        (json!("Vendor contracts team"), json!(reason))
    );
}
