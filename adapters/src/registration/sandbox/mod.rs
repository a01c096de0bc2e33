//! The registration simulator: the demo users, their companies' customer numbers, and their tool
//! authorisations — which change when a user asks for access and an administrator decides.
//!
//! Decisions come from `POST admin/v1/decisions` (the customer administrator's console, for
//! demos and tests), or automatically after a configured delay. The users' preference documents
//! are kept by `preferences`.

mod preferences;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Json, Router};
use serde::Deserialize;
use utoipa::{OpenApi, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::wire::{
    WireAddress, WireAuthorization, WireAuthorizationRequest, WireCompany, WireCustomerNumber,
    WireUser,
};
use crate::model::{AuthorizationStatus, MAX_JUSTIFICATION, Tool};
use crate::sandbox::demo;
use crate::sandbox::openapi::{Refusal, SANDBOX_TAG_DESCRIPTION};
use crate::sandbox::respond::refuse_json;
use preferences::PreferenceStore;

type Key = (String, Tool, String);

#[derive(Debug, Clone, Copy)]
struct Entry {
    status: AuthorizationStatus,
    requested_at: Option<Instant>,
}

/// The authorisations, by (user, tool, customer number), and the users' preference documents.
#[derive(Debug)]
pub struct RegistrationState {
    entries: Mutex<HashMap<Key, Entry>>,
    auto_approve_after: Option<Duration>,
    preferences: Arc<PreferenceStore>,
}

impl RegistrationState {
    /// The demo users' starting authorisations; pending requests are approved automatically
    /// after `auto_approve_after` when given.
    pub fn new(auto_approve_after: Option<Duration>) -> Self {
        let entries = demo::initial_authorizations()
            .into_iter()
            .map(|(user, tool, customer, status)| {
                let entry = Entry {
                    status,
                    requested_at: None,
                };
                ((user.to_owned(), tool, customer.to_owned()), entry)
            })
            .collect();
        Self {
            entries: Mutex::new(entries),
            auto_approve_after,
            preferences: Arc::default(),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Key, Entry>> {
        self.entries
            .lock()
            .expect("the authorisation table is never poisoned: no code panics holding it")
    }

    fn status_of(&self, entry: &Entry) -> AuthorizationStatus {
        match (entry.status, entry.requested_at, self.auto_approve_after) {
            (AuthorizationStatus::Pending, Some(at), Some(delay)) if at.elapsed() >= delay => {
                AuthorizationStatus::Authorized
            }
            (status, _, _) => status,
        }
    }
}

/// The instance's routes.
pub fn router(state: Arc<RegistrationState>) -> Router {
    let preferences = preferences::router(state.preferences.clone());
    let (routes, _) = routes().split_for_parts();
    routes.with_state(state).merge(preferences)
}

/// The contract the registration system offers (see [`crate::sandbox::openapi`]).
pub fn openapi() -> utoipa::openapi::OpenApi {
    routes().into_openapi().merge_from(preferences::openapi())
}

/// What the contract says of itself.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Registration",
        description = "What the registration system must offer to be federated: a user's profile \
            (contact details, company, its customer numbers, the user's tool authorisations and \
            the customer numbers whose contracts the user approves), requests for a tool's \
            authorisation on a customer number, and the user's preference documents (saved \
            reports), versioned and written once per ID. One instance, at the base URL set in \
            `[backends.registration]`; paths are relative to it. Refusals are \
            `{\"error\": CODE}`."
    ),
    tags(
        (name = "users", description = "Users, their companies and their tool authorisations."),
        (name = "preferences", description = "A user's preference documents, opaque to the system."),
        (name = "sandbox", description = SANDBOX_TAG_DESCRIPTION)
    )
)]
struct ApiDoc;

/// Every route but the preferences' with its description: the served router and the contract
/// come from this one list.
fn routes() -> OpenApiRouter<Arc<RegistrationState>> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(user))
        .routes(routes!(request_authorization))
        .routes(routes!(decide))
}

