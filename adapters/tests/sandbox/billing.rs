//! The billing simulators and adapter together, over real HTTP: statements whose balances follow,
//! recomputed here from the demo documents; every transition of an invoice's review, allowed or
//! not; printed copies; another customer's documents kept apart; keyset paging over every sort
//! and filter; and the demo data's promises (statuses, serial numbers, taxes, orders billed).

use std::collections::{HashMap, HashSet};

use chrono::{Duration, NaiveDate};
use rust_decimal::{Decimal, RoundingStrategy};
use supportgraph_adapters::billing::sandbox::{Ledger, generate};
use supportgraph_adapters::billing::{self, HttpBillingBackend};
use supportgraph_adapters::model::{
    Invoice, InvoiceAction, InvoiceFilters, InvoiceQuery, InvoiceRefusal, InvoiceSort,
    InvoiceSortField, InvoiceStatus, MAX_DISPUTE_REASON, ProductKind, Region, SortDirection,
    StatementLineKind, StatementPeriod,
};
use supportgraph_adapters::order_status::HttpOrderBackend;
use supportgraph_adapters::ports::{
    BillingBackend, BillingDocument, InventoryBackend, LOOKUP_BATCH, OrderBackend,
};
use supportgraph_adapters::sandbox::SandboxHandle;
use supportgraph_adapters::sandbox::demo::{self, DemoAccount};

use crate::{SEED, client, inventory_online, sandbox, services_assistant};

/// The billing adapter of `region`, against the sandbox.
fn billing_of(sandbox: &SandboxHandle, region: Region) -> HttpBillingBackend {
    HttpBillingBackend::new(client(sandbox, billing::instance_name(region)), region)
}

/// The demo customer numbers billed in `region`.
fn accounts_in(region: Region) -> Vec<DemoAccount> {
    demo::accounts()
        .into_iter()
        .filter(|a| demo::region_of(a.country) == Some(region))
        .collect()
}

fn customers_in(region: Region) -> Vec<String> {
    accounts_in(region)
        .iter()
        .map(|a| a.customer_number.to_owned())
        .collect()
}

/// Every invoice of `query`'s customer numbers matching its filters, page after page in its
/// order, each page `query.limit` long at most.
async fn walk(backend: &HttpBillingBackend, mut query: InvoiceQuery) -> Vec<Invoice> {
    let mut invoices: Vec<Invoice> = Vec::new();
    loop {
        let page = backend.list_invoices(&query).await.expect("a valid page");
        let full = page.invoices.len() == query.limit as usize;
        invoices.extend(page.invoices);
        match invoices.last() {
            Some(last) if full => query.after = Some(last.sort_key(query.sort)),
            _ => return invoices,
        }
    }
}

fn numbers(invoices: &[Invoice]) -> Vec<String> {
    invoices.iter().map(|i| i.invoice_number.clone()).collect()
}

/// One expected statement line: kind, date, reference, applies to, amount, balance, due day.
type Line = (
    StatementLineKind,
    NaiveDate,
    String,
    Option<String>,
    Decimal,
    Decimal,
    Option<NaiveDate>,
);

/// The statement of `customer` for `period`, from the documents alone: opening balance, lines,
/// closing balance.
fn expected_statement(
    ledger: &Ledger,
    customer: &str,
    period: StatementPeriod,
) -> (Decimal, Vec<Line>, Decimal) {
    let first = period.first_day().expect("a month");
    let last = period.last_day().expect("a month");
    // Every movement, its balance still unknown (zero).
    let mut movements: Vec<Line> = Vec::new();
    for i in ledger
        .invoices
        .iter()
        .filter(|i| i.customer_number == customer)
    {
        movements.push((
            StatementLineKind::Invoice,
            i.invoice_date,
            i.invoice_number.clone(),
            None,
            i.total,
            Decimal::ZERO,
            Some(i.due_date),
        ));
    }
    for n in ledger
        .credit_notes
        .iter()
        .filter(|n| n.customer_number == customer)
    {
        movements.push((
            StatementLineKind::CreditNote,
            n.issue_date,
            n.credit_note_number.clone(),
            Some(n.invoice_number.clone()),
            -n.amount,
            Decimal::ZERO,
            None,
        ));
    }
    for p in ledger
        .payments
        .iter()
        .filter(|p| p.customer_number == customer)
    {
        movements.push((
            StatementLineKind::Payment,
            p.date,
            p.payment_number.clone(),
            Some(p.invoice_number.clone()),
            -p.amount,
            Decimal::ZERO,
            None,
        ));
    }
    movements.sort_by(|a, b| (a.1, &a.2).cmp(&(b.1, &b.2)));
    let opening: Decimal = movements.iter().filter(|m| m.1 < first).map(|m| m.4).sum();
    let mut balance = opening;
    let lines: Vec<Line> = movements
        .into_iter()
        .filter(|m| m.1 >= first && m.1 <= last)
        .map(|mut line| {
            balance += line.4;
            line.5 = balance;
            line
        })
        .collect();
    (opening, lines, balance)
}

