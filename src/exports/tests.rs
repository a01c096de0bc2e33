//! Whole exports, through the public functions: what comes out equals what went in, and a
//! failure mid-way is an error at the end of the stream, never a quiet end.

use std::io::Cursor;
use std::time::Duration;

use calamine::{Data, DataType, Reader, Xlsx};
use chrono::{DateTime, NaiveDate};
use futures::{StreamExt, stream};
use rust_decimal::Decimal;

use super::*;

fn table() -> Table {
    Table {
        title: "Orders / Globex".into(),
        columns: vec![
            Column::new("Order", ColumnKind::Text),
            Column::new("Total", ColumnKind::Decimal),
            Column::new("Lines", ColumnKind::Integer),
            Column::new("Ordered", ColumnKind::Date),
            Column::new("Updated", ColumnKind::DateTime),
            Column::new("Paid", ColumnKind::Bool),
            Column::new("Note", ColumnKind::Text),
        ],
    }
}

fn row(i: i64) -> Row {
    vec![
        Cell::Text(format!("1000{i:04}")),
        Cell::Decimal(Decimal::new(123_456 + i, 2)),
        Cell::Integer(i - 1),
        Cell::Date(NaiveDate::from_ymd_opt(2026, 11, 1 + (i % 28) as u32).expect("a date")),
        Cell::DateTime(DateTime::from_timestamp(1_795_000_000 + i, 0).expect("an instant")),
        Cell::Bool(i % 2 == 0),
        match i % 4 {
            0 => Cell::Text("=HYPERLINK(\"http://x\")".into()),
            1 => Cell::Text("a, \"quoted\"\r\nnote ñ".into()),
            2 => Cell::Empty,
            _ => Cell::Text("-1".into()),
        },
    ]
}

fn pages(count: i64, size: i64) -> Vec<Result<Vec<Row>, ExportError>> {
    (0..count)
        .map(|p| Ok((0..size).map(|i| row(p * size + i)).collect()))
        .collect()
}

/// All chunks, or the chunks before the error and the error.
async fn collect(stream: ByteStream) -> (Vec<u8>, Option<ExportError>) {
    let mut bytes = Vec::new();
    let mut stream = stream;
    while let Some(item) = stream.next().await {
        match item {
            Ok(chunk) => bytes.extend_from_slice(&chunk),
            Err(error) => {
                assert!(stream.next().await.is_none(), "the error is the last item");
                return (bytes, Some(error));
            }
        }
    }
    (bytes, None)
}

async fn export(format: ExportFormat, rows: Vec<Result<Vec<Row>, ExportError>>) -> Vec<u8> {
    let (bytes, error) = collect(export_stream(
        format,
        table(),
        stream::iter(rows),
        ExportOptions::default(),
    ))
    .await;
    assert!(error.is_none(), "{error:?}");
    bytes
}

#[tokio::test]
async fn csv_holds_the_header_and_every_row_as_given() {
    let bytes = export(ExportFormat::Csv, pages(3, 4)).await;
    let text = String::from_utf8(bytes.clone()).expect("utf-8");
    assert!(text.starts_with("Order,Total,Lines,Ordered,Updated,Paid,Note\r\n"));
    assert!(text.ends_with("\r\n"));
    let mut reader = ::csv::Reader::from_reader(bytes.as_slice());
    let records: Vec<::csv::StringRecord> =
        reader.records().map(|r| r.expect("a record")).collect();
    assert_eq!(records.len(), 12);
    for (i, record) in records.iter().enumerate() {
        let expected: Vec<String> = row(i as i64)
            .iter()
            .map(|c| c.to_text().into_owned())
            .collect();
        assert_eq!(record.iter().collect::<Vec<_>>(), expected, "row {i}");
    }
    assert_eq!(&records[0][1], "1234.56");
    assert_eq!(&records[0][6], "'=HYPERLINK(\"http://x\")");
    assert_eq!(&records[1][6], "a, \"quoted\"\r\nnote ñ");
    assert_eq!(&records[3][6], "'-1");
    assert_eq!(&records[0][4], "2026-11-18T11:06:40Z");
}

