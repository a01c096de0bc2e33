//! The billing wire format: the JSON documents of the contract in `billing`'s module doc, how
//! the simulator writes the model into them, and (in `invoice` and `statement`) how the adapter
//! translates them back, checking every sum and every identifier on the way.

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::model::{
    CreditNote, Invoice, InvoiceAction, InvoiceLine, InvoiceStatus, Statement, StatementLine,
    StatementLineKind, StatementPeriod,
};

mod invoice;
mod statement;

/// The most invoices one list call may ask for (`limit`).
pub const MAX_LIMIT: u32 = 500;

/// An invoice's status as the system writes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[schema(as = Status)]
pub enum WireStatus {
    /// Issued, not reviewed yet.
    Open,
    /// Under review at the customer.
    InReview,
    /// Approved for payment.
    Approved,
    /// Disputed, with a reason.
    Disputed,
    /// Paid.
    Paid,
}

impl WireStatus {
    /// The code as it appears on the wire (and in the `status` query parameter).
    pub fn code(self) -> &'static str {
        match self {
            Self::Open => "OPEN",
            Self::InReview => "IN_REVIEW",
            Self::Approved => "APPROVED",
            Self::Disputed => "DISPUTED",
            Self::Paid => "PAID",
        }
    }

    /// Parses a wire code.
    pub fn from_code(code: &str) -> Option<Self> {
        serde_json::from_value(serde_json::Value::String(code.to_owned())).ok()
    }
}

impl From<WireStatus> for InvoiceStatus {
    fn from(status: WireStatus) -> Self {
        match status {
            WireStatus::Open => Self::Open,
            WireStatus::InReview => Self::InReview,
            WireStatus::Approved => Self::Approved,
            WireStatus::Disputed => Self::Disputed,
            WireStatus::Paid => Self::Paid,
        }
    }
}

impl From<InvoiceStatus> for WireStatus {
    fn from(status: InvoiceStatus) -> Self {
        match status {
            InvoiceStatus::Open => Self::Open,
            InvoiceStatus::InReview => Self::InReview,
            InvoiceStatus::Approved => Self::Approved,
            InvoiceStatus::Disputed => Self::Disputed,
            InvoiceStatus::Paid => Self::Paid,
        }
    }
}

/// One invoice line.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = InvoiceLine)]
pub struct WireInvoiceLine {
    /// Position on the invoice, from 1.
    pub line_no: u32,
    /// Part number.
    pub part_no: String,
    /// Description.
    pub description: String,
    /// The machine billed, for a line about one machine.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub serial_no: Option<String>,
    /// Units billed.
    pub qty: u32,
    /// Price of one unit before tax.
    #[serde(with = "rust_decimal::serde::str")]
    #[schema(value_type = String)]
    pub unit_price: Decimal,
    /// Tax on the line.
    #[serde(with = "rust_decimal::serde::str")]
    #[schema(value_type = String)]
    pub tax: Decimal,
    /// `qty × unitPrice + tax`.
    #[serde(with = "rust_decimal::serde::str")]
    #[schema(value_type = String)]
    pub line_total: Decimal,
}

/// One invoice.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = Invoice)]
pub struct WireInvoice {
    /// Invoice number.
    pub invoice_no: String,
    /// Customer number billed.
    pub cust_no: String,
    /// Country of the customer number.
    pub ctry: String,
    /// The order invoiced, when it is for one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_no: Option<String>,
    /// The customer's purchase-order number, when they gave one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub po_no: Option<String>,
    /// Day of issue.
    pub issued: NaiveDate,
    /// Day payment is due.
    pub due: NaiveDate,
    /// Currency of every amount.
    pub currency: String,
    /// Where it is in its review.
    pub status: WireStatus,
    /// Why the customer disputes (or disputed) it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dispute_reason: Option<String>,
    /// The lines, in order.
    pub lines: Vec<WireInvoiceLine>,
    /// Sum of `qty × unitPrice`.
    #[serde(with = "rust_decimal::serde::str")]
    #[schema(value_type = String)]
    pub subtotal: Decimal,
    /// Sum of the lines' tax.
    #[serde(with = "rust_decimal::serde::str")]
    #[schema(value_type = String)]
    pub tax_total: Decimal,
    /// `subtotal + taxTotal`.
    #[serde(with = "rust_decimal::serde::str")]
    #[schema(value_type = String)]
    pub total: Decimal,
    /// When it last changed, RFC 3339.
    pub updated_at: DateTime<Utc>,
}