fn find_user(user_id: &str) -> Option<(demo::DemoUser, demo::DemoCompany)> {
    demo::users()
        .into_iter()
        .find(|(u, _)| u.user_id == user_id)
}

/// A user's profile, company, customer numbers and tool authorisations.
#[utoipa::path(
    get,
    path = "/v1/users/{user_id}",
    operation_id = "user",
    tag = "users",
    params(("user_id" = String, Path, description = "The user's ID (the token's `sub`).")),
    responses(
        (status = 200, description = "The user.", body = WireUser),
        (status = 404, description = "`NOT_FOUND`: no such user.", body = Refusal)
    )
)]
async fn user(
    State(state): State<Arc<RegistrationState>>,
    Path(user_id): Path<String>,
) -> Response {
    let Some((user, company)) = find_user(&user_id) else {
        return refuse_json(StatusCode::NOT_FOUND, "NOT_FOUND");
    };
    let entries = state.lock();
    let mut tool_authorizations: Vec<WireAuthorization> = entries
        .iter()
        .filter(|((u, _, _), _)| *u == user_id)
        .map(|((_, tool, customer), entry)| WireAuthorization {
            tool: *tool,
            customer_number: customer.clone(),
            status: state.status_of(entry),
        })
        .collect();
    drop(entries);
    tool_authorizations
        .sort_by(|a, b| (a.tool, &a.customer_number).cmp(&(b.tool, &b.customer_number)));
    let (street, city, postal_code) = user.address;
    Json(WireUser {
        user_id: user.user_id.to_owned(),
        display_name: user.name.to_owned(),
        email: user.email.to_owned(),
        phone: user.phone.to_owned(),
        language: user.language.to_owned(),
        country: user.country.to_owned(),
        address: WireAddress {
            street: street.to_owned(),
            city: city.to_owned(),
            postal_code: postal_code.to_owned(),
            country: user.country.to_owned(),
        },
        company: WireCompany {
            company_id: company.company_id.to_owned(),
            name: company.name.to_owned(),
        },
        customer_numbers: company
            .accounts
            .iter()
            .map(|a| WireCustomerNumber {
                number: a.customer_number.to_owned(),
                country: a.country.to_owned(),
            })
            .collect(),
        tool_authorizations,
        contract_approver_for: demo::contract_approvers()
            .into_iter()
            .filter(|(u, _)| *u == user_id)
            .map(|(_, c)| c.to_owned())
            .collect(),
    })
    .into_response()
}

