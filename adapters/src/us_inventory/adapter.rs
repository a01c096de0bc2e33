//! [`InventoryBackend`](crate::ports::InventoryBackend) over HTTP against US Inventory OnLine:
//! here what it does its own way (paging by token, lookups, update requests in JSON); the checks
//! every inventory adapter shares are in `crate::inventory_adapter`, the page walk in
//! `InventoryBackend::items`.

use async_trait::async_trait;

use super::wire::{
    MAX_PAGE, WireInventory, WireInventoryPage, WireReceipt, WireRecord, WireUpdateRequest,
};
use crate::AdapterError;
use crate::client::{BackendClient, Fetched, Posted};
use crate::inventory_adapter::{AnsweredPage, ChangeRequest, InventorySystem};
use crate::model::{InventoryItem, InventoryRefusal, InventoryRequest, PageCursor};

/// The US Inventory OnLine adapter.
#[derive(Debug, Clone)]
pub struct HttpUsInventory {
    client: BackendClient,
}

impl HttpUsInventory {
    /// An adapter reaching US Inventory OnLine through `client`.
    pub fn new(client: BackendClient) -> Self {
        Self { client }
    }

    fn to_model(&self, records: Vec<WireRecord>) -> Result<Vec<InventoryItem>, AdapterError> {
        records
            .into_iter()
            .map(|r| {
                r.into_model()
                    .map_err(|d| self.client.contract_violation(d))
            })
            .collect()
    }
}

/// US Inventory OnLine pages by token: the `nextPageToken` of one page is the `pageToken` of the
/// next, and is the cursor as it stands. A lookup answered 404 finds nothing.
#[async_trait]
impl InventorySystem for HttpUsInventory {
    type Start = Option<String>;
    const MAX_PAGE: u32 = MAX_PAGE;

    fn client(&self) -> &BackendClient {
        &self.client
    }

    fn start(&self, cursor: Option<&PageCursor>) -> Result<Option<String>, AdapterError> {
        Ok(cursor.map(ToString::to_string))
    }

    async fn fetch_page(
        &self,
        customer_numbers: &[String],
        token: Option<String>,
        limit: Option<u32>,
    ) -> Result<AnsweredPage, AdapterError> {
        let mut params = vec![("customerNumbers", customer_numbers.join(","))];
        if let Some(limit) = limit {
            params.push(("limit", limit.to_string()));
        }
        if let Some(token) = token {
            params.push(("pageToken", token));
        }
        let answer: WireInventoryPage = self
            .client
            .get_json("inventory", "v1/inventory", &params)
            .await?;
        Ok(AnsweredPage {
            items: self.to_model(answer.records)?,
            next: answer.next_page_token,
            total: answer.total_count,
        })
    }

    async fn fetch_by_serial(
        &self,
        serial_numbers: &[String],
    ) -> Result<Vec<InventoryItem>, AdapterError> {
        let params = [("serials", serial_numbers.join(","))];
        match self
            .client
            .get_json_or_not_found::<WireInventory>(
                "inventory_by_serial",
                "v1/inventory/by-serial",
                &params,
            )
            .await?
        {
            Fetched::Found(inventory) => self.to_model(inventory.records),
            Fetched::NotFound => Ok(Vec::new()),
        }
    }

    async fn send_change(
        &self,
        asked: ChangeRequest<'_>,
    ) -> Result<Result<InventoryRequest, InventoryRefusal>, AdapterError> {
        let body = WireUpdateRequest {
            cust_no: asked.customer_number.to_owned(),
            serial_no: asked.serial_number.to_owned(),
            request_type: asked.change.into(),
            details: asked.details.to_owned(),
        };
        match self
            .client
            .post_json::<_, WireReceipt>("update_request", "v1/inventory/update-requests", &body)
            .await?
        {
            Posted::Accepted(receipt) if receipt.serial_no == asked.serial_number => {
                Ok(Ok(receipt.into_model()))
            }
            Posted::Accepted(_) => Err(self
                .client
                .contract_violation("the receipt is for another serial number")),
            Posted::Refused(code) => match code.as_str() {
                "UNKNOWN_SERIAL" => Ok(Err(InventoryRefusal::UnknownItem)),
                "INVALID_REQUEST" => Ok(Err(InventoryRefusal::InvalidRequest)),
                other => Err(self
                    .client
                    .contract_violation(format!("unknown refusal code {other:?}"))),
            },
        }
    }
}
