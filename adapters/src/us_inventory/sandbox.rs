//! The US Inventory OnLine simulator: deterministic installed inventory for every demo US
//! customer number, served page by page with the real system's contract, and update requests it
//! records.
//!
//! A page token is `after.` and the serial number of the page's last record: the next page starts
//! after that record in the listing of the same customer numbers.

use std::collections::HashSet;
use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Json, Router};
use chrono::Duration;
use serde::Deserialize;
use utoipa::{IntoParams, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::wire::{
    MAX_PAGE, UsDate, WireAddress, WireCategory, WireInventory, WireInventoryPage, WireLease,
    WireMaintenance, WireReceipt, WireRecord, WireUpdateRequest,
};
use crate::sandbox::SeededRng;
use crate::sandbox::demo::{self, today};
use crate::sandbox::openapi::Refusal;
use crate::sandbox::respond::{
    RequestNumbers, SerialParams, details_acceptable, listing, page_window, refuse_json as refuse,
    serial_batch, split,
};

struct Product {
    machine_type: &'static str,
    model: &'static str,
    desc: &'static str,
    category: WireCategory,
}

const PRODUCTS: [Product; 8] = [
    Product {
        machine_type: "9105",
        model: "22A",
        desc: "Rack server 2U, 2 x 16 cores",
        category: WireCategory::Hardware,
    },
    Product {
        machine_type: "2076",
        model: "624",
        desc: "All-flash storage array",
        category: WireCategory::Hardware,
    },
    Product {
        machine_type: "3555",
        model: "L3A",
        desc: "LTO-9 tape library",
        category: WireCategory::Hardware,
    },
    Product {
        machine_type: "8831",
        model: "S48",
        desc: "Data-centre switch, 48 x 25 GbE",
        category: WireCategory::Hardware,
    },
    Product {
        machine_type: "7063",
        model: "CR2",
        desc: "Hardware management console",
        category: WireCategory::Hardware,
    },
    Product {
        machine_type: "5765",
        model: "DB2",
        desc: "Database server licence",
        category: WireCategory::Software,
    },
    Product {
        machine_type: "5737",
        model: "BKP",
        desc: "Backup and recovery software",
        category: WireCategory::Software,
    },
    Product {
        machine_type: "5733",
        model: "VRT",
        desc: "Virtualisation suite",
        category: WireCategory::Software,
    },
];

const SITES: [(&str, &str, &str, &str, &str); 4] = [
    (
        "Chicago DC1",
        "200 West Adams Street",
        "Chicago",
        "IL",
        "60606",
    ),
    (
        "Dallas DR site",
        "1950 N Stemmons Fwy",
        "Dallas",
        "TX",
        "75207",
    ),
    ("Seattle HQ", "1201 Third Avenue", "Seattle", "WA", "98101"),
    ("Ashburn colo", "21830 UUNet Way", "Ashburn", "VA", "20147"),
];

const COVERAGES: [(&str, &str); 3] = [
    ("24X7-4H", "24x7, 4-hour on-site response"),
    ("9X5-NBD", "Business hours, next business day"),
    ("SWMA", "Software subscription and support"),
];

/// How many items a demo US customer number has installed unless the demo cast says otherwise.
const ITEMS_PER_CUSTOMER: u32 = 24;

/// What a page token starts with; the serial number of the record before the page follows.
const TOKEN_PREFIX: &str = "after.";

fn record(rng: &mut SeededRng, customer_number: &str, seq: u32) -> WireRecord {
    let product = rng.pick(&PRODUCTS);
    let hardware = product.category == WireCategory::Hardware;
    let installed = today() - Duration::days(rng.range(30, 2_000) as i64);
    let site = rng.pick(&SITES);
    let maintenance = rng.chance(if hardware { 0.85 } else { 0.9 }).then(|| {
        let (code, desc) = if hardware {
            *rng.pick(&COVERAGES[..2])
        } else {
            COVERAGES[2]
        };
        WireMaintenance {
            coverage_code: code.to_owned(),
            coverage_desc: desc.to_owned(),
            end_date: UsDate(today() + Duration::days(rng.range(0, 720) as i64 - 30)),
        }
    });
    let lease = (hardware && rng.chance(0.35)).then(|| WireLease {
        lessor: (*rng.pick(&["Vendor Financing", "Midwest Capital Leasing"])).to_owned(),
        lease_end_date: UsDate(today() + Duration::days(rng.range(10, 1_000) as i64)),
        monthly_payment_cents: rng.range(25_000, 900_000) as i64,
    });
    WireRecord {
        serial_no: format!("7{}{:03}", &customer_number[3..], seq),
        cust_no: customer_number.to_owned(),
        machine_type: product.machine_type.to_owned(),
        model_no: product.model.to_owned(),
        desc: product.desc.to_owned(),
        category: product.category,
        install_date: Some(UsDate(installed)),
        site_name: Some(site.0.to_owned()),
        site_address: Some(WireAddress {
            street1: site.1.to_owned(),
            city: site.2.to_owned(),
            state: site.3.to_owned(),
            zip: site.4.to_owned(),
        }),
        maintenance,
        lease,
    }
}

/// Every demo record: the installed inventory of each demo US customer number.
pub fn generate(seed: u64) -> Vec<WireRecord> {
    demo::accounts()
        .iter()
        .filter(|a| a.country == "US")
        .flat_map(|account| {
            let mut rng =
                SeededRng::new(seed, &format!("us-inventory:{}", account.customer_number));
            (1..=account.installed.unwrap_or(ITEMS_PER_CUSTOMER))
                .map(|seq| record(&mut rng, account.customer_number, seq))
                .collect::<Vec<_>>()
        })
        .collect()
}

struct Inventory {
    records: Vec<WireRecord>,
    requests: RequestNumbers,
}

/// The instance's routes.
pub fn router(seed: u64) -> Router {
    let state = Arc::new(Inventory {
        records: generate(seed),
        requests: RequestNumbers::new("IOL-"),
    });
    let (routes, _) = routes().split_for_parts();
    routes.with_state(state)
}

/// The contract US Inventory OnLine offers (see [`crate::sandbox::openapi`]).
pub fn openapi() -> utoipa::openapi::OpenApi {
    routes().into_openapi()
}

/// What the contract says of itself.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "US Inventory OnLine",
        description = "What US Inventory OnLine must offer to be federated: the machines and \
            software installed at US customer numbers' sites (with maintenance and lease), listed \
            a page at a time by page token and looked up by serial number, and update requests \
            (moved, removed, record to correct) it records. One instance, at the base URL set in \
            `[backends.us_inventory]`; paths are relative to it. Dates are `MM/DD/YYYY`; \
            refusals are `{\"error\": CODE}`."
    ),
    tags((name = "inventory", description = "Installed machines and software of US customer numbers."))
)]
struct ApiDoc;

