//! Contracts OnLine's alerts: the `contractAlerts` query (what waits on the caller — approvals
//! only for approvers —, and what ends within the horizons, counted from today in the customer
//! number's calendar) and the `contractAlerts` subscription over `/graphql/ws`, fed by the hub
//! that reads the contracts system's change feed only while anyone subscribes: the daily
//! check's ENDING_SOON and the vendor's SEND_FOR_SIGNATURE reach the company's subscriber, never
//! another company's.
//!
//! The demo contracts end on fixed dates (the demo's today is 2026-11-20), so what the query
//! lists as ending soon is computed here from each contract's end date and the US date now.
//! Nothing waits on the clock but the check that an idle gateway reads nothing (which can only
//! watch for a while): a test waits for the hub's subscribers, its rounds or a message;
//! [`PATIENCE`] only bounds how long a missing one may take to fail a test.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{NaiveDate, Utc};
use serde_json::{Value, json};
use supportgraph::app::App;

use crate::helpers::{GLOBEX_USER, IBERIA_USER, TestApp, spawn_keeping_state};
use crate::live::socket::{PATIENCE, Socket};

const KENJI: &str = "globex-kenji";

/// IN_REVIEW on 1000101 (Avery approves for it, Kenji does not).
const IN_REVIEW: &str = "CTR-20260007";
/// APPROVED on 1000101: the vendor sends it for signature next.
const APPROVED: &str = "CTR-20260008";
/// SENT_FOR_SIGNATURE on 1000101.
const SENT_FOR_SIGNATURE: &str = "CTR-20260009";
/// IN_REVIEW on Globex's German 4900301 (Avery approves for it; Kenji has no Contracts there).
const GERMAN_IN_REVIEW: &str = "CTR-20260015";
/// APPROVED on Iberia's 4400301: another company's.
const IBERIAN_APPROVED: &str = "CTR-20260021";
/// ACTIVE on 1000101, ending 30, 60 and 90 days after the demo's today.
const ENDING: [&str; 3] = ["CTR-20260001", "CTR-20260002", "CTR-20260003"];

const ALERT_FIELDS: &str = "kind contractNumber customerNumber daysLeft horizon
  contract { contractNumber customerNumber status endDate }";

fn alerts_query() -> String {
    format!(
        "{{ contractAlerts {{ actionNeeded {{ {ALERT_FIELDS} }} endingSoon {{ {ALERT_FIELDS} }}
          complete excludedCustomers {{ customerNumber reason }} }} }}"
    )
}

fn subscription() -> String {
    format!("subscription {{ contractAlerts {{ {ALERT_FIELDS} }} }}")
}

async fn alerts_of(app: &TestApp, user: &str) -> Value {
    let answer = app.graphql_as(user, &alerts_query(), json!({})).await;
    answer.assert_ok()["contractAlerts"].clone()
}

/// A list of alerts by contract number.
fn by_number(list: &Value) -> BTreeMap<String, Value> {
    list.as_array()
        .expect("a list")
        .iter()
        .map(|alert| {
            let number = alert["contractNumber"].as_str().expect("a number");
            (number.to_owned(), alert.clone())
        })
        .collect()
}

/// Today in the United States (the demo's Globex contracts are on US customer numbers, whose
/// calendar is New York's in `config/countries.toml`).
fn us_today() -> NaiveDate {
    Utc::now()
        .with_timezone(&chrono_tz::America::New_York)
        .date_naive()
}

/// The horizon of the default `[30, 60, 90]` a contract `days_left` from its end falls within.
fn default_horizon(days_left: i64) -> Option<i64> {
    [30, 60, 90]
        .into_iter()
        .find(|h| (0..=*h).contains(&days_left))
}

