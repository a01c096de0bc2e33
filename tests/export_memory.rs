//! Exports stream: 50,000 rows of 10 columns go out as CSV, XLSX and HTML while the heap grows
//! by a few hundred kilobytes, not by the size of the file. Its own test binary, so the
//! allocator's peak counts the export and nothing else; one test, so the formats are measured
//! one after the other.

use chrono::{DateTime, NaiveDate};
use futures::{StreamExt, stream};
use peak_alloc::PeakAlloc;
use rust_decimal::Decimal;

use supportgraph::exports::{Cell, Column, ColumnKind, ExportFormat, Row, Table, export_body};

#[global_allocator]
static ALLOCATOR: PeakAlloc = PeakAlloc;

const ROWS: u32 = 50_000;
const PAGE: u32 = 500;
const LIMIT_BYTES: usize = 50 * 1024 * 1024;

fn table() -> Table {
    let kinds = [
        ("Order", ColumnKind::Text),
        ("Customer", ColumnKind::Text),
        ("Description", ColumnKind::Text),
        ("Status", ColumnKind::Text),
        ("Ordered", ColumnKind::Date),
        ("Updated", ColumnKind::DateTime),
        ("Quantity", ColumnKind::Integer),
        ("Unit price", ColumnKind::Decimal),
        ("Total", ColumnKind::Decimal),
        ("Currency", ColumnKind::Text),
    ];
    Table {
        title: "Orders".into(),
        columns: kinds
            .into_iter()
            .map(|(header, kind)| Column::new(header, kind))
            .collect(),
    }
}

fn row(i: u32) -> Row {
    let date = NaiveDate::from_ymd_opt(2026, 1 + i % 12, 1 + i % 28).expect("a valid date");
    let at = DateTime::from_timestamp(1_795_000_000 + i64::from(i), 0).expect("a valid instant");
    vec![
        Cell::Text(format!("{:012}", 100_000_000 + i)),
        Cell::Text(format!("{:07}", 1_000_000 + i % 5_000)),
        Cell::Text(format!(
            "Replacement part {i} for machine type 9{:03}, with notes",
            i % 997
        )),
        Cell::Text(["ORDERED", "SHIPPED", "DELIVERED"][(i % 3) as usize].into()),
        Cell::Date(date),
        Cell::DateTime(at),
        Cell::Integer(i64::from(i % 40 + 1)),
        Cell::Decimal(Decimal::new(i64::from(i % 100_000) + 99, 2)),
        Cell::Decimal(Decimal::new(i64::from(i) * 7 + 1_000, 2)),
        Cell::Text("EUR".into()),
    ]
}

/// Pages made only when the export asks for them, as a backend's would be.
fn rows()
-> impl futures::Stream<Item = Result<Vec<Row>, supportgraph::exports::ExportError>> + Send + 'static
{
    stream::iter(0..ROWS / PAGE).map(|page| Ok((page * PAGE..(page + 1) * PAGE).map(row).collect()))
}

/// Streams one export to nowhere; the peak heap growth and the bytes sent.
async fn measure(format: ExportFormat) -> (usize, usize) {
    let before = ALLOCATOR.current_usage();
    ALLOCATOR.reset_peak_usage();
    let mut body = export_body(format, table(), rows()).into_data_stream();
    let mut sent = 0;
    let mut first = None;
    while let Some(chunk) = body.next().await {
        let chunk = chunk.expect("the export completes");
        first.get_or_insert_with(|| chunk.slice(..chunk.len().min(4)));
        sent += chunk.len();
    }
    let growth = ALLOCATOR.peak_usage().saturating_sub(before);
    if format == ExportFormat::Xlsx {
        assert_eq!(first.as_deref(), Some(&b"PK\x03\x04"[..]), "a zip file");
    }
    (growth, sent)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_thousand_rows_stream_as_csv_xlsx_and_html_in_bounded_memory() {
    for format in [ExportFormat::Csv, ExportFormat::Xlsx, ExportFormat::Html] {
        let (growth, sent) = measure(format).await;
        println!(
            "{format:?}: {ROWS} rows, {} KB sent, peak heap growth {} KB",
            sent / 1024,
            growth / 1024
        );
        assert!(sent > 1024 * 1024, "{format:?}: only {sent} bytes");
        assert!(
            growth < LIMIT_BYTES,
            "{format:?}: the export grew the heap by {} MB",
            growth / 1024 / 1024
        );
    }
}
