//! The registration system's preference documents: the listing, the PUT (its body, its
//! `If-Match`), the DELETE, every refusal and the answers that break the contract. What is
//! refused unsent, and how a PUT and a DELETE are retried: `preferences_sending`.

use std::time::Duration;

use axum::http::{Method, StatusCode};
use supportgraph_adapters::AdapterError;
use supportgraph_adapters::model::{
    PreferenceBody, PreferenceKind, PreferenceRefusal, PreferenceWrite,
};
use supportgraph_adapters::ports::RegistrationBackend;
use supportgraph_adapters::registration::HttpRegistrationBackend;

use crate::fixture_server::{FixtureServer, assert_json_body, client, fixture, serve};

/// The user every call is about.
pub const USER: &str = "globex-avery";
/// The ID of `preference.json`.
pub const ID: &str = "0f8c5a3e-6d1b-4c2a-9e57-3b8d2f1a7c40";
const PATH: &str = "/registration/v1/users/globex-avery/preferences";

fn backend(server: &FixtureServer) -> HttpRegistrationBackend {
    HttpRegistrationBackend::new(client(server, "registration", 500))
}

/// A fixture server answering every request with `status` and `body`, and an adapter of it.
pub async fn answering(
    status: StatusCode,
    body: String,
) -> (FixtureServer, HttpRegistrationBackend) {
    let server = serve(status, body, Duration::ZERO).await;
    let registration = backend(&server);
    (server, registration)
}

/// The write whose body is `preference_request.json`: a create of [`ID`].
pub fn documented_write() -> PreferenceWrite {
    let request: serde_json::Value =
        serde_json::from_str(&fixture("registration/preference_request.json")).expect("JSON");
    let body: PreferenceBody = serde_json::from_value(request["body"].clone()).expect("an object");
    PreferenceWrite {
        id: ID.into(),
        kind: PreferenceKind::OrderReport,
        name: request["name"].as_str().expect("a name").into(),
        body,
        expected_version: None,
    }
}

/// `preference.json` with some fields replaced.
fn answered_with(changes: serde_json::Value) -> String {
    let mut doc: serde_json::Value =
        serde_json::from_str(&fixture("registration/preference.json")).expect("JSON");
    for (key, value) in changes.as_object().expect("an object") {
        doc[key] = value.clone();
    }
    doc.to_string()
}

