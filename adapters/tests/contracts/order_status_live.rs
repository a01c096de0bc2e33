//! The order-status instances' live half: the change feed's parameters and translation, the
//! feed answers that break the contract, and a watcher's registration (body, answer, refusals).

use std::time::Duration;

use axum::http::StatusCode;
use supportgraph_adapters::AdapterError;
use supportgraph_adapters::model::{
    EmailAddress, MAX_FEED_CHANGES, OrderStatus, Region, WatchRefusal,
};
use supportgraph_adapters::order_status::HttpOrderBackend;
use supportgraph_adapters::ports::OrderBackend;

use crate::fixture_server::{FixtureServer, assert_json_body, client, fixture, serve};

async fn emea(status: StatusCode, body: String) -> (HttpOrderBackend, FixtureServer) {
    let server = serve(status, body, Duration::ZERO).await;
    let backend = HttpOrderBackend::new(client(&server, "order-status/emea", 500), Region::Emea);
    (backend, server)
}

fn avery() -> EmailAddress {
    "avery.stone@globex.example".parse().expect("valid")
}

#[tokio::test]
async fn the_feed_sends_its_position_and_translates_each_change() {
    let (backend, server) = emea(StatusCode::OK, fixture("order_status/changes.json")).await;
    let feed = backend
        .status_changes(Some(41))
        .await
        .expect("the fixture is valid");
    let uri = server.uri(0);
    assert!(
        uri.starts_with("/order-status/emea/v1/orders/changes?"),
        "{uri}"
    );
    assert!(uri.contains("since=41"), "{uri}");
    assert!(uri.contains(&format!("limit={MAX_FEED_CHANGES}")), "{uri}");
    assert_eq!(feed.next, 44);
    assert!(!feed.more, "three changes are not a full answer");
    assert_eq!(feed.changes.len(), 3);
    let first = &feed.changes[0];
    assert_eq!(first.seq, 42);
    assert_eq!(first.region, Region::Emea);
    assert_eq!(first.order_number, "244002010017");
    assert_eq!(first.customer_number, "4400201");
    assert_eq!(first.status, OrderStatus::Shipped);
    assert_eq!(first.at.to_rfc3339(), "2026-11-27T09:14:03+00:00");
    assert_eq!(feed.changes[2].status, OrderStatus::Delivered);
}

#[tokio::test]
async fn from_now_the_feed_is_asked_without_a_position_and_answers_none() {
    let body = r#"{"changes": [], "next": 44}"#.to_owned();
    let (backend, server) = emea(StatusCode::OK, body).await;
    let feed = backend.status_changes(None).await.expect("valid");
    assert!(!server.uri(0).contains("since="), "{}", server.uri(0));
    assert_eq!((feed.changes.len(), feed.next), (0, 44));
}

#[tokio::test]
async fn feed_answers_that_would_repeat_or_skip_changes_break_the_contract() {
    let changes: serde_json::Value =
        serde_json::from_str(&fixture("order_status/changes.json")).expect("JSON");
    let mut reversed = changes.clone();
    if let Some(list) = reversed["changes"].as_array_mut() {
        list.reverse();
    }
    let mut wrong_next = changes.clone();
    wrong_next["next"] = 50.into();
    let mut foreign_number = changes.clone();
    foreign_number["changes"][1]["custNo"] = "4900301,1000101".into();
    let cases = [
        // Positions 42 to 44 asked from 43: 42 and 43 are not after it.
        (changes.clone(), Some(43), "does not come after"),
        (reversed, Some(41), "does not come after"),
        (wrong_next, Some(41), "next is 50"),
        // Changes in an answer "from now".
        (changes, None, "from now"),
        (
            foreign_number,
            Some(41),
            "customer number in the change feed",
        ),
    ];
    for (body, since, says) in cases {
        let (backend, _server) = emea(StatusCode::OK, body.to_string()).await;
        match backend.status_changes(since).await {
            Err(AdapterError::Decode { backend, detail }) => {
                assert_eq!(backend, "order-status/emea");
                assert!(detail.contains(says), "{says:?} in {detail}");
            }
            other => panic!("{says}: expected a decode error, got {other:?}"),
        }
    }
}

#[tokio::test]
async fn a_watch_posts_the_documented_body_and_reads_the_answer() {
    let (backend, server) = emea(StatusCode::CREATED, fixture("order_status/watch.json")).await;
    let watch = backend
        .watch_order("244002010017", &avery())
        .await
        .expect("answered")
        .expect("accepted");
    assert_eq!(server.method(0), "POST");
    assert!(
        server
            .uri(0)
            .ends_with("/order-status/emea/v1/orders/244002010017/watchers"),
        "{}",
        server.uri(0)
    );
    assert_json_body(&server, 0, "order_status/watch_request.json");
    assert_eq!(watch.order_number, "244002010017");
    assert_eq!(watch.email, avery());
    assert!(watch.created);
}

#[tokio::test]
async fn a_refused_watch_is_a_business_refusal_and_a_bad_order_number_is_never_sent() {
    let (backend, server) = emea(
        StatusCode::CONFLICT,
        fixture("order_status/refusal_order_closed.json"),
    )
    .await;
    let refused = backend.watch_order("244002010017", &avery()).await;
    assert!(
        matches!(refused, Ok(Err(WatchRefusal::OrderClosed))),
        "{refused:?}"
    );
    let unsent = backend.watch_order("2440020/../x", &avery()).await;
    assert!(
        matches!(unsent, Err(AdapterError::InvalidRequest { .. })),
        "{unsent:?}"
    );
    assert_eq!(server.requests(), 1, "the bad order number was never sent");

    let (backend, _server) = emea(StatusCode::CREATED, fixture("order_status/watch.json")).await;
    let other_order = backend.watch_order("244002010018", &avery()).await;
    assert!(
        matches!(other_order, Err(AdapterError::Decode { .. })),
        "an answer about another order: {other_order:?}"
    );
}
