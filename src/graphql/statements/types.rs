//! The `Statement` type — one customer number's account over one month — and the sums every
//! statement view shows: its totals per kind of line, computed here once from its lines, so the
//! statement, its lines' connection and its download all add up the same way.

use async_graphql::{Enum, ID, Object, SimpleObject};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rust_decimal::Decimal;
use supportgraph_adapters::model;

use crate::graphql::common::domain::Region;
use crate::graphql::common::scalars::{Date, Money};

/// What a statement line is.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Debug)]
#[graphql(remote = "supportgraph_adapters::model::StatementLineKind")]
pub enum StatementLineKind {
    /// An invoice: the balance owed grows.
    Invoice,
    /// A credit note: the balance owed shrinks.
    CreditNote,
    /// A payment received: the balance owed shrinks.
    Payment,
}

/// A kind as the schema names it (for files and cursors).
pub fn kind_name(kind: model::StatementLineKind) -> &'static str {
    match kind {
        model::StatementLineKind::Invoice => "INVOICE",
        model::StatementLineKind::CreditNote => "CREDIT_NOTE",
        model::StatementLineKind::Payment => "PAYMENT",
    }
}

/// `amount` in `currency`, as the schema shows money.
pub fn money(amount: Decimal, currency: &str) -> Money {
    model::Money::new(amount, currency).into()
}

/// The sums of a statement's lines of each kind, each as a positive amount.
#[derive(SimpleObject)]
pub struct StatementTotals {
    /// What the period's invoices add to the balance.
    pub invoices: Money,
    /// What the period's credit notes take off it.
    pub credit_notes: Money,
    /// What the period's payments take off it.
    pub payments: Money,
}

impl StatementTotals {
    /// The totals of `statement`'s lines.
    pub fn of(statement: &model::Statement) -> Self {
        let sum = |kind: model::StatementLineKind| {
            let total = statement
                .lines
                .iter()
                .filter(|l| l.kind == kind)
                .fold(Decimal::ZERO, |sum, l| sum.saturating_add(l.amount.abs()));
            money(total, &statement.currency)
        };
        Self {
            invoices: sum(model::StatementLineKind::Invoice),
            credit_notes: sum(model::StatementLineKind::CreditNote),
            payments: sum(model::StatementLineKind::Payment),
        }
    }
}

/// A statement's stable ID: its customer number and month (statements are recomputed, never
/// stored, so this is all that names one).
pub fn statement_id(statement: &model::Statement) -> ID {
    let period = model::StatementPeriod::of(statement.period_start);
    ID(URL_SAFE_NO_PAD.encode(format!("statement:{}:{period}", statement.customer_number)))
}

/// One customer number's account statement for one month: the balance owed at its start, every
/// invoice, credit note and payment of the month, and the balance owed at its end.
pub struct Statement(pub model::Statement);

/// One customer number's account statement for one month: the balance owed at its start, every
/// invoice, credit note and payment of the month, and the balance owed at its end.
#[Object]
impl Statement {
    /// A stable ID of this customer number's statement for this month (for client caches; fetch
    /// it again with `statements`).
    async fn id(&self) -> ID {
        statement_id(&self.0)
    }

    /// The customer number.
    async fn customer_number(&self) -> &str {
        &self.0.customer_number
    }

    /// ISO 3166-1 alpha-2 country of the customer number.
    async fn country(&self) -> &str {
        &self.0.country
    }

    /// The region whose billing system keeps the account.
    async fn region(&self) -> Region {
        self.0.region.into()
    }

    /// ISO 4217 currency of every amount on the statement.
    async fn currency(&self) -> &str {
        &self.0.currency
    }

    /// The month, `YYYY-MM`.
    async fn period(&self) -> String {
        model::StatementPeriod::of(self.0.period_start).to_string()
    }

    /// The month's first day.
    async fn period_start(&self) -> Date {
        Date(self.0.period_start)
    }

    /// The month's last day.
    async fn period_end(&self) -> Date {
        Date(self.0.period_end)
    }

    /// The balance owed before the month's first line.
    async fn opening_balance(&self) -> Money {
        money(self.0.opening_balance, &self.0.currency)
    }

    /// The balance owed after the month's last line: the opening balance plus every line's
    /// amount.
    async fn closing_balance(&self) -> Money {
        money(self.0.closing_balance, &self.0.currency)
    }

    /// The month's invoices, credit notes and payments, each summed as a positive amount.
    async fn totals(&self) -> StatementTotals {
        StatementTotals::of(&self.0)
    }

    /// How many lines the month has (list them with `statementLines`).
    async fn line_count(&self) -> i32 {
        i32::try_from(self.0.lines.len()).unwrap_or(i32::MAX)
    }
}
