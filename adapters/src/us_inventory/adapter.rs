//! [`InventoryBackend`] over HTTP against US Inventory OnLine.

use async_trait::async_trait;

use super::wire::{
    MAX_PAGE, WireInventory, WireInventoryPage, WireReceipt, WireRecord, WireUpdateRequest,
};
use crate::AdapterError;
use crate::client::{BackendClient, Fetched, Posted};
use crate::model::{
    CustomerNumber, InventoryChange, InventoryItem, InventoryPage, InventoryRefusal,
    InventoryRequest, PageRequest, SerialNumber,
};
use crate::ports::InventoryBackend;
use crate::resilience::BreakerReport;

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

#[async_trait]
impl InventoryBackend for HttpUsInventory {
    fn instance(&self) -> &str {
        self.client.name()
    }

    fn breakers(&self) -> Vec<BreakerReport> {
        self.client.breakers()
    }

    async fn items_page(
        &self,
        customer_numbers: &[String],
        page: &PageRequest,
    ) -> Result<InventoryPage, AdapterError> {
        self.client
            .check::<CustomerNumber>("customer number", customer_numbers)?;
        let limit = self.client.page_limit(page.limit, MAX_PAGE)?;
        if customer_numbers.is_empty() {
            return Ok(InventoryPage::empty());
        }
        let mut params = vec![("customerNumbers", customer_numbers.join(","))];
        if page.limit.is_some() {
            params.push(("limit", limit.to_string()));
        }
        if let Some(after) = &page.after {
            params.push(("pageToken", after.to_string()));
        }
        let answer: WireInventoryPage = self
            .client
            .get_json("inventory", "v1/inventory", &params)
            .await?;
        let items = self.to_model(answer.records)?;
        let items = self
            .client
            .only_asked(items, customer_numbers, |i| &i.customer_number)?;
        self.client
            .inventory_page(items, limit, answer.next_page_token, answer.total_count)
    }

    async fn items_by_serial(
        &self,
        serial_numbers: &[String],
    ) -> Result<Vec<InventoryItem>, AdapterError> {
        if serial_numbers.is_empty() {
            return Ok(Vec::new());
        }
        self.client
            .check_batch::<SerialNumber>("serial number", serial_numbers)?;
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

    async fn request_change(
        &self,
        customer_number: &str,
        serial_number: &str,
        change: InventoryChange,
        details: &str,
    ) -> Result<Result<InventoryRequest, InventoryRefusal>, AdapterError> {
        self.client
            .check_change_request(customer_number, serial_number, details)?;
        let body = WireUpdateRequest {
            cust_no: customer_number.to_owned(),
            serial_no: serial_number.to_owned(),
            request_type: change.into(),
            details: details.to_owned(),
        };
        match self
            .client
            .post_json::<_, WireReceipt>("update_request", "v1/inventory/update-requests", &body)
            .await?
        {
            Posted::Accepted(receipt) if receipt.serial_no == serial_number => {
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