#[tokio::test]
async fn a_listing_asks_for_its_kind_and_translates_every_document() {
    let (server, registration) =
        answering(StatusCode::OK, fixture("registration/preferences.json")).await;
    let docs = registration
        .list_preferences(USER, PreferenceKind::OrderReport)
        .await
        .expect("valid");
    assert_eq!(server.method(0), Method::GET);
    assert_eq!(server.uri(0), format!("{PATH}?kind=order-report"));
    assert_eq!(docs.len(), 2);
    assert_eq!(docs[0].id, ID);
    assert_eq!(docs[0].name, "Late EMEA hardware");
    assert_eq!(docs[0].version, 3);
    assert_eq!(docs[0].body["sort"]["direction"], "DESC");
    assert_eq!(
        docs[0].updated_at.to_rfc3339(),
        "2026-03-02T09:15:00.250+00:00"
    );
    assert!(docs[1].body.is_empty());

    let (_, registration) = answering(StatusCode::OK, r#"{"preferences": []}"#.into()).await;
    let none = registration
        .list_preferences(USER, PreferenceKind::OrderReport)
        .await;
    assert_eq!(none, Ok(Vec::new()));
}

#[tokio::test]
async fn a_listing_with_an_unusable_document_breaks_the_contract() {
    for (broken, says) in [
        (r#"{"kind": "dashboard"}"#, "unknown variant `dashboard`"),
        (
            r#"{"id": "0F8C5A3E-6D1B-4C2A-9E57-3B8D2F1A7C40"}"#,
            "a document's ID is not usable",
        ),
        (r#"{"version": 0}"#, "version 0"),
        (r#"{"body": ["not", "an", "object"]}"#, "expected a map"),
    ] {
        let doc = answered_with(serde_json::from_str(broken).expect("JSON"));
        let list = format!(r#"{{"preferences": [{doc}]}}"#);
        let (_, registration) = answering(StatusCode::OK, list).await;
        match registration
            .list_preferences(USER, PreferenceKind::OrderReport)
            .await
        {
            Err(AdapterError::Decode { detail, .. }) => {
                assert!(detail.contains(says), "{broken}: {detail}");
            }
            other => panic!("{broken}: expected a decode error, got {other:?}"),
        }
    }
}

#[tokio::test]
async fn a_create_puts_the_documented_body_to_its_id_without_if_match() {
    let (server, registration) =
        answering(StatusCode::CREATED, fixture("registration/preference.json")).await;
    let write = documented_write();
    let doc = registration
        .put_preference(USER, &write)
        .await
        .expect("valid")
        .expect("stored");
    assert_eq!(server.method(0), Method::PUT);
    assert_eq!(server.uri(0), format!("{PATH}/{ID}"));
    assert_eq!(server.header(0, "if-match"), None);
    assert_eq!(
        server.header(0, "content-type").as_deref(),
        Some("application/json")
    );
    assert_json_body(&server, 0, "registration/preference_request.json");
    assert_eq!((doc.id.as_str(), doc.version), (ID, 1));
    assert_eq!(doc.body, write.body);
}

#[tokio::test]
async fn a_change_names_the_version_it_replaces_in_if_match() {
    let (server, registration) = answering(
        StatusCode::OK,
        answered_with(serde_json::json!({"version": 4})),
    )
    .await;
    let write = PreferenceWrite {
        expected_version: Some(3),
        ..documented_write()
    };
    let doc = registration
        .put_preference(USER, &write)
        .await
        .expect("valid")
        .expect("stored");
    assert_eq!(server.header(0, "if-match").as_deref(), Some("\"3\""));
    assert_json_body(&server, 0, "registration/preference_request.json");
    assert_eq!(doc.version, 4);
}

#[tokio::test]
async fn every_refusal_of_a_put_is_mapped() {
    for (status, refusal_fixture, refusal) in [
        (
            StatusCode::CONFLICT,
            "refusal_version_conflict",
            PreferenceRefusal::VersionConflict,
        ),
        (
            StatusCode::CONFLICT,
            "refusal_name_taken",
            PreferenceRefusal::NameTaken,
        ),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            "refusal_too_many",
            PreferenceRefusal::TooMany,
        ),
        (
            StatusCode::NOT_FOUND,
            "refusal_not_found",
            PreferenceRefusal::NotFound,
        ),
    ] {
        let body = fixture(&format!("registration/{refusal_fixture}.json"));
        let (server, registration) = answering(status, body).await;
        let answer = registration.put_preference(USER, &documented_write()).await;
        assert_eq!(answer, Ok(Err(refusal)), "{refusal_fixture}");
        assert_eq!(server.requests(), 1, "a refusal is an answer: not retried");
    }
}

#[tokio::test]
async fn a_put_answered_with_another_document_or_an_unknown_refusal_breaks_the_contract() {
    for (status, answer) in [
        (
            StatusCode::OK,
            answered_with(serde_json::json!({"id": "7d1e2f30-4a5b-4c6d-8e9f-a0b1c2d3e4f5"})),
        ),
        (
            StatusCode::OK,
            answered_with(serde_json::json!({"name": "Someone else's"})),
        ),
        (
            StatusCode::OK,
            answered_with(serde_json::json!({"body": {}})),
        ),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            r#"{"error": "INVALID_PREFERENCE"}"#.into(),
        ),
        (StatusCode::CONFLICT, "not json".into()),
    ] {
        let (_, registration) = answering(status, answer.clone()).await;
        let result = registration.put_preference(USER, &documented_write()).await;
        assert!(
            matches!(result, Err(AdapterError::Decode { .. })),
            "{answer}: {result:?}"
        );
    }
}

#[tokio::test]
async fn a_delete_names_its_kind_and_reads_not_found() {
    let (server, registration) = answering(StatusCode::NO_CONTENT, String::new()).await;
    let deleted = registration
        .delete_preference(USER, PreferenceKind::OrderReport, ID)
        .await;
    assert_eq!(deleted, Ok(Ok(())));
    assert_eq!(server.method(0), Method::DELETE);
    assert_eq!(server.uri(0), format!("{PATH}/{ID}?kind=order-report"));

    let (_, registration) = answering(
        StatusCode::NOT_FOUND,
        fixture("registration/refusal_not_found.json"),
    )
    .await;
    assert_eq!(
        registration
            .delete_preference(USER, PreferenceKind::OrderReport, ID)
            .await,
        Ok(Err(PreferenceRefusal::NotFound))
    );

    // Only NOT_FOUND refuses a delete.
    let (_, registration) = answering(
        StatusCode::CONFLICT,
        fixture("registration/refusal_version_conflict.json"),
    )
    .await;
    assert!(matches!(
        registration
            .delete_preference(USER, PreferenceKind::OrderReport, ID)
            .await,
        Err(AdapterError::Decode { .. })
    ));
}
