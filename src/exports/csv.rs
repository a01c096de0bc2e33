//! CSV as RFC 4180 writes it: UTF-8, CRLF line ends, a header row, fields quoted when they hold
//! a comma, a quote or a line break. One chunk per page of rows.

use std::borrow::Cow;

use ::csv::{Terminator, WriterBuilder};

use super::paged::PageEncoder;
use super::{ExportError, Row, Table, neutralise};

/// Writes CSV, page by page.
pub(super) struct CsvEncoder {
    builder: WriterBuilder,
}

impl CsvEncoder {
    pub(super) fn new() -> Self {
        let mut builder = WriterBuilder::new();
        builder.terminator(Terminator::CRLF).has_headers(false);
        Self { builder }
    }

    /// Records into a fresh buffer: each page's bytes are handed on whole, so the writer keeps
    /// nothing between pages.
    fn records<'a, I, R>(&self, records: I) -> Result<Vec<u8>, ExportError>
    where
        I: IntoIterator<Item = R>,
        R: IntoIterator<Item = Cow<'a, str>>,
    {
        let mut writer = self.builder.from_writer(Vec::new());
        for record in records {
            for field in record {
                writer.write_field(field.as_bytes())?;
            }
            writer.write_record(None::<&[u8]>)?;
        }
        writer
            .into_inner()
            .map_err(|error| ExportError::Io(error.into_error()))
    }
}

impl PageEncoder for CsvEncoder {
    fn begin(&mut self, table: &Table) -> Result<Vec<u8>, ExportError> {
        self.records([table.columns.iter().map(|c| neutralise(&c.header))])
    }

    fn page(&mut self, _table: &Table, rows: &[Row]) -> Result<Vec<u8>, ExportError> {
        self.records(rows.iter().map(|row| row.iter().map(|cell| cell.to_text())))
    }

    fn end(&mut self, _rows: u64) -> Result<Vec<u8>, ExportError> {
        Ok(Vec::new())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exports::{Cell, Column, ColumnKind};

    fn table() -> Table {
        Table {
            title: "t".into(),
            columns: vec![
                Column::new("Name", ColumnKind::Text),
                Column::new("Note", ColumnKind::Text),
            ],
        }
    }

    fn page_of(rows: &[[&str; 2]]) -> String {
        let rows: Vec<Row> = rows
            .iter()
            .map(|r| r.iter().map(|t| Cell::from(*t)).collect())
            .collect();
        let bytes = CsvEncoder::new().page(&table(), &rows).expect("writes");
        String::from_utf8(bytes).expect("utf-8")
    }

    #[test]
    fn the_header_row_ends_with_crlf() {
        let header = CsvEncoder::new().begin(&table()).expect("writes");
        assert_eq!(header, b"Name,Note\r\n");
    }

    #[test]
    fn commas_quotes_and_line_breaks_are_quoted() {
        assert_eq!(
            page_of(&[["a,b", "say \"hi\""], ["line\nbreak", "cr\r\nlf"]]),
            "\"a,b\",\"say \"\"hi\"\"\"\r\n\"line\nbreak\",\"cr\r\nlf\"\r\n"
        );
    }

    #[test]
    fn formula_like_text_is_neutralised_in_csv() {
        assert_eq!(
            page_of(&[["=SUM(A1)", "@cmd"], ["+1", "-1"], ["\tx", "\ry"]]),
            "'=SUM(A1),'@cmd\r\n'+1,'-1\r\n'\tx,\"'\ry\"\r\n"
        );
    }
}
