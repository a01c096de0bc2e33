//! `watchOrder`: who may watch which order, the watch answered again, the `Idempotency-Key`, and
//! the e-mail a watched order's change puts in the sandbox's outbox.

use serde_json::{Value, json};
use supportgraph_adapters::model::Region;

use super::{GERMAN, KENJI, first_open, spawn_live};
use crate::helpers::GLOBEX_USER;

const WATCH: &str = r#"
mutation($input: WatchOrderInput!) {
  watchOrder(input: $input) {
    watch { id orderNumber email alreadyWatching }
    order { id status }
    userErrors { field message code }
  }
}"#;

#[tokio::test]
async fn a_watched_order_that_moves_puts_a_message_in_the_outbox() {
    let live = spawn_live(|_| {}).await;
    let (order, next) = first_open(&live, Region::Emea, GERMAN);
    let input = |email: &str| json!({ "input": { "orderNumber": order, "email": email } });
    let watched = live
        .test
        .graphql_as(GLOBEX_USER, WATCH, input("ops@globex.example"))
        .await;
    let payload = &watched.assert_ok()["watchOrder"];
    assert_eq!(payload["userErrors"], json!([]));
    assert_eq!(payload["watch"]["alreadyWatching"], false);
    assert!(payload["order"]["status"].is_string(), "{payload}");
    let again = live
        .test
        .graphql_as(GLOBEX_USER, WATCH, input("OPS@globex.example"))
        .await;
    let again = &again.assert_ok()["watchOrder"]["watch"];
    assert_eq!(again["alreadyWatching"], true);
    assert_eq!(again["id"], payload["watch"]["id"], "one watch, one ID");

    // Another user of the company, denied Order Status on the German customer number, and a bad
    // address.
    let kenji = live
        .test
        .graphql_as(KENJI, WATCH, input("kenji@globex.example"))
        .await;
    assert_eq!(
        kenji.assert_ok()["watchOrder"]["userErrors"][0]["code"],
        "NOT_FOUND"
    );
    let bad = live
        .test
        .graphql_as(GLOBEX_USER, WATCH, input("ops@@globex"))
        .await;
    let bad = &bad.assert_ok()["watchOrder"];
    assert_eq!(bad["userErrors"][0]["code"], "INVALID_EMAIL");
    assert_eq!(bad["userErrors"][0]["field"], json!(["input", "email"]));

    live.test.sandbox.clear_outbox();
    live.advance(Region::Emea, &order).await;
    let outbox = live.test.sandbox.outbox();
    assert_eq!(outbox.len(), 1, "one watcher, one message");
    let message = &outbox[0].message;
    assert_eq!(message.to[0].as_str(), "ops@globex.example");
    assert!(message.subject.contains(&order), "{}", message.subject);
    let status = next.to_lowercase().replace('_', " ");
    assert!(
        message.subject.ends_with(&status),
        "{} / {status}",
        message.subject
    );
}

#[tokio::test]
async fn a_watch_with_an_idempotency_key_answers_its_first_result_again() {
    let live = spawn_live(|_| {}).await;
    let (order, _) = first_open(&live, Region::Emea, GERMAN);
    let token = live.test.token(GLOBEX_USER);
    let body = json!({ "query": WATCH, "variables": {
        "input": { "orderNumber": order, "email": "desk@globex.example" } } });
    let mut answers = Vec::new();
    for _ in 0..2 {
        let response = live
            .test
            .http
            .post(format!("{}/graphql", live.test.address))
            .bearer_auth(&token)
            .header("idempotency-key", "watch-desk-1")
            .json(&body)
            .send()
            .await
            .expect("the gateway answers");
        let answer: Value = response.json().await.expect("JSON");
        answers.push(answer["data"]["watchOrder"]["watch"]["alreadyWatching"].clone());
    }
    assert_eq!(
        answers,
        [json!(false), json!(false)],
        "the replay is the first answer"
    );
}
