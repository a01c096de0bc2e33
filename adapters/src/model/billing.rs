//! Invoices, credit notes, payments and account statements, as every regional billing instance
//! reports them; and the review of an invoice, whose allowed transitions are defined here once —
//! the simulator enforces them, the adapter documents them, the schema mirrors them.
//!
//! Amounts are exact ([`Decimal`]) in the document's currency, which has as many minor digits as
//! ISO 4217 gives it (USD and EUR 2, JPY 0): a line's total is its quantity times its unit price
//! plus its tax, an invoice's total the sum of its lines, and a statement's running balance the
//! opening balance plus every line before it — so every sum the gateway shows adds up exactly.

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::{Money, Region};

/// Where an invoice is in its review.
///
/// ```text
/// OPEN ──START_REVIEW──▶ IN_REVIEW ──APPROVE──▶ APPROVED ──(a payment, by the backend)──▶ PAID
///                          │    ▲
///                  DISPUTE │    │ START_REVIEW
///                          ▼    │
///                        DISPUTED
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum InvoiceStatus {
    /// Issued; nobody has started reviewing it.
    Open,
    /// Someone at the customer is reviewing it.
    InReview,
    /// The customer approved it for payment.
    Approved,
    /// The customer disputes it, with a reason.
    Disputed,
    /// Paid (only a payment received by the billing system gets it here).
    Paid,
}

/// What a customer may do to an invoice under review.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum InvoiceAction {
    /// Start (or, after a dispute, resume) the review: OPEN or DISPUTED → IN_REVIEW.
    StartReview,
    /// Approve it for payment: IN_REVIEW → APPROVED.
    Approve,
    /// Dispute it, with a reason: IN_REVIEW → DISPUTED.
    Dispute,
}

impl InvoiceAction {
    /// Every action, in a fixed order.
    pub const ALL: [InvoiceAction; 3] = [Self::StartReview, Self::Approve, Self::Dispute];
}

impl InvoiceStatus {
    /// Every status, in a fixed order.
    pub const ALL: [InvoiceStatus; 5] = [
        Self::Open,
        Self::InReview,
        Self::Approved,
        Self::Disputed,
        Self::Paid,
    ];

    /// The status `action` leads to from this one, or `None` when it is not allowed here.
    pub fn after(self, action: InvoiceAction) -> Option<InvoiceStatus> {
        use InvoiceAction::*;
        use InvoiceStatus::*;
        match (self, action) {
            (Open | Disputed, StartReview) => Some(InReview),
            (InReview, Approve) => Some(Approved),
            (InReview, Dispute) => Some(Disputed),
            _ => None,
        }
    }
}

/// The longest reason a dispute may give, in characters.
pub const MAX_DISPUTE_REASON: usize = 1_000;

/// One billed product or service.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceLine {
    /// Position of the line on the invoice, from 1.
    pub line_number: u32,
    /// The vendor's product (part) number.
    pub product_code: String,
    /// Human-readable description.
    pub description: String,
    /// The serial number of the machine billed, for a line about one installed machine.
    pub serial_number: Option<String>,
    /// Units billed.
    pub quantity: u32,
    /// Price of one unit, before tax.
    pub unit_price: Decimal,
    /// Tax on the line.
    pub tax: Decimal,
    /// `quantity × unit_price + tax`.
    pub total: Decimal,
}

/// An invoice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invoice {
    /// The billing system's invoice number.
    pub invoice_number: String,
    /// The customer number billed.
    pub customer_number: String,
    /// ISO 3166-1 alpha-2 country of the customer number.
    pub country: String,
    /// The region whose billing system issued it.
    pub region: Region,
    /// The order invoiced, when the invoice is for an order.
    pub order_number: Option<String>,
    /// The customer's purchase-order number, when they gave one.
    pub po_number: Option<String>,
    /// Day of issue.
    pub invoice_date: NaiveDate,
    /// Day payment is due.
    pub due_date: NaiveDate,
    /// ISO 4217 currency of every amount on it.
    pub currency: String,
    /// Where it is in its review.
    pub status: InvoiceStatus,
    /// Why the customer disputes it (while DISPUTED, and kept afterwards for the record).
    pub dispute_reason: Option<String>,
    /// Its lines, in order.
    pub lines: Vec<InvoiceLine>,
    /// Sum of the lines before tax.
    pub subtotal: Decimal,
    /// Sum of the lines' tax.
    pub tax_total: Decimal,
    /// `subtotal + tax_total`.
    pub total: Decimal,
    /// When it last changed (issue, review, payment).
    pub updated_at: DateTime<Utc>,
}

