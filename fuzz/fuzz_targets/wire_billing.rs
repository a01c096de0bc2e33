//! The billing instances' answers: a listing page, invoice and credit-note batches, a month's
//! statement, a document's PDF, an invoice action's answer and refusals, decoded and checked by
//! the real adapter ([`HttpBillingBackend`]) — every sum and running balance — from a stub
//! answering the input.
//!
//! Input: `CALL STATUS [americas|emea|ap] [ACTION]`, header lines, a blank line, the body. CALL
//! is one of `list_invoices` (the contract test's query), `invoices_by_number`,
//! `credit_notes_by_number`, `statement` (customer 4400201, 2026-10), `invoice_pdf`,
//! `credit_note_pdf`, `act_on_invoice` (ACTION `dispute` with a reason, `approve` or
//! `start_review`). The region is `emea` unless named (`invoices_batch.json` is the AP
//! instance's, in yen).
//!
//! Checked: no panic, and every invoice that decodes adds up (lines, subtotal, tax, total).

#![no_main]

use std::sync::LazyLock;

use chrono::NaiveDate;
use libfuzzer_sys::fuzz_target;
use rust_decimal::Decimal;
use supportgraph_adapters::billing::HttpBillingBackend;
use supportgraph_adapters::model::{
    Invoice, InvoiceAction, InvoiceFilters, InvoiceQuery, InvoiceSort, InvoiceSortKey,
    InvoiceSortValue, InvoiceStatus, Region, StatementPeriod,
};
use supportgraph_adapters::ports::{BillingBackend, BillingDocument};
use supportgraph_fuzz::stub::{Exchange, Stub};

const CALLS: [&str; 7] = [
    "list_invoices",
    "invoices_by_number",
    "credit_notes_by_number",
    "statement",
    "invoice_pdf",
    "credit_note_pdf",
    "act_on_invoice",
];

static STUB: LazyLock<Stub> = LazyLock::new(Stub::start);

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("a date")
}

/// The query of `adapters/tests/contracts/billing.rs`, which `list_invoices.json` answers.
fn query() -> InvoiceQuery {
    InvoiceQuery {
        customer_numbers: vec!["4400201".into(), "4900301".into()],
        filters: InvoiceFilters {
            statuses: vec![InvoiceStatus::Disputed, InvoiceStatus::Open],
            invoice_date_from: Some(day(2026, 9, 1)),
            total_min: Some(Decimal::new(100_000, 2)),
            ..InvoiceFilters::default()
        },
        sort: InvoiceSort::default(),
        after: Some(InvoiceSortKey {
            sort: InvoiceSort::default(),
            value: InvoiceSortValue::Date(day(2026, 10, 7)),
            invoice_number: "IN244002010043".into(),
        }),
        limit: 20,
    }
}

fn assert_adds_up(invoices: &[Invoice]) {
    for invoice in invoices {
        let sum = invoice.subtotal.checked_add(invoice.tax_total);
        assert_eq!(
            sum,
            Some(invoice.total),
            "invoice {} was decoded with a total that is not its subtotal plus its tax",
            invoice.invoice_number
        );
    }
}

fuzz_target!(|data: &[u8]| {
    let stub = &*STUB;
    let exchange = Exchange::parse(data, &CALLS, "application/json");
    let words: Vec<String> = (2..4).map(|n| exchange.word(n)).collect();
    let region = words
        .iter()
        .find_map(|w| Region::ALL.into_iter().find(|r| r.as_str() == w))
        .unwrap_or(Region::Emea);
    let name = format!("billing/{}", region.as_str());
    let backend = HttpBillingBackend::new(stub.client(&name), region);
    let answer = &exchange.answer;
    match CALLS[exchange.call] {
        "list_invoices" => {
            if let Ok(page) = stub.run(answer, backend.list_invoices(&query())) {
                assert_adds_up(&page.invoices);
            }
        }
        "invoices_by_number" => {
            let numbers = [
                "IN381005010040".to_owned(),
                "IN381005010099".to_owned(),
                "IN244002010042".to_owned(),
            ];
            if let Ok(invoices) = stub.run(answer, backend.invoices_by_number(&numbers)) {
                assert_adds_up(&invoices);
            }
        }
        "credit_notes_by_number" => {
            let numbers = ["CN244002010003".to_owned()];
            let _ = stub.run(answer, backend.credit_notes_by_number(&numbers));
        }
        "statement" => {
            let october = StatementPeriod::parse("2026-10").expect("a period");
            let _ = stub.run(answer, backend.statement("4400201", october));
        }
        "invoice_pdf" => {
            let invoice = BillingDocument::Invoice("IN244002010042".into());
            let _ = stub.run(answer, backend.document_pdf("4400201", &invoice));
        }
        "credit_note_pdf" => {
            let note = BillingDocument::CreditNote("CN244002010003".into());
            let _ = stub.run(answer, backend.document_pdf("4400201", &note));
        }
        _ => {
            let (action, reason) = if words.iter().any(|w| w == "approve") {
                (InvoiceAction::Approve, None)
            } else if words.iter().any(|w| w == "start_review") {
                (InvoiceAction::StartReview, None)
            } else {
                let reason =
                    "Line 1: serial number 4400201-907 is not one of our installed machines.";
                (InvoiceAction::Dispute, Some(reason))
            };
            let act = backend.act_on_invoice("4400201", "IN244002010042", action, reason);
            if let Ok(Ok(invoice)) = stub.run(answer, act) {
                assert_adds_up(std::slice::from_ref(&invoice));
            }
        }
    }
});
