//! What happened to one customer number's demo invoices after they were issued, as of the demo's
//! today: their review, their credit notes, their payments.
//!
//! - Recent invoices (due at most [`RECENT_DAYS`](super::invoices::RECENT_DAYS) days ago) are
//!   still under review: OPEN, IN_REVIEW, DISPUTED (with a reason — the unknown serial number when
//!   the invoice names one) and APPROVED in turn, so every customer number has each.
//! - Older ones are PAID, by a payment dated between the invoice (or its credit note) and its due
//!   day for the total less its credit notes — but for a few left APPROVED or OPEN, overdue. The
//!   oldest is always paid.
//! - About one invoice in eight gets a credit note for part of its total (5 to 25 %, rounded to
//!   the currency), issued two to six days after the invoice (never after today).
//!
//! Credit notes and payments are numbered per customer number by date, then invoice number.

use std::collections::HashSet;

use chrono::{Duration, NaiveDate, NaiveTime};
use rust_decimal::Decimal;

use super::invoices::{document_number, is_recent};
use super::ledger::Payment;
use super::serials;
use crate::billing::amounts::round_to_currency;
use crate::model::{CreditNote, Invoice, InvoiceStatus, Region};
use crate::sandbox::SeededRng;
use crate::sandbox::demo;

/// The review statuses recent invoices take in turn.
const UNDER_REVIEW: [InvoiceStatus; 4] = [
    InvoiceStatus::Open,
    InvoiceStatus::InReview,
    InvoiceStatus::Disputed,
    InvoiceStatus::Approved,
];

/// The chance that an old invoice was never paid.
const LEFT_UNPAID: f64 = 0.07;

/// The chance that an invoice gets a credit note.
const CREDITED: f64 = 0.125;

const DISPUTES: [&str; 4] = [
    "The unit price differs from the quotation we accepted.",
    "Billed for more units than were delivered.",
    "This maintenance was cancelled before the renewal date.",
    "Delivered late: the agreed penalty is not deducted.",
];

const CREDITS: [&str; 4] = [
    "Price adjustment agreed with the account manager",
    "Goods damaged in transit",
    "Volume discount applied after invoicing",
    "Late-delivery penalty",
];

/// A credit note before its number.
struct Credit {
    invoice: usize,
    date: NaiveDate,
    amount: Decimal,
    reason: &'static str,
}

fn at(day: NaiveDate, hour: u32, minutes: u64) -> chrono::DateTime<chrono::Utc> {
    let time = NaiveTime::from_hms_opt(hour, 0, 0).expect("a valid hour");
    day.and_time(time).and_utc() + Duration::minutes(minutes as i64)
}

/// Why a customer disputes `invoice`: the first serial number on it that matches nothing
/// installed, or one of the usual complaints.
fn dispute_reason(rng: &mut SeededRng, invoice: &Invoice, unmatched: &HashSet<String>) -> String {
    let questioned = invoice.lines.iter().find_map(|l| {
        let serial = l.serial_number.as_ref()?;
        unmatched
            .contains(serial)
            .then(|| (l.line_number, serial.clone()))
    });
    match questioned {
        Some((line, serial)) => {
            format!("Line {line}: serial number {serial} is not one of our installed machines.")
        }
        None => (*rng.pick(&DISPUTES)).to_owned(),
    }
}

