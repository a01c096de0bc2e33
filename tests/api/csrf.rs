//! CSRF prevention, as a browser on another site would try it: every method × body type ×
//! preflight header. A POST a browser sends cross-site without asking (text/plain, a form,
//! multipart, no type) runs only with a preflight header; JSON and GET queries need none; a
//! mutation over GET never runs. Each refusal is checked for having reached no backend.

use reqwest::Method;
use serde_json::json;

use crate::helpers::{Answer, GLOBEX_USER, TestApp, spawn_app, spawn_app_with};

/// A mutation with a side effect in the registration system (a new authorisation request).
const MUTATION: &str = r#"mutation { requestToolAuthorization(input: {tool: ORDER_STATUS, customerNumber: "3300401", justification: "csrf matrix"}) { userErrors { code } } }"#;

/// The body types of the matrix: (name, `Content-Type`, body).
fn bodies(query: &str) -> Vec<(&'static str, Option<String>, Vec<u8>)> {
    let json_body = json!({ "query": query }).to_string();
    let boundary = "csrf-matrix-boundary";
    let multipart = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"operations\"\r\n\r\n{json_body}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"map\"\r\n\r\n{{}}\r\n--{boundary}--\r\n"
    );
    vec![
        (
            "json",
            Some("application/json".to_owned()),
            json_body.clone().into_bytes(),
        ),
        (
            "text/plain",
            Some("text/plain;charset=UTF-8".to_owned()),
            json_body.clone().into_bytes(),
        ),
        (
            "form",
            Some("application/x-www-form-urlencoded".to_owned()),
            format!("query={query}").into_bytes(),
        ),
        (
            "multipart",
            Some(format!("multipart/form-data; boundary={boundary}")),
            multipart.into_bytes(),
        ),
        ("none", None, json_body.into_bytes()),
    ]
}

async fn post(
    app: &TestApp,
    content_type: Option<&str>,
    body: Vec<u8>,
    preflight: Option<&str>,
) -> Answer {
    let mut request = app
        .http
        .request(Method::POST, format!("{}/graphql", app.address))
        .bearer_auth(app.token(GLOBEX_USER))
        .body(body);
    if let Some(content_type) = content_type {
        request = request.header("content-type", content_type);
    }
    if let Some(name) = preflight {
        request = request.header(name, "1");
    }
    Answer::from_response(request.send().await.expect("the gateway answers")).await
}

fn registration_writes(app: &TestApp) -> u64 {
    app.sandbox.stats().instances["registration"].writes
}

#[tokio::test]
async fn simple_posts_run_only_with_a_preflight_header() {
    let app = spawn_app().await;
    for (kind, content_type, body) in bodies(MUTATION) {
        // Without a header: JSON runs; every type a browser sends cross-site is refused.
        let before = registration_writes(&app);
        let answer = post(&app, content_type.as_deref(), body.clone(), None).await;
        if kind == "json" {
            assert_eq!(answer.status, 200, "{kind}: {}", answer.body);
            assert!(answer.body["data"]["requestToolAuthorization"].is_object());
            assert_eq!(
                registration_writes(&app),
                before + 1,
                "{kind} ran: {}",
                answer.body
            );
        } else {
            assert_eq!(answer.status, 400, "{kind}: {}", answer.body);
            assert_eq!(answer.error_codes(), ["CSRF_BLOCKED"], "{kind}");
            assert!(answer.body.get("data").is_none(), "{kind}");
            assert_eq!(registration_writes(&app), before, "{kind}: nothing ran");
        }
        // With any of the preflight headers, the request is judged as a GraphQL request: JSON
        // and multipart run, the others are no GraphQL body type (415) and run nothing.
        for header in [
            "graphql-require-preflight",
            "apollo-require-preflight",
            "x-supportgraph-csrf",
        ] {
            let before = registration_writes(&app);
            let answer = post(&app, content_type.as_deref(), body.clone(), Some(header)).await;
            match kind {
                "json" | "multipart" => {
                    assert_eq!(answer.status, 200, "{kind} + {header}: {}", answer.body);
                    assert_eq!(registration_writes(&app), before + 1, "{kind} + {header}");
                }
                _ => {
                    assert_eq!(answer.status, 415, "{kind} + {header}: {}", answer.body);
                    assert_eq!(answer.error_codes(), ["BAD_USER_INPUT"], "{kind}");
                    assert_eq!(registration_writes(&app), before, "{kind} + {header}");
                }
            }
        }
    }
}

#[tokio::test]
async fn get_serves_queries_whatever_the_headers_and_never_a_mutation() {
    let app = spawn_app().await;
    for (kind, content_type, _) in bodies("{ __typename }") {
        for preflight in [None, Some("graphql-require-preflight")] {
            let mut request = app
                .http
                .get(format!("{}/graphql", app.address))
                .query(&[("query", "{ me { userId } }")])
                .bearer_auth(app.token(GLOBEX_USER));
            if let Some(content_type) = &content_type {
                request = request.header("content-type", content_type);
            }
            if let Some(name) = preflight {
                request = request.header(name, "1");
            }
            let answer = Answer::from_response(request.send().await.expect("answers")).await;
            assert_eq!(answer.status, 200, "{kind} {preflight:?}: {}", answer.body);
            assert_eq!(answer.body["data"]["me"]["userId"], GLOBEX_USER);

            let before = registration_writes(&app);
            let mut mutation = app
                .http
                .get(format!("{}/graphql", app.address))
                .query(&[("query", MUTATION)])
                .bearer_auth(app.token(GLOBEX_USER));
            if let Some(name) = preflight {
                mutation = mutation.header(name, "1");
            }
            let response = mutation.send().await.expect("answers");
            assert_eq!(response.status(), 405, "{kind} {preflight:?}");
            assert_eq!(registration_writes(&app), before, "no side effect over GET");
        }
    }
}

#[tokio::test]
async fn switched_off_a_simple_post_is_judged_by_its_type_alone() {
    let app = spawn_app_with(|s| s.csrf.enabled = false).await;
    let answer = post(
        &app,
        Some("text/plain"),
        json!({ "query": "{ __typename }" })
            .to_string()
            .into_bytes(),
        None,
    )
    .await;
    assert_eq!(answer.status, 415, "{}", answer.body);
    assert_eq!(answer.error_codes(), ["BAD_USER_INPUT"]);
    // An upload is what a form sends cross-site: it still needs the header.
    let (_, content_type, body) = bodies(MUTATION)
        .into_iter()
        .find(|(kind, _, _)| *kind == "multipart")
        .expect("the multipart body");
    let before = registration_writes(&app);
    let answer = post(&app, content_type.as_deref(), body, None).await;
    assert_eq!(answer.error_codes(), ["CSRF_BLOCKED"], "{}", answer.body);
    assert_eq!(registration_writes(&app), before);
}
