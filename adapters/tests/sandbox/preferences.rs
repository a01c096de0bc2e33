//! The registration simulator keeps users' preference documents for every adapter that asks —
//! as two gateways on one `supportgraph sandbox` would — with the contract's versions, unique
//! names and limits, and refuses what breaks the rules even when no adapter checked it first.

use axum::http::StatusCode;
use supportgraph_adapters::model::{
    MAX_PREFERENCE_BODY_BYTES, MAX_PREFERENCE_NAME, MAX_PREFERENCES_PER_KIND, PreferenceBody,
    PreferenceKind, PreferenceRefusal, PreferenceWrite,
};
use supportgraph_adapters::ports::RegistrationBackend;
use supportgraph_adapters::registration::{self, HttpRegistrationBackend};
use supportgraph_adapters::sandbox::SandboxHandle;

use crate::{client, sandbox};

const USER: &str = "globex-avery";
const KIND: PreferenceKind = PreferenceKind::OrderReport;

/// One gateway's registration adapter: its own HTTP client, breakers and retry budget.
fn gateway(sandbox: &SandboxHandle) -> HttpRegistrationBackend {
    HttpRegistrationBackend::new(client(sandbox, registration::INSTANCE))
}

/// The UUID numbered `n`.
fn id(n: usize) -> String {
    format!("00000000-0000-4000-8000-{n:012x}")
}

/// A create of document `n` named `name`.
fn create(n: usize, name: &str) -> PreferenceWrite {
    let mut body = PreferenceBody::new();
    body.insert(
        "columns".into(),
        serde_json::json!(["orderNumber", "status"]),
    );
    PreferenceWrite {
        id: id(n),
        kind: KIND,
        name: name.into(),
        body,
        expected_version: None,
    }
}

#[tokio::test]
async fn two_gateways_on_one_sandbox_see_each_others_writes() {
    let sandbox = sandbox().await;
    let (first, second) = (gateway(&sandbox), gateway(&sandbox));
    let created = first
        .put_preference(USER, &create(1, "Late EMEA hardware"))
        .await
        .expect("answered")
        .expect("created");
    assert_eq!(created.version, 1);
    let seen = second.list_preferences(USER, KIND).await.expect("listed");
    assert_eq!(seen, vec![created.clone()]);

    let change = PreferenceWrite {
        name: "Late hardware".into(),
        expected_version: Some(1),
        ..create(1, "")
    };
    let changed = second
        .put_preference(USER, &change)
        .await
        .expect("answered")
        .expect("changed");
    assert_eq!(
        (changed.version, changed.name.as_str()),
        (2, "Late hardware")
    );
    assert!(changed.updated_at >= created.updated_at);
    let seen = first.list_preferences(USER, KIND).await.expect("listed");
    assert_eq!(seen, vec![changed]);

    assert_eq!(
        first.list_preferences("globex-blake", KIND).await,
        Ok(Vec::new()),
        "another user's documents are theirs"
    );
    assert_eq!(
        first.delete_preference(USER, KIND, &id(1)).await,
        Ok(Ok(()))
    );
    assert_eq!(second.list_preferences(USER, KIND).await, Ok(Vec::new()));
    assert_eq!(
        second.delete_preference(USER, KIND, &id(1)).await,
        Ok(Err(PreferenceRefusal::NotFound))
    );
}

#[tokio::test]
async fn a_stale_version_conflicts_and_a_repeated_write_stores_once() {
    let sandbox = sandbox().await;
    let gateway = gateway(&sandbox);
    let write = create(1, "Backorders");
    let created = gateway.put_preference(USER, &write).await;
    let repeated = gateway.put_preference(USER, &write).await;
    assert_eq!(repeated, created, "a create sent twice is answered alike");
    assert_eq!(
        gateway.list_preferences(USER, KIND).await.map(|d| d.len()),
        Ok(1)
    );

    let change = PreferenceWrite {
        name: "All backorders".into(),
        expected_version: Some(1),
        ..write.clone()
    };
    let changed = gateway.put_preference(USER, &change).await;
    assert!(
        matches!(&changed, Ok(Ok(doc)) if doc.version == 2),
        "{changed:?}"
    );
    assert_eq!(
        gateway.put_preference(USER, &change).await,
        changed,
        "a change sent twice is answered with what it stored, unchanged"
    );
    let stale = PreferenceWrite {
        name: "Backorders (mine)".into(),
        ..change
    };
    assert_eq!(
        gateway.put_preference(USER, &stale).await,
        Ok(Err(PreferenceRefusal::VersionConflict))
    );
    // A create with other contents under an ID that is taken.
    assert_eq!(
        gateway.put_preference(USER, &write).await,
        Ok(Err(PreferenceRefusal::VersionConflict))
    );
    let gone = PreferenceWrite {
        expected_version: Some(1),
        ..create(2, "Nowhere")
    };
    assert_eq!(
        gateway.put_preference(USER, &gone).await,
        Ok(Err(PreferenceRefusal::NotFound))
    );
}