#[tokio::test]
async fn statements_add_up_to_the_cent_for_every_customer_number_and_month() {
    let sandbox = sandbox().await;
    let months = [
        "2023-06", "2024-11", "2024-12", "2025-06", "2026-01", "2026-10", "2026-11", "2026-12",
    ];
    let mut lines_seen = 0;
    for region in Region::ALL {
        let ledger = generate(SEED, region);
        let backend = billing_of(&sandbox, region);
        for account in accounts_in(region) {
            for month in months {
                let period = StatementPeriod::parse(month).expect("a period");
                let statement = backend
                    .statement(account.customer_number, period)
                    .await
                    .expect("a valid statement")
                    .expect("a customer number of the region");
                let (opening, lines, closing) =
                    expected_statement(&ledger, account.customer_number, period);
                let at = format!("{} {month}", account.customer_number);
                assert_eq!(statement.country, account.country, "{at}");
                assert_eq!(
                    statement.currency,
                    demo::currency_of(account.country),
                    "{at}"
                );
                assert_eq!(statement.opening_balance, opening, "{at}");
                let got: Vec<Line> = statement
                    .lines
                    .iter()
                    .map(|l| {
                        (
                            l.kind,
                            l.date,
                            l.reference.clone(),
                            l.applies_to.clone(),
                            l.amount,
                            l.balance,
                            l.due_date,
                        )
                    })
                    .collect();
                assert_eq!(got, lines, "{at}");
                assert_eq!(statement.closing_balance, closing, "{at}");
                lines_seen += lines.len();
            }
        }
    }
    assert!(lines_seen > 200, "the months hold movements: {lines_seen}");
}

#[tokio::test]
async fn a_statement_of_a_month_before_any_document_is_zero_and_another_regions_customer_unknown() {
    let sandbox = sandbox().await;
    let emea = billing_of(&sandbox, Region::Emea);
    let long_ago = StatementPeriod::parse("2020-01").expect("a period");
    let statement = emea
        .statement("4400201", long_ago)
        .await
        .expect("valid")
        .expect("found");
    assert_eq!(
        (statement.opening_balance, statement.closing_balance),
        (Decimal::ZERO, Decimal::ZERO)
    );
    assert!(statement.lines.is_empty());
    assert_eq!(emea.statement("1000101", long_ago).await, Ok(None));
}

/// An invoice of `customers` in `status`, found through the listing.
async fn one_in(
    backend: &HttpBillingBackend,
    customers: &[String],
    status: InvoiceStatus,
) -> Invoice {
    let query = InvoiceQuery {
        customer_numbers: customers.to_vec(),
        filters: InvoiceFilters {
            statuses: vec![status],
            ..InvoiceFilters::default()
        },
        limit: 1,
        ..InvoiceQuery::default()
    };
    let page = backend.list_invoices(&query).await.expect("a valid page");
    page.invoices
        .into_iter()
        .next()
        .unwrap_or_else(|| panic!("an invoice {status:?} among {customers:?}"))
}

#[tokio::test]
async fn every_transition_is_allowed_or_refused_as_the_model_says() {
    let sandbox = sandbox().await;
    let backend = billing_of(&sandbox, Region::Emea);
    let customers = customers_in(Region::Emea);
    let reason = "The unit price differs from the quotation we accepted.";
    for status in InvoiceStatus::ALL {
        for action in InvoiceAction::ALL {
            let invoice = one_in(&backend, &customers, status).await;
            let answer = backend
                .act_on_invoice(
                    &invoice.customer_number,
                    &invoice.invoice_number,
                    action,
                    Some(reason),
                )
                .await
                .expect("an answer");
            match status.after(action) {
                Some(next) => {
                    let moved = answer.unwrap_or_else(|r| panic!("{status:?} {action:?}: {r:?}"));
                    assert_eq!(moved.status, next, "{status:?} {action:?}");
                    assert!(moved.updated_at > invoice.updated_at, "updatedAt moves on");
                    assert_eq!(moved.total, invoice.total);
                    let read = backend
                        .invoices_by_number(std::slice::from_ref(&invoice.invoice_number))
                        .await
                        .expect("valid");
                    assert_eq!(read, vec![moved], "the change is kept");
                }
                None => assert_eq!(
                    answer,
                    Err(InvoiceRefusal::InvalidTransition { status }),
                    "{status:?} {action:?}"
                ),
            }
        }
    }
}

