//! Live order status: `orderStatusChanged` over `/graphql/ws` fed by one poller per region, who
//! receives a change (and who does not), what 100 subscribers cost the feed, the socket's sign-in
//! and limits, and `watchOrder` with the sandbox's outbox.
//!
//! Nothing here waits on the clock: a test waits for a message, for the hub's subscriber count,
//! or for the pollers to finish a number of rounds (so calls are counted per round, not per
//! second); [`socket::PATIENCE`] only bounds how long a missing message may take to fail a test.

pub mod app;
mod sign_in;
pub mod socket;
mod watch;

use serde_json::{Value, json};
use supportgraph_adapters::model::Region;

use crate::helpers::{GLOBEX_USER, IBERIA_USER};
pub use app::{LiveApp, first_open, spawn_live};

const KENJI: &str = "globex-kenji";

/// Globex's German customer number: Avery is authorised for Order Status on it, Kenji was denied.
const GERMAN: &str = "4900301";
/// Globex's Japanese customer number: both Avery and Kenji are authorised.
const JAPANESE: &str = "8100501";
/// Iberia's customer number (another company).
const IBERIAN: &str = "4400301";

/// Every field of a change, and a little of the order.
pub const SUBSCRIPTION: &str = r#"
subscription($orders: [String!]) {
  orderStatusChanged(orderNumbers: $orders) {
    orderNumber customerNumber region status at
    order { id orderNumber status statusHistory { status } }
  }
}"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_subscriber_receives_a_status_change_the_sandbox_makes() {
    let live = spawn_live(|_| {}).await;
    let (order, next) = first_open(&live, Region::Emea, GERMAN);
    let mut socket = live.socket(GLOBEX_USER).await;
    socket
        .subscribe("1", SUBSCRIPTION, json!({ "orders": [order] }))
        .await;
    live.wait_until_listening(1).await;

    let change = live.advance(Region::Emea, &order).await;
    let message = socket.next_json().await;
    assert_eq!(message["type"], "next", "{message}");
    assert_eq!(message["id"], "1");
    let payload = &message["payload"]["data"]["orderStatusChanged"];
    assert_eq!(payload["orderNumber"], order.as_str());
    assert_eq!(payload["customerNumber"], GERMAN);
    assert_eq!(payload["region"], "EMEA");
    assert_eq!(payload["status"], next);
    assert_eq!(change["statusCode"].as_str().map(str::len), Some(3));
    assert_eq!(payload["order"]["orderNumber"], order.as_str());
    assert_eq!(
        payload["order"]["status"], next,
        "the order is fetched after the change"
    );
    let history = payload["order"]["statusHistory"]
        .as_array()
        .expect("history");
    assert_eq!(history.last().map(|h| &h["status"]), Some(&json!(next)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_reaches_only_the_subscribers_authorised_for_its_customer_number() {
    let live = spawn_live(|_| {}).await;
    let mut avery = live.socket(GLOBEX_USER).await;
    // Kenji is of Avery's company but authorised for 8100501 only; Lucia is of another company.
    let mut kenji = live.socket(KENJI).await;
    let mut lucia = live.socket(IBERIA_USER).await;
    for socket in [&mut avery, &mut kenji, &mut lucia] {
        socket.subscribe("all", SUBSCRIPTION, Value::Null).await;
    }
    live.wait_until_listening(3).await;

    // A German order (its first of two steps): Avery's, withheld from Kenji (denied) and Lucia.
    let (german, _) = first_open(&live, Region::Emea, GERMAN);
    live.advance(Region::Emea, &german).await;
    let first = avery.next_json().await;
    assert_eq!(
        first["payload"]["data"]["orderStatusChanged"]["orderNumber"],
        german.as_str()
    );

    // The next change Kenji may see is the first he receives: the one before was withheld.
    let (japanese, _) = first_open(&live, Region::Ap, JAPANESE);
    live.advance(Region::Ap, &japanese).await;
    for socket in [&mut kenji, &mut avery] {
        let message = socket.next_json().await;
        let change = &message["payload"]["data"]["orderStatusChanged"];
        assert_eq!(change["orderNumber"], japanese.as_str(), "{message}");
    }

    // Lucia's company's change reaches her, and not Avery, whose next is her own again.
    let (iberian, _) = first_open(&live, Region::Emea, IBERIAN);
    live.advance(Region::Emea, &iberian).await;
    live.advance(Region::Emea, &german).await;
    let message = lucia.next_json().await;
    let change = &message["payload"]["data"]["orderStatusChanged"];
    assert_eq!(change["orderNumber"], iberian.as_str(), "{message}");
    assert_eq!(change["order"]["orderNumber"], iberian.as_str());
    let message = avery.next_json().await;
    let change = &message["payload"]["data"]["orderStatusChanged"];
    assert_eq!(change["orderNumber"], german.as_str(), "{message}");
    assert_eq!(change["status"], "DELIVERED", "its second step");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn authorisation_is_checked_again_when_each_change_arrives() {
    let live = spawn_live(|s| s.cache.profile_ttl_seconds = 0).await;
    let mut kenji = live.socket(KENJI).await;
    kenji.subscribe("all", SUBSCRIPTION, Value::Null).await;
    live.wait_until_listening(1).await;

    let (german, _) = first_open(&live, Region::Emea, GERMAN);
    let (japanese, _) = first_open(&live, Region::Ap, JAPANESE);
    live.advance(Region::Emea, &german).await;
    live.advance(Region::Ap, &japanese).await;
    let message = kenji.next_json().await;
    let change = &message["payload"]["data"]["orderStatusChanged"];
    assert_eq!(
        change["orderNumber"],
        japanese.as_str(),
        "not the German one yet"
    );

    // Kenji's denied request is asked again, and approved this time.
    let request = r#"mutation($input: RequestToolAuthorizationInput!) {
      requestToolAuthorization(input: $input) { userErrors { code } } }"#;
    let input = json!({ "input": {
        "tool": "ORDER_STATUS", "customerNumber": GERMAN, "justification": "Frankfurt deliveries"
    }});
    let requested = live.test.graphql_as(KENJI, request, input).await;
    assert_eq!(
        requested.assert_ok()["requestToolAuthorization"]["userErrors"],
        json!([])
    );
    live.test
        .decide(KENJI, "ORDER_STATUS", GERMAN, "APPROVE")
        .await;

    live.advance(Region::Emea, &german).await;
    let message = kenji.next_json().await;
    let change = &message["payload"]["data"]["orderStatusChanged"];
    assert_eq!(change["orderNumber"], german.as_str(), "authorised now");
}

/// Calls to each order-status instance while every poller finishes `rounds` more rounds.
async fn calls_over(live: &LiveApp, rounds: u64) -> Vec<u64> {
    let start = live.rounds() + 1;
    live.wait_for_rounds(start).await;
    let before: Vec<u64> = Region::ALL
        .iter()
        .map(|r| live.order_status_calls(*r))
        .collect();
    live.wait_for_rounds(start + rounds).await;
    Region::ALL
        .iter()
        .zip(before)
        .map(|(r, before)| live.order_status_calls(*r) - before)
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hundred_subscribers_cost_the_feed_no_more_calls_than_one() {
    const ROUNDS: u64 = 10;
    let live = spawn_live(|s| s.live.max_subscriptions_per_principal = 100).await;
    let mut sockets = vec![live.socket(GLOBEX_USER).await];
    sockets[0].subscribe("0", SUBSCRIPTION, Value::Null).await;
    live.wait_until_listening(1).await;
    let one = calls_over(&live, ROUNDS).await;

    for connection in 0..10 {
        if connection > 0 {
            sockets.push(live.socket(GLOBEX_USER).await);
        }
        let first = if connection == 0 { 1 } else { 0 };
        for n in first..10 {
            let id = format!("{connection}-{n}");
            sockets[connection]
                .subscribe(&id, SUBSCRIPTION, Value::Null)
                .await;
        }
    }
    live.wait_until_listening(100).await;
    let hundred = calls_over(&live, ROUNDS).await;

    println!(
        "feed calls per instance over {ROUNDS} rounds: 1 subscriber {one:?}, 100 subscribers {hundred:?}"
    );
    for calls in one.iter().chain(&hundred) {
        // One feed call per round; the count is read between rounds, so it may be off by one.
        assert!(
            (ROUNDS - 1..=ROUNDS + 1).contains(calls),
            "{one:?} vs {hundred:?}"
        );
    }
    assert!(hundred.iter().sum::<u64>() <= one.iter().sum::<u64>() + 3);

    drop(sockets);
    live.wait_for_subscribers(0).await;
    let stopped = live.rounds();
    let calls = live.order_status_calls(Region::Emea);
    // Nobody subscribes: a later subscriber's rounds start from where the count stopped.
    let mut again = live.socket(GLOBEX_USER).await;
    again.subscribe("again", SUBSCRIPTION, Value::Null).await;
    live.wait_until_listening(1).await;
    assert!(live.order_status_calls(Region::Emea) > calls);
    assert!(live.rounds() > stopped);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_response_cap_holds_per_change_not_over_a_subscriptions_life() {
    // About 80 bytes a change: one fits the cap, five together would not.
    let live = spawn_live(|s| s.limits.max_response_bytes = 200).await;
    let mut avery = live.socket(GLOBEX_USER).await;
    let small = "subscription { orderStatusChanged { orderNumber status } }";
    avery.subscribe("small", small, Value::Null).await;
    live.wait_until_listening(1).await;
    let (german, _) = first_open(&live, Region::Emea, GERMAN);
    let (japanese, _) = first_open(&live, Region::Ap, JAPANESE);
    for (region, order) in [
        (Region::Ap, &japanese),
        (Region::Ap, &japanese),
        (Region::Emea, &german),
        (Region::Ap, &japanese),
        (Region::Emea, &german),
    ] {
        live.advance(region, order).await;
        let message = avery.next_json().await;
        assert!(message["payload"].get("errors").is_none(), "{message}");
        let change = &message["payload"]["data"]["orderStatusChanged"];
        assert_eq!(change["orderNumber"], order.as_str(), "{message}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_clears_the_cached_order_pages_of_its_customer_number() {
    let live = spawn_live(|_| {}).await;
    let (order, next) = first_open(&live, Region::Emea, GERMAN);
    let listed = r#"query($c: [String!]) { orders(first: 100, filter: { customerNumbers: $c }) {
        edges { node { orderNumber status } } } }"#;
    let status_of = |answer: &crate::helpers::Answer| {
        answer.assert_ok()["orders"]["edges"]
            .as_array()
            .expect("edges")
            .iter()
            .find(|e| e["node"]["orderNumber"] == order.as_str())
            .map(|e| e["node"]["status"].clone())
    };
    let variables = json!({ "c": [GERMAN] });
    let before = live
        .test
        .graphql_as(GLOBEX_USER, listed, variables.clone())
        .await;
    let was = status_of(&before).expect("the order is listed");
    assert_ne!(was, json!(next));

    let mut socket = live.socket(GLOBEX_USER).await;
    socket
        .subscribe("1", SUBSCRIPTION, json!({ "orders": [order] }))
        .await;
    live.wait_until_listening(1).await;
    live.advance(Region::Emea, &order).await;
    let message = socket.next_json().await;
    assert_eq!(message["type"], "next", "{message}");

    // Within the orders cache's life (20 s), the list shows the new status: the page was cleared.
    let after = live.test.graphql_as(GLOBEX_USER, listed, variables).await;
    assert_eq!(status_of(&after), Some(json!(next)));
}
