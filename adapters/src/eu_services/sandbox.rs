//! The Services Assistant simulator: deterministic installed machines for every demo customer
//! number in an EMEA country, grouped by location, with configurations, contracts and service
//! levels; change requests for entitled customers.
//!
//! Entitlement is the registration system's business in reality; the simulator reads it from
//! the demo data's SERVICES_ASSISTANT authorisations of the customer number.
//!
//! Installations are served a page at a time by position: the listing is every location of the
//! customer numbers asked, in order, machine after machine; a page is a window of it, each
//! machine under its location.

use std::collections::HashSet;
use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::Duration;
use serde::Deserialize;
use utoipa::{IntoParams, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::wire::{
    EuDate, MAX_PAGE, WireAddress, WireChangeReceipt, WireChangeRequest, WireConfiguration,
    WireContract, WireError, WireFeature, WireInstalledBase, WireKind, WireLocation, WireMachine,
    WireServiceLevel,
};
use crate::model::{AuthorizationStatus, Region, Tool};
use crate::sandbox::SeededRng;
use crate::sandbox::demo::{self, today};
use crate::sandbox::respond::{
    RequestNumbers, SerialParams, details_acceptable, listing, page_window, serial_batch, split,
};

const MACHINES: [(&str, &str, &str, WireKind); 5] = [
    (
        "9105",
        "22A",
        "Rack server 2U, 2 x 16 cores",
        WireKind::Hardware,
    ),
    ("2076", "624", "All-flash storage array", WireKind::Hardware),
    ("3555", "L3A", "LTO-9 tape library", WireKind::Hardware),
    (
        "8831",
        "S48",
        "Data-centre switch, 48 x 25 GbE",
        WireKind::Hardware,
    ),
    ("5765", "DB2", "Database server licence", WireKind::Software),
];

const FEATURES: [(&str, &str); 4] = [
    ("EPX1", "16-core processor module"),
    ("EM6A", "64 GB memory module"),
    ("EN1A", "32 Gb Fibre Channel adapter"),
    ("ESX4", "3.84 TB NVMe flash drive"),
];

const LEVELS: [(&str, u32, &str); 3] = [
    ("Premium", 4, "24x7"),
    ("Standard", 8, "Mon-Fri 08-18"),
    ("Basic", 24, "Mon-Fri 08-18"),
];

fn sites(country: &str) -> [(&'static str, &'static str, &'static str, &'static str); 2] {
    match country {
        "DE" => [
            (
                "Frankfurt Rechenzentrum",
                "Mainzer Landstr. 50",
                "60325",
                "Frankfurt am Main",
            ),
            ("München Büro", "Leopoldstr. 28", "80802", "München"),
        ],
        "FR" => [
            (
                "Paris La Défense",
                "1 Place de la Coupole",
                "92400",
                "Courbevoie",
            ),
            ("Lyon Part-Dieu", "19 Bd Vivier Merle", "69003", "Lyon"),
        ],
        _ => [
            ("Madrid CPD", "Paseo de la Castellana 95", "28046", "Madrid"),
            (
                "Barcelona Oficina",
                "Av. Diagonal 640",
                "08017",
                "Barcelona",
            ),
        ],
    }
}

/// Machines per location unless the demo cast says otherwise.
const MACHINES_PER_LOCATION: u32 = 8;

/// Locations per customer number (each country has two sites).
const LOCATIONS: u32 = 2;

fn location(
    rng: &mut SeededRng,
    (customer, country): (&str, &str),
    index: usize,
    machines: u32,
) -> WireLocation {
    let (name, street, post_code, city) = sites(country)[index];
    // Two digits of sequence, as the real system writes them, four for a location that needs them.
    let width = if machines > 99 { 4 } else { 2 };
    let machines = (1..=machines)
        .map(|seq| {
            let (machine_type, model, description, kind) = *rng.pick(&MACHINES);
            let (level, hours, coverage) = *rng.pick(&LEVELS);
            let contract = rng.chance(0.85).then(|| WireContract {
                number: format!("{country}-SA-{}", rng.digits(5)),
                ends: EuDate(today() + Duration::days(rng.range(0, 900) as i64 - 30)),
                service_level: WireServiceLevel {
                    name: level.to_owned(),
                    response_hours: hours,
                    coverage: coverage.to_owned(),
                },
            });
            let features = if kind == WireKind::Hardware {
                (0..rng.range(1, 3))
                    .map(|_| {
                        let (code, text) = *rng.pick(&FEATURES);
                        WireFeature {
                            code: code.to_owned(),
                            qty: rng.range(1, 8) as u32,
                            description: text.to_owned(),
                        }
                    })
                    .collect()
            } else {
                Vec::new()
            };
            WireMachine {
                serial: format!("{customer}-{}{seq:0width$}", index + 1),
                machine_type: machine_type.to_owned(),
                model: model.to_owned(),
                kind,
                description: description.to_owned(),
                installed: Some(EuDate(
                    today() - Duration::days(rng.range(30, 2_000) as i64),
                )),
                contract,
                configuration: Some(WireConfiguration { features }),
            }
        })
        .collect();
    WireLocation {
        id: format!("{customer}-L{}", index + 1),
        customer: customer.to_owned(),
        name: name.to_owned(),
        address: WireAddress {
            street: street.to_owned(),
            post_code: post_code.to_owned(),
            city: city.to_owned(),
            country: country.to_owned(),
        },
        machines,
    }
}

/// Every demo location of every demo customer number in an EMEA country.
pub fn generate(seed: u64) -> Vec<WireLocation> {
    demo::accounts()
        .iter()
        .filter(|a| demo::region_of(a.country) == Some(Region::Emea))
        .flat_map(|account| {
            let mut rng = SeededRng::new(seed, &format!("eu-services:{}", account.customer_number));
            let per_location = account
                .installed
                .map_or(MACHINES_PER_LOCATION, |n| n.div_ceil(LOCATIONS));
            let customer = (account.customer_number, account.country);
            (0..LOCATIONS as usize)
                .map(|i| location(&mut rng, customer, i, per_location))
                .collect::<Vec<_>>()
        })
        .collect()
}

/// Customer numbers entitled to request changes online: any with a SERVICES_ASSISTANT
/// authorisation in the demo data.
fn entitled() -> HashSet<&'static str> {
    demo::initial_authorizations()
        .into_iter()
        .filter(|(_, tool, _, status)| {
            *tool == Tool::ServicesAssistant && *status == AuthorizationStatus::Authorized
        })
        .map(|(_, _, customer, _)| customer)
        .collect()
}

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