/// Moves `invoices` (one customer number's, oldest first, as issued) on to the demo's today;
/// answers their credit notes and payments, numbered.
pub(super) fn settle(
    rng: &mut SeededRng,
    invoices: &mut [Invoice],
    unmatched: &HashSet<String>,
    region: Region,
) -> (Vec<CreditNote>, Vec<Payment>) {
    let today = demo::today();
    let mut credits: Vec<Credit> = Vec::new();
    for (n, invoice) in invoices.iter().enumerate() {
        if !rng.chance(CREDITED) {
            continue;
        }
        let date = invoice.invoice_date + Duration::days(rng.range(2, 6) as i64);
        let percent = Decimal::from(5 * rng.range(1, 5));
        let amount = round_to_currency(
            invoice.total * percent / Decimal::ONE_HUNDRED,
            &invoice.currency,
        );
        let reason = *rng.pick(&CREDITS);
        if date <= today && amount > Decimal::ZERO {
            credits.push(Credit {
                invoice: n,
                date,
                amount,
                reason,
            });
        }
    }
    let offset = rng.range(0, UNDER_REVIEW.len() as u64 - 1) as usize;
    let mut recent = 0;
    let mut payments: Vec<(usize, NaiveDate, Decimal)> = Vec::new();
    for (n, invoice) in invoices.iter_mut().enumerate() {
        let credit = credits.iter().find(|c| c.invoice == n);
        if is_recent(invoice.due_date) {
            invoice.status = UNDER_REVIEW[(offset + recent) % UNDER_REVIEW.len()];
            recent += 1;
        } else if n > 0 && rng.chance(LEFT_UNPAID) {
            invoice.status = if rng.chance(0.5) {
                InvoiceStatus::Approved
            } else {
                InvoiceStatus::Open
            };
        } else {
            invoice.status = InvoiceStatus::Paid;
        }
        match invoice.status {
            InvoiceStatus::Open => {}
            InvoiceStatus::Paid => {
                let earliest = credit.map_or(invoice.invoice_date, |c| c.date) + Duration::days(1);
                let slack = (invoice.due_date - earliest).num_days().max(0) as u64;
                let day = earliest + Duration::days(rng.range(0, slack) as i64);
                let amount = invoice.total - credit.map_or(Decimal::ZERO, |c| c.amount);
                payments.push((n, day, amount));
                invoice.updated_at = at(day, 11, rng.range(0, 300));
            }
            _ => {
                if invoice.status == InvoiceStatus::Disputed {
                    invoice.dispute_reason = Some(dispute_reason(rng, invoice, unmatched));
                }
                let day =
                    (invoice.invoice_date + Duration::days(rng.range(1, 5) as i64)).min(today);
                invoice.updated_at = at(day, 10, rng.range(0, 300));
            }
        }
    }
    awaiting_review_with_an_unmatched_line(rng, invoices, unmatched);
    (
        numbered_credits(invoices, credits, region),
        numbered_payments(invoices, payments, region),
    )
}

/// The demo's story — an invoice billing a machine installed nowhere waits for the customer's
/// review — holds for every customer number with such invoices: when none of them is OPEN or
/// IN_REVIEW, a hardware line of the latest invoice that is gets a serial number installed
/// nowhere (a serial number changes no amount, so every balance stays as it was).
fn awaiting_review_with_an_unmatched_line(
    rng: &mut SeededRng,
    invoices: &mut [Invoice],
    unmatched: &HashSet<String>,
) {
    if unmatched.is_empty() {
        // Made-up serial numbers only (no online inventory): nothing to match against.
        return;
    }
    let questioned = |invoice: &Invoice| {
        invoice.lines.iter().any(|l| {
            l.serial_number
                .as_ref()
                .is_some_and(|s| unmatched.contains(s))
        })
    };
    let awaiting = |invoice: &Invoice| {
        matches!(
            invoice.status,
            InvoiceStatus::Open | InvoiceStatus::InReview
        )
    };
    if invoices.iter().any(|i| questioned(i) && awaiting(i)) {
        return;
    }
    let Some(invoice) = invoices.iter_mut().rev().find(|i| {
        // An order's invoice (a renewal always names an installed machine).
        awaiting(i) && i.order_number.is_some() && i.lines.iter().any(|l| l.serial_number.is_some())
    }) else {
        return;
    };
    let serial = serials::unmatched(rng, &invoice.customer_number, &invoice.country);
    if let Some(line) = invoice.lines.iter_mut().find(|l| l.serial_number.is_some()) {
        line.serial_number = Some(serial);
    }
}

fn numbered_credits(
    invoices: &[Invoice],
    mut credits: Vec<Credit>,
    region: Region,
) -> Vec<CreditNote> {
    credits.sort_by_key(|c| (c.date, c.invoice));
    credits
        .into_iter()
        .enumerate()
        .filter_map(|(n, c)| {
            let invoice = invoices.get(c.invoice)?;
            Some(CreditNote {
                credit_note_number: document_number("CN", region, &invoice.customer_number, n + 1),
                customer_number: invoice.customer_number.clone(),
                country: invoice.country.clone(),
                region,
                invoice_number: invoice.invoice_number.clone(),
                issue_date: c.date,
                currency: invoice.currency.clone(),
                amount: c.amount,
                reason: c.reason.to_owned(),
            })
        })
        .collect()
}

fn numbered_payments(
    invoices: &[Invoice],
    mut payments: Vec<(usize, NaiveDate, Decimal)>,
    region: Region,
) -> Vec<Payment> {
    payments.sort_by_key(|p| (p.1, p.0));
    payments
        .into_iter()
        .enumerate()
        .filter_map(|(n, (at, date, amount))| {
            let invoice = invoices.get(at)?;
            Some(Payment {
                payment_number: document_number("PY", region, &invoice.customer_number, n + 1),
                customer_number: invoice.customer_number.clone(),
                invoice_number: invoice.invoice_number.clone(),
                date,
                amount,
                currency: invoice.currency.clone(),
            })
        })
        .collect()
}
