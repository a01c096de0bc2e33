//! Signing a socket in and what it may hold: the token in `connection_init` (and the close codes
//! without one), both protocols, and the subscriptions refused past a limit or not subscriptions.

use serde_json::{Value, json};

use super::socket::Socket;
use super::{SUBSCRIPTION, spawn_live};
use crate::helpers::GLOBEX_USER;

#[tokio::test]
async fn a_socket_without_a_valid_token_is_closed_and_nothing_runs_before_it_signs_in() {
    let live = spawn_live(|_| {}).await;
    let address = &live.test.address;
    let cases = [
        json!({ "type": "connection_init" }),
        json!({ "type": "connection_init", "payload": { "Authorization": "Bearer not-a-token" } }),
        json!({ "type": "connection_init", "payload": { "token": "still.not.one" } }),
    ];
    for init in cases {
        let mut socket = Socket::open(address, "graphql-transport-ws").await;
        socket.send(init.clone()).await;
        let (code, reason) = socket.closed().await;
        assert_eq!(code, 4403, "{init}: {reason}");
        assert!(reason.starts_with("Forbidden"), "{reason}");
    }

    let mut early = Socket::open(address, "graphql-transport-ws").await;
    early.subscribe("1", SUBSCRIPTION, Value::Null).await;
    assert_eq!(
        early.closed().await.0,
        4401,
        "subscribe before connection_ack"
    );

    // The token alone (no scheme) under `token` signs in too.
    let mut by_token = Socket::open(address, "graphql-transport-ws").await;
    let token = live.test.token(GLOBEX_USER);
    by_token
        .send(json!({ "type": "connection_init", "payload": { "token": token } }))
        .await;
    assert_eq!(by_token.next_json().await["type"], "connection_ack");

    // The legacy protocol works as well.
    let mut legacy = Socket::open(address, "graphql-ws").await;
    legacy
        .send(json!({ "type": "connection_init", "payload": { "authorization": format!("Bearer {token}") } }))
        .await;
    assert_eq!(legacy.next_json().await["type"], "connection_ack");

    // Over HTTP, a subscription is not served.
    let answer = live
        .test
        .graphql_as(GLOBEX_USER, SUBSCRIPTION, Value::Null)
        .await;
    assert!(answer.body.get("errors").is_some(), "{}", answer.body);
    assert_eq!(live.app.live.hub.subscribers(), 0);
}

#[tokio::test]
async fn subscriptions_past_a_limit_or_not_subscriptions_are_refused_on_the_socket() {
    let live = spawn_live(|s| {
        s.live.max_subscriptions_per_connection = 2;
        s.live.max_subscriptions_per_principal = 2;
    })
    .await;
    let mut socket = live.socket(GLOBEX_USER).await;
    socket.subscribe("1", SUBSCRIPTION, Value::Null).await;
    socket.subscribe("2", SUBSCRIPTION, Value::Null).await;
    live.wait_for_subscribers(2).await;
    let mut other = live.socket(GLOBEX_USER).await;
    for (socket, id) in [(&mut socket, "3"), (&mut other, "4")] {
        socket.subscribe(id, SUBSCRIPTION, Value::Null).await;
        let refused = socket.next_json().await;
        assert_eq!(refused["id"], id);
        assert_eq!(
            refused["payload"]["errors"][0]["extensions"]["code"], "RATE_LIMITED",
            "{refused}"
        );
        assert_eq!(socket.next_json().await["type"], "complete");
    }

    // Completing one gives its slot back; a query, or too many order numbers, are refused.
    socket.send(json!({ "id": "1", "type": "complete" })).await;
    live.wait_for_subscribers(1).await;
    let too_many: Vec<String> = (0..101).map(|n| format!("24900301{n:04}")).collect();
    let cases = [
        ("5", "{ me { id } }", Value::Null),
        ("6", SUBSCRIPTION, json!({ "orders": too_many })),
    ];
    for (id, query, variables) in cases {
        other.subscribe(id, query, variables).await;
        let refused = other.next_json().await;
        assert_eq!(refused["id"], id);
        let code = &refused["payload"]["errors"][0]["extensions"]["code"];
        assert_eq!(code, "BAD_USER_INPUT", "{refused}");
        assert_eq!(other.next_json().await["type"], "complete");
    }
    other.subscribe("7", SUBSCRIPTION, Value::Null).await;
    live.wait_for_subscribers(2).await;
}

#[tokio::test]
async fn a_socket_that_never_signs_in_is_closed_with_4408() {
    let live = spawn_live(|s| s.live.connection_init_timeout_ms = 100).await;
    let mut silent = Socket::open(&live.test.address, "graphql-transport-ws").await;
    let (code, reason) = silent.closed().await;
    assert_eq!(code, 4408, "{reason}");
}

#[tokio::test]
async fn a_socket_closes_when_its_token_expires() {
    let live = spawn_live(|s| s.auth.leeway_seconds = 0).await;
    let mut claims = live.test.valid_claims(GLOBEX_USER);
    claims.exp = chrono::Utc::now().timestamp() + 2;
    let token = live.test.token_with(&claims);
    let mut socket = Socket::signed_in(&live.test.address, &token).await;
    let (code, reason) = socket.closed().await;
    assert_eq!(code, 4403, "{reason}");
    assert!(reason.contains("expired"), "{reason}");
}