/// Every route with its description: the served router and the contract come from this one list.
fn routes() -> OpenApiRouter<Arc<Inventory>> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(inventory))
        .routes(routes!(by_serial))
        .routes(routes!(update_request))
}

/// The query of a listing.
#[derive(Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
struct InventoryParams {
    /// Comma-separated customer numbers.
    customer_numbers: String,
    /// Records per page, 1 to 1,000 (default 1,000).
    #[param(minimum = 1, maximum = 1000)]
    limit: Option<u32>,
    /// The previous page's `nextPageToken`; absent for the first page.
    page_token: Option<String>,
}

/// Lists the records of customer numbers, a page at a time.
///
/// Records come in one fixed order per set of customer numbers; a page token (`after.` and the
/// serial number of the page's last record) continues after that record.
#[utoipa::path(
    get,
    path = "/v1/inventory",
    operation_id = "listInventory",
    tag = "inventory",
    params(InventoryParams),
    responses(
        (status = 200, description = "One page, with the number of records over every page and the next page's token (absent on the last page).", body = WireInventoryPage),
        (status = 400, description = "`BAD_REQUEST` (a parameter missing or out of range) or `BAD_PAGE_TOKEN` (a token this listing did not give).", body = Refusal)
    )
)]
async fn inventory(
    State(state): State<Arc<Inventory>>,
    params: Result<Query<InventoryParams>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let Some((params, limit)) = listing(params, |p| p.limit, MAX_PAGE) else {
        return refuse(StatusCode::BAD_REQUEST, "BAD_REQUEST");
    };
    let wanted: HashSet<&str> = split(&params.customer_numbers).collect();
    let listing: Vec<&WireRecord> = state
        .records
        .iter()
        .filter(|r| wanted.contains(r.cust_no.as_str()))
        .collect();
    let start = match params
        .page_token
        .as_deref()
        .map(|t| t.strip_prefix(TOKEN_PREFIX))
    {
        None => 0,
        Some(after) => match listing
            .iter()
            .position(|r| Some(r.serial_no.as_str()) == after)
        {
            Some(last) => last + 1,
            None => return refuse(StatusCode::BAD_REQUEST, "BAD_PAGE_TOKEN"),
        },
    };
    let window = page_window(listing.len(), start, limit);
    let more = window.end < listing.len();
    let records: Vec<WireRecord> = listing[window].iter().map(|r| (*r).clone()).collect();
    let next_page_token = match records.last() {
        Some(last) if more => Some(format!("{TOKEN_PREFIX}{}", last.serial_no)),
        _ => None,
    };
    Json(WireInventoryPage {
        records,
        total_count: listing.len() as u64,
        next_page_token,
    })
    .into_response()
}