#[tokio::test]
async fn a_dispute_needs_a_reason_which_stays_when_the_review_resumes() {
    let sandbox = sandbox().await;
    let backend = billing_of(&sandbox, Region::Americas);
    let customers = vec!["1000101".to_owned()];
    let invoice = one_in(&backend, &customers, InvoiceStatus::InReview).await;
    let act = |action, reason: Option<String>| {
        let backend = backend.clone();
        let number = invoice.invoice_number.clone();
        async move {
            backend
                .act_on_invoice("1000101", &number, action, reason.as_deref())
                .await
                .expect("an answer")
        }
    };
    for reason in [
        None,
        Some("  \n".to_owned()),
        Some("é".repeat(MAX_DISPUTE_REASON + 1)),
    ] {
        assert_eq!(
            act(InvoiceAction::Dispute, reason).await,
            Err(InvoiceRefusal::ReasonRequired)
        );
    }
    let longest = "é".repeat(MAX_DISPUTE_REASON);
    let disputed = act(InvoiceAction::Dispute, Some(longest.clone()))
        .await
        .expect("disputed");
    assert_eq!(disputed.dispute_reason.as_deref(), Some(longest.as_str()));
    let resumed = act(InvoiceAction::StartReview, None)
        .await
        .expect("back in review");
    assert_eq!(resumed.status, InvoiceStatus::InReview);
    assert_eq!(resumed.dispute_reason, Some(longest), "kept for the record");

    let open = one_in(&backend, &customers, InvoiceStatus::Open).await;
    for (customer, number) in [
        ("1000102", open.invoice_number.as_str()),
        ("1000101", "IN110001019999"),
    ] {
        assert_eq!(
            backend
                .act_on_invoice(customer, number, InvoiceAction::StartReview, None)
                .await,
            Ok(Err(InvoiceRefusal::UnknownInvoice))
        );
    }
}

#[tokio::test]
async fn a_payment_closes_an_approved_invoice_and_shows_on_the_statement() {
    let sandbox = sandbox().await;
    let backend = billing_of(&sandbox, Region::Ap);
    let customers = vec!["8100501".to_owned()];
    let approved = one_in(&backend, &customers, InvoiceStatus::Approved).await;
    let http = reqwest::Client::new();
    let pay = |number: String| {
        let url = sandbox
            .base_url(billing::instance_name(Region::Ap))
            .join(&format!("admin/invoices/{number}/payments"))
            .expect("a URL");
        let http = http.clone();
        async move { http.post(url).send().await.expect("the sandbox answers") }
    };
    let answer = pay(approved.invoice_number.clone()).await;
    assert_eq!(answer.status(), 200);
    let paid: serde_json::Value = answer.json().await.expect("JSON");
    assert_eq!(paid["status"], "PAID");
    assert_eq!(pay(approved.invoice_number.clone()).await.status(), 409);
    assert_eq!(pay("IN381005019999".into()).await.status(), 404);

    let ledger = generate(SEED, Region::Ap);
    let credited: Decimal = ledger
        .credit_notes
        .iter()
        .filter(|n| n.invoice_number == approved.invoice_number)
        .map(|n| n.amount)
        .sum();
    let today = StatementPeriod::of(demo::today());
    let statement = backend
        .statement("8100501", today)
        .await
        .expect("valid")
        .expect("found");
    let payment = statement
        .lines
        .iter()
        .find(|l| {
            l.applies_to.as_deref() == Some(approved.invoice_number.as_str())
                && l.kind == StatementLineKind::Payment
        })
        .expect("the payment is on this month's statement");
    assert_eq!(payment.date, demo::today());
    assert_eq!(payment.amount, credited - approved.total);
    let (_, _, closing_before) = expected_statement(&ledger, "8100501", today);
    assert_eq!(statement.closing_balance, closing_before + payment.amount);
}

