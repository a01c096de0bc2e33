//! The demo orders: a catalogue of products, each region's carriers and their tracking numbers,
//! and one order's whole life — lines, status history and shipments — drawn from a seeded
//! generator, so the same seed always gives the same orders.

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
use rust_decimal::Decimal;

use super::super::wire::{
    WireEvent, WireLine, WireOrder, WireParty, WireProductType, WireShipment, WireStatus,
};
use crate::model::Region;
use crate::sandbox::SeededRng;
use crate::sandbox::demo::{self, DemoAccount};

struct Product {
    part_no: &'static str,
    description: &'static str,
    kind: WireProductType,
    usd_cents: i64,
}

const fn product(
    part_no: &'static str,
    description: &'static str,
    kind: WireProductType,
    usd_cents: i64,
) -> Product {
    Product {
        part_no,
        description,
        kind,
        usd_cents,
    }
}

const CATALOG: [Product; 12] = [
    product(
        "9105-22A",
        "Rack server 2U, 2 x 16 cores, 512 GB",
        WireProductType::Hardware,
        4_850_000,
    ),
    product(
        "2076-624",
        "All-flash storage array, 24 x 3.84 TB",
        WireProductType::Hardware,
        9_230_000,
    ),
    product(
        "3555-L3A",
        "LTO-9 tape library, 40 slots",
        WireProductType::Hardware,
        2_140_000,
    ),
    product(
        "8831-S48",
        "Data-centre switch, 48 x 25 GbE",
        WireProductType::Hardware,
        1_275_000,
    ),
    product(
        "7063-CR2",
        "Hardware management console",
        WireProductType::Hardware,
        640_000,
    ),
    product(
        "EN1A-FC32",
        "32 Gb Fibre Channel adapter, 2 ports",
        WireProductType::Hardware,
        189_950,
    ),
    product(
        "EMX0-PCI",
        "PCIe expansion drawer",
        WireProductType::Hardware,
        815_000,
    ),
    product(
        "5765-DB2",
        "Database server licence, per core",
        WireProductType::Software,
        356_000,
    ),
    product(
        "5737-BKP",
        "Backup and recovery software, 12-month subscription",
        WireProductType::Software,
        98_000,
    ),
    product(
        "5733-VRT",
        "Virtualisation suite, per socket",
        WireProductType::Software,
        220_000,
    ),
    product(
        "5725-MON",
        "Infrastructure monitoring, 100-agent pack",
        WireProductType::Software,
        45_500,
    ),
    product(
        "5639-OSS",
        "Operating-system subscription with premium support",
        WireProductType::Software,
        129_990,
    ),
];

fn carriers(region: Region) -> &'static [&'static str] {
    match region {
        Region::Americas => &["UPS", "UPS", "FEDEX", "FEDEX", "OWNFLEET"],
        Region::Emea => &["DHL", "DHL", "TNT", "UPS", "OWNFLEET"],
        Region::Ap => &["FEDEX", "DHL", "DHL", "OWNFLEET"],
    }
}

fn tracking_number(rng: &mut SeededRng, carrier: &str) -> String {
    match carrier {
        "UPS" => format!("1Z{}{}", rng.digits(6), rng.digits(10)),
        "FEDEX" => rng.digits(12),
        "DHL" => rng.digits(10),
        // TNT consignment references are written with spaces and a service suffix.
        "TNT" => format!("GE {} WW/{}", rng.digits(9), rng.digits(2)),
        _ => format!("VDS-{}", rng.digits(8)),
    }
}

/// A shipment of `line_nos` leaving on `day` (not delivered yet), with one of `region`'s carriers
/// and a tracking number in its format, drawn from `rng`.
pub(super) fn new_shipment(
    rng: &mut SeededRng,
    region: Region,
    line_nos: Vec<u32>,
    day: NaiveDate,
) -> WireShipment {
    let carrier = *rng.pick(carriers(region));
    WireShipment {
        carrier: carrier.to_owned(),
        tracking_no: tracking_number(rng, carrier),
        ship_date: day,
        delivery_date: None,
        line_nos,
    }
}