#[tokio::test]
async fn xlsx_holds_the_header_and_every_row_as_given() {
    let bytes = export(ExportFormat::Xlsx, pages(3, 4)).await;
    let mut workbook = Xlsx::new(Cursor::new(bytes)).expect("a workbook");
    assert_eq!(workbook.sheet_names(), ["Orders   Globex"]);
    let range = workbook
        .worksheet_range("Orders   Globex")
        .expect("the sheet");
    let rows: Vec<&[Data]> = range.rows().collect();
    assert_eq!(rows.len(), 13);
    let headers: Vec<String> = rows[0].iter().map(|d| d.to_string()).collect();
    assert_eq!(
        headers,
        [
            "Order", "Total", "Lines", "Ordered", "Updated", "Paid", "Note"
        ]
    );
    for (i, cells) in rows[1..].iter().enumerate() {
        let i = i as i64;
        let given = row(i);
        assert_eq!(cells[0], Data::String(format!("1000{i:04}")));
        assert_eq!(cells[1], Data::Float((123_456 + i) as f64 / 100.0));
        assert_eq!(cells[2], Data::Float((i - 1) as f64));
        let Cell::Date(date) = given[3] else {
            unreachable!()
        };
        assert_eq!(cells[3].as_date(), Some(date), "row {i}");
        let Cell::DateTime(at) = given[4] else {
            unreachable!()
        };
        assert_eq!(cells[4].as_datetime(), Some(at.naive_utc()), "row {i}");
        assert_eq!(cells[5], Data::Bool(i % 2 == 0));
        let note = match &given[6] {
            Cell::Text(text) => Data::String(neutralise(text).into_owned()),
            _ => Data::Empty,
        };
        assert_eq!(cells[6], note, "row {i}");
    }
    assert_eq!(rows[1][6], Data::String("'=HYPERLINK(\"http://x\")".into()));
    assert_eq!(rows[4][6], Data::String("'-1".into()));
}

#[tokio::test]
async fn formula_like_text_is_neutralised_in_xlsx_but_numbers_stay_numbers() {
    let table = Table {
        title: "t".into(),
        columns: vec![Column::new("v", ColumnKind::Text)],
    };
    let starts = ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\ry"];
    let mut rows: Vec<Row> = starts.iter().map(|s| vec![Cell::from(*s)]).collect();
    rows.push(vec![Cell::Decimal(Decimal::new(-150, 2))]);
    rows.push(vec![Cell::Integer(-3)]);
    let stream = export_stream(
        ExportFormat::Xlsx,
        table,
        stream::iter([Ok(rows)]),
        ExportOptions::default(),
    );
    let (bytes, error) = collect(stream).await;
    assert!(error.is_none(), "{error:?}");
    let mut workbook = Xlsx::new(Cursor::new(bytes)).expect("a workbook");
    let range = workbook.worksheet_range("t").expect("the sheet");
    let cells: Vec<Data> = range.rows().skip(1).map(|r| r[0].clone()).collect();
    for (cell, start) in cells.iter().zip(starts) {
        assert_eq!(*cell, Data::String(format!("'{start}")));
    }
    assert_eq!(cells[6], Data::Float(-1.5));
    assert_eq!(cells[7], Data::Float(-3.0));
}

#[tokio::test]
async fn html_is_a_whole_escaped_page_with_a_row_count() {
    let bytes = export(ExportFormat::Html, pages(2, 2)).await;
    let html = String::from_utf8(bytes).expect("utf-8");
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("<h1>Orders / Globex</h1>"));
    assert!(
        html.contains("<td>&#39;=HYPERLINK(&quot;http://x&quot;)</td>"),
        "{html}"
    );
    assert!(html.contains("<td>a, &quot;quoted&quot;\r\nnote ñ</td>"));
    assert!(html.contains("<td class=\"num\">1234.56</td>"));
    assert_eq!(html.matches("<tr>").count(), 5);
    assert!(html.ends_with("<p class=\"end\">4 rows</p>\n</body>\n</html>\n"));
}

fn failing_rows() -> Vec<Result<Vec<Row>, ExportError>> {
    let mut rows = pages(2, 3);
    rows.push(Err(ExportError::upstream("order-status/emea timed out")));
    rows.extend(pages(1, 3));
    rows
}

