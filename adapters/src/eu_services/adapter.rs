//! [`InventoryBackend`] over HTTP against the European Services Assistant (XML).
//!
//! Every request this adapter writes is well-formed XML 1.0: identifiers pass their types (digits,
//! upper-case letters and dashes only), and the change request's free text is refused when it
//! holds a character XML 1.0 cannot carry at all — U+0000–U+0008, U+000B, U+000C, U+000E–U+001F,
//! U+FFFE, U+FFFF — which no escaping can make legal (`&#x1;` is not well-formed 1.0 either).

use async_trait::async_trait;

use super::wire::{MAX_PAGE, WireChangeReceipt, WireChangeRequest, WireError, WireInstalledBase};
use crate::AdapterError;
use crate::client::{BackendClient, Fetched};
use crate::model::{
    CustomerNumber, InventoryChange, InventoryItem, InventoryPage, InventoryRefusal,
    InventoryRequest, PageRequest, SerialNumber,
};
use crate::ports::InventoryBackend;
use crate::resilience::BreakerReport;

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

    /// GETs an `<InstalledBase>` (installations or machines).
    async fn installed_base(
        &self,
        operation: &'static str,
        path: &str,
        params: &[(&str, String)],
    ) -> Result<WireInstalledBase, AdapterError> {
        match self.client.get_bytes(operation, path, params, XML).await? {
            Fetched::Found(body) => self.parse(&body, "InstalledBase"),
            Fetched::NotFound => Err(self.client.status_error(404)),
        }
    }

    fn to_model(&self, base: WireInstalledBase) -> Result<Vec<InventoryItem>, AdapterError> {
        base.into_model()
            .map_err(|d| self.client.contract_violation(d))
    }

    /// The offset a cursor of this system stands for: the Services Assistant pages by position,
    /// and its cursors are those positions in decimal.
    fn offset(&self, page: &PageRequest) -> Result<u64, AdapterError> {
        match &page.after {
            None => Ok(0),
            Some(cursor) => cursor.as_str().parse().map_err(|_| {
                self.client
                    .refuse("page cursor", "not a cursor of the Services Assistant")
            }),
        }
    }
}

#[async_trait]
impl InventoryBackend for HttpEuServices {
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
        let offset = self.offset(page)?;
        let limit = self.client.page_limit(page.limit, MAX_PAGE)?;
        if customer_numbers.is_empty() {
            return Ok(InventoryPage::empty());
        }
        let mut params = vec![("customers", customer_numbers.join(","))];
        if offset > 0 {
            params.push(("offset", offset.to_string()));
        }
        if page.limit.is_some() {
            params.push(("limit", limit.to_string()));
        }
        let base = self
            .installed_base("installations", "v1/installations", &params)
            .await?;
        let (Some(total), Some(answered_offset)) = (base.total, base.offset) else {
            return Err(self
                .client
                .contract_violation("a page of installations without its total and offset"));
        };
        if answered_offset != offset {
            return Err(self.client.contract_violation(format!(
                "asked for the page at offset {offset}, got the one at {answered_offset}"
            )));
        }
        let items = self.to_model(base)?;
        let items = self
            .client
            .only_asked(items, customer_numbers, |i| &i.customer_number)?;
        let end = offset.saturating_add(items.len() as u64);
        let next = (end < total).then(|| end.to_string());
        self.client.inventory_page(items, limit, next, total)
    }

    async fn items_by_serial(
        &self,
        serial_numbers: &[String],
    ) -> Result<Vec<InventoryItem>, AdapterError> {
        self.client
            .check_batch::<SerialNumber>("serial number", serial_numbers)?;
        if serial_numbers.is_empty() {
            return Ok(Vec::new());
        }
        let params = [("serials", serial_numbers.join(","))];
        let base = self
            .installed_base("machines", "v1/machines", &params)
            .await?;
        self.to_model(base)
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
        let request = WireChangeRequest {
            customer: customer_number.to_owned(),
            serial: serial_number.to_owned(),
            change: change.into(),
            details: details.to_owned(),
        };
        let body = quick_xml::se::to_string(&request)
            .map_err(|e| self.client.refuse("cannot write the request", e))?;
        if let Some(at) = body.find(|c| !xml_char(c)) {
            // Unreachable behind the checks above; kept so no path can send what is not XML.
            return Err(self.client.refuse(
                "change request",
                format!("a character XML 1.0 forbids at byte {at}"),
            ));
        }
        let (status, answer) = self
            .client
            .post_bytes(
                "change_request",
                "v1/change-requests",
                XML,
                body.into_bytes(),
            )
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
            _ => Err(self.client.status_error(status)),
        }
    }
}

/// Whether XML 1.0 admits `c` anywhere in a document (its `Char` production).
pub fn xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
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

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::model::FreeText;

    fn request(details: &str) -> String {
        quick_xml::se::to_string(&WireChangeRequest {
            customer: "4900301".into(),
            serial: "4900301-101".into(),
            change: InventoryChange::Moved.into(),
            details: details.to_owned(),
        })
        .expect("serialises")
    }

    #[test]
    fn xml_1_0_characters_are_those_of_its_char_production() {
        for c in [
            '\t',
            '\n',
            '\r',
            ' ',
            'é',
            '\u{D7FF}',
            '\u{E000}',
            '\u{FFFD}',
            '\u{10000}',
        ] {
            assert!(xml_char(c), "{c:?}");
        }
        for c in [
            '\u{0}', '\u{1}', '\u{8}', '\u{B}', '\u{C}', '\u{1F}', '\u{FFFE}', '\u{FFFF}',
        ] {
            assert!(!xml_char(c), "{c:?}");
        }
    }

    proptest! {
        /// Any details that pass the free-text check make a well-formed XML 1.0 request that
        /// reads back to the same details; any others are refused before XML is written.
        #[test]
        fn requests_with_checked_details_are_well_formed_xml(details in any::<String>()) {
            prop_assume!(FreeText::check(&details).is_ok());
            let body = request(&details);
            prop_assert!(body.chars().all(xml_char), "{body:?}");
            let back: WireChangeRequest = quick_xml::de::from_str(&body).expect("well-formed");
            prop_assert_eq!(back.details, details);
        }

        #[test]
        fn details_with_a_character_xml_forbids_never_pass_the_check(
            before in "[a-z]{0,5}",
            forbidden in prop_oneof![
                (0u32..9).prop_map(|c| char::from_u32(c).expect("a char")),
                Just('\u{B}'), Just('\u{C}'),
                (14u32..32).prop_map(|c| char::from_u32(c).expect("a char")),
                Just('\u{FFFE}'), Just('\u{FFFF}'),
            ],
        ) {
            let details = format!("{before}{forbidden}");
            prop_assert!(FreeText::check(&details).is_err());
        }
    }
}