#[tokio::test]
async fn printed_copies_are_pdfs_and_another_customers_documents_are_not_found() {
    let sandbox = sandbox().await;
    let backend = billing_of(&sandbox, Region::Emea);
    let ledger = generate(SEED, Region::Emea);
    let invoice = ledger
        .invoices
        .iter()
        .find(|i| i.customer_number == "4400201")
        .expect("an invoice of 4400201");
    let note = ledger
        .credit_notes
        .iter()
        .find(|n| n.customer_number == "4400201")
        .expect("a credit note of 4400201");
    let documents = [
        BillingDocument::Invoice(invoice.invoice_number.clone()),
        BillingDocument::CreditNote(note.credit_note_number.clone()),
    ];
    for document in &documents {
        let pdf = backend
            .document_pdf("4400201", document)
            .await
            .expect("valid")
            .expect("found");
        assert!(pdf.starts_with(b"%PDF-"), "{document:?}");
        assert_eq!(
            backend.document_pdf("4400301", document).await,
            Ok(None),
            "another customer number's {document:?}"
        );
        assert_eq!(
            backend.document_pdf("1000101", document).await,
            Ok(None),
            "another region's customer number"
        );
    }
    let unknown = BillingDocument::Invoice("IN244002019999".into());
    assert_eq!(backend.document_pdf("4400201", &unknown).await, Ok(None));
}

#[tokio::test]
async fn keyset_paging_returns_every_invoice_once_in_every_sort() {
    let sandbox = sandbox().await;
    let backend = billing_of(&sandbox, Region::Emea);
    let customers = customers_in(Region::Emea);
    let ledger = generate(SEED, Region::Emea);
    let all: HashSet<String> = numbers(&ledger.invoices).into_iter().collect();
    for field in [
        InvoiceSortField::InvoiceDate,
        InvoiceSortField::DueDate,
        InvoiceSortField::Total,
    ] {
        for direction in [SortDirection::Ascending, SortDirection::Descending] {
            let sort = InvoiceSort { field, direction };
            let query = InvoiceQuery {
                customer_numbers: customers.clone(),
                sort,
                limit: 37,
                ..InvoiceQuery::default()
            };
            let walked = walk(&backend, query).await;
            let seen: HashSet<String> = numbers(&walked).into_iter().collect();
            assert_eq!(seen.len(), walked.len(), "{sort:?}: none twice");
            assert_eq!(seen, all, "{sort:?}: every one");
            let keys: Vec<_> = walked.iter().map(|i| i.sort_key(sort)).collect();
            assert!(keys.windows(2).all(|w| w[0] < w[1]), "{sort:?}: in order");
        }
    }
}

#[tokio::test]
async fn filtered_listings_return_exactly_the_matching_invoices() {
    let sandbox = sandbox().await;
    let backend = billing_of(&sandbox, Region::Americas);
    let ledger = generate(SEED, Region::Americas);
    let globex = vec!["1000101".to_owned(), "1000102".to_owned()];
    let some_po = ledger
        .invoices
        .iter()
        .find_map(|i| i.po_number.clone())
        .expect("a PO number");
    let some_order = ledger
        .invoices
        .iter()
        .find_map(|i| i.order_number.clone())
        .expect("an order invoiced");
    let filters = [
        InvoiceFilters {
            statuses: vec![InvoiceStatus::Open, InvoiceStatus::Approved],
            ..InvoiceFilters::default()
        },
        InvoiceFilters {
            invoice_date_from: NaiveDate::from_ymd_opt(2025, 3, 1),
            invoice_date_to: NaiveDate::from_ymd_opt(2025, 9, 30),
            ..InvoiceFilters::default()
        },
        InvoiceFilters {
            due_date_from: Some(demo::today()),
            ..InvoiceFilters::default()
        },
        InvoiceFilters {
            total_min: Some(Decimal::new(1_000_000, 2)),
            total_max: Some(Decimal::new(10_000_000, 2)),
            statuses: vec![InvoiceStatus::Paid],
            ..InvoiceFilters::default()
        },
        InvoiceFilters {
            po_number: Some(some_po),
            ..InvoiceFilters::default()
        },
        InvoiceFilters {
            order_number: Some(some_order),
            ..InvoiceFilters::default()
        },
        InvoiceFilters {
            invoice_number: Some("IN110001010007".into()),
            ..InvoiceFilters::default()
        },
    ];
    for filters in filters {
        let expected: Vec<String> = ledger
            .invoices
            .iter()
            .filter(|i| globex.contains(&i.customer_number) && filters.matches(i))
            .map(|i| i.invoice_number.clone())
            .collect();
        assert!(!expected.is_empty(), "{filters:?} matches some");
        let sort = InvoiceSort {
            field: InvoiceSortField::Total,
            direction: SortDirection::Descending,
        };
        let query = InvoiceQuery {
            customer_numbers: globex.clone(),
            filters: filters.clone(),
            sort,
            limit: 5,
            after: None,
        };
        let first = backend.list_invoices(&query).await.expect("valid");
        assert_eq!(first.total_count, expected.len() as u64, "{filters:?}");
        let mut walked = numbers(&walk(&backend, query).await);
        walked.sort();
        let mut expected = expected;
        expected.sort();
        assert_eq!(walked, expected, "{filters:?}");
    }
}

