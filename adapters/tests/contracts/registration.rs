//! The registration system: profiles, and authorisation requests — their body, the answer and
//! the refusals.

use std::time::Duration;

use axum::http::StatusCode;
use supportgraph_adapters::AdapterError;
use supportgraph_adapters::model::{AuthorizationRefusal, AuthorizationStatus, Tool};
use supportgraph_adapters::ports::RegistrationBackend;
use supportgraph_adapters::registration::HttpRegistrationBackend;

use crate::fixture_server::{assert_json_body, client, fixture, serve};
use crate::malformed::{assert_refused_for_its_reason, reasons_in};

#[tokio::test]
async fn the_registration_profile_translates_and_an_unknown_user_is_none() {
    let server = serve(
        StatusCode::OK,
        fixture("registration/user.json"),
        Duration::ZERO,
    )
    .await;
    let registration = HttpRegistrationBackend::new(client(&server, "registration", 500));
    let profile = registration
        .user_profile("globex-avery")
        .await
        .expect("valid")
        .expect("registered");
    assert_eq!(profile.company_name, "Globex Industrial Group");
    assert_eq!(profile.customers.len(), 2);
    assert_eq!(profile.customers[1].country, "ES");
    assert_eq!(profile.address.postal_code, "60606");
    assert!(profile.approves_contracts_for("1000101"));
    assert!(!profile.approves_contracts_for("4400201"));
    assert_eq!(
        profile.authorization(Tool::OrderStatus, "1000101"),
        AuthorizationStatus::Authorized
    );
    assert_eq!(
        profile.authorization(Tool::OrderStatus, "4400201"),
        AuthorizationStatus::Pending
    );
    assert_eq!(
        profile.authorization(Tool::Invoices, "4400201"),
        AuthorizationStatus::Denied
    );
    assert_eq!(
        profile.authorization(Tool::Contracts, "1000101"),
        AuthorizationStatus::NotRequested
    );
    // The backend answered for another user than asked: a contract violation, not their data.
    assert!(matches!(
        registration.user_profile("someone-else").await,
        Err(AdapterError::Decode { .. })
    ));

    let missing = serve(StatusCode::NOT_FOUND, "{}".into(), Duration::ZERO).await;
    let registration = HttpRegistrationBackend::new(client(&missing, "registration", 500));
    assert_eq!(registration.user_profile("nobody").await, Ok(None));
}

#[tokio::test]
async fn an_authorisation_request_posts_its_body_and_reads_pending_or_a_refusal() {
    let server = serve(
        StatusCode::CREATED,
        fixture("registration/authorization_pending.json"),
        Duration::ZERO,
    )
    .await;
    let registration = HttpRegistrationBackend::new(client(&server, "registration", 500));
    let answer = registration
        .request_tool_authorization("globex-avery", Tool::Invoices, "1000101", "month-end close")
        .await
        .expect("valid")
        .expect("accepted");
    assert_eq!(answer.status, AuthorizationStatus::Pending);
    assert!(
        server
            .uri(0)
            .ends_with("/v1/users/globex-avery/tool-authorizations")
    );
    assert_json_body(&server, 0, "registration/authorization_request.json");

    let refused = serve(
        StatusCode::UNPROCESSABLE_ENTITY,
        fixture("registration/refusal_not_company_customer.json"),
        Duration::ZERO,
    )
    .await;
    let registration = HttpRegistrationBackend::new(client(&refused, "registration", 500));
    assert_eq!(
        registration
            .request_tool_authorization("globex-avery", Tool::Invoices, "9999999", "x")
            .await,
        Ok(Err(AuthorizationRefusal::NotCompanyCustomer))
    );

    for reason in reasons_in("registration") {
        let malformed = serve(
            StatusCode::CREATED,
            fixture(&reason.fixture),
            Duration::ZERO,
        )
        .await;
        let registration = HttpRegistrationBackend::new(client(&malformed, "registration", 500));
        let result = registration
            .request_tool_authorization("globex-avery", Tool::Invoices, "1000101", "x")
            .await;
        assert_refused_for_its_reason(&reason, "registration", result);
    }
}

#[tokio::test]
async fn a_user_id_is_percent_encoded_as_one_path_segment() {
    let server = serve(StatusCode::NOT_FOUND, "{}".into(), Duration::ZERO).await;
    let registration = HttpRegistrationBackend::new(client(&server, "registration", 500));
    assert_eq!(registration.user_profile("a b/../c?d").await, Ok(None));
    let seen = server.uri(0);
    assert!(seen.ends_with("/v1/users/a%20b%2F%2E%2E%2Fc%3Fd"), "{seen}");
}