fn price(usd_cents: i64, currency: &str) -> Decimal {
    match currency {
        "JPY" => Decimal::new(usd_cents * 150 / 100, 0),
        "USD" => Decimal::new(usd_cents, 2),
        _ => Decimal::new(usd_cents * 92 / 100, 2),
    }
}

/// A delivery site in each demo country: street, city, postal code.
fn site(country: &str) -> (&'static str, &'static str, &'static str) {
    match country {
        "US" => ("1201 Third Avenue", "Seattle", "98101"),
        "CA" => ("100 King Street West", "Toronto", "M5X 1A9"),
        "MX" => ("Paseo de la Reforma 250", "Ciudad de México", "06600"),
        "BR" => ("Avenida Paulista 1374", "São Paulo", "01310-100"),
        "DE" => ("Mainzer Landstraße 50", "Frankfurt am Main", "60325"),
        "ES" => ("Paseo de la Castellana 259", "Madrid", "28046"),
        "FR" => ("17 avenue de l'Europe", "Bois-Colombes", "92270"),
        "GB" => ("1 Churchill Place", "London", "E14 5HP"),
        "IT" => ("Via Monte Rosa 91", "Milano", "20149"),
        "JP" => ("1-2-3 Marunouchi, Chiyoda-ku", "Tokyo", "100-0005"),
        "AU" => ("1 Farrer Place", "Sydney", "2000"),
        "IN" => ("Bagmane Tech Park, C V Raman Nagar", "Bengaluru", "560093"),
        _ => ("1 Main Street", "Capital City", "00000"),
    }
}

/// The company that holds `customer_number`, by its registered name.
fn company_of(customer_number: &str) -> String {
    demo::companies()
        .into_iter()
        .find(|c| {
            c.accounts
                .iter()
                .any(|a| a.customer_number == customer_number)
        })
        .map_or_else(|| "Demo customer".to_owned(), |c| c.name.to_owned())
}

fn party(name: String, country: &str, street: Option<&str>) -> WireParty {
    let (default_street, city, postal_code) = site(country);
    WireParty {
        name,
        street: street.unwrap_or(default_street).to_owned(),
        city: city.to_owned(),
        postal_code: postal_code.to_owned(),
        country: country.to_owned(),
    }
}

fn region_digit(region: Region) -> u8 {
    match region {
        Region::Americas => 1,
        Region::Emea => 2,
        Region::Ap => 3,
    }
}

fn at(day: NaiveDate, minutes_after_eight: u64) -> DateTime<Utc> {
    let time = NaiveTime::from_hms_opt(8, 0, 0).expect("08:00 is a valid time")
        + Duration::minutes(minutes_after_eight as i64);
    day.and_time(time).and_utc()
}

