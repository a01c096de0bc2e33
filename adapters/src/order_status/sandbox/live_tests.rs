//! The simulator's live half, handler by handler: the feed's positions, an advance along an
//! order's life with its event, shipment and e-mail, and the watchers' rules.

use std::sync::Arc;

use axum::body::to_bytes;
use axum::extract::{Json, Path, Query, State};
use axum::http::{StatusCode, Uri};
use axum::response::Response;
use serde_json::{Value, json};

use super::super::super::wire::{WireStatus, WireWatchRequest};
use super::super::instance;
use super::{Instance, advance, changes, watch};
use crate::model::{MailMessage, Region};
use crate::sandbox::Outbox;

const SEED: u64 = 20261127;

fn emea() -> (Arc<Instance>, Arc<Outbox>) {
    let outbox = Arc::new(Outbox::new());
    (
        Arc::new(instance(SEED, Region::Emea, 0, outbox.clone())),
        outbox,
    )
}

/// An order of the instance in `status`.
fn order_in(instance: &Instance, status: WireStatus) -> String {
    instance
        .read()
        .records
        .iter()
        .find(|(wire, _)| wire.status_code == status)
        .map(|(wire, _)| wire.order_no.clone())
        .expect("the demo data has one")
}

async fn answer(response: Response) -> (StatusCode, Value) {
    let status = response.status();
    let body = to_bytes(response.into_body(), usize::MAX)
        .await
        .expect("a body");
    (status, serde_json::from_slice(&body).unwrap_or(Value::Null))
}

async fn feed(instance: &Arc<Instance>, query: &str) -> (StatusCode, Value) {
    let uri: Uri = format!("http://sandbox/v1/orders/changes?{query}")
        .parse()
        .expect("a URI");
    answer(changes(State(instance.clone()), Query::try_from_uri(&uri)).await).await
}

async fn step(instance: &Arc<Instance>, order: &str) -> (StatusCode, Value) {
    answer(advance(State(instance.clone()), Path(order.to_owned())).await).await
}

async fn add_watcher(instance: &Arc<Instance>, order: &str, email: &str) -> (StatusCode, Value) {
    let body = Ok(Json(WireWatchRequest {
        email: email.to_owned(),
    }));
    answer(watch(State(instance.clone()), Path(order.to_owned()), body).await).await
}

#[tokio::test]
async fn the_feed_answers_from_now_then_each_change_once() {
    let (instance, _) = emea();
    assert_eq!(
        feed(&instance, "").await.1,
        json!({ "changes": [], "next": 0 })
    );
    let order = order_in(&instance, WireStatus::InProcess);
    let (status, change) = step(&instance, &order).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(change["seq"], 1);
    assert_eq!(change["statusCode"], "SHP");

    assert_eq!(
        feed(&instance, "").await.1["next"],
        1,
        "from now: the current position"
    );
    let (_, from_zero) = feed(&instance, "since=0").await;
    assert_eq!(from_zero["changes"][0]["orderNo"], order.as_str());
    assert_eq!(from_zero["next"], 1);
    assert_eq!(
        feed(&instance, "since=1").await.1,
        json!({ "changes": [], "next": 1 })
    );
    assert_eq!(
        feed(&instance, "since=99").await.1,
        json!({ "changes": [], "next": 1 }),
        "a position past the feed: it started again"
    );
    assert_eq!(
        feed(&instance, "since=0&limit=0").await.0,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(feed(&instance, "since=x").await.0, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn an_order_moves_to_its_end_and_no_further() {
    let (instance, _) = emea();
    let order = order_in(&instance, WireStatus::InProcess);
    assert_eq!(step(&instance, &order).await.1["statusCode"], "SHP");
    {
        let book = instance.read();
        let (wire, model) = &book.records[book.index[&order]];
        assert_eq!(
            wire.events.last().map(|e| e.code),
            Some(WireStatus::Shipped)
        );
        let shipped: usize = wire.shipments.iter().map(|s| s.line_nos.len()).sum();
        assert_eq!(shipped, wire.lines.len(), "every line has shipped");
        assert_eq!(model.status, crate::model::OrderStatus::Shipped);
    }
    assert_eq!(step(&instance, &order).await.1["statusCode"], "DLV");
    {
        let book = instance.read();
        let (wire, _) = &book.records[book.index[&order]];
        assert!(wire.shipments.iter().all(|s| s.delivery_date.is_some()));
    }
    let (status, refusal) = step(&instance, &order).await;
    assert_eq!(
        (status, refusal),
        (StatusCode::CONFLICT, json!({ "error": "ORDER_CLOSED" }))
    );
    let (status, _) = step(&instance, "299999990001").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn watchers_are_added_once_mailed_at_each_change_and_refused_for_closed_orders() {
    let (instance, outbox) = emea();
    let order = order_in(&instance, WireStatus::InProcess);
    let (status, added) = add_watcher(&instance, &order, "ops@globex.example").await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(added["created"], true);
    let (status, again) = add_watcher(&instance, &order, "OPS@globex.example").await;
    assert_eq!((status, &again["created"]), (StatusCode::OK, &json!(false)));
    let (status, _) = add_watcher(&instance, &order, "not an address").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, _) = add_watcher(&instance, "299999990001", "ops@globex.example").await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    step(&instance, &order).await;
    step(&instance, &order).await;
    let sent: Vec<MailMessage> = outbox.messages().into_iter().map(|m| m.message).collect();
    assert_eq!(sent.len(), 2, "one message per change");
    assert!(
        sent.iter()
            .all(|m| m.check().is_ok() && m.to[0].as_str() == "ops@globex.example")
    );
    assert!(
        sent[1].subject.ends_with("is now delivered"),
        "{}",
        sent[1].subject
    );

    let (status, refusal) = add_watcher(&instance, &order, "late@globex.example").await;
    assert_eq!(
        (status, refusal),
        (StatusCode::CONFLICT, json!({ "error": "ORDER_CLOSED" }))
    );
}
