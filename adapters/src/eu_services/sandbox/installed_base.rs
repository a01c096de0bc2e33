//! The simulator's demo installed base: deterministic machines for every demo customer number in
//! an EMEA country, grouped by location (two sites per country), with configurations, contracts
//! and service levels; and which customer numbers may request changes online.

use std::collections::HashSet;

use chrono::Duration;

use super::super::wire::{
    EuDate, WireAddress, WireConfiguration, WireContract, WireFeature, WireKind, WireLocation,
    WireMachine, WireServiceLevel,
};
use crate::model::{AuthorizationStatus, Region, Tool};
use crate::sandbox::SeededRng;
use crate::sandbox::demo::{self, today};

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
pub(super) fn entitled() -> HashSet<&'static str> {
    demo::initial_authorizations()
        .into_iter()
        .filter(|(_, tool, _, status)| {
            *tool == Tool::ServicesAssistant && *status == AuthorizationStatus::Authorized
        })
        .map(|(_, _, customer, _)| customer)
        .collect()
}
