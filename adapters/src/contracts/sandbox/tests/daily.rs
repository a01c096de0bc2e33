//! The daily check: "action needed" for what waits on the customer, "ending soon" exactly at
//! the horizons (day 30 in, day 31 not), expiry of what ended — and nothing twice for one date.

use serde_json::{Value, json};

use super::demo_numbers::{ENDS_IN_30, ENDS_IN_31, IN_REVIEW, SENT_FOR_SIGNATURE};
use super::{Sim, kind};

async fn check(sim: &Sim, date: &str) -> Value {
    let (code, summary) = sim
        .post("/admin/daily-check", &json!({ "date": date }), None)
        .await;
    assert_eq!(code, 200, "{summary}");
    summary
}

#[tokio::test]
async fn the_daily_check_mails_and_alerts_once_per_date() {
    let sim = Sim::start().await;
    let summary = check(&sim, "2026-11-20").await;
    assert_eq!(
        summary,
        json!({ "actionNeeded": 4, "endingSoon": 3, "expired": 0 })
    );

    let sent = sim.outbox.messages();
    assert_eq!(sent.len(), 7);
    let subjects: Vec<&str> = sent.iter().map(|m| m.message.subject.as_str()).collect();
    for number in [IN_REVIEW, SENT_FOR_SIGNATURE] {
        let subject = subjects
            .iter()
            .find(|s| s.contains(number))
            .expect("mailed");
        assert!(subject.starts_with("Action needed"), "{subject}");
    }
    let ending = sent
        .iter()
        .find(|m| m.message.subject.contains(ENDS_IN_30))
        .expect("mailed");
    assert!(ending.message.subject.contains("ends in 30 days"));
    assert_eq!(
        ending.idempotency_key.as_deref(),
        Some("contracts:CTR-20260001:ending-soon:2026-11-20")
    );
    let to: Vec<&str> = ending.message.to.iter().map(|a| a.as_str()).collect();
    assert_eq!(
        to,
        ["avery.stone@globex.example", "kenji.sato@globex.example"]
    );
    assert!(
        !subjects.iter().any(|s| s.contains(ENDS_IN_31)),
        "day 31 is no horizon"
    );

    let alerts: Vec<(Value, Value)> = sim
        .feed()
        .await
        .iter()
        .map(|c| (c["contract_number"].clone(), c["alert"].clone()))
        .collect();
    let ending_soon = |days: u32| json!({ "kind": "ENDING_SOON", "days": days });
    assert_eq!(
        alerts,
        [
            (json!("CTR-20260001"), ending_soon(30)),
            (json!("CTR-20260002"), ending_soon(60)),
            (json!("CTR-20260003"), ending_soon(90)),
        ]
    );

    let again = check(&sim, "2026-11-20").await;
    assert_eq!(
        again,
        json!({ "actionNeeded": 0, "endingSoon": 0, "expired": 0 })
    );
    assert_eq!(sim.outbox.messages().len(), 7, "nothing sent twice");
    assert_eq!(sim.feed().await.len(), 3, "nothing recorded twice");

    let next_day = check(&sim, "2026-11-21").await;
    assert_eq!(
        next_day["endingSoon"], 1,
        "the 31-day contract is now at 30"
    );
    let last = sim.feed().await.last().cloned().expect("a change");
    assert_eq!(last["contract_number"], ENDS_IN_31);
    assert_eq!(last["alert"], ending_soon(30));
}

#[tokio::test]
async fn the_daily_check_expires_what_ended_before_the_date() {
    let sim = Sim::start().await;
    let on_the_last_day = check(&sim, "2026-12-20").await;
    assert_eq!(
        on_the_last_day["expired"], 0,
        "in force through its end date"
    );
    let summary = check(&sim, "2026-12-21").await;
    assert_eq!(summary["expired"], 1);
    let contract = sim.contract("1000101", ENDS_IN_30).await;
    assert_eq!(contract["status"], "EXPIRED");
    let event = contract["history"]
        .as_array()
        .and_then(|h| h.last())
        .cloned()
        .expect("an entry");
    assert_eq!(
        (
            event["action"].clone(),
            event["actor"].clone(),
            event["side"].clone()
        ),
        (json!("EXPIRE"), json!("Contracts OnLine"), json!("VENDOR"))
    );
    let change = sim.feed().await.last().cloned().expect("a change");
    assert_eq!(
        (change["action"].clone(), change["status"].clone()),
        (json!("EXPIRE"), json!("EXPIRED"))
    );
    assert_eq!(check(&sim, "2026-12-21").await["expired"], 0);
}

#[tokio::test]
async fn a_contract_signed_today_needs_no_more_action() {
    let sim = Sim::start().await;
    let sign =
        json!({ "kind": "SIGN", "version": 2, "signer_name": "Avery Stone", "accept_terms": true });
    assert_eq!(sim.step(SENT_FOR_SIGNATURE, sign, "d1").await.0, 200);
    assert_eq!(sim.step(IN_REVIEW, kind("APPROVE"), "d2").await.0, 200);
    let summary = check(&sim, "2026-11-20").await;
    assert_eq!(
        summary["actionNeeded"], 2,
        "the German and French contracts still wait"
    );
}
