//! No payload can panic an adapter. Every decoder (order-status, US Inventory OnLine,
//! registration and mail JSON, the Services Assistant's XML) is served, over real HTTP, arbitrary
//! valid documents and its documented fixtures with numbers, strings, attributes and fields mutated;
//! each call must come back `Ok` or `Err`, and every order that decodes must have a total.
//!
//! The documents go through the adapters' public calls, so the whole path a backend answer takes
//! (HTTP client, decoding, the contract checks, the translation into the model) is covered. Case
//! counts are modest so the suite runs in seconds; a failure prints the smallest document found.

mod json;
mod odd;
mod xml;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use supportgraph_adapters::client::{BackendClient, BackendEndpoint};
use supportgraph_adapters::eu_services::HttpEuServices;
use supportgraph_adapters::model::{InventoryChange, Order, OrderQuery, Region, Tool};
use supportgraph_adapters::order_status::HttpOrderBackend;
use supportgraph_adapters::ports::{InventoryBackend, OrderBackend, RegistrationBackend};
use supportgraph_adapters::registration::HttpRegistrationBackend;
use supportgraph_adapters::us_inventory::HttpUsInventory;

use json::Json;
use xml::Element;

/// Cases per property: enough to reach every field of every fixture, few enough to take seconds.
const CASES: u32 = 256;

/// What the stub answers next: a status and a body.
type Answer = Arc<Mutex<(StatusCode, String)>>;

/// A backend that answers whatever it was last told to, and the runtime the adapters run on.
struct Stub {
    runtime: tokio::runtime::Runtime,
    addr: SocketAddr,
    answer: Answer,
}

impl Stub {
    fn start() -> Self {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime");
        let answer: Answer = Arc::new(Mutex::new((StatusCode::OK, String::new())));
        let app = Router::new()
            .fallback(|State(answer): State<Answer>| async move {
                answer.lock().expect("lock").clone().into_response()
            })
            .with_state(answer.clone());
        let listener = runtime
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .expect("binds");
        let addr = listener.local_addr().expect("an address");
        runtime.spawn(async move { axum::serve(listener, app).await });
        Self {
            runtime,
            addr,
            answer,
        }
    }

    fn client(&self, name: &str) -> BackendClient {
        let _runtime = self.runtime.enter();
        BackendClient::new(
            reqwest::Client::new(),
            BackendEndpoint {
                name: name.to_owned(),
                base_url: format!("http://{}/{name}", self.addr)
                    .parse()
                    .expect("a URL"),
                timeout: Duration::from_secs(10),
            },
        )
    }

    /// Runs `call` with the stub answering `status` and `body`.
    fn ask<T>(&self, status: StatusCode, body: &str, call: impl Future<Output = T>) -> T {
        *self.answer.lock().expect("lock") = (status, body.to_owned());
        self.runtime.block_on(call)
    }
}

/// Runs `test` on [`CASES`] documents from `documents`; a panic fails with the smallest document
/// that panics.
fn never_panics(documents: impl Strategy<Value = String>, test: impl Fn(&str)) {
    let config = Config {
        cases: CASES,
        failure_persistence: None,
        ..Config::default()
    };
    let outcome = TestRunner::new(config).run(&documents, |body| {
        test(&body);
        Ok(())
    });
    if let Err(failure) = outcome {
        panic!("{failure}");
    }
}

/// The texts of the valid fixtures of `backend` with this extension (the `malformed_*` ones are
/// refused whatever is done to them, so they make poor seeds).
fn fixtures(backend: &str, extension: &str) -> Vec<String> {
    let mut paths: Vec<_> = std::fs::read_dir(format!("fixtures/{backend}"))
        .expect("the fixtures folder")
        .map(|e| e.expect("a directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == extension))
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| !n.to_string_lossy().starts_with("malformed_"))
        })
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|p| std::fs::read_to_string(p).expect("a readable fixture"))
        .collect()
}

/// Arbitrary JSON and mutations of `backend`'s fixtures, as text; keys mostly the fixtures' own.
fn json_documents(backend: &str) -> BoxedStrategy<String> {
    let seeds: Vec<Json> = fixtures(backend, "json")
        .iter()
        .filter_map(|text| serde_json::from_str(text).ok())
        .map(|value| Json::from_value(&value))
        .collect();
    assert!(!seeds.is_empty(), "{backend} has JSON fixtures");
    let mut keys = Vec::new();
    seeds.iter().for_each(|s| s.keys(&mut keys));
    keys.sort();
    keys.dedup();
    prop_oneof![
        1 => json::arbitrary(keys.clone()),
        3 => json::mutated(seeds, keys),
    ]
    .prop_map(|tree| tree.render())
    .boxed()
}

