//! XLSX through rust_xlsxwriter's constant-memory worksheet: rows go to a temporary file as they
//! are written, so memory holds one row, not the sheet.
//!
//! The writer is blocking, so it runs on a `spawn_blocking` thread; pages reach it over a
//! bounded channel (the rows are read no faster than the sheet is written). A zip file's
//! directory comes at its end, so nothing can be sent before the last row: the finished file is
//! then streamed from disk in chunks and deleted with its temporary directory. A client that goes
//! away, or rows that fail, stop the writer and delete everything.

use std::fs::File;
use std::io::Read;
use std::path::PathBuf;

use bytes::Bytes;
use chrono::{Datelike, NaiveDate};
use futures::StreamExt;
use futures::stream::{self, BoxStream};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use rust_xlsxwriter::{
    DocProperties, ExcelDateTime, Format, FormatBorder, Workbook, Worksheet, XlsxError,
};
use tempfile::TempDir;
use tokio::sync::mpsc;

use super::table::check_page;
use super::{ByteStream, Cell, ColumnKind, ExportError, ExportOptions, Row, Table, neutralise};

/// Data rows a worksheet holds below its header row.
pub(super) const MAX_DATA_ROWS: u32 = 1_048_575;
/// Columns a worksheet holds.
const MAX_COLUMNS: usize = 16_384;
/// Pages waiting for the writer: enough to keep it busy, few enough to bound memory.
const PAGES_IN_FLIGHT: usize = 2;
/// Chunks of the finished file waiting for the client.
const CHUNKS_IN_FLIGHT: usize = 4;
const CHUNK_BYTES: usize = 64 * 1024;
/// Integers beyond ±2^53 lose digits as spreadsheet numbers; they are written as text.
const EXACT_INTEGER: u64 = 1 << 53;

type Rows = BoxStream<'static, Result<Vec<Row>, ExportError>>;

enum ToWriter {
    Page(Vec<Row>),
    Finish,
}

enum FromWriter {
    Chunk(Bytes),
    Done,
    Failed(ExportError),
}

enum State {
    Idle(Table, Rows, ExportOptions),
    Feeding {
        rows: Rows,
        pages: mpsc::Sender<ToWriter>,
        file: mpsc::Receiver<FromWriter>,
    },
    Draining(mpsc::Receiver<FromWriter>),
    Done,
}

/// The workbook's bytes; the writer starts when the stream is first polled.
pub(super) fn stream(table: Table, rows: Rows, options: ExportOptions) -> ByteStream {
    stream::unfold(State::Idle(table, rows, options), step).boxed()
}

async fn step(mut state: State) -> Option<(Result<Bytes, ExportError>, State)> {
    loop {
        state = match state {
            State::Idle(table, rows, options) => {
                let Ok(runtime) = tokio::runtime::Handle::try_current() else {
                    let error = std::io::Error::other("XLSX exports need a tokio runtime");
                    return Some((Err(ExportError::Io(error)), State::Done));
                };
                let (pages, pages_rx) = mpsc::channel(PAGES_IN_FLIGHT);
                let (file_tx, file) = mpsc::channel(CHUNKS_IN_FLIGHT);
                runtime.spawn_blocking(move || write(&table, &options, pages_rx, &file_tx));
                State::Feeding { rows, pages, file }
            }
            State::Feeding {
                mut rows,
                pages,
                file,
            } => match rows.next().await {
                Some(Ok(page)) => match pages.send(ToWriter::Page(page)).await {
                    Ok(()) => State::Feeding { rows, pages, file },
                    // The writer stopped: its reason is waiting in `file`.
                    Err(_) => State::Draining(file),
                },
                // Dropping `pages` without `Finish` stops the writer and deletes its files.
                Some(Err(error)) => return Some((Err(error), State::Done)),
                None => {
                    // If the writer already stopped, its reason is waiting in `file`.
                    let _ = pages.send(ToWriter::Finish).await;
                    State::Draining(file)
                }
            },
            State::Draining(mut file) => {
                return match file.recv().await {
                    Some(FromWriter::Chunk(bytes)) => Some((Ok(bytes), State::Draining(file))),
                    Some(FromWriter::Done) => None,
                    Some(FromWriter::Failed(error)) => Some((Err(error), State::Done)),
                    None => Some((Err(ExportError::Interrupted), State::Done)),
                };
            }
            State::Done => return None,
        }
    }
}

