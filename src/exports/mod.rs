//! Exports: a table of rows as CSV, XLSX or a printable HTML page, streamed as it is written.
//!
//! Orders, invoices, statements and contracts all offer "download as a spreadsheet" and "print";
//! this module is the one place that writes those files, free of any domain. Rows arrive page by
//! page (as the backends answer), and each format hands bytes on as soon as it can — CSV and
//! HTML a chunk per page, XLSX through a constant-memory worksheet on disk — so an export of
//! 50,000 rows never sits whole in memory.
//!
//! A failure mid-way ends the byte stream with an error, which aborts the HTTP body: the client
//! sees a broken download, never a file that looks complete but is cut short.
//!
//! Text that a spreadsheet could run as a formula is neutralised in every format
//! ([`neutralise`]).

mod csv;
mod html;
mod paged;
mod table;
#[cfg(test)]
mod tests;
mod xlsx;

use std::path::PathBuf;

use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, header};
use bytes::Bytes;
use futures::stream::BoxStream;
use futures::{Stream, StreamExt};
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};

pub use table::{Cell, Column, ColumnKind, Row, Table, neutralise};

/// The bytes of an export, chunk by chunk; an `Err` is the last item.
pub type ByteStream = BoxStream<'static, Result<Bytes, ExportError>>;

/// The formats an export can be downloaded in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ExportFormat {
    /// RFC 4180 CSV: UTF-8, CRLF line ends, a header row.
    Csv,
    /// An Excel workbook with one worksheet.
    Xlsx,
    /// A printable HTML page (one table, print CSS).
    Html,
}

impl ExportFormat {
    /// The `Content-Type`.
    pub const fn content_type(self) -> &'static str {
        match self {
            Self::Csv => "text/csv; charset=utf-8; header=present",
            Self::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Self::Html => "text/html; charset=utf-8",
        }
    }

    /// The file extension, without the dot.
    pub const fn extension(self) -> &'static str {
        match self {
            Self::Csv => "csv",
            Self::Xlsx => "xlsx",
            Self::Html => "html",
        }
    }

    /// The `Content-Disposition` for a file named `base_name` plus the extension: `attachment`
    /// for CSV and XLSX, `inline` for HTML (it opens in the browser, ready to print). The name
    /// is given twice: ASCII with anything else replaced by `_`, and exactly (RFC 6266 `filename*`).
    pub fn content_disposition(self, base_name: &str) -> String {
        let base = if base_name.trim().is_empty() {
            "export"
        } else {
            base_name.trim()
        };
        let name = format!("{base}.{}", self.extension());
        let ascii: String = name
            .chars()
            .map(|c| match c {
                'a'..='z' | 'A'..='Z' | '0'..='9' | '.' | '-' | '_' => c,
                _ => '_',
            })
            .collect();
        let exact = utf8_percent_encode(&name, NON_ALPHANUMERIC);
        let disposition = match self {
            Self::Html => "inline",
            Self::Csv | Self::Xlsx => "attachment",
        };
        format!("{disposition}; filename=\"{ascii}\"; filename*=UTF-8''{exact}")
    }

    /// The headers an export's response needs: type, disposition, `nosniff`, `no-store` (an
    /// export is one person's data), and for HTML a content security policy that allows no
    /// script and nothing from elsewhere.
    pub fn response_headers(self, base_name: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(self.content_type()),
        );
        if let Ok(value) = HeaderValue::try_from(self.content_disposition(base_name)) {
            headers.insert(header::CONTENT_DISPOSITION, value);
        }
        headers.insert(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        );
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        if self == Self::Html {
            headers.insert(
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static("default-src 'none'; style-src 'unsafe-inline'"),
            );
        }
        headers
    }
}

/// How exports are written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportOptions {
    /// Where XLSX exports keep their temporary files (deleted when the download ends).
    pub temp_dir: PathBuf,
}

impl Default for ExportOptions {
    fn default() -> Self {
        Self {
            temp_dir: std::env::temp_dir(),
        }
    }
}

/// Why an export stopped.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// The rows could not be fetched (the caller's error, wrapped by [`ExportError::upstream`]).
    #[error("the rows could not be read: {0}")]
    Upstream(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// A row's cells do not match the table's columns.
    #[error("row {row} has {found} cells where the table has {expected} columns")]
    RowWidth {
        /// The row's number, from 1.
        row: u64,
        /// The number of columns.
        expected: usize,
        /// The number of cells.
        found: usize,
    },
    /// More rows than one worksheet holds.
    #[error("more than {limit} rows: a worksheet holds no more")]
    TooManyRows {
        /// The most data rows a worksheet holds (below its header row).
        limit: u32,
    },
    /// The CSV writer failed.
    #[error("writing CSV: {0}")]
    Csv(#[from] ::csv::Error),
    /// The XLSX writer failed (a text longer than a cell holds, a temporary file).
    #[error("writing XLSX: {0}")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
    /// A temporary file could not be made or read.
    #[error("temporary file: {0}")]
    Io(#[from] std::io::Error),
    /// The background writer ended without finishing the file.
    #[error("the export writer stopped before finishing")]
    Interrupted,
}

impl ExportError {
    /// Wraps the error that stopped the rows (a backend's, say); it ends the download.
    pub fn upstream(error: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        Self::Upstream(error.into())
    }
}

/// The export as bytes, streamed: pages of `rows` are written as they arrive. Nothing is read
/// from `rows` until the stream is polled; dropping the stream (a client that went away) stops
/// everything and deletes temporary files.
pub fn export_stream<S>(
    format: ExportFormat,
    table: Table,
    rows: S,
    options: ExportOptions,
) -> ByteStream
where
    S: Stream<Item = Result<Vec<Row>, ExportError>> + Send + 'static,
{
    let rows = Box::pin(rows);
    match format {
        ExportFormat::Csv => paged::stream(csv::CsvEncoder::new(), table, rows),
        ExportFormat::Html => paged::stream(html::HtmlEncoder::new(), table, rows),
        ExportFormat::Xlsx => xlsx::stream(table, rows, options),
    }
}

/// [`export_stream`] with the default options, as a response body: an error mid-way aborts the
/// body (pair it with [`ExportFormat::response_headers`]).
pub fn export_body<S>(format: ExportFormat, table: Table, rows: S) -> Body
where
    S: Stream<Item = Result<Vec<Row>, ExportError>> + Send + 'static,
{
    // Fused: a body may be polled again after its end (tower-http's compression does, and an
    // `unfold` stream panics when it is), which would cut a compressed download short.
    Body::from_stream(export_stream(format, table, rows, ExportOptions::default()).fuse())
}
