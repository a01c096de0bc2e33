//! One instance's books: its invoices, credit notes and payments, and what the simulator derives
//! from them or does to them — a customer number's statement of a month, an invoice's review, a
//! payment received.
//!
//! A statement is computed, never stored: the opening balance is every movement dated before the
//! month (an invoice adds its total, a credit note and a payment take their amount off), the
//! month's movements follow by date then reference, each with the balance after it. So a review
//! or a payment shows in every statement from then on, as it would in the real system.

use std::collections::HashMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use rust_decimal::Decimal;

use crate::model::{
    CreditNote, Invoice, InvoiceAction, InvoiceRefusal, InvoiceStatus, MAX_DISPUTE_REASON, Region,
    Statement, StatementLine, StatementLineKind, StatementPeriod,
};

/// A payment received against one invoice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Payment {
    /// The payment's number (`PY…`).
    pub payment_number: String,
    /// The customer number that paid.
    pub customer_number: String,
    /// The invoice paid.
    pub invoice_number: String,
    /// Day received.
    pub date: NaiveDate,
    /// Amount received (positive).
    pub amount: Decimal,
    /// Its currency.
    pub currency: String,
}

/// Who a statement is for: a customer number the instance bills, its country and currency.
#[derive(Debug, Clone)]
pub struct Account {
    /// The customer number.
    pub customer_number: String,
    /// Its country.
    pub country: String,
    /// The currency it is billed in.
    pub currency: String,
}

/// Every document of one instance.
#[derive(Debug, Clone, Default)]
pub struct Ledger {
    /// The invoices, by number.
    pub invoices: Vec<Invoice>,
    /// The credit notes, by number.
    pub credit_notes: Vec<CreditNote>,
    /// The payments, by number.
    pub payments: Vec<Payment>,
}

/// One movement of an account, before its balance is known.
struct Movement {
    kind: StatementLineKind,
    date: NaiveDate,
    reference: String,
    applies_to: Option<String>,
    amount: Decimal,
    due_date: Option<NaiveDate>,
}

impl Ledger {
    /// Positions of the invoices by number.
    pub(super) fn index(&self) -> HashMap<String, usize> {
        self.invoices
            .iter()
            .enumerate()
            .map(|(at, i)| (i.invoice_number.clone(), at))
            .collect()
    }

    /// Every movement of `customer_number`, in no particular order.
    fn movements(&self, customer_number: &str) -> Vec<Movement> {
        let invoices = self
            .invoices
            .iter()
            .filter(|i| i.customer_number == customer_number)
            .map(|i| Movement {
                kind: StatementLineKind::Invoice,
                date: i.invoice_date,
                reference: i.invoice_number.clone(),
                applies_to: None,
                amount: i.total,
                due_date: Some(i.due_date),
            });
        let credits = self
            .credit_notes
            .iter()
            .filter(|n| n.customer_number == customer_number)
            .map(|n| Movement {
                kind: StatementLineKind::CreditNote,
                date: n.issue_date,
                reference: n.credit_note_number.clone(),
                applies_to: Some(n.invoice_number.clone()),
                amount: -n.amount,
                due_date: None,
            });
        let payments = self
            .payments
            .iter()
            .filter(|p| p.customer_number == customer_number)
            .map(|p| Movement {
                kind: StatementLineKind::Payment,
                date: p.date,
                reference: p.payment_number.clone(),
                applies_to: Some(p.invoice_number.clone()),
                amount: -p.amount,
                due_date: None,
            });
        invoices.chain(credits).chain(payments).collect()
    }

