//! The demo invoices of one customer number, as issued (every one OPEN; `history` moves them on):
//! one for each of its demo orders that left the warehouse, and a few maintenance renewals of its
//! installed machines.
//!
//! An order's invoice is dated the day its first shipment left (the order's day plus four when it
//! has none), due 30 days later (60 in Japan), and bills the order's lines as ordered — part
//! numbers, descriptions, quantities and unit prices in the order's currency — with the
//! country's tax on each, rounded half away from zero to the currency's minor unit. Each hardware
//! line names the machine billed: one installed for the customer number, of the same type and
//! model when there is one; but about one hardware line in six (at least two invoices per
//! customer number with an online inventory) names a serial number installed nowhere, for the
//! customer to question. Renewals bill a year of maintenance of one installed machine each, some
//! with a purchase-order number; there are always enough recent ones for every customer number
//! to have invoices under review in every status.

use std::collections::HashSet;

use chrono::{Duration, NaiveDate, NaiveTime};
use rust_decimal::Decimal;

use super::serials::{self, Machine};
use crate::billing::amounts::round_to_currency;
use crate::model::{Invoice, InvoiceLine, InvoiceStatus, Order, OrderStatus, ProductKind, Region};
use crate::sandbox::SeededRng;
use crate::sandbox::demo::{self, DemoAccount};

/// Invoices due at most this many days ago count as recent: still under review, not paid.
pub(super) const RECENT_DAYS: i64 = 10;

/// How many recent invoices every customer number has at least: one per review status.
const RECENT_AT_LEAST: usize = 4;

/// One hardware line in this many names a machine installed nowhere.
const UNMATCHED_ONE_IN: u64 = 6;

/// Days to pay in `country`.
pub(super) fn payment_terms(country: &str) -> i64 {
    match country {
        "JP" => 60,
        _ => 30,
    }
}

/// The tax rate of `country`, as a fraction (7.25 % is `0.0725`).
pub(super) fn tax_rate(country: &str) -> Decimal {
    match country {
        "US" => Decimal::new(725, 4),
        "ES" => Decimal::new(21, 2),
        "DE" => Decimal::new(19, 2),
        "JP" => Decimal::new(10, 2),
        // France, and the demo's other European countries.
        _ => Decimal::new(20, 2),
    }
}

/// Whether an invoice due on `due` is recent (see [`RECENT_DAYS`]).
pub(super) fn is_recent(due: NaiveDate) -> bool {
    due >= demo::today() - Duration::days(RECENT_DAYS)
}

/// A list price in US cents in `currency`, converted as the order-status catalogue converts it.
fn price(usd_cents: i64, currency: &str) -> Decimal {
    match currency {
        "JPY" => Decimal::new(usd_cents * 150 / 100, 0),
        "USD" => Decimal::new(usd_cents, 2),
        _ => Decimal::new(usd_cents * 92 / 100, 2),
    }
}

/// A year of maintenance of a machine of `machine_type`, in US cents.
fn renewal_cents(machine_type: &str) -> i64 {
    match machine_type {
        "9105" => 540_000,
        "2076" => 980_000,
        "3555" => 260_000,
        "8831" => 145_000,
        "7063" => 72_000,
        _ => 120_000,
    }
}

/// A line before its tax.
struct DraftLine {
    product_code: String,
    description: String,
    hardware: bool,
    serial: Option<String>,
    quantity: u32,
    unit_price: Decimal,
}

/// An invoice before its number and its tax.
struct Draft {
    order_number: Option<String>,
    po_number: Option<String>,
    date: NaiveDate,
    /// Orders invoiced the same day, by order number; renewals after them.
    tie: String,
    lines: Vec<DraftLine>,
}

fn order_draft(order: &Order) -> Draft {
    let date = order
        .shipments
        .iter()
        .map(|s| s.shipped_on)
        .min()
        .unwrap_or(order.order_date + Duration::days(4))
        .min(demo::today());
    Draft {
        order_number: Some(order.order_number.clone()),
        po_number: order.purchase_order_number.clone(),
        date,
        tie: order.order_number.clone(),
        lines: order
            .lines
            .iter()
            .map(|l| DraftLine {
                product_code: l.product_code.clone(),
                description: l.description.clone(),
                hardware: l.kind == ProductKind::Hardware,
                serial: None,
                quantity: l.quantity,
                unit_price: l.unit_price.amount,
            })
            .collect(),
    }
}

