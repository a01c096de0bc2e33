//! [`InventoryBackend`] over HTTP against the European Services Assistant (XML).

use async_trait::async_trait;

use super::wire::{WireChangeReceipt, WireChangeRequest, WireError, WireInstalledBase};
use crate::AdapterError;
use crate::client::{BackendClient, Fetched};
use crate::model::{InventoryChange, InventoryItem, InventoryRefusal, InventoryRequest};
use crate::ports::InventoryBackend;

const XML: &str = "application/xml";

/// The Services Assistant adapter.
#[derive(Debug, Clone)]
pub struct HttpEuServices {
    client: BackendClient,
}

impl HttpEuServices {
    /// An adapter reaching the Services Assistant through `client`.
    pub fn new(client: BackendClient) -> Self {
        Self { client }
    }

    /// Parses `body` as the element `root`. The root is checked first: the XML reader would
    /// otherwise read any well-formed document (an error page, say) as an empty one.
    fn parse<T: serde::de::DeserializeOwned>(
        &self,
        body: &[u8],
        root: &str,
    ) -> Result<T, AdapterError> {
        let text = std::str::from_utf8(body)
            .map_err(|e| self.client.contract_violation(format!("not UTF-8: {e}")))?;
        let found = root_element(text)
            .map_err(|e| self.client.contract_violation(format!("bad XML: {e}")))?;
        if found != root {
            return Err(self
                .client
                .contract_violation(format!("expected <{root}>, got <{found}>")));
        }
        quick_xml::de::from_str(text)
            .map_err(|e| self.client.contract_violation(format!("bad XML: {e}")))
    }

    async fn installed_base(
        &self,
        path: &str,
        param: &str,
        values: &[String],
    ) -> Result<Vec<InventoryItem>, AdapterError> {
        if values.is_empty() {
            return Ok(Vec::new());
        }
        let body = match self
            .client
            .get_bytes(path, &[(param, values.join(","))], XML)
            .await?
        {
            Fetched::Found(body) => body,
            Fetched::NotFound => {
                return Err(AdapterError::Status {
                    backend: self.client.name().to_owned(),
                    status: 404,
                });
            }
        };
        let base: WireInstalledBase = self.parse(&body, "InstalledBase")?;
        base.into_model()
            .map_err(|d| self.client.contract_violation(d))
    }
}

#[async_trait]
impl InventoryBackend for HttpEuServices {
    async fn items(&self, customer_numbers: &[String]) -> Result<Vec<InventoryItem>, AdapterError> {
        let items = self
            .installed_base("v1/installations", "customers", customer_numbers)
            .await?;
        self.client
            .only_asked(items, customer_numbers, |i| &i.customer_number)
    }

    async fn items_by_serial(
        &self,
        serial_numbers: &[String],
    ) -> Result<Vec<InventoryItem>, AdapterError> {
        self.installed_base("v1/machines", "serials", serial_numbers)
            .await
    }

    async fn request_change(
        &self,
        customer_number: &str,
        serial_number: &str,
        change: InventoryChange,
        details: &str,
    ) -> Result<Result<InventoryRequest, InventoryRefusal>, AdapterError> {
        let request = WireChangeRequest {
            customer: customer_number.to_owned(),
            serial: serial_number.to_owned(),
            change: change.into(),
            details: details.to_owned(),
        };
        let body = quick_xml::se::to_string(&request).map_err(|e| {
            self.client
                .contract_violation(format!("cannot write the request: {e}"))
        })?;
        let (status, answer) = self
            .client
            .post_bytes("v1/change-requests", XML, body.into_bytes())
            .await?;
        match status {
            200..=299 => {
                let receipt: WireChangeReceipt = self.parse(&answer, "ChangeReceipt")?;
                if receipt.serial != serial_number {
                    return Err(self
                        .client
                        .contract_violation("the receipt is for another machine"));
                }
                Ok(Ok(receipt.into_model()))
            }
            400..=499 => {
                let error: WireError = self.parse(&answer, "Error")?;
                match error.code.as_str() {
                    "UNKNOWN_MACHINE" => Ok(Err(InventoryRefusal::UnknownItem)),
                    "NOT_ENTITLED" => Ok(Err(InventoryRefusal::NotEntitled)),
                    "INVALID_REQUEST" => Ok(Err(InventoryRefusal::InvalidRequest)),
                    other => Err(self
                        .client
                        .contract_violation(format!("unknown refusal code {other:?}"))),
                }
            }
            _ => Err(AdapterError::Status {
                backend: self.client.name().to_owned(),
                status,
            }),
        }
    }
}

/// The name of the document's root element.
fn root_element(text: &str) -> Result<String, String> {
    let mut reader = quick_xml::Reader::from_str(text);
    loop {
        match reader.read_event().map_err(|e| e.to_string())? {
            quick_xml::events::Event::Start(e) | quick_xml::events::Event::Empty(e) => {
                return Ok(e.name().into_inner().to_owned());
            }
            quick_xml::events::Event::Eof => return Err("no root element".to_owned()),
            _ => {}
        }
    }
}