    /// `account`'s statement for `period` in `region`'s instance; `None` for a month that does
    /// not exist.
    pub fn statement(
        &self,
        account: &Account,
        region: Region,
        period: StatementPeriod,
    ) -> Option<Statement> {
        let (first, last) = (period.first_day()?, period.last_day()?);
        let mut movements = self.movements(&account.customer_number);
        let opening = movements
            .iter()
            .filter(|m| m.date < first)
            .fold(Decimal::ZERO, |sum, m| sum.saturating_add(m.amount));
        movements.retain(|m| m.date >= first && m.date <= last);
        movements.sort_by(|a, b| (a.date, &a.reference).cmp(&(b.date, &b.reference)));
        let mut balance = opening;
        let lines = movements
            .into_iter()
            .map(|m| {
                balance = balance.saturating_add(m.amount);
                StatementLine {
                    kind: m.kind,
                    date: m.date,
                    reference: m.reference,
                    applies_to: m.applies_to,
                    amount: m.amount,
                    balance,
                    due_date: m.due_date,
                }
            })
            .collect();
        Some(Statement {
            customer_number: account.customer_number.clone(),
            country: account.country.clone(),
            region,
            period_start: first,
            period_end: last,
            currency: account.currency.clone(),
            opening_balance: opening,
            lines,
            closing_balance: balance,
        })
    }

    /// Takes `action` on the invoice at `at` (the customer's: the caller checked) at `now`.
    pub(super) fn act(
        &mut self,
        at: usize,
        action: InvoiceAction,
        reason: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<Invoice, InvoiceRefusal> {
        let invoice = self
            .invoices
            .get_mut(at)
            .ok_or(InvoiceRefusal::UnknownInvoice)?;
        let status = invoice
            .status
            .after(action)
            .ok_or(InvoiceRefusal::InvalidTransition {
                status: invoice.status,
            })?;
        if action == InvoiceAction::Dispute {
            let reason = reason
                .filter(|r| !r.trim().is_empty() && r.chars().count() <= MAX_DISPUTE_REASON)
                .ok_or(InvoiceRefusal::ReasonRequired)?;
            invoice.dispute_reason = Some(reason.to_owned());
        }
        invoice.status = status;
        invoice.updated_at = moved_on(invoice.updated_at, now);
        Ok(invoice.clone())
    }

    /// Pays the APPROVED invoice at `at` on `day` (at `now`): its total less its credit notes.
    pub(super) fn pay(
        &mut self,
        at: usize,
        day: NaiveDate,
        now: DateTime<Utc>,
        region: Region,
    ) -> Result<Invoice, InvoiceRefusal> {
        let invoice = self
            .invoices
            .get(at)
            .ok_or(InvoiceRefusal::UnknownInvoice)?;
        if invoice.status != InvoiceStatus::Approved {
            return Err(InvoiceRefusal::InvalidTransition {
                status: invoice.status,
            });
        }
        let credited = self
            .credit_notes
            .iter()
            .filter(|n| n.invoice_number == invoice.invoice_number)
            .fold(Decimal::ZERO, |sum, n| sum.saturating_add(n.amount));
        let sequence = self
            .payments
            .iter()
            .filter(|p| p.customer_number == invoice.customer_number)
            .count()
            + 1;
        let payment = Payment {
            payment_number: super::document_number(
                "PY",
                region,
                &invoice.customer_number,
                sequence,
            ),
            customer_number: invoice.customer_number.clone(),
            invoice_number: invoice.invoice_number.clone(),
            date: day,
            amount: invoice.total.saturating_sub(credited),
            currency: invoice.currency.clone(),
        };
        self.payments.push(payment);
        self.payments
            .sort_by(|a, b| a.payment_number.cmp(&b.payment_number));
        let invoice = self
            .invoices
            .get_mut(at)
            .ok_or(InvoiceRefusal::UnknownInvoice)?;
        invoice.status = InvoiceStatus::Paid;
        invoice.updated_at = moved_on(invoice.updated_at, now);
        Ok(invoice.clone())
    }
}

/// `now`, or just after `before` when the clock has not passed it: an invoice's `updatedAt` only
/// moves on.
fn moved_on(before: DateTime<Utc>, now: DateTime<Utc>) -> DateTime<Utc> {
    now.max(before + Duration::seconds(1))
}
