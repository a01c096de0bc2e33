//! The streaming loop of the text formats (CSV, HTML): a beginning, one chunk per page of rows,
//! an end. An error — from the rows or the encoder — is the stream's last item, and the end is
//! then never written, so a broken export cannot pass for a whole one.

use bytes::Bytes;
use futures::StreamExt;
use futures::stream::{self, BoxStream};

use super::table::check_page;
use super::{ByteStream, ExportError, Row, Table};

/// A text format, written page by page.
pub(super) trait PageEncoder: Send + 'static {
    /// What comes before the rows (a header row, the page's head).
    fn begin(&mut self, table: &Table) -> Result<Vec<u8>, ExportError>;
    /// One page of rows (each already checked to have one cell per column).
    fn page(&mut self, table: &Table, rows: &[Row]) -> Result<Vec<u8>, ExportError>;
    /// What comes after the last row, given how many rows there were.
    fn end(&mut self, rows: u64) -> Result<Vec<u8>, ExportError>;
}

type Rows = BoxStream<'static, Result<Vec<Row>, ExportError>>;

enum State<E> {
    Begin(E, Table, Rows),
    Pages {
        encoder: E,
        table: Table,
        rows: Rows,
        written: u64,
    },
    Done,
}

/// The bytes of `encoder` over `rows`: nothing happens until polled.
pub(super) fn stream<E: PageEncoder>(encoder: E, table: Table, rows: Rows) -> ByteStream {
    stream::unfold(State::Begin(encoder, table, rows), step).boxed()
}

async fn step<E: PageEncoder>(state: State<E>) -> Option<(Result<Bytes, ExportError>, State<E>)> {
    match state {
        State::Begin(mut encoder, table, rows) => Some(match encoder.begin(&table) {
            Ok(bytes) => (
                Ok(Bytes::from(bytes)),
                State::Pages {
                    encoder,
                    table,
                    rows,
                    written: 0,
                },
            ),
            Err(error) => (Err(error), State::Done),
        }),
        State::Pages {
            mut encoder,
            table,
            mut rows,
            mut written,
        } => loop {
            let page = match rows.next().await {
                Some(Ok(page)) => page,
                Some(Err(error)) => return Some((Err(error), State::Done)),
                None => {
                    return match encoder.end(written) {
                        Ok(bytes) if bytes.is_empty() => None,
                        Ok(bytes) => Some((Ok(Bytes::from(bytes)), State::Done)),
                        Err(error) => Some((Err(error), State::Done)),
                    };
                }
            };
            let bytes = check_page(table.columns.len(), &page, written + 1)
                .and_then(|()| encoder.page(&table, &page));
            written += page.len() as u64;
            match bytes {
                Ok(bytes) if bytes.is_empty() => continue,
                Ok(bytes) => {
                    let next = State::Pages {
                        encoder,
                        table,
                        rows,
                        written,
                    };
                    return Some((Ok(Bytes::from(bytes)), next));
                }
                Err(error) => return Some((Err(error), State::Done)),
            }
        },
        State::Done => None,
    }
}