/// The blocking side: write the sheet, then send the file; a failure is sent as the last item.
fn write(
    table: &Table,
    options: &ExportOptions,
    pages: mpsc::Receiver<ToWriter>,
    file: &mpsc::Sender<FromWriter>,
) {
    let outcome = match build(table, options, pages) {
        Ok(Some(finished)) => send_file(&finished, file),
        // The rows failed or the client left: nobody waits for a file.
        Ok(None) => return,
        Err(error) => Err(error),
    };
    let last = match outcome {
        Ok(()) => FromWriter::Done,
        Err(error) => FromWriter::Failed(error),
    };
    let _ = file.blocking_send(last);
}

/// A saved workbook; dropping it deletes the file and the writer's temporary files.
struct Finished {
    _dir: TempDir,
    path: PathBuf,
}

/// Writes every page; `None` when the pages stopped without `Finish`.
fn build(
    table: &Table,
    options: &ExportOptions,
    mut pages: mpsc::Receiver<ToWriter>,
) -> Result<Option<Finished>, ExportError> {
    let dir = tempfile::Builder::new()
        .prefix("supportgraph-export-")
        .tempdir_in(&options.temp_dir)?;
    let mut workbook = Workbook::new();
    workbook.set_tempdir(dir.path())?;
    // A fixed creation time: the same rows make the same bytes, so a retried e-mail of a report
    // (one Idempotency-Key) is the same message, not a "different message with a reused key".
    let created = ExcelDateTime::from_ymd(2000, 1, 1)?;
    workbook.set_properties(
        &DocProperties::new()
            .set_title(table.title.as_str())
            .set_creation_datetime(&created),
    );
    let sheet = workbook.add_worksheet_with_constant_memory()?;
    let mut formats = Formats::default();
    write_header(sheet, table, &formats)?;
    let mut row: u32 = 0;
    loop {
        match pages.blocking_recv() {
            Some(ToWriter::Page(page)) => {
                check_page(table.columns.len(), &page, u64::from(row) + 1)?;
                for cells in page {
                    if row >= MAX_DATA_ROWS {
                        return Err(ExportError::TooManyRows {
                            limit: MAX_DATA_ROWS,
                        });
                    }
                    row += 1;
                    for (col, cell) in (0u16..).zip(&cells) {
                        write_cell(sheet, row, col, cell, &mut formats)?;
                    }
                }
            }
            Some(ToWriter::Finish) => break,
            None => return Ok(None),
        }
    }
    drop(pages);
    let path = dir.path().join("export.xlsx");
    workbook.save(&path)?;
    Ok(Some(Finished { _dir: dir, path }))
}