#[tokio::test]
async fn an_approver_is_alerted_to_approvals_and_signatures_and_to_what_ends_soon() {
    let (app, _) = spawn_keeping_state(|_| {}).await;
    let alerts = alerts_of(&app, GLOBEX_USER).await;
    assert_eq!(alerts["complete"], true, "{alerts}");

    let waiting = by_number(&alerts["actionNeeded"]);
    for (number, kind, status, customer) in [
        (IN_REVIEW, "APPROVAL_NEEDED", "IN_REVIEW", "1000101"),
        (GERMAN_IN_REVIEW, "APPROVAL_NEEDED", "IN_REVIEW", "4900301"),
        (
            SENT_FOR_SIGNATURE,
            "SIGNATURE_NEEDED",
            "SENT_FOR_SIGNATURE",
            "1000101",
        ),
    ] {
        let alert = waiting
            .get(number)
            .unwrap_or_else(|| panic!("{number}: {alerts}"));
        assert_eq!(alert["kind"], kind, "{alert}");
        assert_eq!(alert["customerNumber"], customer);
        assert_eq!(alert["contract"]["contractNumber"], number);
        assert_eq!(alert["contract"]["status"], status);
        assert_eq!(
            (&alert["daysLeft"], &alert["horizon"]),
            (&Value::Null, &Value::Null)
        );
    }
    assert!(
        !waiting.contains_key(APPROVED),
        "APPROVED waits on the vendor"
    );

    // What ends soon, from every ACTIVE or SIGNED contract of Avery's and the US date now.
    let listing = app
        .graphql_as(
            GLOBEX_USER,
            "{ contracts(filter: { statuses: [ACTIVE, SIGNED] }, first: 100) {
                 edges { node { contractNumber country endDate } } } }",
            json!({}),
        )
        .await;
    let today = us_today();
    let ends: BTreeMap<String, NaiveDate> = listing.assert_ok()["contracts"]["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .map(|edge| &edge["node"])
        .filter(|node| node["country"] == "US")
        .map(|node| {
            let number = node["contractNumber"].as_str().expect("a number");
            let end = node["endDate"]
                .as_str()
                .expect("a date")
                .parse()
                .expect("a date");
            (number.to_owned(), end)
        })
        .collect();
    let expected: BTreeMap<String, (i64, i64)> = ends
        .iter()
        .filter_map(|(number, end)| {
            let days = (*end - today).num_days();
            default_horizon(days).map(|horizon| (number.clone(), (days, horizon)))
        })
        .collect();
    let ending = by_number(&alerts["endingSoon"]);
    let listed: BTreeMap<String, (i64, i64)> = ending
        .iter()
        .map(|(number, alert)| {
            assert_eq!(alert["kind"], "ENDING_SOON", "{alert}");
            let status = &alert["contract"]["status"];
            assert!(status == "ACTIVE" || status == "SIGNED", "{alert}");
            let days = alert["daysLeft"].as_i64().expect("days left");
            let horizon = alert["horizon"].as_i64().expect("a horizon");
            (number.clone(), (days, horizon))
        })
        .collect();
    assert_eq!(listed, expected, "today is {today} in the US");
    for number in ENDING {
        let end = ends.get(number).expect("ACTIVE on 1000101");
        if today <= *end {
            assert!(
                ending.contains_key(number),
                "{number} ends on {end}: {alerts}"
            );
        }
    }
    let order: Vec<&str> = alerts["endingSoon"]
        .as_array()
        .expect("a list")
        .iter()
        .filter_map(|alert| alert["contract"]["endDate"].as_str())
        .collect();
    assert!(order.is_sorted(), "ending soonest first: {order:?}");
}

#[tokio::test]
async fn a_user_who_approves_nothing_is_alerted_to_signatures_but_not_to_approvals() {
    let (app, _) = spawn_keeping_state(|_| {}).await;
    let alerts = alerts_of(&app, KENJI).await;
    let waiting = by_number(&alerts["actionNeeded"]);
    assert!(
        waiting
            .values()
            .all(|alert| alert["kind"] != "APPROVAL_NEEDED"),
        "Kenji approves no contracts: {alerts}"
    );
    assert!(!waiting.contains_key(IN_REVIEW), "{alerts}");
    assert!(!waiting.contains_key(GERMAN_IN_REVIEW), "{alerts}");
    assert_eq!(
        waiting
            .get(SENT_FOR_SIGNATURE)
            .map(|alert| alert["kind"].clone()),
        Some(json!("SIGNATURE_NEEDED")),
        "{alerts}"
    );
    assert!(
        by_number(&alerts["endingSoon"])
            .values()
            .all(|alert| alert["customerNumber"] == "1000101"),
        "Kenji's only customer number with Contracts: {alerts}"
    );
}

/// A gateway reading the contracts feed every 50 ms while anyone subscribes, and its state.
struct AlertsApp {
    test: TestApp,
    app: Arc<App>,
}

impl AlertsApp {
    async fn spawn() -> Self {
        let (test, app) = spawn_keeping_state(|settings| {
            settings.contracts.feed_poll_ms = 50;
        })
        .await;
        Self { test, app }
    }

    /// Calls to the contracts system so far.
    fn contract_calls(&self) -> u64 {
        self.test
            .sandbox
            .stats()
            .instances
            .get("contracts")
            .map_or(0, |s| s.calls)
    }

    /// Waits until the hub counts `n` subscribers.
    async fn wait_for_subscribers(&self, n: usize) {
        let mut subscribers = self.app.contract_feed.watch_subscribers();
        let waited = tokio::time::timeout(PATIENCE, subscribers.wait_for(|s| *s == n));
        assert!(waited.await.is_ok_and(|r| r.is_ok()), "{n} subscribers");
    }

    /// Waits until the poller has finished `n` more rounds.
    async fn wait_for_rounds(&self, n: u64) {
        let mut rounds = self.app.contract_feed.watch_rounds();
        let target = *rounds.borrow() + n;
        let waited = tokio::time::timeout(PATIENCE, rounds.wait_for(|r| *r >= target));
        assert!(waited.await.is_ok_and(|r| r.is_ok()), "{n} more rounds");
    }

    /// Waits until `n` subscribers are registered and the poller holds its place in the feed, so
    /// a change made now reaches each of them.
    async fn wait_until_listening(&self, n: usize) {
        self.wait_for_subscribers(n).await;
        self.wait_for_rounds(1).await;
    }

