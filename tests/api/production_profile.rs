//! What `config/production.toml` shows a client: no introspection, no "Did you mean", no
//! explorer; and however a backend fails — here with a 500 carrying a stack trace — the client
//! sees a code, a generic message and a trace id, never the backend's words.

use axum::http::StatusCode;
use serde_json::Value;
use supportgraph::settings::Settings;

use crate::helpers::{GLOBEX_USER, TestApp, spawn_app, spawn_app_with};

/// The gateway with the client-facing settings of the example production file (its backends
/// stay the sandbox's: the production profile itself refuses the sandbox's keys).
async fn production_facing(configure: impl FnOnce(&mut Settings)) -> TestApp {
    let production = std::fs::read_to_string("config/production.toml").expect("read");
    let production: toml::Value = toml::from_str(&production).expect("TOML");
    let introspection = production["server"]["introspection"].as_bool();
    let suggestions = production["graphql"]["field_suggestions"].as_bool();
    let graphiql = production["graphiql"]["enabled"].as_bool();
    assert_eq!(
        (introspection, suggestions, graphiql),
        (Some(false), Some(false), Some(false)),
        "the production file switches all three off"
    );
    spawn_app_with(|s| {
        s.server.introspection = false;
        s.graphql.field_suggestions = false;
        s.graphiql.enabled = false;
        configure(s);
    })
    .await
}

fn messages(body: &Value) -> String {
    body["errors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .map(|e| e["message"].as_str().unwrap_or_default().to_owned())
                .collect::<Vec<_>>()
                .join(" | ")
        })
        .unwrap_or_default()
}

fn assert_trace_ids(body: &Value) {
    let errors = body["errors"].as_array().expect("errors");
    assert!(!errors.is_empty());
    for error in errors {
        let id = error["extensions"]["traceId"].as_str().unwrap_or_default();
        assert!(
            id.len() == 32 && id.bytes().all(|b| b.is_ascii_hexdigit()) && id != "0".repeat(32),
            "every error carries a trace id: {error}"
        );
    }
}

#[tokio::test]
async fn introspection_suggestions_and_the_explorer_are_off() {
    let app = production_facing(|_| {}).await;
    let token = app.token(GLOBEX_USER);
    let schema = app
        .graphql(Some(&token), "{ __schema { types { name } } }", Value::Null)
        .await;
    assert!(
        schema.body["data"].is_null() || schema.body.get("data").is_none(),
        "{}",
        schema.body
    );
    assert_eq!(schema.error_codes(), ["BAD_USER_INPUT"], "{}", schema.body);
    assert!(
        messages(&schema.body).contains("introspection is disabled"),
        "the gateway's own refusal, before anything runs: {}",
        schema.body
    );
    assert_trace_ids(&schema.body);

    let typo = "{ me { userid } }";
    let answer = app.graphql(Some(&token), typo, Value::Null).await;
    assert_eq!(answer.status, 400, "{}", answer.body);
    assert!(
        !messages(&answer.body).contains("Did you mean"),
        "{}",
        answer.body
    );
    assert_trace_ids(&answer.body);
    // The development profile does suggest, so the check above can fail.
    let development = spawn_app().await;
    let suggested = development.graphql(Some(&token), typo, Value::Null).await;
    assert!(
        messages(&suggested.body).contains("Did you mean"),
        "{}",
        suggested.body
    );

    let page = app
        .http
        .get(format!("{}/graphiql", app.address))
        .send()
        .await
        .expect("answers");
    assert_eq!(page.status(), 404);
}

/// What a broken Java backend answers: a 500 whose body is a stack trace.
const STACK_TRACE: &str = "java.lang.NullPointerException: customer 1000101 has no ledger\n\tat com.vendor.orders.OrderService.list(OrderService.java:42)\n\tat org.apache.catalina.core.StandardWrapperValve.invoke(StandardWrapperValve.java:199)\n";

async fn broken_backend() -> url::Url {
    let router =
        axum::Router::new().fallback(|| async { (StatusCode::INTERNAL_SERVER_ERROR, STACK_TRACE) });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a port");
    let address = listener.local_addr().expect("an address");
    tokio::spawn(async move { axum::serve(listener, router).await });
    url::Url::parse(&format!("http://{address}/")).expect("a URL")
}

#[tokio::test]
async fn a_backend_stack_trace_reaches_the_client_as_a_code_a_generic_message_and_a_trace_id() {
    let broken = broken_backend().await;
    let app = production_facing(|s| {
        let orders = &mut s.backends.order_status;
        orders.americas = Some(broken.clone());
        orders.emea = Some(broken.clone());
        orders.ap = Some(broken.clone());
    })
    .await;
    let answer = app
        .graphql_as(
            GLOBEX_USER,
            "{ orders(first: 5) { totalCount edges { node { orderNumber } } } }",
            Value::Null,
        )
        .await;
    assert_trace_ids(&answer.body);
    // What the client reads, without the (random) trace ids.
    let mut body = answer.body.clone();
    for error in body["errors"].as_array_mut().into_iter().flatten() {
        error["extensions"]
            .as_object_mut()
            .map(|extensions| extensions.remove("traceId"));
    }
    let text = body.to_string();
    assert!(
        answer
            .error_codes()
            .iter()
            .all(|c| c == "BACKEND_UNAVAILABLE")
            && !answer.error_codes().is_empty(),
        "{text}"
    );
    for leaked in [
        "NullPointerException",
        "OrderService",
        "java",
        "catalina",
        "ledger",
        "500",
        "reqwest",
        "hyper",
        "AdapterError",
        "127.0.0.1",
    ] {
        assert!(
            !text.contains(leaked),
            "{leaked} reached the client: {text}"
        );
    }
    assert_trace_ids(&answer.body);
}

#[tokio::test]
async fn a_download_routes_refusal_carries_a_trace_id_too() {
    let app = production_facing(|_| {}).await;
    for path in ["/exports/orders.csv", "/documents/invoices/x.pdf"] {
        let response = app
            .http
            .get(format!("{}{path}", app.address))
            .send()
            .await
            .expect("answers");
        assert!(
            response.status().is_client_error(),
            "{path}: {}",
            response.status()
        );
        let body: Value = response.json().await.expect("a JSON refusal");
        assert!(body["error"].is_string(), "{path}: {body}");
        let id = body["traceId"].as_str().unwrap_or_default();
        assert_eq!(id.len(), 32, "{path}: {body}");
    }
}