#[tokio::test]
async fn names_are_unique_per_user_and_kind_ignoring_case() {
    let sandbox = sandbox().await;
    let gateway = gateway(&sandbox);
    let first = gateway
        .put_preference(USER, &create(1, "Late orders"))
        .await;
    assert!(matches!(first, Ok(Ok(_))), "{first:?}");
    assert_eq!(
        gateway
            .put_preference(USER, &create(2, "LATE ORDERS"))
            .await,
        Ok(Err(PreferenceRefusal::NameTaken))
    );
    let elsewhere = gateway
        .put_preference("globex-blake", &create(2, "Late orders"))
        .await;
    assert!(
        matches!(elsewhere, Ok(Ok(_))),
        "another user's names are theirs"
    );
    let recased = PreferenceWrite {
        expected_version: Some(1),
        ..create(1, "Late Orders")
    };
    let recased = gateway.put_preference(USER, &recased).await;
    assert!(
        matches!(&recased, Ok(Ok(doc)) if doc.name == "Late Orders"),
        "a document may change its own name's case: {recased:?}"
    );
    for write in [create(3, "b report"), create(4, "A report")] {
        let stored = gateway.put_preference(USER, &write).await;
        assert!(matches!(stored, Ok(Ok(_))), "{stored:?}");
    }
    let listed: Vec<String> = gateway
        .list_preferences(USER, KIND)
        .await
        .expect("listed")
        .into_iter()
        .map(|d| d.name)
        .collect();
    assert_eq!(
        listed,
        ["A report", "b report", "Late Orders"],
        "by name, ignoring case"
    );
}

#[tokio::test]
async fn the_51st_document_is_refused_until_one_is_deleted() {
    let sandbox = sandbox().await;
    let gateway = gateway(&sandbox);
    for n in 1..=MAX_PREFERENCES_PER_KIND {
        let stored = gateway
            .put_preference(USER, &create(n, &format!("Report {n}")))
            .await;
        assert!(matches!(stored, Ok(Ok(_))), "document {n}: {stored:?}");
    }
    let one_more = create(MAX_PREFERENCES_PER_KIND + 1, "One too many");
    assert_eq!(
        gateway.put_preference(USER, &one_more).await,
        Ok(Err(PreferenceRefusal::TooMany))
    );
    let listed = gateway.list_preferences(USER, KIND).await.expect("listed");
    assert_eq!(listed.len(), MAX_PREFERENCES_PER_KIND);
    let change = PreferenceWrite {
        expected_version: Some(1),
        ..create(1, "Report 1, renamed")
    };
    let changed = gateway.put_preference(USER, &change).await;
    assert!(
        matches!(changed, Ok(Ok(_))),
        "a change at the limit: {changed:?}"
    );

    assert_eq!(
        gateway.delete_preference(USER, KIND, &id(7)).await,
        Ok(Ok(()))
    );
    let stored = gateway.put_preference(USER, &one_more).await;
    assert!(matches!(stored, Ok(Ok(_))), "{stored:?}");
}

/// Sends one request to the registration simulator: its status and body.
async fn send(request: reqwest::RequestBuilder) -> (StatusCode, String) {
    let answer = request.send().await.expect("the sandbox answers");
    let status = StatusCode::from_u16(answer.status().as_u16()).expect("a status");
    (status, answer.text().await.expect("a body"))
}

#[tokio::test]
async fn the_simulator_reads_the_documented_body_and_refuses_what_breaks_the_rules() {
    let sandbox = sandbox().await;
    let base = sandbox.base_url(registration::INSTANCE);
    let url = |path: &str| base.join(path).expect("a URL");
    let id = "0f8c5a3e-6d1b-4c2a-9e57-3b8d2f1a7c40";
    let doc = &format!("v1/users/globex-avery/preferences/{id}");
    let http = reqwest::Client::new();
    let documented =
        std::fs::read_to_string("fixtures/registration/preference_request.json").expect("fixture");
    let put = |body: String| {
        http.put(url(doc))
            .header("content-type", "application/json")
            .body(body)
    };
    let (status, body) = send(put(documented.clone())).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert!(body.contains("\"version\":1"), "{body}");

    let request: serde_json::Value = serde_json::from_str(&documented).expect("JSON");
    let with = |key: &str, value: serde_json::Value| {
        let mut changed = request.clone();
        changed[key] = value;
        changed.to_string()
    };
    let big_body = serde_json::json!({ "t": "x".repeat(MAX_PREFERENCE_BODY_BYTES) });
    for (what, body) in [
        (
            "a long name",
            with("name", "n".repeat(MAX_PREFERENCE_NAME + 1).into()),
        ),
        ("a padded name", with("name", " padded".into())),
        ("an empty name", with("name", "".into())),
        ("a body over 16 KiB", with("body", big_body)),
    ] {
        let (status, answer) = send(put(body)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{what}: {answer}");
        assert!(answer.contains("INVALID_PREFERENCE"), "{what}: {answer}");
    }
    let upper = url(&format!(
        "v1/users/globex-avery/preferences/{}",
        id.to_uppercase()
    ));
    let (status, _) = send(
        http.put(upper)
            .header("content-type", "application/json")
            .body(documented.clone()),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "an ID not in canonical form"
    );
    for (what, request) in [
        (
            "an unquoted If-Match",
            put(documented.clone()).header("if-match", "1"),
        ),
        (
            "If-Match: *",
            put(documented.clone()).header("if-match", "*"),
        ),
        ("another kind", put(with("kind", "dashboard".into()))),
        (
            "an array for a body",
            put(with("body", serde_json::json!([1]))),
        ),
        (
            "a listing without its kind",
            http.get(url("v1/users/globex-avery/preferences")),
        ),
        ("a delete without its kind", http.delete(url(doc))),
    ] {
        let (status, answer) = send(request).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{what}: {answer}");
    }
}
