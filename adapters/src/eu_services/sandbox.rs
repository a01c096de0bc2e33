//! The Services Assistant simulator: deterministic installed machines for every demo customer
//! number in an EMEA country, grouped by location, with configurations, contracts and service
//! levels; change requests for entitled customers.
//!
//! Entitlement is the registration system's business in reality; the simulator reads it from
//! the demo data's SERVICES_ASSISTANT authorisations of the customer number.
//!
//! Installations are served a page at a time by position: the listing is every location of the
//! customer numbers asked, in order, machine after machine; a page is a window of it, each
//! machine under its location. The demo data itself is made in `sandbox/installed_base.rs`.

mod installed_base;

pub use installed_base::generate;

use std::collections::HashSet;
use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use utoipa::{IntoParams, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::wire::{
    EuDate, MAX_PAGE, WireChangeReceipt, WireChangeRequest, WireError, WireInstalledBase,
    WireLocation, WireMachine,
};
use crate::sandbox::demo::today;
use crate::sandbox::respond::{
    RequestNumbers, SerialParams, details_acceptable, listing, page_window, serial_batch, split,
};
use installed_base::entitled;

struct Assistant {
    locations: Vec<WireLocation>,
    entitled: HashSet<&'static str>,
    requests: RequestNumbers,
}

/// The instance's routes.
pub fn router(seed: u64) -> Router {
    let state = Arc::new(Assistant {
        locations: generate(seed),
        entitled: entitled(),
        requests: RequestNumbers::new("SA-"),
    });
    let (routes, _) = routes().split_for_parts();
    routes.with_state(state)
}

/// The contract the European Services Assistant offers (see [`crate::sandbox::openapi`]).
pub fn openapi() -> utoipa::openapi::OpenApi {
    routes().into_openapi()
}

/// What the contract says of itself.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "European Services Assistant",
        description = "What the European Services Assistant must offer to be federated: the \
            machines and software installed at EMEA customer numbers' locations (with \
            configuration, service contract and service level), listed a page at a time by \
            offset and looked up by serial number, and change requests (relocated, deinstalled, \
            record to correct) from entitled customer numbers. One instance, at the base URL set \
            in `[backends.eu_services_assistant]`; paths are relative to it. Every body is XML \
            (`application/xml`): attributes and elements as each schema's `xml` says; dates are \
            `DD.MM.YYYY`; refusals are `<Error code=\"CODE\"/>`."
    ),
    tags((name = "installations", description = "Installed machines and software of EMEA customer numbers, by location."))
)]
struct ApiDoc;

/// Every route with its description: the served router and the contract come from this one list.
fn routes() -> OpenApiRouter<Arc<Assistant>> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(installations))
        .routes(routes!(machines))
        .routes(routes!(change_request))
}

fn xml(status: StatusCode, value: &impl serde::Serialize) -> Response {
    match quick_xml::se::to_string(value) {
        Ok(text) => (status, [(header::CONTENT_TYPE, "application/xml")], text).into_response(),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

fn refuse(status: StatusCode, code: &str) -> Response {
    xml(
        status,
        &WireError {
            code: code.to_owned(),
        },
    )
}

/// The query of a listing.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct CustomerParams {
    /// Comma-separated customer numbers.
    customers: String,
    /// The position of the page's first machine in the listing (default 0).
    offset: Option<u64>,
    /// Machines per page, 1 to 500 (default 500).
    #[param(minimum = 1, maximum = 500)]
    limit: Option<u32>,
}

/// Lists the installations of customer numbers, a page of machines at a time.
///
/// The listing is every location of the customer numbers, in one fixed order, machine after
/// machine; a page is a window of it by position, each machine under its location.
#[utoipa::path(
    get,
    path = "/v1/installations",
    operation_id = "listInstallations",
    tag = "installations",
    params(CustomerParams),
    responses(
        (status = 200, description = "One page, with `total` (machines over every page) and `offset`.", content_type = "application/xml", body = WireInstalledBase),
        (status = 400, description = "`BAD_REQUEST`: a parameter missing or out of range.", content_type = "application/xml", body = WireError)
    )
)]
async fn installations(
    State(state): State<Arc<Assistant>>,
    params: Result<Query<CustomerParams>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let Some((params, limit)) = listing(params, |p| p.limit, MAX_PAGE) else {
        return refuse(StatusCode::BAD_REQUEST, "BAD_REQUEST");
    };
    let offset = params.offset.unwrap_or(0);
    let wanted: HashSet<&str> = split(&params.customers).collect();
    let listing: Vec<(&WireLocation, &WireMachine)> = state
        .locations
        .iter()
        .filter(|l| wanted.contains(l.customer.as_str()))
        .flat_map(|l| l.machines.iter().map(move |m| (l, m)))
        .collect();
    let start = usize::try_from(offset).unwrap_or(usize::MAX);
    let mut locations: Vec<WireLocation> = Vec::new();
    for (location, machine) in &listing[page_window(listing.len(), start, limit)] {
        match locations.last_mut() {
            Some(last) if last.id == location.id => last.machines.push((*machine).clone()),
            _ => locations.push(WireLocation {
                machines: vec![(*machine).clone()],
                ..(*location).clone()
            }),
        }
    }
    let base = WireInstalledBase {
        total: Some(listing.len() as u64),
        offset: Some(offset),
        locations,
    };
    xml(StatusCode::OK, &base)
}

