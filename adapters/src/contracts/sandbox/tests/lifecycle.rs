//! A contract's whole life through the endpoints, each step leaving its history entry, approval,
//! signature or version and its change in the feed; and every customer step from every status
//! allowed exactly where `ContractAction::from_status` says.

use serde_json::{Value, json};

use super::super::demo::generate_counted;
use super::super::store::{NotTaken, StepRequest, Store};
use super::demo_numbers::NORTHWIND_DRAFT;
use super::{SEED, Sim, kind};
use crate::model::{ContractAction, ContractActor, ContractRefusal, ContractStatus, CustomerStep};

/// The last history entry: (action, status, actor, side, version, note).
fn last_event(contract: &Value) -> (Value, Value, Value, Value, Value, Value) {
    let history = contract["history"].as_array().expect("a history");
    let e = history.last().expect("an entry");
    (
        e["action"].clone(),
        e["status"].clone(),
        e["actor"].clone(),
        e["side"].clone(),
        e["version"].clone(),
        e["note"].clone(),
    )
}

#[tokio::test]
async fn a_contract_lives_from_draft_to_expiry_with_an_entry_per_step() {
    let sim = Sim::start().await;
    let number = NORTHWIND_DRAFT;
    let jordan = |step: Value| json!({ "actor": { "user_id": "northwind-jordan", "name": "Jordan Reed" }, "step": step });
    let path = format!("/v1/customers/1000202/contracts/{number}/steps");
    let before = sim.contract("1000202", number).await;
    let entries = before["history"].as_array().map_or(0, Vec::len);
    assert_eq!(before["status"], "DRAFT");

    let customer_steps = [
        (
            kind("SUBMIT_FOR_APPROVAL"),
            "SUBMIT_FOR_APPROVAL",
            "IN_REVIEW",
        ),
        (
            json!({ "kind": "REJECT", "reason": "Add the spare batteries." }),
            "REJECT",
            "DRAFT",
        ),
        (
            kind("SUBMIT_FOR_APPROVAL"),
            "SUBMIT_FOR_APPROVAL",
            "IN_REVIEW",
        ),
        (kind("APPROVE"), "APPROVE", "APPROVED"),
    ];
    let mut seen = entries;
    // Compared as instants: the text drops the fraction on a whole second ("…:01Z"), which
    // sorts after a later "…:01.001Z".
    let instant = |contract: &Value| {
        let text = contract["updated_at"].as_str().unwrap_or_default();
        chrono::DateTime::parse_from_rfc3339(text).expect("updated_at is RFC 3339")
    };
    let mut updated = instant(&before);
    for (n, (step, action, status)) in customer_steps.into_iter().enumerate() {
        let (code, after) = sim
            .post(&path, &jordan(step), Some(&format!("life-{n}")))
            .await;
        assert_eq!(code, 200, "{action}: {after}");
        seen += 1;
        assert_eq!(after["history"].as_array().map(Vec::len), Some(seen));
        let (a, s, actor, side, version, _) = last_event(&after);
        assert_eq!((a, s), (json!(action), json!(status)));
        assert_eq!(
            (actor, side, version),
            (json!("Jordan Reed"), json!("CUSTOMER"), json!(1))
        );
        assert_eq!(after["status"], status);
        let now = instant(&after);
        assert!(now > updated, "updated_at moves on");
        updated = now;
    }
    let decided = sim.contract("1000202", number).await;
    let approvals = decided["approvals"].as_array().expect("approvals");
    assert_eq!(approvals.len(), 2);
    assert_eq!(approvals[0]["decision"], "REJECTED");
    assert_eq!(approvals[0]["reason"], "Add the spare batteries.");
    assert_eq!(approvals[1]["decision"], "APPROVED");
    assert_eq!(approvals[1]["approver_id"], "northwind-jordan");

    let (code, sent) = sim
        .vendor(number, json!({ "action": "SEND_FOR_SIGNATURE" }))
        .await;
    assert_eq!(code, 200);
    assert_eq!(last_event(&sent).1, "SENT_FOR_SIGNATURE");
    assert_eq!(last_event(&sent).3, "VENDOR");
    let sign = json!({ "kind": "SIGN", "version": 1, "signer_name": "Jordan A. Reed", "accept_terms": true });
    let (code, signed) = sim.post(&path, &jordan(sign), Some("life-sign")).await;
    assert_eq!(code, 200, "{signed}");
    assert_eq!(signed["status"], "SIGNED");
    let signature = &signed["signatures"][0];
    assert_eq!(signature["signer_id"], "northwind-jordan");
    assert_eq!(signature["signer_name"], "Jordan A. Reed");
    assert_eq!(signature["version"], 1);
    for (action, status) in [("ACTIVATE", "ACTIVE"), ("EXPIRE", "EXPIRED")] {
        let (code, after) = sim.vendor(number, json!({ "action": action })).await;
        assert_eq!(code, 200, "{after}");
        assert_eq!(last_event(&after).0, action);
        assert_eq!(after["status"], status);
    }
    let expired = sim.contract("1000202", number).await;
    assert_eq!(
        expired["history"].as_array().map(Vec::len),
        Some(entries + 8)
    );

    let feed = sim.feed().await;
    let summary: Vec<(Value, Value, Value)> = feed
        .iter()
        .map(|c| (c["action"].clone(), c["status"].clone(), c["alert"].clone()))
        .collect();
    let approval = json!({ "kind": "APPROVAL_NEEDED" });
    let signature = json!({ "kind": "SIGNATURE_NEEDED" });
    assert_eq!(
        summary,
        [
            (
                json!("SUBMIT_FOR_APPROVAL"),
                json!("IN_REVIEW"),
                approval.clone()
            ),
            (json!("REJECT"), json!("DRAFT"), Value::Null),
            (json!("SUBMIT_FOR_APPROVAL"), json!("IN_REVIEW"), approval),
            (json!("APPROVE"), json!("APPROVED"), Value::Null),
            (
                json!("SEND_FOR_SIGNATURE"),
                json!("SENT_FOR_SIGNATURE"),
                signature
            ),
            (json!("SIGN"), json!("SIGNED"), Value::Null),
            (json!("ACTIVATE"), json!("ACTIVE"), Value::Null),
            (json!("EXPIRE"), json!("EXPIRED"), Value::Null),
        ]
    );
    assert!(feed.iter().all(|c| c["customer_number"] == "1000202"));
}

