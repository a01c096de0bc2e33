//! What must not be sent, and what a backend got wrong: the [`AdapterError`]s adapters raise
//! before a request leaves and after an answer breaks its contract, with client-supplied values
//! clipped so no error detail can carry one whole.

use super::BackendClient;
use crate::AdapterError;
use crate::model::ids::clip;
use crate::model::{
    CustomerNumber, FreeText, InventoryItem, InventoryPage, PageCursor, SerialNumber,
};
use crate::ports::LOOKUP_BATCH;

/// The longest error detail kept from a transport failure, in characters.
const MAX_DETAIL_CHARS: usize = 300;

impl BackendClient {
    /// A failure to send or to read the answer. reqwest reports a request it refuses to send
    /// (a URL that is not a valid URI, say) as a builder error: that one was never sent.
    pub(super) fn send_error(&self, error: reqwest::Error) -> AdapterError {
        if error.is_builder() {
            return self.invalid(format!("reqwest refused to send it: {}", describe(error)));
        }
        AdapterError::Transport {
            backend: self.endpoint.name.clone(),
            detail: describe(error),
        }
    }

    pub(super) fn invalid(&self, detail: String) -> AdapterError {
        AdapterError::InvalidRequest {
            backend: self.endpoint.name.clone(),
            detail: clip_detail(detail),
        }
    }

    /// Refuses a request before it is built: `what` is the value's role, `error` why it is not
    /// valid. For adapters checking identifiers (defence in depth behind the gateway's edge).
    pub fn refuse(&self, what: &str, error: impl std::fmt::Display) -> AdapterError {
        self.invalid(format!("{what}: {error}"))
    }

    /// Refuses, before any URL or body is built, a value that is not a valid `T` (an
    /// [`OrderNumber`](crate::model::OrderNumber), a
    /// [`CustomerNumber`], ...). A comma inside one would add a
    /// value to a comma-separated batch; a control character or a 66,000-character value would
    /// make a request no server takes. The gateway checks every identifier at its edge; this is
    /// the second line, for any caller of the ports.
    pub fn check<T>(
        &self,
        what: &str,
        values: impl IntoIterator<Item = impl AsRef<str>>,
    ) -> Result<(), AdapterError>
    where
        T: std::str::FromStr,
        T::Err: std::fmt::Display,
    {
        for value in values {
            if let Err(error) = value.as_ref().parse::<T>() {
                return Err(self.refuse(what, error));
            }
        }
        Ok(())
    }

    /// Refuses an inventory change request whose customer number, serial number or details
    /// fail their types, before any body is written.
    pub fn check_change_request(
        &self,
        customer_number: &str,
        serial_number: &str,
        details: &str,
    ) -> Result<(), AdapterError> {
        self.check::<CustomerNumber>("customer number", [customer_number])?;
        self.check::<SerialNumber>("serial number", [serial_number])?;
        self.check::<FreeText>("details", [details])
    }

    /// Like [`check`](Self::check), for the identifiers of one batch lookup, which also may not
    /// hold more than [`LOOKUP_BATCH`] of them.
    pub fn check_batch<T>(&self, what: &str, values: &[String]) -> Result<(), AdapterError>
    where
        T: std::str::FromStr,
        T::Err: std::fmt::Display,
    {
        if values.len() > LOOKUP_BATCH {
            return Err(self.invalid(format!(
                "{} {what}s in one batch; at most {LOOKUP_BATCH} are sent",
                values.len()
            )));
        }
        self.check::<T>(what, values)
    }

    /// Passes `items` through if every one belongs to a customer number in `asked`; a backend
    /// that answers about customer numbers nobody asked for breaks its contract, and its whole
    /// answer is refused rather than risk showing another company's data.
    pub fn only_asked<T>(
        &self,
        items: Vec<T>,
        asked: &[String],
        customer_of: impl Fn(&T) -> &str,
    ) -> Result<Vec<T>, AdapterError> {
        match items
            .iter()
            .map(&customer_of)
            .find(|c| !asked.iter().any(|a| a == c))
        {
            None => Ok(items),
            Some(stray) => Err(self.contract_violation(format!(
                "answered about customer number {}, which was not asked for",
                clip(stray)
            ))),
        }
    }

    /// The page size a paged call asks for: the caller's `asked`, capped at the backend's `max`
    /// (which is also its size when the caller names none). A page of 0 is refused unsent.
    pub fn page_limit(&self, asked: Option<u32>, max: u32) -> Result<u32, AdapterError> {
        match asked {
            Some(0) => Err(self.invalid("a page of 0 items was asked for".to_owned())),
            Some(limit) => Ok(limit.min(max)),
            None => Ok(max),
        }
    }

    /// An inventory page as the backend answered it, checked against the paging contract: at
    /// most `limit` items, no more than `total_count`, and a cursor to the next page only after
    /// items (a page with a successor and nothing on it could be followed forever) and only one
    /// that passes [`PageCursor`] (the gateway hands it to clients, which hand it back).
    pub fn inventory_page(
        &self,
        items: Vec<InventoryItem>,
        limit: u32,
        next: Option<String>,
        total_count: u64,
    ) -> Result<InventoryPage, AdapterError> {
        if items.len() > limit as usize {
            return Err(self.contract_violation(format!(
                "asked for a page of at most {limit} items, got {}",
                items.len()
            )));
        }
        if items.len() as u64 > total_count {
            return Err(self.contract_violation(format!(
                "a page of {} items out of a total of {total_count}",
                items.len()
            )));
        }
        let next = match next {
            None => None,
            Some(_) if items.is_empty() => {
                return Err(self.contract_violation("an empty page announced a next page"));
            }
            Some(cursor) => Some(cursor.parse::<PageCursor>().map_err(|e| {
                self.contract_violation(format!("the next page's cursor is not usable: {e}"))
            })?),
        };
        Ok(InventoryPage {
            items,
            next,
            total_count,
        })
    }

    /// A decode error for a payload that parsed but broke the contract's rules. The detail is
    /// clipped: a payload may quote anything, a client's values included.
    pub fn contract_violation(&self, detail: impl Into<String>) -> AdapterError {
        AdapterError::Decode {
            backend: self.endpoint.name.clone(),
            detail: clip_detail(detail.into()),
        }
    }
}

/// A reqwest error and its causes, without the URL (which may carry client-supplied values of any
/// length), clipped to [`MAX_DETAIL_CHARS`].
pub(super) fn describe(error: reqwest::Error) -> String {
    use std::error::Error as _;
    let error = error.without_url();
    let mut detail = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        detail.push_str(": ");
        detail.push_str(&cause.to_string());
        source = cause.source();
    }
    clip_detail(detail)
}

/// `detail`, cut to [`MAX_DETAIL_CHARS`] characters.
fn clip_detail(detail: String) -> String {
    match detail.char_indices().nth(MAX_DETAIL_CHARS) {
        Some((cut, _)) => format!("{}… ({} chars)", &detail[..cut], detail.chars().count()),
        None => detail,
    }
}