#[tokio::test]
async fn oversized_batches_are_refused_and_listed_invoices_read_back_the_same() {
    let sandbox = sandbox().await;
    let backend = billing_of(&sandbox, Region::Emea);
    let ledger = generate(SEED, Region::Emea);
    let wanted: Vec<String> = ledger
        .invoices
        .iter()
        .take(LOOKUP_BATCH)
        .map(|i| i.invoice_number.clone())
        .collect();
    let read = backend.invoices_by_number(&wanted).await.expect("valid");
    assert_eq!(read, ledger.invoices[..LOOKUP_BATCH].to_vec());
    let notes: Vec<String> = ledger
        .credit_notes
        .iter()
        .map(|n| n.credit_note_number.clone())
        .take(LOOKUP_BATCH)
        .collect();
    let read = backend.credit_notes_by_number(&notes).await.expect("valid");
    assert_eq!(read.len(), notes.len());

    let too_many: Vec<String> = (0..=LOOKUP_BATCH)
        .map(|n| format!("IN24400201{n:04}"))
        .collect();
    let url = sandbox
        .base_url(billing::instance_name(Region::Emea))
        .join(&format!("v1/invoices/batch?ids={}", too_many.join(",")))
        .expect("a URL");
    let answer = reqwest::get(url).await.expect("the sandbox answers");
    assert_eq!(answer.status(), 400);
}

#[tokio::test]
async fn every_globex_customer_number_of_the_brief_has_invoices_in_every_status() {
    let sandbox = sandbox().await;
    for (customer, region) in [
        ("1000101", Region::Americas),
        ("4400201", Region::Emea),
        ("8100501", Region::Ap),
    ] {
        let backend = billing_of(&sandbox, region);
        for status in InvoiceStatus::ALL {
            let invoice = one_in(&backend, &[customer.to_owned()], status).await;
            if status == InvoiceStatus::Disputed {
                assert!(invoice.dispute_reason.is_some(), "{customer}");
            }
        }
    }
}

/// Round half away from zero to the currency's minor unit.
fn rounded(amount: Decimal, currency: &str) -> Decimal {
    let digits = if currency == "JPY" { 0 } else { 2 };
    amount.round_dp_with_strategy(digits, RoundingStrategy::MidpointAwayFromZero)
}

#[test]
fn every_demo_invoice_is_taxed_by_its_country_and_due_on_its_terms() {
    let rates: HashMap<&str, Decimal> = HashMap::from([
        ("US", Decimal::new(725, 4)),
        ("ES", Decimal::new(21, 2)),
        ("DE", Decimal::new(19, 2)),
        ("FR", Decimal::new(20, 2)),
        ("JP", Decimal::new(10, 2)),
    ]);
    let mut numbers = HashSet::new();
    for region in Region::ALL {
        let ledger = generate(SEED, region);
        for invoice in &ledger.invoices {
            assert!(numbers.insert(invoice.invoice_number.clone()), "unique");
            assert_eq!(invoice.currency, demo::currency_of(&invoice.country));
            let terms = if invoice.country == "JP" { 60 } else { 30 };
            assert_eq!(
                invoice.due_date - invoice.invoice_date,
                Duration::days(terms)
            );
            assert!(invoice.invoice_date <= demo::today());
            for line in &invoice.lines {
                let net = line.unit_price * Decimal::from(line.quantity);
                assert_eq!(
                    line.tax,
                    rounded(net * rates[invoice.country.as_str()], &invoice.currency),
                    "{} line {}",
                    invoice.invoice_number,
                    line.line_number
                );
            }
        }
        for note in &ledger.credit_notes {
            assert!(numbers.insert(note.credit_note_number.clone()), "unique");
            assert!(note.issue_date <= demo::today());
        }
        for payment in &ledger.payments {
            assert!(numbers.insert(payment.payment_number.clone()), "unique");
            let invoice = ledger
                .invoices
                .iter()
                .find(|i| i.invoice_number == payment.invoice_number)
                .expect("a payment pays an invoice");
            assert_eq!(invoice.status, InvoiceStatus::Paid);
            assert!(payment.date > invoice.invoice_date && payment.date <= invoice.due_date);
            let credited: Decimal = ledger
                .credit_notes
                .iter()
                .filter(|n| n.invoice_number == invoice.invoice_number)
                .map(|n| n.amount)
                .sum();
            assert_eq!(payment.amount, invoice.total - credited);
        }
    }
}

