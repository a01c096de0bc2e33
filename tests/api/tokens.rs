//! Bearer tokens: a bad token refuses the whole request with 401; no token is a guest, and fields
//! that need a user answer `UNAUTHENTICATED`.

use serde_json::Value;

use crate::helpers::{Answer, GLOBEX_USER, spawn_app};

const ME: &str = "{ me { userId } }";

fn assert_refused(answer: &Answer, case: &str) {
    assert_eq!(answer.status, 401, "{case}: HTTP 401");
    assert_eq!(answer.error_codes(), ["UNAUTHENTICATED"], "{case}");
    assert!(
        answer.body.get("data").is_none_or(Value::is_null),
        "{case}: no data"
    );
    assert!(
        answer
            .content_type
            .starts_with("application/graphql-response+json")
    );
}

#[tokio::test]
async fn no_token_gives_unauthenticated_for_user_fields() {
    let app = spawn_app().await;
    for query in [
        ME,
        "{ orders { totalCount } }",
        r#"{ order(orderNumber: "1") { status } }"#,
    ] {
        let answer = app.graphql(None, query, Value::Null).await;
        assert_eq!(answer.status, 200);
        assert_eq!(answer.error_codes(), ["UNAUTHENTICATED"], "{query}");
    }
    let calls: u64 = app
        .sandbox
        .stats()
        .instances
        .values()
        .map(|s| s.calls)
        .sum();
    assert_eq!(calls, 0, "a guest reaches no backend");
}

#[tokio::test]
async fn an_expired_token_is_refused() {
    let app = spawn_app().await;
    let mut claims = app.valid_claims(GLOBEX_USER);
    claims.iat -= 7_200;
    claims.exp = chrono::Utc::now().timestamp() - 3_600;
    let answer = app
        .graphql(Some(&app.token_with(&claims)), ME, Value::Null)
        .await;
    assert_refused(&answer, "expired");
}

#[tokio::test]
async fn a_token_for_another_audience_or_issuer_is_refused() {
    let app = spawn_app().await;
    let mut wrong_audience = app.valid_claims(GLOBEX_USER);
    wrong_audience.aud = "another-api".into();
    let mut wrong_issuer = app.valid_claims(GLOBEX_USER);
    wrong_issuer.iss = "https://evil.example/".into();
    for (case, claims) in [("audience", wrong_audience), ("issuer", wrong_issuer)] {
        let answer = app
            .graphql(Some(&app.token_with(&claims)), ME, Value::Null)
            .await;
        assert_refused(&answer, case);
    }
}

#[tokio::test]
async fn garbage_tampered_and_foreign_tokens_are_refused() {
    let app = spawn_app().await;
    let valid = app.token(GLOBEX_USER);
    let mut parts: Vec<String> = valid.split('.').map(str::to_owned).collect();
    let other_user = app.token("iberia-lucia");
    parts[1] = other_user.split('.').nth(1).expect("a payload").to_owned();
    let tampered = parts.join(".");

    let mut foreign_settings = app.settings.auth.clone();
    foreign_settings.sandbox_hs256_key = Some("some other key entirely".into());
    let foreign = supportgraph::auth::SandboxIdentityProvider::new(&foreign_settings)
        .expect("a key")
        .mint(GLOBEX_USER)
        .expect("mints");

    for (case, token) in [
        ("garbage", "not.a.token".to_owned()),
        ("tampered payload", tampered),
        ("signed with another key", foreign),
    ] {
        let answer = app.graphql(Some(&token), ME, Value::Null).await;
        assert_refused(&answer, case);
    }

    let response = app
        .http
        .post(format!("{}/graphql", app.address))
        .header("Authorization", format!("Basic {valid}"))
        .json(&serde_json::json!({ "query": ME }))
        .send()
        .await
        .expect("answers");
    assert_refused(
        &Answer::from_response(response).await,
        "not a bearer header",
    );
}

#[tokio::test]
async fn a_valid_token_is_accepted() {
    let app = spawn_app().await;
    let answer = app
        .graphql(Some(&app.token(GLOBEX_USER)), ME, Value::Null)
        .await;
    assert_eq!(answer.assert_ok()["me"]["userId"], GLOBEX_USER);
}

#[tokio::test]
async fn a_valid_token_for_an_unregistered_user_is_forbidden() {
    let app = spawn_app().await;
    let answer = app.graphql_as("nobody-registered", ME, Value::Null).await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.error_codes(), ["FORBIDDEN"]);
}
