//! Relay connections, the shape of every list: how many items a client may ask for at once, and
//! the `PageInfo` of a page.

use async_graphql::SimpleObject;

use crate::app::App;
use crate::error::GatewayError;

/// Relay paging information for a connection.
#[derive(Debug, Clone, SimpleObject)]
pub struct PageInfo {
    /// Whether more items follow `endCursor`.
    pub has_next_page: bool,
    /// Whether items precede `startCursor` (true whenever `after` was given).
    pub has_previous_page: bool,
    /// Cursor of the first edge, if any.
    pub start_cursor: Option<String>,
    /// Cursor of the last edge; pass it as `after` for the next page.
    pub end_cursor: Option<String>,
}

impl PageInfo {
    /// The paging information of a page of `edges` (whose cursors `cursor` reads), asked for
    /// after a cursor or not.
    pub fn of<E>(
        edges: &[E],
        cursor: impl Fn(&E) -> &String,
        has_next_page: bool,
        after_given: bool,
    ) -> Self {
        Self {
            has_next_page,
            has_previous_page: after_given,
            start_cursor: edges.first().map(|e| cursor(e).clone()),
            end_cursor: edges.last().map(|e| cursor(e).clone()),
        }
    }
}

/// The page size of a list: `first`, 1 to the configured maximum, or the configured default.
pub fn page_size(first: Option<i32>, app: &App) -> Result<u32, GatewayError> {
    let limits = &app.settings.graphql;
    match first {
        None => Ok(limits.default_page_size),
        Some(n) if n >= 1 && n as u32 <= limits.max_page_size => Ok(n as u32),
        Some(_) => Err(GatewayError::bad_input(
            "first",
            format!("first must be between 1 and {}", limits.max_page_size),
        )),
    }
}
