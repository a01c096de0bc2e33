//! What both inventory adapters share: [`InventoryBackend`] written once over what each backend
//! does its own way ([`InventorySystem`]: reading a cursor, fetching one page, looking serial
//! numbers up, sending a change request).
//!
//! The checks are the same for every backend (the page walk is `InventoryBackend::items`): customer numbers are checked
//! before anything else, then the cursor, then the page size (0 is refused, anything above the
//! backend's maximum is capped); no customer numbers is an empty page with no backend call; the
//! page answered may hold only the customer numbers asked for and must keep the paging contract
//! ([`BackendClient::inventory_page`]). A lookup is checked as one batch, and an empty one
//! answers nothing without a call; a change request is checked before it is written.

use async_trait::async_trait;

use crate::AdapterError;
use crate::client::BackendClient;
use crate::model::{
    CustomerNumber, InventoryChange, InventoryItem, InventoryPage, InventoryRefusal,
    InventoryRequest, PageCursor, PageRequest, SerialNumber,
};
use crate::ports::InventoryBackend;
use crate::resilience::BreakerReport;

/// One page as a backend answered it, read into items but not yet checked.
#[derive(Debug)]
pub(crate) struct AnsweredPage {
    /// The page's items, in the backend's order.
    pub(crate) items: Vec<InventoryItem>,
    /// The cursor of the page after, as the backend writes it; `None` on the last page.
    pub(crate) next: Option<String>,
    /// How many items all pages hold together.
    pub(crate) total: u64,
}

/// A change request that passed the checks, for a backend to write its own way.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ChangeRequest<'a> {
    pub(crate) customer_number: &'a str,
    pub(crate) serial_number: &'a str,
    pub(crate) change: InventoryChange,
    pub(crate) details: &'a str,
}

/// An inventory backend's own ways; [`InventoryBackend`] follows from them.
#[async_trait]
pub(crate) trait InventorySystem: Send + Sync {
    /// Where a page starts, as this backend reads a cursor.
    type Start: Send;

    /// The most items this backend puts on one page.
    const MAX_PAGE: u32;

    /// The client every call goes through.
    fn client(&self) -> &BackendClient;

    /// Where the page after `cursor` starts (the first page for `None`); a cursor this backend
    /// did not issue is refused.
    fn start(&self, cursor: Option<&PageCursor>) -> Result<Self::Start, AdapterError>;

    /// Fetches the page from `start` of the items of `customer_numbers` (checked, never empty).
    /// `limit` is the page size to send, `None` when the caller named none.
    async fn fetch_page(
        &self,
        customer_numbers: &[String],
        start: Self::Start,
        limit: Option<u32>,
    ) -> Result<AnsweredPage, AdapterError>;

    /// Looks up items by serial number (a checked batch, never empty).
    async fn fetch_by_serial(&self, serials: &[String])
    -> Result<Vec<InventoryItem>, AdapterError>;

    /// Sends a checked change request; a business refusal is `Ok(Err(..))`.
    async fn send_change(
        &self,
        request: ChangeRequest<'_>,
    ) -> Result<Result<InventoryRequest, InventoryRefusal>, AdapterError>;
}

#[async_trait]
impl<B: InventorySystem> InventoryBackend for B {
    fn instance(&self) -> &str {
        self.client().name()
    }

    fn breakers(&self) -> Vec<BreakerReport> {
        self.client().breakers()
    }

    async fn items_page(
        &self,
        customer_numbers: &[String],
        page: &PageRequest,
    ) -> Result<InventoryPage, AdapterError> {
        let client = self.client();
        client.check::<CustomerNumber>("customer number", customer_numbers)?;
        let start = self.start(page.after.as_ref())?;
        let limit = client.page_limit(page.limit, B::MAX_PAGE)?;
        if customer_numbers.is_empty() {
            return Ok(InventoryPage::empty());
        }
        let sent_limit = page.limit.is_some().then_some(limit);
        let answer = self.fetch_page(customer_numbers, start, sent_limit).await?;
        let items = client.only_asked(answer.items, customer_numbers, |i| &i.customer_number)?;
        client.inventory_page(items, limit, answer.next, answer.total)
    }

    async fn items_by_serial(
        &self,
        serial_numbers: &[String],
    ) -> Result<Vec<InventoryItem>, AdapterError> {
        self.client()
            .check_batch::<SerialNumber>("serial number", serial_numbers)?;
        if serial_numbers.is_empty() {
            return Ok(Vec::new());
        }
        self.fetch_by_serial(serial_numbers).await
    }

    async fn request_change(
        &self,
        customer_number: &str,
        serial_number: &str,
        change: InventoryChange,
        details: &str,
    ) -> Result<Result<InventoryRequest, InventoryRefusal>, AdapterError> {
        self.client()
            .check_change_request(customer_number, serial_number, details)?;
        self.send_change(ChangeRequest {
            customer_number,
            serial_number,
            change,
            details,
        })
        .await
    }
}
