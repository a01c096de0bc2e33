//! Where a line is in a sorted listing of one statement's lines, and its cursor: the statement
//! (customer number and month), the sort, the line's value in the sorted field, and its date and
//! reference — the statement's own order, unique on every statement (the billing adapter refuses
//! a statement whose lines are not strictly by date then reference). So the order is total, a
//! cursor is a key rather than an offset, and paging neither skips nor repeats a line.

use std::cmp::Ordering;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use supportgraph_adapters::model::{
    DocumentNumber, SortDirection, StatementLine, StatementLineKind, StatementPeriod,
};

use super::filter::{LineSort, StatementLineSortField};
use crate::error::GatewayError;
use crate::graphql::common::cursor::{invalid, open, seal};

const PREFIX: &str = "statement-line:v1:";

/// A line's value in the sorted field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum LineValue {
    /// The day booked.
    Date(NaiveDate),
    /// The signed amount.
    Amount(Decimal),
    /// The kind.
    Kind(StatementLineKind),
}

impl LineValue {
    fn natural(&self, other: &Self) -> Ordering {
        match (self, other) {
            (Self::Date(a), Self::Date(b)) => a.cmp(b),
            (Self::Amount(a), Self::Amount(b)) => a.cmp(b),
            (Self::Kind(a), Self::Kind(b)) => a.cmp(b),
            // Keys of one listing always hold one kind of value.
            (a, b) => a.rank().cmp(&b.rank()),
        }
    }

    fn rank(&self) -> u8 {
        match self {
            Self::Date(_) => 0,
            Self::Amount(_) => 1,
            Self::Kind(_) => 2,
        }
    }

    fn fits(&self, field: StatementLineSortField) -> bool {
        matches!(
            (self, field),
            (Self::Date(_), StatementLineSortField::Date)
                | (Self::Amount(_), StatementLineSortField::Amount)
                | (Self::Kind(_), StatementLineSortField::Kind)
        )
    }
}

/// A line's position in one statement's listing sorted by `sort`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineKey {
    /// The statement's customer number.
    #[serde(rename = "c")]
    pub customer_number: String,
    /// The statement's month.
    #[serde(rename = "p")]
    pub period: StatementPeriod,
    /// The listing's sort.
    #[serde(rename = "s")]
    pub sort: LineSort,
    /// The line's value in the sorted field.
    #[serde(rename = "v")]
    pub value: LineValue,
    /// The day booked.
    #[serde(rename = "d")]
    pub date: NaiveDate,
    /// The line's reference.
    #[serde(rename = "r")]
    pub reference: String,
}

impl LineKey {
    /// `line`'s position in the listing of `customer_number`'s statement for `period`, sorted
    /// by `sort`.
    pub fn of(
        line: &StatementLine,
        customer_number: &str,
        period: StatementPeriod,
        sort: LineSort,
    ) -> Self {
        let value = match sort.field {
            StatementLineSortField::Date => LineValue::Date(line.date),
            StatementLineSortField::Amount => LineValue::Amount(line.amount),
            StatementLineSortField::Kind => LineValue::Kind(line.kind),
        };
        Self {
            customer_number: customer_number.to_owned(),
            period,
            sort,
            value,
            date: line.date,
            reference: line.reference.clone(),
        }
    }
}

impl Ord for LineKey {
    /// `Less` means "listed earlier": by the sorted value, then the statement's own order, both
    /// reversed when descending.
    fn cmp(&self, other: &Self) -> Ordering {
        let flip = |ordering: Ordering| match self.sort.direction {
            SortDirection::Ascending => ordering,
            SortDirection::Descending => ordering.reverse(),
        };
        self.sort
            .cmp(&other.sort)
            .then_with(|| flip(self.value.natural(&other.value)))
            .then_with(|| flip((self.date, &self.reference).cmp(&(other.date, &other.reference))))
    }
}