/// Names the machine of every hardware line, in the drafts' order; answers the serial numbers
/// that match nothing installed.
fn assign_serials(
    rng: &mut SeededRng,
    drafts: &mut [Draft],
    account: &DemoAccount,
    machines: &[Machine],
) -> HashSet<String> {
    let mut unmatched = HashSet::new();
    if machines.is_empty() {
        for line in drafts.iter_mut().flat_map(|d| &mut d.lines) {
            if line.hardware {
                line.serial = Some(serials::made_up(rng, &line.product_code));
            }
        }
        return unmatched;
    }
    let offset = rng.range(0, UNMATCHED_ONE_IN - 1);
    let mut count = 0;
    for line in drafts.iter_mut().flat_map(|d| &mut d.lines) {
        if !line.hardware {
            continue;
        }
        let serial = if (count + offset).is_multiple_of(UNMATCHED_ONE_IN) {
            let serial = serials::unmatched(rng, account.customer_number, account.country);
            unmatched.insert(serial.clone());
            serial
        } else {
            serials::pick(rng, machines, &line.product_code)
                .map(|m| m.serial.clone())
                .unwrap_or_default()
        };
        line.serial = Some(serial);
        count += 1;
    }
    // At least two invoices to question: the latest ones with hardware take one each.
    let questioned = |d: &Draft, unmatched: &HashSet<String>| {
        d.lines
            .iter()
            .any(|l| l.serial.as_ref().is_some_and(|s| unmatched.contains(s)))
    };
    let mut missing =
        2usize.saturating_sub(drafts.iter().filter(|d| questioned(d, &unmatched)).count());
    for draft in drafts.iter_mut().rev() {
        if missing == 0 {
            break;
        }
        if questioned(draft, &unmatched) {
            continue;
        }
        if let Some(line) = draft.lines.iter_mut().find(|l| l.hardware) {
            let serial = serials::unmatched(rng, account.customer_number, account.country);
            unmatched.insert(serial.clone());
            line.serial = Some(serial);
            missing -= 1;
        }
    }
    unmatched
}

/// Maintenance renewals: enough recent ones for [`RECENT_AT_LEAST`] recent invoices in all (and
/// two at least), one or two older ones. Each renews an installed machine (for a country without
/// an online inventory, a machine invoiced before, or a made-up one).
fn renewals(
    rng: &mut SeededRng,
    account: &DemoAccount,
    machines: &[Machine],
    orders: &[Draft],
) -> Vec<Draft> {
    let today = demo::today();
    let terms = payment_terms(account.country);
    let recent_orders = orders
        .iter()
        .filter(|d| is_recent(d.date + Duration::days(terms)))
        .count();
    let recent = RECENT_AT_LEAST.saturating_sub(recent_orders).max(2);
    let older = rng.range(1, 2) as usize;
    let bought: Vec<(&str, &str, &str)> = orders
        .iter()
        .flat_map(|d| &d.lines)
        .filter_map(|l| {
            let serial = l.serial.as_deref()?;
            Some((serial, l.product_code.as_str(), l.description.as_str()))
        })
        .collect();
    let currency = demo::currency_of(account.country);
    (0..recent + older)
        .map(|n| {
            let date = if n < recent {
                today - Duration::days(rng.range(0, 25) as i64)
            } else {
                today - Duration::days(rng.range(60, 700) as i64)
            };
            let (serial, machine_type, description) = match serials::pick(rng, machines, "") {
                Some(m) => (
                    m.serial.clone(),
                    m.machine_type.clone(),
                    m.description.clone(),
                ),
                None if !bought.is_empty() => {
                    let (serial, code, description) = *rng.pick(&bought);
                    let machine_type = code.split('-').next().unwrap_or(code);
                    (
                        serial.to_owned(),
                        machine_type.to_owned(),
                        description.to_owned(),
                    )
                }
                None => (
                    serials::made_up(rng, "9105-22A"),
                    "9105".to_owned(),
                    "Rack server 2U, 2 x 16 cores".to_owned(),
                ),
            };
            let po_number = rng.chance(0.5).then(|| format!("PO-{}", rng.digits(6)));
            Draft {
                order_number: None,
                po_number,
                date,
                tie: format!("~{n:02}"),
                lines: vec![DraftLine {
                    product_code: format!("MNT-{machine_type}"),
                    description: format!("Maintenance renewal, 12 months: {description}"),
                    hardware: false,
                    serial: Some(serial),
                    quantity: 1,
                    unit_price: price(renewal_cents(&machine_type), currency),
                }],
            }
        })
        .collect()
}