/// The answer to a list call.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = InvoiceList)]
pub struct WireInvoiceList {
    /// The page of invoices.
    pub invoices: Vec<WireInvoice>,
    /// Matches, ignoring the keyset and `limit`.
    pub total_count: u64,
}

/// The answer to an invoice batch call.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(as = InvoiceBatch)]
pub struct WireInvoiceBatch {
    /// The invoices found.
    pub invoices: Vec<WireInvoice>,
}

/// One credit note.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = CreditNote)]
pub struct WireCreditNote {
    /// Credit-note number.
    pub credit_note_no: String,
    /// Customer number credited.
    pub cust_no: String,
    /// Country of the customer number.
    pub ctry: String,
    /// The invoice it credits.
    pub invoice_no: String,
    /// Day of issue.
    pub issued: NaiveDate,
    /// Currency.
    pub currency: String,
    /// Amount credited, positive.
    #[serde(with = "rust_decimal::serde::str")]
    #[schema(value_type = String)]
    pub amount: Decimal,
    /// Why.
    pub reason: String,
}

/// The answer to a credit-note batch call.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = CreditNoteBatch)]
pub struct WireCreditNoteBatch {
    /// The credit notes found.
    pub credit_notes: Vec<WireCreditNote>,
}

/// What a statement line is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(as = LineKind)]
pub enum WireLineKind {
    /// An invoice.
    #[serde(rename = "INV")]
    Invoice,
    /// A credit note.
    #[serde(rename = "CRN")]
    CreditNote,
    /// A payment.
    #[serde(rename = "PAY")]
    Payment,
}

impl From<WireLineKind> for StatementLineKind {
    fn from(kind: WireLineKind) -> Self {
        match kind {
            WireLineKind::Invoice => Self::Invoice,
            WireLineKind::CreditNote => Self::CreditNote,
            WireLineKind::Payment => Self::Payment,
        }
    }
}

impl From<StatementLineKind> for WireLineKind {
    fn from(kind: StatementLineKind) -> Self {
        match kind {
            StatementLineKind::Invoice => Self::Invoice,
            StatementLineKind::CreditNote => Self::CreditNote,
            StatementLineKind::Payment => Self::Payment,
        }
    }
}

/// One statement line.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = StatementLine)]
pub struct WireStatementLine {
    /// INV, CRN or PAY.
    pub kind: WireLineKind,
    /// Day booked.
    pub date: NaiveDate,
    /// The document's number.
    #[serde(rename = "ref")]
    pub reference: String,
    /// The invoice a payment pays or a credit note credits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub applies_to: Option<String>,
    /// Signed change of the balance owed.
    #[serde(with = "rust_decimal::serde::str")]
    #[schema(value_type = String)]
    pub amount: Decimal,
    /// The balance owed after the line.
    #[serde(with = "rust_decimal::serde::str")]
    #[schema(value_type = String)]
    pub balance: Decimal,
    /// Day payment is due, for an invoice.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due: Option<NaiveDate>,
}

/// One customer number's statement of one month.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = Statement)]
pub struct WireStatement {
    /// Customer number.
    pub cust_no: String,
    /// Its country.
    pub ctry: String,
    /// The month, `YYYY-MM`.
    pub period: String,
    /// The month's first day.
    pub from: NaiveDate,
    /// The month's last day.
    pub to: NaiveDate,
    /// Currency of every amount.
    pub currency: String,
    /// Balance owed before the first line.
    #[serde(with = "rust_decimal::serde::str")]
    #[schema(value_type = String)]
    pub opening_balance: Decimal,
    /// The month's movements, by date then reference.
    pub lines: Vec<WireStatementLine>,
    /// Balance owed after the last line.
    #[serde(with = "rust_decimal::serde::str")]
    #[schema(value_type = String)]
    pub closing_balance: Decimal,
}