    /// A socket signed in as `user`, subscribed to `contractAlerts` under id `1`.
    async fn subscriber(&self, user: &str) -> Socket {
        let mut socket = Socket::signed_in(&self.test.address, &self.test.token(user)).await;
        socket.subscribe("1", &subscription(), json!({})).await;
        socket
    }

    /// A POST to the contracts simulator's admin endpoint `path`: its answer.
    async fn admin(&self, path: &str, body: Value) -> Value {
        let url = self
            .test
            .sandbox
            .base_url("contracts")
            .join(path)
            .expect("a URL");
        let response = self
            .test
            .http
            .post(url)
            .json(&body)
            .send()
            .await
            .expect("the sandbox answers");
        assert_eq!(response.status(), 200, "{path}");
        response.json().await.expect("JSON")
    }

    /// The vendor sends `number` for signature.
    async fn send_for_signature(&self, number: &str) {
        let path = format!("admin/contracts/{number}/steps");
        let contract = self
            .admin(&path, json!({ "action": "SEND_FOR_SIGNATURE" }))
            .await;
        assert_eq!(contract["status"], "SENT_FOR_SIGNATURE", "{contract}");
    }
}

/// The next alert on `socket`: its payload.
async fn next_alert(socket: &mut Socket) -> Value {
    let message = socket.next_json().await;
    assert_eq!(message["type"], "next", "{message}");
    assert_eq!(message["id"], "1");
    message["payload"]["data"]["contractAlerts"].clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn subscribers_hear_of_the_daily_checks_and_the_vendors_alerts_for_their_company_only() {
    let alerts = AlertsApp::spawn().await;
    let mut avery = alerts.subscriber(GLOBEX_USER).await;
    let mut lucia = alerts.subscriber(IBERIA_USER).await;
    alerts.wait_until_listening(2).await;

    // CTR-20260001 ends on 2026-12-20: exactly 30 days after the date checked.
    let summary = alerts
        .admin("admin/daily-check", json!({ "date": "2026-11-20" }))
        .await;
    assert_eq!(summary["endingSoon"], 3, "{summary}");
    for (number, days) in ENDING.into_iter().zip([30, 60, 90]) {
        let alert = next_alert(&mut avery).await;
        assert_eq!(alert["kind"], "ENDING_SOON", "{alert}");
        assert_eq!(alert["contractNumber"], number, "{alert}");
        assert_eq!(alert["customerNumber"], "1000101");
        assert_eq!(
            (&alert["daysLeft"], &alert["horizon"]),
            (&json!(days), &json!(days))
        );
        assert_eq!(alert["contract"]["contractNumber"], number);
        assert_eq!(alert["contract"]["status"], "ACTIVE");
    }
    let mail = alerts
        .test
        .sandbox
        .outbox()
        .into_iter()
        .find(|m| {
            m.idempotency_key.as_deref() == Some("contracts:CTR-20260001:ending-soon:2026-11-20")
        })
        .expect("the daily check mails the contract's notify list");
    assert!(
        mail.message.subject.contains("ends in 30 days"),
        "{}",
        mail.message.subject
    );
    assert!(
        mail.message
            .to
            .iter()
            .any(|to| to.as_str() == "avery.stone@globex.example"),
        "{:?}",
        mail.message.to
    );

    alerts.send_for_signature(APPROVED).await;
    let alert = next_alert(&mut avery).await;
    assert_eq!(alert["kind"], "SIGNATURE_NEEDED", "{alert}");
    assert_eq!(alert["contractNumber"], APPROVED);
    assert_eq!(alert["contract"]["status"], "SENT_FOR_SIGNATURE");
    assert_eq!(
        (&alert["daysLeft"], &alert["horizon"]),
        (&Value::Null, &Value::Null)
    );

    // Lucía's first alert is her own company's, raised after every one of Globex's: she heard of
    // none of them.
    alerts.send_for_signature(IBERIAN_APPROVED).await;
    let alert = next_alert(&mut lucia).await;
    assert_eq!(alert["contractNumber"], IBERIAN_APPROVED, "{alert}");
    assert_eq!(alert["kind"], "SIGNATURE_NEEDED");
    assert_eq!(alert["customerNumber"], "4400301");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_feed_is_read_only_while_someone_subscribes() {
    let alerts = AlertsApp::spawn().await;
    // Ten poll intervals with nobody subscribed: no call.
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert_eq!(alerts.contract_calls(), 0, "an idle gateway reads nothing");

    let avery = alerts.subscriber(GLOBEX_USER).await;
    alerts.wait_until_listening(1).await;
    alerts.wait_for_rounds(2).await;
    assert!(alerts.contract_calls() >= 3, "read while subscribed");

    drop(avery);
    alerts.wait_for_subscribers(0).await;
    // A round under way when the subscriber left may still finish.
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    let stopped = alerts.contract_calls();
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert_eq!(
        alerts.contract_calls(),
        stopped,
        "stopped with the last subscriber"
    );
}