#[tokio::test]
async fn order_invoices_bill_their_orders_lines() {
    let sandbox = sandbox().await;
    for region in Region::ALL {
        let orders = HttpOrderBackend::new(
            client(
                &sandbox,
                supportgraph_adapters::order_status::instance_name(region),
            ),
            region,
        );
        let ledger = generate(SEED, region);
        let billed: Vec<&Invoice> = ledger
            .invoices
            .iter()
            .filter(|i| i.order_number.is_some())
            .collect();
        for chunk in billed.chunks(LOOKUP_BATCH) {
            let wanted: Vec<String> = chunk
                .iter()
                .filter_map(|i| i.order_number.clone())
                .collect();
            let found = orders.orders_by_number(&wanted).await.expect("valid");
            assert_eq!(found.len(), wanted.len(), "every order invoiced exists");
            for invoice in chunk {
                let order = found
                    .iter()
                    .find(|o| Some(&o.order_number) == invoice.order_number.as_ref())
                    .expect("its order");
                assert_eq!(order.customer_number, invoice.customer_number);
                assert_eq!(order.purchase_order_number, invoice.po_number);
                assert_eq!(order.lines.len(), invoice.lines.len());
                for (ordered, billed) in order.lines.iter().zip(&invoice.lines) {
                    assert_eq!(ordered.product_code, billed.product_code);
                    assert_eq!(ordered.quantity, billed.quantity);
                    assert_eq!(ordered.unit_price.amount, billed.unit_price);
                    assert_eq!(
                        ordered.kind == ProductKind::Hardware,
                        billed.serial_number.is_some(),
                        "{} line {}",
                        invoice.invoice_number,
                        billed.line_number
                    );
                }
            }
        }
    }
}

#[tokio::test]
async fn about_one_hardware_line_in_six_names_a_machine_installed_nowhere() {
    let sandbox = sandbox().await;
    for (region, inventory) in [
        (
            Region::Americas,
            Box::new(inventory_online(&sandbox)) as Box<dyn InventoryBackend>,
        ),
        (Region::Emea, Box::new(services_assistant(&sandbox))),
    ] {
        let ledger = generate(SEED, region);
        for customer in customers_in(region) {
            let installed: HashSet<String> = inventory
                .items(std::slice::from_ref(&customer))
                .await
                .expect("valid")
                .into_iter()
                .map(|i| i.serial_number)
                .collect();
            let invoices: Vec<&Invoice> = ledger
                .invoices
                .iter()
                .filter(|i| i.customer_number == customer)
                .collect();
            let mut hardware_lines = 0;
            let mut unmatched_lines = 0;
            let mut questioned = HashSet::new();
            for invoice in &invoices {
                for line in &invoice.lines {
                    let Some(serial) = &line.serial_number else {
                        continue;
                    };
                    let installed_here = installed.contains(serial);
                    if invoice.order_number.is_none() {
                        assert!(installed_here, "a renewal renews an installed machine");
                        continue;
                    }
                    hardware_lines += 1;
                    if !installed_here {
                        unmatched_lines += 1;
                        questioned.insert(invoice.invoice_number.clone());
                    }
                }
            }
            assert!(questioned.len() >= 2, "{customer}: {questioned:?}");
            let share = f64::from(unmatched_lines) / f64::from(hardware_lines);
            assert!((0.1..=0.25).contains(&share), "{customer}: {share}");
        }
    }
}