impl PartialOrd for LineKey {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// The cursor of a line's position.
pub fn encode_line(key: &LineKey) -> String {
    let json = serde_json::to_string(key).expect("a line key always serialises");
    seal(PREFIX, &json)
}

/// The position a line cursor stands for in the listing of `customer_number`'s statement for
/// `period` sorted by `sort`; a cursor we did not issue, of another statement or of another sort
/// is `BAD_USER_INPUT`.
pub fn decode_line(
    cursor: &str,
    customer_number: &str,
    period: StatementPeriod,
    sort: LineSort,
) -> Result<LineKey, GatewayError> {
    let json = open(cursor, PREFIX)?;
    let key: LineKey = serde_json::from_str(&json).map_err(|_| invalid())?;
    DocumentNumber::check(&key.reference).map_err(|_| invalid())?;
    if !key.value.fits(key.sort.field) {
        return Err(invalid());
    }
    if key.customer_number != customer_number || key.period != period {
        return Err(GatewayError::bad_input(
            "after",
            "the cursor belongs to another statement; start again without it",
        ));
    }
    if key.sort != sort {
        return Err(GatewayError::bad_input(
            "after",
            "the cursor belongs to a listing in another sort; start again without it",
        ));
    }
    Ok(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(day: u32, reference: &str, kind: StatementLineKind, amount: i64) -> StatementLine {
        StatementLine {
            kind,
            date: NaiveDate::from_ymd_opt(2026, 10, day).expect("a day"),
            reference: reference.into(),
            applies_to: None,
            amount: Decimal::new(amount, 2),
            balance: Decimal::ZERO,
            due_date: None,
        }
    }

    const PERIOD: StatementPeriod = StatementPeriod {
        year: 2026,
        month: 10,
    };

    #[test]
    fn a_cursor_round_trips_and_refuses_another_sort_or_statement() {
        let sort = LineSort::default();
        let key = LineKey::of(
            &line(3, "IN110001010001", StatementLineKind::Invoice, 100),
            "1000101",
            PERIOD,
            sort,
        );
        let cursor = encode_line(&key);
        assert_eq!(
            decode_line(&cursor, "1000101", PERIOD, sort).expect("decodes"),
            key
        );
        let by_amount = LineSort {
            field: StatementLineSortField::Amount,
            direction: SortDirection::Ascending,
        };
        assert!(decode_line(&cursor, "1000101", PERIOD, by_amount).is_err());
        assert!(decode_line(&cursor, "1000102", PERIOD, sort).is_err());
        let november = StatementPeriod {
            year: 2026,
            month: 11,
        };
        assert!(decode_line(&cursor, "1000101", november, sort).is_err());
        assert!(decode_line("garbage", "1000101", PERIOD, sort).is_err());
        let invoice_cursor = seal("invoice:v1:", "{}");
        assert!(decode_line(&invoice_cursor, "1000101", PERIOD, sort).is_err());
    }

    #[test]
    fn ties_follow_the_statement_order_reversed_when_descending() {
        let lines = [
            line(3, "IN1", StatementLineKind::Invoice, 100),
            line(3, "PY1", StatementLineKind::Payment, -100),
            line(5, "IN2", StatementLineKind::Invoice, 100),
        ];
        for direction in [SortDirection::Ascending, SortDirection::Descending] {
            let sort = LineSort {
                field: StatementLineSortField::Kind,
                direction,
            };
            let mut keys: Vec<LineKey> = lines
                .iter()
                .map(|l| LineKey::of(l, "1000101", PERIOD, sort))
                .collect();
            keys.sort();
            let order: Vec<&str> = keys.iter().map(|k| k.reference.as_str()).collect();
            match direction {
                SortDirection::Ascending => assert_eq!(order, ["IN1", "IN2", "PY1"]),
                SortDirection::Descending => assert_eq!(order, ["PY1", "IN2", "IN1"]),
            }
        }
    }
}
