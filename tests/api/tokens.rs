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
            || answer.content_type.starts_with("application/json"),
        "{case}: {}",
        answer.content_type
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
    // The right key under the trusted kid, but an algorithm the key does not declare.
    let dev_key = std::fs::read_to_string("config/sandbox-identity-dev-key.pem").expect("dev key");
    let other_algorithm = |alg| {
        let mut header = Header::new(alg);
        header.kid = Some(kid.clone());
        let key = EncodingKey::from_rsa_pem(dev_key.as_bytes()).expect("an RSA key");
        jsonwebtoken::encode(&header, &valid_json, &key).expect("encodes")
    };
    // Positive control: the claims the mutants are made from are accepted as they are.
    let control = app
        .graphql(Some(&app.token_with(&valid_json)), ME, Value::Null)
        .await;
    assert_eq!(control.assert_ok()["me"]["userId"], GLOBEX_USER);
    app.sandbox.reset_stats();

    let mutants: Vec<(&str, String)> = vec![
        ("alg none", alg_none),
        (
            "HS256 signed with the RSA public key",
            hs256_with_public_key,
        ),
        (
            "RS512 with the trusted key",
            other_algorithm(Algorithm::RS512),
        ),
        (
            "PS256 with the trusted key",
            other_algorithm(Algorithm::PS256),
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
    let app = spawn_app().await;
    assert_eq!(
        app.settings.auth.jwks_min_refetch_seconds, 30,
        "the shipped default"
    );
    app.graphql(Some(&app.token(GLOBEX_USER)), ME, Value::Null)
        .await
        .assert_ok();
    assert_eq!(app.sandbox.stats().instances["identity"].calls, 1);

    app.sandbox
        .identity()
        .publish("rotated-rsa", &key("rotated-rsa"))
        .expect("publishes");
    let rotated = app.token(GLOBEX_USER);
    assert_eq!(
        jsonwebtoken::decode_header(&rotated)
            .expect("a header")
            .kid
            .as_deref(),
        Some("rotated-rsa")
    );
    for _ in 0..3 {
        let answer = app.graphql(Some(&rotated), ME, Value::Null).await;
        assert_eq!(answer.assert_ok()["me"]["userId"], GLOBEX_USER);
    }
    assert_eq!(
        app.sandbox.stats().instances["identity"].calls,
        2,
        "exactly one refetch"
    );
    let before = app.token_with(&app.valid_claims(GLOBEX_USER));
    app.graphql(Some(&before), ME, Value::Null)
        .await
        .assert_ok();
}

#[tokio::test]
async fn another_rotation_is_picked_up_once_the_refetch_interval_has_passed() {
    let app = spawn_app_with(|s| {
        s.auth.jwks_min_refetch_seconds = 1;
        s.auth.jwks_cache_seconds = 300;
    })
    .await;
    app.graphql(Some(&app.token(GLOBEX_USER)), ME, Value::Null)
        .await
        .assert_ok();
    app.sandbox
        .identity()
        .publish("rotated-rsa", &key("rotated-rsa"))
        .expect("publishes");
    app.graphql(Some(&app.token(GLOBEX_USER)), ME, Value::Null)
        .await
        .assert_ok();

    app.sandbox
        .identity()
        .publish("rotated-ec", &key("rotated-ec"))
        .expect("publishes");
    let ec = app.token(GLOBEX_USER);
    assert_refused(
        &app.graphql(Some(&ec), ME, Value::Null).await,
        "within the interval",
    );
    assert_eq!(app.sandbox.stats().instances["identity"].calls, 2);
    tokio::time::sleep(std::time::Duration::from_millis(1_100)).await;
    app.graphql(Some(&ec), ME, Value::Null).await.assert_ok();
    assert_eq!(app.sandbox.stats().instances["identity"].calls, 3);
}

#[tokio::test]
async fn a_token_verified_before_is_refused_once_its_key_leaves_the_key_set() {
    let app = spawn_app_with(|s| {
        s.auth.jwks_min_refetch_seconds = 1;
        s.auth.jwks_cache_seconds = 1;
    })
    .await;
    app.sandbox
        .identity()
        .publish("rotated-rsa", &key("rotated-rsa"))
        .expect("publishes");
    let token = app.token(GLOBEX_USER);
    for _ in 0..3 {
        app.graphql(Some(&token), ME, Value::Null).await.assert_ok();
    }
    assert_eq!(
        app.sandbox.stats().instances["identity"].calls,
        1,
        "one key-set fetch"
    );
    assert!(app.sandbox.identity().retire("rotated-rsa"));
    // Within the key set's cache time the key still vouches for the token; after it, the
    // refreshed key set no longer has the key, and the remembered token goes with it.
    tokio::time::sleep(std::time::Duration::from_millis(1_100)).await;
    assert_refused(
        &app.graphql(Some(&token), ME, Value::Null).await,
        "its key was retired",
    );
    assert_eq!(app.sandbox.stats().instances["identity"].calls, 2);
    app.graphql(Some(&app.token(GLOBEX_USER)), ME, Value::Null)
        .await
        .assert_ok();
}

#[tokio::test]
async fn unknown_kids_refetch_the_key_set_at_most_once_per_interval() {
    let app = spawn_app_with(|s| {
        s.auth.jwks_min_refetch_seconds = 3_600;
        s.auth.jwks_cache_seconds = 3_600;
    })
    .await;
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

#[tokio::test]
async fn a_production_gateway_refuses_the_sandbox_development_key_even_from_its_key_set() {
    use supportgraph::settings::{Profile, Settings};
    use supportgraph::startup::{Application, sandbox_identity};
    use supportgraph_adapters::sandbox::{self, SandboxConfig};

    let mut settings = Settings::load_without_env(None).expect("defaults load");
    let standalone = sandbox::start(
        SandboxConfig {
            seed: settings.sandbox.seed,
            faults: Default::default(),
            identity: sandbox_identity(&settings).expect("the dev key"),
            auto_approve_after: None,
            extra_orders: 0,
        },
        "127.0.0.1:0".parse().expect("an address"),
    )
    .await
    .expect("the sandbox starts");
    settings.profile = Profile::Production;
    settings.sandbox.embedded = false;
    settings.server.port = 0;
    crate::helpers::use_standalone_backends(&mut settings, &standalone);
    settings.links.signing_key = Some(supportgraph::settings::SecretString::new(
        "c3VwcG9ydGdyYXBoLXRlc3Qtc2lnbmluZy1rZXktMzItYnl0ZXMh",
    ));
    settings.links.public_base_url = Some("https://api.example.com".parse().expect("a URL"));
    let application = Application::build(settings).await.expect("builds");
    let address = format!("http://127.0.0.1:{}/graphql", application.port());
    tokio::spawn(application.run_until_stopped());

    let token = standalone.identity().mint(GLOBEX_USER).expect("mints");
    let response = reqwest::Client::new()
        .post(address)
        .bearer_auth(token)
        .json(&json!({ "query": ME }))
        .send()
        .await
        .expect("answers");
    assert_refused(
        &Answer::from_response(response).await,
        "the development key in production",
    );
}