/// The list fixture with every line's quantity and unit price replaced, from small to the limits
/// of `u32` and of a decimal, so that products and sums overflow often.
fn priced_orders() -> BoxedStrategy<String> {
    let text = std::fs::read_to_string("fixtures/order_status/list_orders.json")
        .expect("the list fixture");
    let list: serde_json::Value = serde_json::from_str(&text).expect("the list fixture is JSON");
    let quantity = prop_oneof![0u32..100, any::<u32>(), Just(u32::MAX)];
    vec((quantity, odd::odd_amount()), 3)
        .prop_map(move |prices| {
            let mut list = list.clone();
            let lines = list["orders"]
                .as_array_mut()
                .into_iter()
                .flatten()
                .flat_map(|o| o["lines"].as_array_mut().into_iter().flatten());
            for (line, (quantity, price)) in lines.zip(prices) {
                line["qty"] = quantity.into();
                line["unitPrice"] = price.into();
            }
            list.to_string()
        })
        .boxed()
}

/// Every order that decodes has a total, and reading it does not panic.
fn assert_totals(orders: &[Order]) {
    for order in orders {
        assert!(
            order.checked_total().is_some(),
            "order {} was decoded with a total that does not fit",
            order.order_number
        );
        let _ = order.total();
    }
}

#[test]
fn order_status_decoding_never_panics_on_arbitrary_json() {
    let stub = Stub::start();
    let backend = HttpOrderBackend::new(stub.client("order-status/emea"), Region::Emea);
    let query = OrderQuery {
        customer_numbers: vec!["4400201".into(), "4400202".into(), "1000101".into()],
        limit: 100,
        ..OrderQuery::default()
    };
    let numbers = ["244002010017".to_owned(), "110001010001".to_owned()];
    let documents = prop_oneof![
        3 => json_documents("order_status"),
        1 => priced_orders(),
    ];
    never_panics(documents, |body| {
        if let Ok(page) = stub.ask(StatusCode::OK, body, backend.list_orders(&query)) {
            assert_totals(&page.orders);
        }
        if let Ok(orders) = stub.ask(StatusCode::OK, body, backend.orders_by_number(&numbers)) {
            assert_totals(&orders);
        }
        let _ = stub.ask(StatusCode::OK, body, backend.status_changes(Some(41)));
    });
}

#[test]
fn us_inventory_decoding_never_panics_on_arbitrary_json() {
    let stub = Stub::start();
    let backend = HttpUsInventory::new(stub.client("us-inventory-online"));
    let customers = ["1000101".to_owned()];
    let serials = ["70101001".to_owned()];
    never_panics(json_documents("us_inventory"), |body| {
        let _ = stub.ask(StatusCode::OK, body, backend.items(&customers));
        let _ = stub.ask(StatusCode::OK, body, backend.items_by_serial(&serials));
        for status in [
            StatusCode::CREATED,
            StatusCode::NOT_FOUND,
            StatusCode::UNPROCESSABLE_ENTITY,
        ] {
            let change =
                backend.request_change("1000101", "70101001", InventoryChange::Moved, "to Dallas");
            let _ = stub.ask(status, body, change);
        }
    });
}

#[test]
fn registration_decoding_never_panics_on_arbitrary_json() {
    let stub = Stub::start();
    let backend = HttpRegistrationBackend::new(stub.client("registration"));
    never_panics(json_documents("registration"), |body| {
        let _ = stub.ask(StatusCode::OK, body, backend.user_profile("globex-avery"));
        for status in [StatusCode::CREATED, StatusCode::UNPROCESSABLE_ENTITY] {
            let request = backend.request_tool_authorization(
                "globex-avery",
                Tool::Invoices,
                "1000101",
                "month-end close",
            );
            let _ = stub.ask(status, body, request);
        }
    });
}

#[test]
fn registration_preference_decoding_never_panics_on_arbitrary_json() {
    use supportgraph_adapters::model::{PreferenceBody, PreferenceKind, PreferenceWrite};

    let stub = Stub::start();
    let backend = HttpRegistrationBackend::new(stub.client("registration"));
    let kind = PreferenceKind::OrderReport;
    let id = "0f8c5a3e-6d1b-4c2a-9e57-3b8d2f1a7c40";
    let write = PreferenceWrite {
        id: id.into(),
        kind,
        name: "Late EMEA hardware".into(),
        body: PreferenceBody::new(),
        expected_version: Some(3),
    };
    never_panics(json_documents("registration"), |body| {
        let list = backend.list_preferences("globex-avery", kind);
        let _ = stub.ask(StatusCode::OK, body, list);
        for status in [StatusCode::OK, StatusCode::CONFLICT] {
            let _ = stub.ask(status, body, backend.put_preference("globex-avery", &write));
        }
        let delete = backend.delete_preference("globex-avery", kind, id);
        let _ = stub.ask(StatusCode::NOT_FOUND, body, delete);
    });
}

