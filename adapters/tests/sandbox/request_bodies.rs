//! The other half of the request-body contract: the bodies the adapters must send
//! (`fixtures/*/*_request.*`, compared with what they do send in the contract tests) are bodies
//! the simulators read — each gets its business answer, never a 400 for a body not understood.

use axum::http::StatusCode;
use supportgraph_adapters::sandbox::SandboxHandle;
use supportgraph_adapters::{eu_services, registration, us_inventory};

use crate::sandbox;

/// One documented request body, where it goes, and the simulator's answer to it.
struct Documented {
    fixture: &'static str,
    instance: &'static str,
    path: &'static str,
    content_type: &'static str,
    status: StatusCode,
    answer_says: &'static str,
}

const DOCUMENTED: [Documented; 3] = [
    // Avery already holds the Invoices authorisation for 1000101 the fixture asks for.
    Documented {
        fixture: "registration/authorization_request.json",
        instance: registration::INSTANCE,
        path: "v1/users/globex-avery/tool-authorizations",
        content_type: "application/json",
        status: StatusCode::CONFLICT,
        answer_says: "ALREADY_AUTHORIZED",
    },
    // 70101001 is the first demo record of 1000101.
    Documented {
        fixture: "us_inventory/update_request.json",
        instance: us_inventory::INSTANCE,
        path: "v1/inventory/update-requests",
        content_type: "application/json",
        status: StatusCode::CREATED,
        answer_says: "\"serialNo\":\"70101001\"",
    },
    // The fixture's machine is the US record's twin, not one of 4900301's demo machines.
    Documented {
        fixture: "eu_services/change_request.xml",
        instance: eu_services::INSTANCE,
        path: "v1/change-requests",
        content_type: "application/xml",
        status: StatusCode::NOT_FOUND,
        answer_says: "UNKNOWN_MACHINE",
    },
];

/// POSTs the documented body to its simulator and returns the status and body.
async fn post(sandbox: &SandboxHandle, documented: &Documented) -> (StatusCode, String) {
    let body =
        std::fs::read_to_string(format!("fixtures/{}", documented.fixture)).expect("the fixture");
    let url = sandbox
        .base_url(documented.instance)
        .join(documented.path)
        .expect("a URL");
    let answer = reqwest::Client::new()
        .post(url)
        .header("content-type", documented.content_type)
        .body(body)
        .send()
        .await
        .expect("the sandbox answers");
    let status = StatusCode::from_u16(answer.status().as_u16()).expect("a status");
    (status, answer.text().await.expect("a body"))
}

#[tokio::test]
async fn the_documented_request_bodies_are_read_by_the_simulators() {
    let sandbox = sandbox().await;
    for documented in &DOCUMENTED {
        let (status, body) = post(&sandbox, documented).await;
        assert_eq!(status, documented.status, "{}: {body}", documented.fixture);
        assert!(
            body.contains(documented.answer_says),
            "{}: {body}",
            documented.fixture
        );
    }
}
