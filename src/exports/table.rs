//! What an export holds, free of any domain: a titled table of typed columns, and rows of cells.
//! Also the two rules every format applies the same way: a row has one cell per column, and
//! text that a spreadsheet would run as a formula is neutralised.

use std::borrow::Cow;

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use rust_decimal::Decimal;

use super::ExportError;

/// A table to export: its title (the sheet's and the page's name) and its columns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    /// Shown as the HTML page's heading and the spreadsheet's title.
    pub title: String,
    /// The columns, in order; every row has one cell per column.
    pub columns: Vec<Column>,
}

/// One column: its header and what it holds (for widths, alignment and number formats).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    /// The header row's text.
    pub header: String,
    /// What the column holds.
    pub kind: ColumnKind,
}

impl Column {
    /// A column with this header and kind.
    pub fn new(header: impl Into<String>, kind: ColumnKind) -> Self {
        Self {
            header: header.into(),
            kind,
        }
    }
}

/// What a column holds: a layout hint (widths, right-aligned numbers). Each cell's own type
/// decides how it is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnKind {
    /// Free text, codes, identifiers (an order number is text: it is not for sums).
    Text,
    /// Amounts and quantities with decimals (money: the amount here, its currency in a Text column).
    Decimal,
    /// Whole numbers.
    Integer,
    /// Calendar dates.
    Date,
    /// Instants (shown in UTC).
    DateTime,
    /// Yes or no.
    Bool,
}

impl ColumnKind {
    /// Numbers are right-aligned in the HTML page.
    pub(super) fn is_numeric(self) -> bool {
        matches!(self, Self::Decimal | Self::Integer)
    }
}

/// One value.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Text, neutralised when it starts like a formula.
    Text(String),
    /// A decimal number, written with its own scale (`12.50` stays `12.50`).
    Decimal(Decimal),
    /// A whole number.
    Integer(i64),
    /// A date, `YYYY-MM-DD`.
    Date(NaiveDate),
    /// An instant, RFC 3339 in UTC (`2026-11-28T09:30:00Z`).
    DateTime(DateTime<Utc>),
    /// A boolean, `true`/`false` (a real boolean in a spreadsheet).
    Bool(bool),
    /// Nothing.
    Empty,
}

impl From<&str> for Cell {
    fn from(text: &str) -> Self {
        Self::Text(text.to_owned())
    }
}

impl From<String> for Cell {
    fn from(text: String) -> Self {
        Self::Text(text)
    }
}

impl From<Decimal> for Cell {
    fn from(value: Decimal) -> Self {
        Self::Decimal(value)
    }
}

impl From<i64> for Cell {
    fn from(value: i64) -> Self {
        Self::Integer(value)
    }
}

impl From<NaiveDate> for Cell {
    fn from(value: NaiveDate) -> Self {
        Self::Date(value)
    }
}

impl<T: Into<Cell>> From<Option<T>> for Cell {
    fn from(value: Option<T>) -> Self {
        value.map_or(Self::Empty, Into::into)
    }
}

impl Cell {
    /// The cell as text for CSV and HTML: numbers, dates and booleans as they are, text
    /// neutralised.
    pub(super) fn to_text(&self) -> Cow<'_, str> {
        match self {
            Self::Text(text) => neutralise(text),
            Self::Decimal(value) => Cow::Owned(value.to_string()),
            Self::Integer(value) => Cow::Owned(value.to_string()),
            Self::Date(date) => Cow::Owned(date.format("%Y-%m-%d").to_string()),
            Self::DateTime(at) => Cow::Owned(at.to_rfc3339_opts(SecondsFormat::AutoSi, true)),
            Self::Bool(value) => Cow::Borrowed(if *value { "true" } else { "false" }),
            Self::Empty => Cow::Borrowed(""),
        }
    }
}

/// One row: one cell per column.
pub type Row = Vec<Cell>;

/// The characters a spreadsheet may read as the start of a formula (OWASP's list).
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// Text that starts like a formula (`=`, `+`, `-`, `@`, tab, carriage return) gets a leading `'`,
/// so a spreadsheet shows it instead of running it ("CSV injection"). Other text is unchanged.
pub fn neutralise(text: &str) -> Cow<'_, str> {
    if text.starts_with(FORMULA_STARTS) {
        Cow::Owned(format!("'{text}"))
    } else {
        Cow::Borrowed(text)
    }
}

/// Every row of `page` has one cell per column; `first_row` is the first one's number (1-based,
/// for the message).
pub(super) fn check_page(columns: usize, page: &[Row], first_row: u64) -> Result<(), ExportError> {
    match page.iter().position(|row| row.len() != columns) {
        None => Ok(()),
        Some(index) => Err(ExportError::RowWidth {
            row: first_row + index as u64,
            expected: columns,
            found: page[index].len(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_starting_like_a_formula_gets_a_leading_quote() {
        for start in ['=', '+', '-', '@', '\t', '\r'] {
            let text = format!("{start}HYPERLINK(\"http://evil\")");
            assert_eq!(neutralise(&text), format!("'{text}"), "{start:?}");
        }
    }

    #[test]
    fn other_text_and_numbers_stay_as_they_are() {
        for text in ["plain", " =1+1", "1-2", "", "'quoted", "\n=1"] {
            assert_eq!(neutralise(text), text);
        }
        assert_eq!(Cell::Decimal(Decimal::new(-1250, 2)).to_text(), "-12.50");
        assert_eq!(Cell::Integer(-7).to_text(), "-7");
        assert_eq!(Cell::Text("-7".into()).to_text(), "'-7");
    }

    #[test]
    fn dates_instants_and_booleans_have_one_text_form() {
        let date = NaiveDate::from_ymd_opt(2026, 11, 28).expect("a date");
        assert_eq!(Cell::Date(date).to_text(), "2026-11-28");
        let at = DateTime::from_timestamp(1_795_000_000, 0).expect("an instant");
        assert_eq!(Cell::DateTime(at).to_text(), "2026-11-18T11:06:40Z");
        assert_eq!(Cell::Bool(true).to_text(), "true");
        assert_eq!(Cell::from(None::<i64>), Cell::Empty);
    }

    #[test]
    fn a_row_of_the_wrong_width_is_an_error_naming_it() {
        let page = vec![vec![Cell::Empty; 2], vec![Cell::Empty; 3]];
        assert!(matches!(
            check_page(2, &page, 11),
            Err(ExportError::RowWidth {
                row: 12,
                expected: 2,
                found: 3
            })
        ));
    }
}