/// Looks up machines by serial number, each under its location.
#[utoipa::path(
    get,
    path = "/v1/machines",
    operation_id = "machinesBySerial",
    tag = "installations",
    params(SerialParams),
    responses(
        (status = 200, description = "The machines found, without `total` or `offset`.", content_type = "application/xml", body = WireInstalledBase),
        (status = 400, description = "`BAD_REQUEST`: no serial number, or more than 100.", content_type = "application/xml", body = WireError)
    )
)]
async fn machines(
    State(state): State<Arc<Assistant>>,
    params: Result<Query<SerialParams>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let Some(wanted) = serial_batch(params) else {
        return refuse(StatusCode::BAD_REQUEST, "BAD_REQUEST");
    };
    let locations = state
        .locations
        .iter()
        .filter_map(|l| {
            let machines: Vec<WireMachine> = l
                .machines
                .iter()
                .filter(|m| wanted.contains(m.serial.as_str()))
                .cloned()
                .collect();
            (!machines.is_empty()).then(|| WireLocation {
                machines,
                ..l.clone()
            })
        })
        .collect();
    let base = WireInstalledBase {
        total: None,
        offset: None,
        locations,
    };
    xml(StatusCode::OK, &base)
}

/// Records a change request for a machine of an entitled customer number.
#[utoipa::path(
    post,
    path = "/v1/change-requests",
    operation_id = "requestChange",
    tag = "installations",
    request_body(content = WireChangeRequest, content_type = "application/xml", description = "The request; its details are not blank and at most 2,000 characters."),
    responses(
        (status = 201, description = "Recorded: the receipt.", content_type = "application/xml", body = WireChangeReceipt),
        (status = 400, description = "`BAD_REQUEST`: the body is not a `ChangeRequest`.", content_type = "application/xml", body = WireError),
        (status = 403, description = "`NOT_ENTITLED`: the customer number may not request changes online.", content_type = "application/xml", body = WireError),
        (status = 404, description = "`UNKNOWN_MACHINE`: no such serial number at that customer number.", content_type = "application/xml", body = WireError),
        (status = 422, description = "`INVALID_REQUEST`: blank or too long details.", content_type = "application/xml", body = WireError)
    )
)]
async fn change_request(State(state): State<Arc<Assistant>>, body: Bytes) -> Response {
    let Ok(text) = std::str::from_utf8(&body) else {
        return refuse(StatusCode::BAD_REQUEST, "BAD_REQUEST");
    };
    let Ok(request) = quick_xml::de::from_str::<WireChangeRequest>(text) else {
        return refuse(StatusCode::BAD_REQUEST, "BAD_REQUEST");
    };
    let owned = state.locations.iter().any(|l| {
        l.customer == request.customer && l.machines.iter().any(|m| m.serial == request.serial)
    });
    if !owned {
        return refuse(StatusCode::NOT_FOUND, "UNKNOWN_MACHINE");
    }
    if !state.entitled.contains(request.customer.as_str()) {
        return refuse(StatusCode::FORBIDDEN, "NOT_ENTITLED");
    }
    if !details_acceptable(&request.details) {
        return refuse(StatusCode::UNPROCESSABLE_ENTITY, "INVALID_REQUEST");
    }
    let receipt = WireChangeReceipt {
        id: state.requests.next(),
        serial: request.serial,
        change: request.change,
        received: EuDate(today()),
    };
    xml(StatusCode::CREATED, &receipt)
}
