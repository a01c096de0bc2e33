//! The columns of the billing downloads and each document's cells: invoices (one row per
//! invoice) and a statement's lines (one row per line, with its running balance). Amounts are
//! decimal cells, exact as the billing system states them, with the currency in its own column;
//! statuses and kinds are written as the schema names them.

use supportgraph_adapters::model::{Invoice, InvoiceStatus, Statement, StatementLine};

use crate::exports::{Cell, Column, ColumnKind, Row, Table};
use crate::graphql::statements::types::kind_name;

/// A status as the schema names it.
pub fn status_name(status: InvoiceStatus) -> &'static str {
    match status {
        InvoiceStatus::Open => "OPEN",
        InvoiceStatus::InReview => "IN_REVIEW",
        InvoiceStatus::Approved => "APPROVED",
        InvoiceStatus::Disputed => "DISPUTED",
        InvoiceStatus::Paid => "PAID",
    }
}

/// The table of an invoice download.
pub fn invoice_table() -> Table {
    use ColumnKind::{Date, Decimal, Text};
    let columns = [
        ("Invoice number", Text),
        ("Customer number", Text),
        ("Country", Text),
        ("Invoice date", Date),
        ("Due date", Date),
        ("Status", Text),
        ("PO number", Text),
        ("Order number", Text),
        ("Subtotal", Decimal),
        ("Tax", Decimal),
        ("Total", Decimal),
        ("Currency", Text),
    ];
    Table {
        title: "Invoices".to_owned(),
        columns: columns
            .into_iter()
            .map(|(header, kind)| Column::new(header, kind))
            .collect(),
    }
}

/// `invoice`'s row in an invoice download.
pub fn invoice_row(invoice: &Invoice) -> Row {
    vec![
        Cell::from(invoice.invoice_number.as_str()),
        Cell::from(invoice.customer_number.as_str()),
        Cell::from(invoice.country.as_str()),
        Cell::from(invoice.invoice_date),
        Cell::from(invoice.due_date),
        Cell::from(status_name(invoice.status)),
        Cell::from(invoice.po_number.clone()),
        Cell::from(invoice.order_number.clone()),
        Cell::from(invoice.subtotal),
        Cell::from(invoice.tax_total),
        Cell::from(invoice.total),
        Cell::from(invoice.currency.as_str()),
    ]
}

/// The table of `statement`'s lines.
pub fn statement_table(statement: &Statement) -> Table {
    use ColumnKind::{Date, Decimal, Text};
    let period = supportgraph_adapters::model::StatementPeriod::of(statement.period_start);
    let columns = [
        ("Date", Date),
        ("Kind", Text),
        ("Reference", Text),
        ("Applies to", Text),
        ("Due date", Date),
        ("Amount", Decimal),
        ("Balance", Decimal),
        ("Currency", Text),
    ];
    Table {
        title: format!("Statement {} {period}", statement.customer_number),
        columns: columns
            .into_iter()
            .map(|(header, kind)| Column::new(header, kind))
            .collect(),
    }
}

/// A line's row in a statement download.
pub fn statement_row(line: &StatementLine, currency: &str) -> Row {
    vec![
        Cell::from(line.date),
        Cell::from(kind_name(line.kind)),
        Cell::from(line.reference.as_str()),
        Cell::from(line.applies_to.clone()),
        Cell::from(line.due_date),
        Cell::from(line.amount),
        Cell::from(line.balance),
        Cell::from(currency),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_row_has_one_cell_per_column() {
        let statement = Statement {
            customer_number: "1000101".into(),
            country: "US".into(),
            region: supportgraph_adapters::model::Region::Americas,
            period_start: chrono::NaiveDate::from_ymd_opt(2026, 10, 1).expect("a day"),
            period_end: chrono::NaiveDate::from_ymd_opt(2026, 10, 31).expect("a day"),
            currency: "USD".into(),
            opening_balance: rust_decimal::Decimal::ZERO,
            lines: vec![StatementLine {
                kind: supportgraph_adapters::model::StatementLineKind::Payment,
                date: chrono::NaiveDate::from_ymd_opt(2026, 10, 2).expect("a day"),
                reference: "PY1".into(),
                applies_to: Some("IN1".into()),
                amount: rust_decimal::Decimal::new(-1250, 2),
                balance: rust_decimal::Decimal::new(-1250, 2),
                due_date: None,
            }],
            closing_balance: rust_decimal::Decimal::new(-1250, 2),
        };
        let table = statement_table(&statement);
        let row = statement_row(&statement.lines[0], &statement.currency);
        assert_eq!(row.len(), table.columns.len());
        assert_eq!(row[5], Cell::Decimal(rust_decimal::Decimal::new(-1250, 2)));
        assert_eq!(invoice_table().columns.len(), 12);
    }
}
