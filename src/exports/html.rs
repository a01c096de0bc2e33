//! A printable HTML page: a title and one table, every value escaped, with print CSS (landscape,
//! the header row repeated on each printed page). Written page by page; the closing tags and the
//! row count come only after the last row, so a cut-off page is visibly unfinished.

use std::fmt::Write as _;

use super::paged::PageEncoder;
use super::{ExportError, Row, Table, neutralise};

const STYLE: &str = "body{font:12px/1.4 system-ui,sans-serif;margin:1.5rem;color:#111}\
h1{font-size:1.3rem;margin:0 0 1rem}\
table{border-collapse:collapse;width:100%}\
th,td{border:1px solid #bbb;padding:.25rem .5rem;text-align:left;vertical-align:top;white-space:pre-wrap}\
th{background:#eee}\
.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}\
tbody tr:nth-child(even){background:#f7f7f7}\
.end{margin-top:.75rem;color:#555}\
@media print{@page{size:landscape;margin:1cm}\
body{margin:0;font-size:9pt}\
thead{display:table-header-group}\
tr{break-inside:avoid;page-break-inside:avoid}\
th,tbody tr:nth-child(even){background:none}}";

/// Writes the printable page, page by page.
pub(super) struct HtmlEncoder;

impl HtmlEncoder {
    pub(super) fn new() -> Self {
        Self
    }
}

/// `text` with `&`, `<`, `>`, `"` and `'` as character references.
pub(super) fn escape(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
}

fn class(numeric: bool) -> &'static str {
    if numeric { " class=\"num\"" } else { "" }
}

impl PageEncoder for HtmlEncoder {
    fn begin(&mut self, table: &Table) -> Result<Vec<u8>, ExportError> {
        let mut title = String::new();
        escape(&neutralise(&table.title), &mut title);
        let mut out = format!(
            "<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
             <title>{title}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n\
             <h1>{title}</h1>\n<table>\n<thead><tr>"
        );
        for column in &table.columns {
            out.push_str("<th");
            out.push_str(class(column.kind.is_numeric()));
            out.push('>');
            escape(&neutralise(&column.header), &mut out);
            out.push_str("</th>");
        }
        out.push_str("</tr></thead>\n<tbody>\n");
        Ok(out.into_bytes())
    }

    fn page(&mut self, table: &Table, rows: &[Row]) -> Result<Vec<u8>, ExportError> {
        let mut out = String::with_capacity(rows.len() * table.columns.len() * 24);
        for row in rows {
            out.push_str("<tr>");
            for (cell, column) in row.iter().zip(&table.columns) {
                out.push_str("<td");
                out.push_str(class(column.kind.is_numeric()));
                out.push('>');
                escape(&cell.to_text(), &mut out);
                out.push_str("</td>");
            }
            out.push_str("</tr>\n");
        }
        Ok(out.into_bytes())
    }

    fn end(&mut self, rows: u64) -> Result<Vec<u8>, ExportError> {
        let mut out = String::from("</tbody>\n</table>\n");
        let noun = if rows == 1 { "row" } else { "rows" };
        // Writing to a String cannot fail.
        let _ = write!(
            out,
            "<p class=\"end\">{rows} {noun}</p>\n</body>\n</html>\n"
        );
        Ok(out.into_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exports::{Cell, Column, ColumnKind};

    #[test]
    fn markup_characters_are_escaped() {
        let mut out = String::new();
        escape(r#"<script>alert("x" & 'y')</script>"#, &mut out);
        assert_eq!(
            out,
            "&lt;script&gt;alert(&quot;x&quot; &amp; &#39;y&#39;)&lt;/script&gt;"
        );
    }

    #[test]
    fn the_page_has_a_title_print_css_and_escaped_neutralised_cells() {
        let table = Table {
            title: "Orders <Globex> & co".into(),
            columns: vec![
                Column::new("Name", ColumnKind::Text),
                Column::new("Total", ColumnKind::Decimal),
            ],
        };
        let mut encoder = HtmlEncoder::new();
        let head = String::from_utf8(encoder.begin(&table).expect("writes")).expect("utf-8");
        assert!(
            head.contains("<title>Orders &lt;Globex&gt; &amp; co</title>"),
            "{head}"
        );
        assert!(head.contains("@media print") && head.contains("table-header-group"));
        assert!(head.contains("<th class=\"num\">Total</th>"));
        let rows = vec![vec![
            Cell::from("=1+1 <b>"),
            Cell::Decimal(rust_decimal::Decimal::new(-5, 1)),
        ]];
        let body = String::from_utf8(encoder.page(&table, &rows).expect("writes")).expect("utf-8");
        assert_eq!(
            body,
            "<tr><td>&#39;=1+1 &lt;b&gt;</td><td class=\"num\">-0.5</td></tr>\n"
        );
        let end = String::from_utf8(encoder.end(1).expect("writes")).expect("utf-8");
        assert!(end.contains("1 row</p>") && end.ends_with("</html>\n"));
    }
}