/// An action on an invoice as the system writes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[schema(as = Action)]
pub enum WireAction {
    /// OPEN or DISPUTED → IN_REVIEW.
    StartReview,
    /// IN_REVIEW → APPROVED.
    Approve,
    /// IN_REVIEW → DISPUTED, with a reason.
    Dispute,
}

impl From<InvoiceAction> for WireAction {
    fn from(action: InvoiceAction) -> Self {
        match action {
            InvoiceAction::StartReview => Self::StartReview,
            InvoiceAction::Approve => Self::Approve,
            InvoiceAction::Dispute => Self::Dispute,
        }
    }
}

impl From<WireAction> for InvoiceAction {
    fn from(action: WireAction) -> Self {
        match action {
            WireAction::StartReview => Self::StartReview,
            WireAction::Approve => Self::Approve,
            WireAction::Dispute => Self::Dispute,
        }
    }
}

/// The body of `POST v1/customers/{custNo}/invoices/{invoiceNo}/actions`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(as = ActionRequest)]
pub struct WireActionRequest {
    /// What to do.
    pub action: WireAction,
    /// Why, for a dispute.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// A refusal: `{"error": CODE}`, with the invoice's current status for `INVALID_TRANSITION`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(as = TransitionRefusal)]
pub struct WireRefusal {
    /// The refusal's code.
    pub error: String,
    /// The invoice's status now, for an invalid transition.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<WireStatus>,
}

impl From<&Invoice> for WireInvoice {
    fn from(invoice: &Invoice) -> Self {
        Self {
            invoice_no: invoice.invoice_number.clone(),
            cust_no: invoice.customer_number.clone(),
            ctry: invoice.country.clone(),
            order_no: invoice.order_number.clone(),
            po_no: invoice.po_number.clone(),
            issued: invoice.invoice_date,
            due: invoice.due_date,
            currency: invoice.currency.clone(),
            status: invoice.status.into(),
            dispute_reason: invoice.dispute_reason.clone(),
            lines: invoice.lines.iter().map(WireInvoiceLine::from).collect(),
            subtotal: invoice.subtotal,
            tax_total: invoice.tax_total,
            total: invoice.total,
            updated_at: invoice.updated_at,
        }
    }
}

impl From<&InvoiceLine> for WireInvoiceLine {
    fn from(line: &InvoiceLine) -> Self {
        Self {
            line_no: line.line_number,
            part_no: line.product_code.clone(),
            description: line.description.clone(),
            serial_no: line.serial_number.clone(),
            qty: line.quantity,
            unit_price: line.unit_price,
            tax: line.tax,
            line_total: line.total,
        }
    }
}

impl From<&CreditNote> for WireCreditNote {
    fn from(note: &CreditNote) -> Self {
        Self {
            credit_note_no: note.credit_note_number.clone(),
            cust_no: note.customer_number.clone(),
            ctry: note.country.clone(),
            invoice_no: note.invoice_number.clone(),
            issued: note.issue_date,
            currency: note.currency.clone(),
            amount: note.amount,
            reason: note.reason.clone(),
        }
    }
}

impl From<&Statement> for WireStatement {
    fn from(statement: &Statement) -> Self {
        Self {
            cust_no: statement.customer_number.clone(),
            ctry: statement.country.clone(),
            period: StatementPeriod::of(statement.period_start).to_string(),
            from: statement.period_start,
            to: statement.period_end,
            currency: statement.currency.clone(),
            opening_balance: statement.opening_balance,
            lines: statement
                .lines
                .iter()
                .map(WireStatementLine::from)
                .collect(),
            closing_balance: statement.closing_balance,
        }
    }
}

impl From<&StatementLine> for WireStatementLine {
    fn from(line: &StatementLine) -> Self {
        Self {
            kind: line.kind.into(),
            date: line.date,
            reference: line.reference.clone(),
            applies_to: line.applies_to.clone(),
            amount: line.amount,
            balance: line.balance,
            due: line.due_date,
        }
    }
}