#[tokio::test]
async fn comments_from_both_sides_join_the_conversation_and_the_history() {
    let sim = Sim::start().await;
    let number = NORTHWIND_DRAFT;
    let body = json!({ "actor": { "user_id": "northwind-jordan", "name": "Jordan Reed" },
        "step": { "kind": "COMMENT", "body": "Can you add a second battery per unit?" } });
    let path = format!("/v1/customers/1000202/contracts/{number}/steps");
    let (code, after) = sim.post(&path, &body, Some("comment-1")).await;
    assert_eq!(code, 200);
    let admin = format!("/admin/contracts/{number}/comments");
    let reply = json!({ "author": "Dana Whitfield", "body": "Yes, version 2 will have it." });
    let (code, replied) = sim.post(&admin, &reply, None).await;
    assert_eq!(code, 200);
    let comments = replied["comments"].as_array().expect("comments");
    let last_two = &comments[comments.len() - 2..];
    assert_eq!(last_two[0]["side"], "CUSTOMER");
    assert_eq!(last_two[0]["author"], "Jordan Reed");
    assert_eq!(last_two[1]["side"], "VENDOR");
    assert_ne!(last_two[0]["id"], last_two[1]["id"]);
    let (action, status, ..) = last_event(&replied);
    assert_eq!((action, status), (Value::Null, json!("DRAFT")));
    assert_eq!(
        replied["history"].as_array().map(Vec::len),
        after["history"].as_array().map(|h| h.len() + 1)
    );
    let feed = sim.feed().await;
    assert_eq!(feed.len(), 2);
    assert!(
        feed.iter()
            .all(|c| c["action"].is_null() && c["alert"].is_null())
    );
}

#[test]
fn every_customer_step_is_allowed_exactly_where_from_status_allows_it() {
    let (contracts, comments) = generate_counted(SEED);
    let actor = ContractActor {
        user_id: "globex-avery".into(),
        name: "Avery Stone".into(),
    };
    let steps = [
        (
            ContractAction::SubmitForApproval,
            CustomerStep::SubmitForApproval,
        ),
        (ContractAction::Approve, CustomerStep::Approve),
        (
            ContractAction::Reject,
            CustomerStep::Reject {
                reason: "No.".into(),
            },
        ),
        (
            ContractAction::Sign,
            CustomerStep::Sign {
                version: 0,
                signer_name: "Avery Stone".into(),
                accept_terms: true,
            },
        ),
    ];
    for status in ContractStatus::ALL {
        let contract = contracts
            .iter()
            .find(|c| c.status == status)
            .expect("every status is in the demo data");
        for (action, step) in &steps {
            let mut store = Store::new(contracts.clone(), comments);
            let mut step = step.clone();
            if let CustomerStep::Sign { version, .. } = &mut step {
                *version = contract.current_version;
            }
            let request = StepRequest {
                actor: actor.clone(),
                step,
            };
            let taken = store.customer_step(
                "k",
                &contract.customer_number,
                &contract.contract_number,
                request,
            );
            match (action.from_status(status), taken) {
                (Some(after), Ok(changed)) => {
                    assert_eq!(changed.status, after);
                    let event = changed.history.last().expect("an entry");
                    assert_eq!(event.action, Some(*action));
                    assert_eq!(event.status, after);
                    assert_eq!(changed.history.len(), contract.history.len() + 1);
                }
                (
                    None,
                    Err(NotTaken::Refused(ContractRefusal::InvalidTransition { status: s })),
                ) => {
                    assert_eq!(s, status);
                }
                (allowed, taken) => panic!("{action:?} from {status:?}: {allowed:?} vs {taken:?}"),
            }
        }
    }
}
