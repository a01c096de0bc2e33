//! [`InventoryBackend`](crate::ports::InventoryBackend) over HTTP against the European Services
//! Assistant (XML): here what it does its own way (paging by offset, lookups, change requests);
//! the checks every inventory adapter shares are in `crate::inventory_adapter`, the page walk in
//! `InventoryBackend::items`.
//!
//! Every request this adapter writes is well-formed XML 1.0: identifiers pass their types (digits,
//! upper-case letters and dashes only), and the change request's free text is refused when it
//! holds a character XML 1.0 cannot carry at all — U+0000–U+0008, U+000B, U+000C, U+000E–U+001F,
//! U+FFFE, U+FFFF — which no escaping can make legal (`&#x1;` is not well-formed 1.0 either).

use async_trait::async_trait;

use super::wire::{MAX_PAGE, WireChangeReceipt, WireChangeRequest, WireError, WireInstalledBase};
use crate::AdapterError;
use crate::client::{BackendClient, Fetched};
use crate::inventory_adapter::{AnsweredPage, ChangeRequest, InventorySystem};
use crate::model::{InventoryItem, InventoryRefusal, InventoryRequest, PageCursor};

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
}

/// The Services Assistant pages by position: a page is asked for by its offset, and the cursor
/// of the page after is that page's offset in decimal.
#[async_trait]
impl InventorySystem for HttpEuServices {
    type Start = u64;
    const MAX_PAGE: u32 = MAX_PAGE;

    fn client(&self) -> &BackendClient {
        &self.client
    }

    fn start(&self, cursor: Option<&PageCursor>) -> Result<u64, AdapterError> {
        match cursor {
            None => Ok(0),
            Some(cursor) => cursor.as_str().parse().map_err(|_| {
                self.client
                    .refuse("page cursor", "not a cursor of the Services Assistant")
            }),
        }
    }

    async fn fetch_page(
        &self,
        customer_numbers: &[String],
        offset: u64,
        limit: Option<u32>,
    ) -> Result<AnsweredPage, AdapterError> {
        let mut params = vec![("customers", customer_numbers.join(","))];
        if offset > 0 {
            params.push(("offset", offset.to_string()));
        }
        if let Some(limit) = limit {
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
        let end = offset.saturating_add(items.len() as u64);
        let next = (end < total).then(|| end.to_string());
        Ok(AnsweredPage { items, next, total })
    }

    async fn fetch_by_serial(
        &self,
        serial_numbers: &[String],
    ) -> Result<Vec<InventoryItem>, AdapterError> {
        let params = [("serials", serial_numbers.join(","))];
        let base = self
            .installed_base("machines", "v1/machines", &params)
            .await?;
        self.to_model(base)
    }

    async fn send_change(
        &self,
        asked: ChangeRequest<'_>,
    ) -> Result<Result<InventoryRequest, InventoryRefusal>, AdapterError> {
        let request = WireChangeRequest {
            customer: asked.customer_number.to_owned(),
            serial: asked.serial_number.to_owned(),
            change: asked.change.into(),
            details: asked.details.to_owned(),
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
                if receipt.serial != asked.serial_number {
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
fn xml_char(c: char) -> bool {
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
    use crate::model::{FreeText, InventoryChange};

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