fn write_header(
    sheet: &mut Worksheet,
    table: &Table,
    formats: &Formats,
) -> Result<(), ExportError> {
    if table.columns.len() > MAX_COLUMNS {
        return Err(XlsxError::RowColumnLimitError.into());
    }
    sheet.set_name(sheet_name(&table.title))?;
    for (col, column) in (0u16..).zip(&table.columns) {
        let header = neutralise(&column.header);
        let width = (header.chars().count() + 2)
            .max(width_of(column.kind))
            .min(60);
        sheet.set_column_width(col, width as f64)?;
        sheet.write_string_with_format(0, col, header, &formats.header)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    Ok(())
}

fn width_of(kind: ColumnKind) -> usize {
    match kind {
        ColumnKind::Text => 24,
        ColumnKind::Decimal => 14,
        ColumnKind::Integer | ColumnKind::Date => 12,
        ColumnKind::DateTime => 20,
        ColumnKind::Bool => 8,
    }
}

/// Numbers as numbers (a decimal with its own number of decimals), dates as dates, text
/// neutralised; what a spreadsheet cannot hold exactly (a huge integer, a year before 1900) as
/// text.
fn write_cell(
    sheet: &mut Worksheet,
    row: u32,
    col: u16,
    cell: &Cell,
    formats: &mut Formats,
) -> Result<(), ExportError> {
    match cell {
        Cell::Text(text) => sheet.write_string(row, col, neutralise(text))?,
        Cell::Decimal(value) => match value.to_f64() {
            Some(number) => {
                sheet.write_number_with_format(row, col, number, formats.decimal(value))?
            }
            None => sheet.write_string(row, col, value.to_string())?,
        },
        Cell::Integer(value) if value.unsigned_abs() <= EXACT_INTEGER => {
            sheet.write_number(row, col, *value as f64)?
        }
        Cell::Integer(value) => sheet.write_string(row, col, value.to_string())?,
        Cell::Date(date) => match excel_date(*date) {
            Some(date) => sheet.write_datetime_with_format(row, col, date, &formats.date)?,
            None => sheet.write_string(row, col, cell.to_text())?,
        },
        Cell::DateTime(at) => match ExcelDateTime::from_timestamp(at.timestamp()) {
            Ok(at) => sheet.write_datetime_with_format(row, col, at, &formats.datetime)?,
            Err(_) => sheet.write_string(row, col, cell.to_text())?,
        },
        Cell::Bool(value) => sheet.write_boolean(row, col, *value)?,
        Cell::Empty => return Ok(()),
    };
    Ok(())
}

fn excel_date(date: NaiveDate) -> Option<ExcelDateTime> {
    let year = u16::try_from(date.year()).ok()?;
    let month = u8::try_from(date.month()).ok()?;
    let day = u8::try_from(date.day()).ok()?;
    ExcelDateTime::from_ymd(year, month, day).ok()
}

/// Excel's rules for a sheet name: 1 to 31 characters, none of `*?:[]\/`, no apostrophe at
/// either end.
fn sheet_name(title: &str) -> String {
    let cleaned: String = title
        .chars()
        .map(|c| match c {
            '*' | '?' | ':' | '[' | ']' | '\\' | '/' => ' ',
            c if c.is_control() => ' ',
            c => c,
        })
        .collect();
    let mut name = String::new();
    let mut units = 0;
    for c in cleaned.trim().trim_matches('\'').chars() {
        units += c.len_utf16();
        if units > 31 {
            break;
        }
        name.push(c);
    }
    let name = name.trim().trim_end_matches('\'').to_owned();
    if name.is_empty() || name.eq_ignore_ascii_case("history") {
        "Sheet1".to_owned()
    } else {
        name
    }
}

/// The cell formats, made once per export.
struct Formats {
    header: Format,
    date: Format,
    datetime: Format,
    /// One per number of decimals (0 to 10), made when first needed.
    decimals: Vec<Option<Format>>,
    general: Format,
}

impl Default for Formats {
    fn default() -> Self {
        Self {
            header: Format::new()
                .set_bold()
                .set_border_bottom(FormatBorder::Thin),
            date: Format::new().set_num_format("yyyy-mm-dd"),
            datetime: Format::new().set_num_format("yyyy-mm-dd hh:mm:ss"),
            decimals: vec![None; 11],
            general: Format::new(),
        }
    }
}

impl Formats {
    /// `#,##0.00` for a value with two decimals; the general format beyond ten.
    fn decimal(&mut self, value: &Decimal) -> &Format {
        let scale = value.scale() as usize;
        let Some(slot) = self.decimals.get_mut(scale) else {
            return &self.general;
        };
        slot.get_or_insert_with(|| {
            let pattern = if scale == 0 {
                "#,##0".to_owned()
            } else {
                format!("#,##0.{}", "0".repeat(scale))
            };
            Format::new().set_num_format(pattern)
        })
    }
}

/// Streams the saved file in chunks; stops quietly if the client left.
fn send_file(finished: &Finished, out: &mpsc::Sender<FromWriter>) -> Result<(), ExportError> {
    let mut file = File::open(&finished.path)?;
    loop {
        let mut chunk = vec![0; CHUNK_BYTES];
        let read = file.read(&mut chunk)?;
        if read == 0 {
            return Ok(());
        }
        chunk.truncate(read);
        if out
            .blocking_send(FromWriter::Chunk(Bytes::from(chunk)))
            .is_err()
        {
            return Ok(());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheet_names_follow_excels_rules() {
        assert_eq!(
            sheet_name("Orders: 2026/11 [EMEA]"),
            "Orders  2026 11  EMEA"
        );
        assert_eq!(sheet_name("'quoted'"), "quoted");
        assert_eq!(sheet_name("   "), "Sheet1");
        assert_eq!(sheet_name("History"), "Sheet1");
        assert_eq!(sheet_name(&"é".repeat(40)).chars().count(), 31);
    }

    #[test]
    fn decimal_formats_follow_the_values_scale() {
        let mut formats = Formats::default();
        let two = formats.decimal(&Decimal::new(1250, 2)).clone();
        assert_eq!(two, Format::new().set_num_format("#,##0.00"));
        let none = formats.decimal(&Decimal::new(7, 0)).clone();
        assert_eq!(none, Format::new().set_num_format("#,##0"));
        let many = formats.decimal(&Decimal::new(1, 20)).clone();
        assert_eq!(many, Format::new());
    }
}