impl Invoice {
    /// Its total as money.
    pub fn total_money(&self) -> Money {
        Money::new(self.total, self.currency.clone())
    }
}

/// A credit note: money the vendor owes back against an invoice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreditNote {
    /// The billing system's credit-note number.
    pub credit_note_number: String,
    /// The customer number credited.
    pub customer_number: String,
    /// ISO 3166-1 alpha-2 country of the customer number.
    pub country: String,
    /// The region whose billing system issued it.
    pub region: Region,
    /// The invoice it credits.
    pub invoice_number: String,
    /// Day of issue.
    pub issue_date: NaiveDate,
    /// ISO 4217 currency.
    pub currency: String,
    /// The amount credited (positive).
    pub amount: Decimal,
    /// Why.
    pub reason: String,
}

/// What a statement line is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum StatementLineKind {
    /// An invoice: the balance owed grows.
    Invoice,
    /// A credit note: the balance owed shrinks.
    CreditNote,
    /// A payment received: the balance owed shrinks.
    Payment,
}

/// One movement on an account statement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatementLine {
    /// What it is.
    pub kind: StatementLineKind,
    /// Day it was booked.
    pub date: NaiveDate,
    /// The invoice, credit-note or payment number.
    pub reference: String,
    /// The invoice a payment pays or a credit note credits (for those lines).
    pub applies_to: Option<String>,
    /// Signed change of the balance owed: positive for an invoice, negative for a credit note or
    /// a payment.
    pub amount: Decimal,
    /// The balance owed after this line.
    pub balance: Decimal,
    /// Day payment is due, for an invoice.
    pub due_date: Option<NaiveDate>,
}

/// An account statement: one customer number's movements over a period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Statement {
    /// The customer number.
    pub customer_number: String,
    /// ISO 3166-1 alpha-2 country of the customer number.
    pub country: String,
    /// The region whose billing system keeps it.
    pub region: Region,
    /// First day of the period.
    pub period_start: NaiveDate,
    /// Last day of the period.
    pub period_end: NaiveDate,
    /// ISO 4217 currency of every amount.
    pub currency: String,
    /// The balance owed before the period's first line.
    pub opening_balance: Decimal,
    /// The period's lines, by date then reference.
    pub lines: Vec<StatementLine>,
    /// The balance owed after the last line.
    pub closing_balance: Decimal,
}

/// A month of statements: `YYYY-MM`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct StatementPeriod {
    /// The year.
    pub year: i32,
    /// The month, 1 to 12.
    pub month: u32,
}

impl StatementPeriod {
    /// The period `text` names (`YYYY-MM`), or `None`.
    pub fn parse(text: &str) -> Option<Self> {
        let (year, month) = text.split_once('-')?;
        if year.len() != 4 || month.len() != 2 {
            return None;
        }
        let period = Self {
            year: year.parse().ok()?,
            month: month.parse().ok()?,
        };
        // Year 0 is not a year of the billing systems' calendar (nor of ISO 8601 business use).
        if period.year < 1 {
            return None;
        }
        period.first_day().map(|_| period)
    }

    /// The period holding `day`.
    pub fn of(day: NaiveDate) -> Self {
        use chrono::Datelike;
        Self {
            year: day.year(),
            month: day.month(),
        }
    }

    /// Its first day; `None` for a month that does not exist.
    pub fn first_day(self) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(self.year, self.month, 1)
    }

    /// Its last day; `None` for a month that does not exist.
    pub fn last_day(self) -> Option<NaiveDate> {
        let next = if self.month == 12 {
            NaiveDate::from_ymd_opt(self.year + 1, 1, 1)
        } else {
            NaiveDate::from_ymd_opt(self.year, self.month + 1, 1)
        }?;
        next.pred_opt()
    }
}

impl std::fmt::Display for StatementPeriod {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

/// Why a billing system refused an invoice action.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum InvoiceRefusal {
    /// No such invoice for the customer numbers given.
    UnknownInvoice,
    /// The action is not allowed from the invoice's status.
    InvalidTransition {
        /// The invoice's status now.
        status: InvoiceStatus,
    },
    /// A dispute without a reason, or with one the system does not take.
    ReasonRequired,
}
