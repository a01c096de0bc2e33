//! What the preference calls never send — identifiers and limits that break their rules — and
//! how a PUT and a DELETE, idempotent by contract, are sent again after a failure.

use std::time::Duration;

use axum::http::StatusCode;
use supportgraph_adapters::AdapterError;
use supportgraph_adapters::client::{BackendClient, BackendEndpoint};
use supportgraph_adapters::model::{
    MAX_PREFERENCE_BODY_BYTES, MAX_PREFERENCE_NAME, PreferenceBody, PreferenceKind,
    PreferenceRefusal, PreferenceWrite,
};
use supportgraph_adapters::ports::RegistrationBackend;
use supportgraph_adapters::registration::HttpRegistrationBackend;
use supportgraph_adapters::resilience::ResilienceConfig;

use crate::fixture_server::{FixtureServer, fixture, serve_each};
use crate::preferences::{ID, USER, answering, documented_write};

#[tokio::test]
async fn identifiers_and_limits_are_refused_unsent() {
    let (server, registration) = answering(StatusCode::OK, "{}".into()).await;
    let write = documented_write();
    let with_body_of = |bytes: usize| {
        let mut body = PreferenceBody::new();
        // `{"t":"…"}`: 8 bytes around the text.
        body.insert("t".into(), "x".repeat(bytes - 8).into());
        PreferenceWrite {
            body,
            ..write.clone()
        }
    };
    let refused_writes = [
        (
            "an upper-case ID",
            PreferenceWrite {
                id: ID.to_uppercase(),
                ..write.clone()
            },
        ),
        (
            "a path for an ID",
            PreferenceWrite {
                id: "../../admin/v1/decisions".into(),
                ..write.clone()
            },
        ),
        (
            "no name",
            PreferenceWrite {
                name: String::new(),
                ..write.clone()
            },
        ),
        (
            "a long name",
            PreferenceWrite {
                name: "n".repeat(MAX_PREFERENCE_NAME + 1),
                ..write.clone()
            },
        ),
        (
            "a name on two lines",
            PreferenceWrite {
                name: "a\nb".into(),
                ..write.clone()
            },
        ),
        (
            "a padded name",
            PreferenceWrite {
                name: " Late".into(),
                ..write.clone()
            },
        ),
        (
            "a body over 16 KiB",
            with_body_of(MAX_PREFERENCE_BODY_BYTES + 1),
        ),
        (
            "version 0",
            PreferenceWrite {
                expected_version: Some(0),
                ..write.clone()
            },
        ),
    ];
    for (what, bad) in &refused_writes {
        let answer = registration.put_preference(USER, bad).await;
        assert!(
            matches!(answer, Err(AdapterError::InvalidRequest { .. })),
            "{what}: {answer:?}"
        );
    }
    for user in ["", "..", "a\u{0}b", &"u".repeat(257)] {
        let kind = PreferenceKind::OrderReport;
        let listed = registration.list_preferences(user, kind).await;
        let put = registration.put_preference(user, &write).await;
        let deleted = registration.delete_preference(user, kind, ID).await;
        assert!(
            matches!(listed, Err(AdapterError::InvalidRequest { .. })),
            "{user:?}"
        );
        assert!(
            matches!(put, Err(AdapterError::InvalidRequest { .. })),
            "{user:?}"
        );
        assert!(
            matches!(deleted, Err(AdapterError::InvalidRequest { .. })),
            "{user:?}"
        );
    }
    let deleted = registration
        .delete_preference(USER, PreferenceKind::OrderReport, "../x")
        .await;
    assert!(matches!(deleted, Err(AdapterError::InvalidRequest { .. })));
    assert_eq!(server.requests(), 0, "nothing reached the backend");

    // The largest body is sent.
    let (server, registration) = answering(
        StatusCode::CONFLICT,
        fixture("registration/refusal_version_conflict.json"),
    )
    .await;
    let largest = with_body_of(MAX_PREFERENCE_BODY_BYTES);
    assert_eq!(
        registration.put_preference(USER, &largest).await,
        Ok(Err(PreferenceRefusal::VersionConflict))
    );
    assert_eq!(server.requests(), 1);
}

/// A client that may retry every call (a retry budget of one retry per call).
fn retrying_client(server: &FixtureServer) -> BackendClient {
    let resilience = ResilienceConfig {
        retry_ratio: 1.0,
        retry_backoff: Duration::from_millis(1),
        ..ResilienceConfig::default()
    };
    BackendClient::with_resilience(
        reqwest::Client::new(),
        BackendEndpoint {
            name: "registration".into(),
            base_url: format!("http://{}/registration", server.addr)
                .parse()
                .expect("a URL"),
            timeout: Duration::from_secs(2),
        },
        resilience,
    )
}

#[tokio::test]
async fn a_put_and_a_delete_are_retried_with_the_same_request_after_a_5xx() {
    let server = serve_each(
        vec![
            (StatusCode::SERVICE_UNAVAILABLE, String::new()),
            (StatusCode::OK, fixture("registration/preference.json")),
        ],
        Duration::ZERO,
    )
    .await;
    let registration = HttpRegistrationBackend::new(retrying_client(&server));
    let write = PreferenceWrite {
        expected_version: Some(7),
        ..documented_write()
    };
    let answer = registration.put_preference(USER, &write).await;
    assert!(matches!(answer, Ok(Ok(_))), "{answer:?}");
    assert_eq!(server.requests(), 2);
    assert_eq!(server.body(1), server.body(0));
    assert_eq!(server.header(1, "if-match").as_deref(), Some("\"7\""));

    let server = serve_each(
        vec![
            (StatusCode::BAD_GATEWAY, String::new()),
            (StatusCode::NO_CONTENT, String::new()),
        ],
        Duration::ZERO,
    )
    .await;
    let registration = HttpRegistrationBackend::new(retrying_client(&server));
    let deleted = registration
        .delete_preference(USER, PreferenceKind::OrderReport, ID)
        .await;
    assert_eq!(deleted, Ok(Ok(())));
    assert_eq!(server.requests(), 2);
    assert_eq!(server.uri(1), server.uri(0));
}