/// Asks for a tool's authorisation on one of the user's company's customer numbers.
///
/// The request waits for the customer administrator's decision; asking again while it waits
/// answers the pending request.
#[utoipa::path(
    post,
    path = "/v1/users/{user_id}/tool-authorizations",
    operation_id = "requestAuthorization",
    tag = "users",
    params(("user_id" = String, Path, description = "The user's ID (the token's `sub`).")),
    request_body = WireAuthorizationRequest,
    responses(
        (status = 201, description = "Requested: pending.", body = WireAuthorization),
        (status = 200, description = "Already requested and still pending.", body = WireAuthorization),
        (status = 400, description = "`BAD_REQUEST`: the body does not parse.", body = Refusal),
        (status = 404, description = "`NOT_FOUND`: no such user.", body = Refusal),
        (status = 409, description = "`ALREADY_AUTHORIZED`.", body = Refusal),
        (status = 422, description = "`NOT_COMPANY_CUSTOMER` (not a customer number of the user's company) or `INVALID_JUSTIFICATION` (blank, or over 1,000 characters).", body = Refusal)
    )
)]
async fn request_authorization(
    State(state): State<Arc<RegistrationState>>,
    Path(user_id): Path<String>,
    body: Result<Json<WireAuthorizationRequest>, axum::extract::rejection::JsonRejection>,
) -> Response {
    let Ok(Json(request)) = body else {
        return refuse_json(StatusCode::BAD_REQUEST, "BAD_REQUEST");
    };
    let Some((_, company)) = find_user(&user_id) else {
        return refuse_json(StatusCode::NOT_FOUND, "NOT_FOUND");
    };
    if !company
        .accounts
        .iter()
        .any(|a| a.customer_number == request.customer_number)
    {
        return refuse_json(StatusCode::UNPROCESSABLE_ENTITY, "NOT_COMPANY_CUSTOMER");
    }
    let justification = request.justification.trim();
    if justification.is_empty() || justification.chars().count() > MAX_JUSTIFICATION {
        return refuse_json(StatusCode::UNPROCESSABLE_ENTITY, "INVALID_JUSTIFICATION");
    }
    let key = (user_id, request.tool, request.customer_number.clone());
    let mut entries = state.lock();
    if let Some(entry) = entries.get(&key) {
        match state.status_of(entry) {
            AuthorizationStatus::Authorized => {
                return refuse_json(StatusCode::CONFLICT, "ALREADY_AUTHORIZED");
            }
            AuthorizationStatus::Pending => {
                let pending = WireAuthorization {
                    tool: request.tool,
                    customer_number: request.customer_number,
                    status: AuthorizationStatus::Pending,
                };
                return (StatusCode::OK, Json(pending)).into_response();
            }
            AuthorizationStatus::NotRequested | AuthorizationStatus::Denied => {}
        }
    }
    entries.insert(
        key,
        Entry {
            status: AuthorizationStatus::Pending,
            requested_at: Some(Instant::now()),
        },
    );
    let created = WireAuthorization {
        tool: request.tool,
        customer_number: request.customer_number,
        status: AuthorizationStatus::Pending,
    };
    (StatusCode::CREATED, Json(created)).into_response()
}

/// A customer administrator's decision on a request, or the withdrawal of an authorisation.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
struct Decision {
    /// The user who asked.
    user_id: String,
    /// The tool.
    tool: Tool,
    /// The customer number.
    customer_number: String,
    /// What was decided.
    decision: Verdict,
}

/// `APPROVE` or `DENY` a pending request, or `REVOKE` an authorisation given.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
enum Verdict {
    /// Authorises a pending request.
    Approve,
    /// Refuses a pending request.
    Deny,
    /// Withdraws an authorisation already given.
    Revoke,
}

/// Decides a pending request as the customer administrator would.
#[utoipa::path(
    post,
    path = "/admin/v1/decisions",
    operation_id = "decide",
    tag = "sandbox",
    request_body = Decision,
    responses(
        (status = 204, description = "Decided."),
        (status = 400, description = "`BAD_REQUEST`: the body does not parse.", body = Refusal),
        (status = 404, description = "`NO_SUCH_REQUEST`: never requested.", body = Refusal),
        (status = 409, description = "`NOT_PENDING`: approving or denying what is not pending, or revoking what is not authorised.", body = Refusal)
    )
)]
async fn decide(
    State(state): State<Arc<RegistrationState>>,
    body: Result<Json<Decision>, axum::extract::rejection::JsonRejection>,
) -> Response {
    let Ok(Json(decision)) = body else {
        return refuse_json(StatusCode::BAD_REQUEST, "BAD_REQUEST");
    };
    let key = (decision.user_id, decision.tool, decision.customer_number);
    let mut entries = state.lock();
    let Some(entry) = entries.get_mut(&key) else {
        return refuse_json(StatusCode::NOT_FOUND, "NO_SUCH_REQUEST");
    };
    let expected = match decision.decision {
        Verdict::Approve | Verdict::Deny => AuthorizationStatus::Pending,
        Verdict::Revoke => AuthorizationStatus::Authorized,
    };
    if entry.status != expected {
        return refuse_json(StatusCode::CONFLICT, "NOT_PENDING");
    }
    entry.status = match decision.decision {
        Verdict::Approve => AuthorizationStatus::Authorized,
        Verdict::Deny | Verdict::Revoke => AuthorizationStatus::Denied,
    };
    StatusCode::NO_CONTENT.into_response()
}