/// Looks up records by serial number.
#[utoipa::path(
    get,
    path = "/v1/inventory/by-serial",
    operation_id = "inventoryBySerial",
    tag = "inventory",
    params(SerialParams),
    responses(
        (status = 200, description = "The records found.", body = WireInventory),
        (status = 400, description = "`BAD_REQUEST`: no serial number, or more than 100.", body = Refusal)
    )
)]
async fn by_serial(
    State(state): State<Arc<Inventory>>,
    params: Result<Query<SerialParams>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let Some(wanted) = serial_batch(params) else {
        return refuse(StatusCode::BAD_REQUEST, "BAD_REQUEST");
    };
    let records = state
        .records
        .iter()
        .filter(|r| wanted.contains(r.serial_no.as_str()))
        .cloned()
        .collect();
    Json(WireInventory { records }).into_response()
}

/// Records a request to update a record: moved, removed, or to correct.
#[utoipa::path(
    post,
    path = "/v1/inventory/update-requests",
    operation_id = "requestInventoryUpdate",
    tag = "inventory",
    request_body(content = WireUpdateRequest, description = "The request; its details are not blank and at most 2,000 characters."),
    responses(
        (status = 201, description = "Recorded: the receipt.", body = WireReceipt),
        (status = 400, description = "`BAD_REQUEST`: the body does not parse.", body = Refusal),
        (status = 404, description = "`UNKNOWN_SERIAL`: no such serial number at that customer number.", body = Refusal),
        (status = 422, description = "`INVALID_REQUEST`: blank or too long details.", body = Refusal)
    )
)]
async fn update_request(
    State(state): State<Arc<Inventory>>,
    body: Result<Json<WireUpdateRequest>, axum::extract::rejection::JsonRejection>,
) -> Response {
    let Ok(Json(request)) = body else {
        return refuse(StatusCode::BAD_REQUEST, "BAD_REQUEST");
    };
    let owned = state
        .records
        .iter()
        .any(|r| r.serial_no == request.serial_no && r.cust_no == request.cust_no);
    if !owned {
        return refuse(StatusCode::NOT_FOUND, "UNKNOWN_SERIAL");
    }
    if !details_acceptable(&request.details) {
        return refuse(StatusCode::UNPROCESSABLE_ENTITY, "INVALID_REQUEST");
    }
    let receipt = WireReceipt {
        request_id: state.requests.next(),
        serial_no: request.serial_no,
        request_type: request.request_type,
        received_date: UsDate(today()),
    };
    (StatusCode::CREATED, Json(receipt)).into_response()
}