/// The number of a billing document: the kind's two letters, the region's digit, the customer
/// number and a sequence (`IN110001010001`).
pub(super) fn document_number(
    kind: &str,
    region: Region,
    customer_number: &str,
    sequence: usize,
) -> String {
    let digit = match region {
        Region::Americas => 1,
        Region::Emea => 2,
        Region::Ap => 3,
    };
    format!("{kind}{digit}{customer_number}{sequence:04}")
}

fn issue(draft: Draft, number: String, account: &DemoAccount, region: Region) -> Invoice {
    let currency = demo::currency_of(account.country);
    let rate = tax_rate(account.country);
    let lines: Vec<InvoiceLine> = draft
        .lines
        .into_iter()
        .enumerate()
        .map(|(n, l)| {
            let net = l.unit_price * Decimal::from(l.quantity);
            let tax = round_to_currency(net * rate, currency);
            InvoiceLine {
                line_number: n as u32 + 1,
                product_code: l.product_code,
                description: l.description,
                serial_number: l.serial,
                quantity: l.quantity,
                unit_price: l.unit_price,
                tax,
                total: net + tax,
            }
        })
        .collect();
    let subtotal: Decimal = lines
        .iter()
        .map(|l| l.unit_price * Decimal::from(l.quantity))
        .sum();
    let tax_total: Decimal = lines.iter().map(|l| l.tax).sum();
    let issued_at = NaiveTime::from_hms_opt(7, 0, 0).expect("07:00 is a valid time");
    Invoice {
        invoice_number: number,
        customer_number: account.customer_number.to_owned(),
        country: account.country.to_owned(),
        region,
        order_number: draft.order_number,
        po_number: draft.po_number,
        invoice_date: draft.date,
        due_date: draft.date + Duration::days(payment_terms(account.country)),
        currency: currency.to_owned(),
        status: InvoiceStatus::Open,
        dispute_reason: None,
        lines,
        subtotal,
        tax_total,
        total: subtotal + tax_total,
        updated_at: draft.date.and_time(issued_at).and_utc(),
    }
}

/// `account`'s invoices as issued, oldest first, and the serial numbers on them that match
/// nothing installed. `orders` are the region's demo orders; `machines` the hardware installed
/// for the account (empty without an online inventory).
pub(super) fn issue_all(
    rng: &mut SeededRng,
    account: &DemoAccount,
    region: Region,
    orders: &[Order],
    machines: &[Machine],
) -> (Vec<Invoice>, HashSet<String>) {
    let mut drafts: Vec<Draft> = orders
        .iter()
        .filter(|o| o.customer_number == account.customer_number)
        .filter(|o| {
            matches!(
                o.status,
                OrderStatus::Shipped | OrderStatus::PartiallyShipped | OrderStatus::Delivered
            )
        })
        .map(order_draft)
        .collect();
    drafts.sort_by(|a, b| (a.date, &a.tie).cmp(&(b.date, &b.tie)));
    let unmatched = assign_serials(rng, &mut drafts, account, machines);
    let renewals = renewals(rng, account, machines, &drafts);
    drafts.extend(renewals);
    drafts.sort_by(|a, b| (a.date, &a.tie).cmp(&(b.date, &b.tie)));
    let invoices = drafts
        .into_iter()
        .enumerate()
        .map(|(n, draft)| {
            let number = document_number("IN", region, account.customer_number, n + 1);
            issue(draft, number, account, region)
        })
        .collect();
    (invoices, unmatched)
}
