//! Bearer tokens, verified through the identity provider's JWKS: every mutant is refused whole
//! with HTTP 401 and `UNAUTHENTICATED`; keys rotate with one refetch; no token is a guest.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};
use supportgraph_adapters::sandbox::identity::{IdentityConfig, SandboxIdentityProvider};

use crate::helpers::{Answer, GLOBEX_USER, TestApp, spawn_app, spawn_app_with};

const ME: &str = "{ me { userId } }";

fn assert_refused(answer: &Answer, case: &str) {
    assert_eq!(answer.status, 401, "{case}: HTTP 401 ({})", answer.body);
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

fn key(name: &str) -> String {
    std::fs::read_to_string(format!("tests/keys/{name}.pem")).expect("a test key")
}

fn b64(value: &Value) -> String {
    URL_SAFE_NO_PAD.encode(value.to_string())
}

/// A token from a second identity provider that the gateway does not trust.
fn untrusted_token(app: &TestApp, kid: &str) -> String {
    let untrusted = SandboxIdentityProvider::new(&IdentityConfig {
        issuer: app.settings.auth.issuer.clone(),
        audience: app.settings.auth.audience.clone(),
        token_ttl_seconds: 600,
        signing_key_pem: key("untrusted-rsa"),
        key_id: kid.to_owned(),
    })
    .expect("the untrusted key loads");
    untrusted.mint(GLOBEX_USER).expect("mints")
}

#[tokio::test]
async fn every_mutant_token_is_refused() {
    let app = spawn_app().await;
    let now = chrono::Utc::now().timestamp();
    let valid = app.valid_claims(GLOBEX_USER);
    let valid_json = serde_json::to_value(&valid).expect("claims serialise");
    let with = |field: &str, value: Value| {
        let mut claims = valid_json.clone();
        claims[field] = value;
        app.token_with(&claims)
    };
    let without = |field: &str| {
        let mut claims = valid_json.clone();
        claims.as_object_mut().expect("an object").remove(field);
        app.token_with(&claims)
    };
    let kid = app.settings.sandbox.identity_key_id.clone();

    let alg_none = format!(
        "{}.{}.",
        b64(&json!({ "alg": "none", "typ": "JWT", "kid": kid })),
        b64(&valid_json)
    );
    // The classic confusion: HS256 "signed" with the RSA public key's PEM as the HMAC secret.
    let public_pem = std::fs::read("tests/keys/sandbox-identity-dev-public.pem").expect("pem");
    let mut hs_header = Header::new(Algorithm::HS256);
    hs_header.kid = Some(kid.clone());
    let hs256_with_public_key = jsonwebtoken::encode(
        &hs_header,
        &valid_json,
        &EncodingKey::from_secret(&public_pem),
    )
    .expect("encodes");
    let good = app.token(GLOBEX_USER);
    let mut parts: Vec<&str> = good.split('.').collect();
    let other = app.token("iberia-lucia");
    parts[1] = other.split('.').nth(1).expect("a payload");
    let tampered = parts.join(".");
    let mut no_kid_header = Header::new(Algorithm::RS256);
    no_kid_header.kid = None;

    let mutants: Vec<(&str, String)> = vec![
        ("alg none", alg_none),
        (
            "HS256 signed with the RSA public key",
            hs256_with_public_key,
        ),
        ("expired", with("exp", json!(now - 3_600))),
        ("nbf in the future", with("nbf", json!(now + 3_600))),
        (
            "exp as a string",
            with("exp", json!((now + 600).to_string())),
        ),
        ("wrong issuer", with("iss", json!("https://evil.example/"))),
        ("missing issuer", without("iss")),
        ("wrong audience", with("aud", json!("another-api"))),
        ("missing audience", without("aud")),
        ("missing exp", without("exp")),
        ("missing sub", without("sub")),
        ("tampered payload", tampered),
        ("unknown kid", untrusted_token(&app, "kid-nobody-published")),
        (
            "untrusted key under a trusted kid",
            untrusted_token(&app, &kid),
        ),
        ("garbage", "not.a.token".to_owned()),
        ("empty", String::new()),
    ];
    for (case, token) in mutants {
        let answer = app.graphql(Some(&token), ME, Value::Null).await;
        assert_refused(&answer, case);
    }

    for header in [format!("Basic {good}"), "Bearer".to_owned(), good.clone()] {
        let response = app
            .http
            .post(format!("{}/graphql", app.address))
            .header("Authorization", header.clone())
            .json(&json!({ "query": ME }))
            .send()
            .await
            .expect("answers");
        assert_refused(&Answer::from_response(response).await, &header);
    }
    let calls = app.backend_calls();
    assert_eq!(calls, 0, "a refused token reaches no backend");
}

#[tokio::test]
async fn a_valid_token_is_accepted_and_the_key_set_is_fetched_once() {
    let app = spawn_app().await;
    for _ in 0..3 {
        let answer = app
            .graphql(Some(&app.token(GLOBEX_USER)), ME, Value::Null)
            .await;
        assert_eq!(answer.assert_ok()["me"]["userId"], GLOBEX_USER);
    }
    assert_eq!(app.sandbox.stats().instances["identity"].calls, 1);
}

#[tokio::test]
async fn a_newly_published_key_is_accepted_after_one_refetch() {
    let app = spawn_app_with(|s| s.auth.jwks_min_refetch_seconds = 0).await;
    app.graphql(Some(&app.token(GLOBEX_USER)), ME, Value::Null)
        .await
        .assert_ok();
    let mut fetches = app.sandbox.stats().instances["identity"].calls;
    assert_eq!(fetches, 1);

    for kid in ["rotated-rsa", "rotated-ec"] {
        app.sandbox
            .identity()
            .publish(kid, &key(kid))
            .expect("publishes");
        let rotated = app.token(GLOBEX_USER);
        let header = jsonwebtoken::decode_header(&rotated).expect("a header");
        assert_eq!(header.kid.as_deref(), Some(kid));
        for _ in 0..2 {
            let answer = app.graphql(Some(&rotated), ME, Value::Null).await;
            assert_eq!(answer.assert_ok()["me"]["userId"], GLOBEX_USER, "{kid}");
        }
        fetches += 1;
        assert_eq!(
            app.sandbox.stats().instances["identity"].calls,
            fetches,
            "{kid}: exactly one refetch, then the new key is cached"
        );
    }
    let old = app.token_with(&app.valid_claims(GLOBEX_USER));
    app.graphql(Some(&old), ME, Value::Null).await.assert_ok();
}

#[tokio::test]
async fn unknown_kids_refetch_the_key_set_at_most_once_per_interval() {
    let app = spawn_app_with(|s| s.auth.jwks_min_refetch_seconds = 3_600).await;
    app.graphql(Some(&app.token(GLOBEX_USER)), ME, Value::Null)
        .await
        .assert_ok();
    for n in 0..5 {
        let token = untrusted_token(&app, &format!("unknown-{n}"));
        assert_refused(
            &app.graphql(Some(&token), ME, Value::Null).await,
            "unknown kid",
        );
    }
    assert_eq!(
        app.sandbox.stats().instances["identity"].calls,
        2,
        "the first fetch, then one refetch for all the unknown kids"
    );
}

#[tokio::test]
async fn no_token_gives_unauthenticated_for_user_fields() {
    let app = spawn_app().await;
    for query in [
        ME,
        "{ orders { totalCount } }",
        r#"{ order(orderNumber: "1") { status } }"#,
        r#"{ node(id: "x") { id } }"#,
    ] {
        let answer = app.graphql(None, query, Value::Null).await;
        assert_eq!(answer.status, 200);
        assert_eq!(answer.error_codes(), ["UNAUTHENTICATED"], "{query}");
    }
    let calls = app.backend_calls();
    assert_eq!(calls, 0, "a guest reaches no backend");
}

#[tokio::test]
async fn a_valid_token_for_an_unregistered_user_is_forbidden() {
    let app = spawn_app().await;
    let answer = app.graphql_as("nobody-registered", ME, Value::Null).await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.error_codes(), ["FORBIDDEN"]);
}

#[tokio::test]
async fn the_identity_provider_being_down_is_a_503_not_a_401() {
    let app = spawn_app().await;
    let spec = supportgraph_adapters::sandbox::FaultSpec {
        latency_ms: 0,
        error_rate: 1.0,
        ..Default::default()
    };
    app.sandbox.set_fault("identity", spec).expect("known");
    let answer = app
        .graphql(Some(&app.token(GLOBEX_USER)), ME, Value::Null)
        .await;
    assert_eq!(answer.status, 503);
    assert_eq!(answer.error_codes(), ["BACKEND_UNAVAILABLE"]);
    assert_eq!(
        answer.body["errors"][0]["extensions"]["backend"],
        "identity"
    );
}