#[test]
fn eu_services_decoding_never_panics_on_arbitrary_xml() {
    let seeds: Vec<Element> = fixtures("eu_services", "xml")
        .iter()
        .filter_map(|text| Element::parse(text))
        .collect();
    assert_eq!(seeds.len(), 6, "the Services Assistant's fixtures parse");
    let (mut elements, mut attributes) = (Vec::new(), Vec::new());
    seeds
        .iter()
        .for_each(|s| s.names(&mut elements, &mut attributes));
    for names in [&mut elements, &mut attributes] {
        names.sort();
        names.dedup();
    }
    let roots = vec![
        "InstalledBase".to_owned(),
        "ChangeReceipt".to_owned(),
        "Error".to_owned(),
    ];
    let documents = prop_oneof![
        1 => xml::document(roots, elements.clone(), attributes.clone()),
        3 => xml::mutated(seeds, elements, attributes),
    ]
    .prop_map(|tree| tree.render());

    let stub = Stub::start();
    let backend = HttpEuServices::new(stub.client("eu-services-assistant"));
    let customers = ["4900301".to_owned()];
    let serials = ["70101001".to_owned()];
    never_panics(documents, |body| {
        let _ = stub.ask(StatusCode::OK, body, backend.items(&customers));
        let _ = stub.ask(StatusCode::OK, body, backend.items_by_serial(&serials));
        for status in [StatusCode::CREATED, StatusCode::FORBIDDEN] {
            let change =
                backend.request_change("4900301", "70101001", InventoryChange::Moved, "nach Köln");
            let _ = stub.ask(status, body, change);
        }
    });
}

#[test]
fn mail_decoding_never_panics_on_arbitrary_json() {
    use supportgraph_adapters::mail::HttpMailBackend;
    use supportgraph_adapters::model::MailMessage;
    use supportgraph_adapters::ports::MailBackend;

    let stub = Stub::start();
    let backend = HttpMailBackend::new(stub.client("mail"));
    let message = MailMessage {
        to: vec!["avery.stone@globex.example".parse().expect("valid")],
        subject: "Your inquiry INQ-000042 was received".into(),
        text_body: String::new(),
        attachments: Vec::new(),
    };
    never_panics(json_documents("mail"), |body| {
        for status in [
            StatusCode::ACCEPTED,
            StatusCode::CONFLICT,
            StatusCode::UNPROCESSABLE_ENTITY,
        ] {
            let _ = stub.ask(status, body, backend.send(&message, "ack-INQ-000042"));
        }
    });
}

#[test]
fn support_decoding_never_panics_on_arbitrary_json() {
    use futures::StreamExt;
    use supportgraph_adapters::model::{InquiryFilter, InquiryQuery};
    use supportgraph_adapters::ports::SupportBackend;
    use supportgraph_adapters::support::HttpSupportBackend;

    let stub = Stub::start();
    let endpoint = BackendEndpoint {
        name: "support".into(),
        base_url: format!("http://{}/support", stub.addr)
            .parse()
            .expect("a URL"),
        timeout: Duration::from_secs(10),
    };
    let backend = HttpSupportBackend::new(
        reqwest::Client::new(),
        endpoint,
        Default::default(),
        Duration::from_secs(10),
    );
    let query = InquiryQuery {
        customer_numbers: vec!["1000101".into(), "4400201".into(), "4400301".into()],
        filter: InquiryFilter::default(),
        after: None,
        limit: 50,
    };
    let customers = ["3300401".to_owned(), "4400301".to_owned()];
    let numbers = ["INQ-10000006".to_owned(), "INQ-10000019".to_owned()];
    never_panics(json_documents("support"), |body| {
        let _ = stub.ask(StatusCode::OK, body, backend.inquiries(&query));
        let batch = backend.inquiries_by_number(&customers, &numbers);
        let _ = stub.ask(StatusCode::OK, body, batch);
        let _ = stub.ask(StatusCode::OK, body, backend.changes(Some(41)));
        let file = futures::stream::iter(vec![Ok(bytes::Bytes::from_static(b"abc"))]).boxed();
        let upload = backend.upload_attachment("4400301", "x.txt", "text/plain", 3, file);
        let _ = stub.ask(StatusCode::CREATED, body, upload);
        for status in [StatusCode::OK, StatusCode::NOT_FOUND, StatusCode::CONFLICT] {
            let reply = backend.reply("INQ-10000019", "4400301", "Lucía", "¿Y el abono?", &[]);
            let _ = stub.ask(status, body, reply);
            let _ = stub.ask(status, body, backend.close("INQ-10000019", "4400301"));
        }
    });
}