#[tokio::test]
async fn an_error_mid_way_ends_each_format_with_the_error_and_no_closing() {
    for format in [ExportFormat::Csv, ExportFormat::Html, ExportFormat::Xlsx] {
        let stream = export_stream(
            format,
            table(),
            stream::iter(failing_rows()),
            ExportOptions::default(),
        );
        let (bytes, error) = collect(stream).await;
        assert!(
            matches!(error, Some(ExportError::Upstream(_))),
            "{format:?}: {error:?}"
        );
        let text = String::from_utf8_lossy(&bytes);
        match format {
            ExportFormat::Csv => assert_eq!(text.matches("\r\n1000").count(), 6),
            ExportFormat::Html => assert!(text.contains("<tr>") && !text.contains("</html>")),
            ExportFormat::Xlsx => assert!(bytes.is_empty(), "no partial workbook"),
        }
    }
}

#[tokio::test]
async fn a_row_of_the_wrong_width_stops_the_export() {
    for format in [ExportFormat::Csv, ExportFormat::Html, ExportFormat::Xlsx] {
        let rows = vec![Ok(vec![row(0)]), Ok(vec![row(1), vec![Cell::Empty]])];
        let stream = export_stream(
            format,
            table(),
            stream::iter(rows),
            ExportOptions::default(),
        );
        let (_, error) = collect(stream).await;
        assert!(
            matches!(
                error,
                Some(ExportError::RowWidth {
                    row: 3,
                    expected: 7,
                    found: 1
                })
            ),
            "{format:?}: {error:?}"
        );
    }
}

async fn assert_emptied(dir: &std::path::Path) {
    for _ in 0..100 {
        if std::fs::read_dir(dir).expect("the dir").next().is_none() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("temporary files were left in {}", dir.display());
}

#[tokio::test]
async fn xlsx_temporary_files_are_deleted_after_success_failure_and_a_dropped_download() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let options = ExportOptions {
        temp_dir: dir.path().to_path_buf(),
    };
    let (_, error) = collect(export_stream(
        ExportFormat::Xlsx,
        table(),
        stream::iter(pages(2, 5)),
        options.clone(),
    ))
    .await;
    assert!(error.is_none());
    assert_emptied(dir.path()).await;

    let (_, error) = collect(export_stream(
        ExportFormat::Xlsx,
        table(),
        stream::iter(failing_rows()),
        options.clone(),
    ))
    .await;
    assert!(error.is_some());
    assert_emptied(dir.path()).await;

    // A client that leaves while the rows still arrive.
    let slow = stream::iter(pages(50, 10)).then(|page| async move {
        tokio::time::sleep(Duration::from_millis(5)).await;
        page
    });
    let mut download = export_stream(ExportFormat::Xlsx, table(), slow, options);
    let early = tokio::time::timeout(Duration::from_millis(30), download.next()).await;
    assert!(early.is_err(), "nothing is sent before the last row");
    drop(download);
    assert_emptied(dir.path()).await;
}

#[test]
fn formats_name_their_type_extension_and_file() {
    assert_eq!(ExportFormat::Csv.extension(), "csv");
    assert!(ExportFormat::Xlsx.content_type().contains("spreadsheetml"));
    assert_eq!(
        ExportFormat::Csv.content_disposition("pedidos año 2026"),
        "attachment; filename=\"pedidos_a_o_2026.csv\"; filename*=UTF-8''pedidos%20a%C3%B1o%202026%2Ecsv"
    );
    assert!(
        ExportFormat::Html
            .content_disposition("")
            .starts_with("inline; filename=\"export.html\"")
    );
    let headers = ExportFormat::Html.response_headers("orders");
    assert_eq!(
        headers[axum::http::header::CONTENT_TYPE],
        "text/html; charset=utf-8"
    );
    assert!(headers.contains_key(axum::http::header::CONTENT_SECURITY_POLICY));
    assert_eq!(
        headers[axum::http::header::X_CONTENT_TYPE_OPTIONS],
        "nosniff"
    );
}