pub(super) fn make_order(
    rng: &mut SeededRng,
    account: &DemoAccount,
    region: Region,
    seq: u32,
) -> WireOrder {
    let today = demo::today();
    let age = rng.range(0, 730) as i64;
    let order_date = today - Duration::days(age);
    let currency = demo::currency_of(account.country);

    let line_count = rng.range(1, 4) as u32;
    let lines: Vec<WireLine> = (1..=line_count)
        .map(|line_no| {
            let p = rng.pick(&CATALOG);
            let qty = match p.kind {
                WireProductType::Hardware => rng.range(1, 4),
                WireProductType::Software => rng.range(1, 40),
            } as u32;
            WireLine {
                line_no,
                part_no: p.part_no.to_owned(),
                description: p.description.to_owned(),
                product_type: p.kind,
                qty,
                unit_price: price(p.usd_cents, currency),
            }
        })
        .collect();

    let received = at(order_date, rng.range(0, 600));
    let ship_date = order_date + Duration::days(rng.range(3, 5) as i64);
    let delivery_date = ship_date + Duration::days(rng.range(1, 4) as i64);
    let status = if age > 1 && rng.chance(0.04) {
        WireStatus::Cancelled
    } else if age < 2 {
        WireStatus::Received
    } else if age < 6 {
        if rng.chance(0.15) {
            WireStatus::Backordered
        } else {
            WireStatus::InProcess
        }
    } else if age < 12 {
        if line_count > 1 && rng.chance(0.25) {
            WireStatus::PartiallyShipped
        } else {
            WireStatus::Shipped
        }
    } else {
        WireStatus::Delivered
    };

    let mut events = vec![WireEvent {
        code: WireStatus::Received,
        timestamp: received,
    }];
    let mut push = |code, day: NaiveDate, minutes| {
        events.push(WireEvent {
            code,
            timestamp: at(day, minutes),
        })
    };
    match status {
        WireStatus::Received => {}
        WireStatus::Cancelled => push(WireStatus::Cancelled, order_date + Duration::days(1), 60),
        _ => {
            push(WireStatus::InProcess, order_date + Duration::days(1), 30);
            if status == WireStatus::Backordered {
                push(WireStatus::Backordered, order_date + Duration::days(2), 90);
            }
            if matches!(
                status,
                WireStatus::PartiallyShipped | WireStatus::Shipped | WireStatus::Delivered
            ) {
                let first = if status == WireStatus::PartiallyShipped {
                    WireStatus::PartiallyShipped
                } else {
                    WireStatus::Shipped
                };
                push(first, ship_date, 480);
            }
            if status == WireStatus::Delivered {
                push(WireStatus::Delivered, delivery_date, 300);
            }
        }
    }

    let line_nos: Vec<u32> = lines.iter().map(|l| l.line_no).collect();
    let shipment = |rng: &mut SeededRng, nos: &[u32], delivered: bool| {
        let carrier = *rng.pick(carriers(region));
        WireShipment {
            carrier: carrier.to_owned(),
            tracking_no: tracking_number(rng, carrier),
            ship_date,
            delivery_date: delivered.then_some(delivery_date),
            line_nos: nos.to_vec(),
        }
    };
    let shipments = match status {
        WireStatus::PartiallyShipped => {
            let half = line_nos.len().div_ceil(2);
            vec![shipment(rng, &line_nos[..half], false)]
        }
        WireStatus::Shipped | WireStatus::Delivered => {
            let delivered = status == WireStatus::Delivered;
            if line_nos.len() > 1 && rng.chance(0.3) {
                let half = line_nos.len() / 2;
                vec![
                    shipment(rng, &line_nos[..half], delivered),
                    shipment(rng, &line_nos[half..], delivered),
                ]
            } else {
                vec![shipment(rng, &line_nos, delivered)]
            }
        }
        _ => Vec::new(),
    };

    // Drawn last, so every other field keeps the value it had before orders had these.
    let promised_days = rng.range(4, 9) as i64;
    let expected_delivery_date =
        (status != WireStatus::Cancelled).then(|| order_date + Duration::days(promised_days));
    let company = company_of(account.customer_number);
    let ship_to = party(
        format!("{company}, receiving dock"),
        account.country,
        rng.chance(0.3).then_some("Loading bay 4"),
    );
    let bill_to = party(
        format!("{company}, accounts payable"),
        account.country,
        None,
    );

    WireOrder {
        ship_to: Some(ship_to),
        bill_to: Some(bill_to),
        expected_delivery_date,
        order_no: format!(
            "{}{}{:04}",
            region_digit(region),
            account.customer_number,
            seq
        ),
        cust_no: account.customer_number.to_owned(),
        ctry: account.country.to_owned(),
        order_date,
        status_code: status,
        po_number: rng.chance(0.7).then(|| format!("PO-{}", rng.digits(6))),
        currency: currency.to_owned(),
        events,
        lines,
        shipments,
    }
}
