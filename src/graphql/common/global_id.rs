//! Opaque global IDs for `Node`: they carry the type, the customer number and the backend's own
//! ID (and, for orders, the region), so a lookup goes straight to the right instance — and the
//! caller's authorisation for that customer number is checked again on every lookup, so an ID from another company, or one
//! edited by hand, reveals nothing.
//!
//! The identifiers inside an ID are checked by their types from `adapters::model::ids`, like
//! every identifier a client sends (see [`super::input`]): [`GlobalId::decode`] refuses an ID
//! whose fields fail their types (the caller sees `NOT_FOUND`, which never says why).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};
use supportgraph_adapters::model::{
    ContractNumber, CustomerNumber, DocumentNumber, InquiryNumber, OrderNumber, Region,
    SerialNumber, Tool,
};

/// What a global ID points at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "t", rename_all = "camelCase", deny_unknown_fields)]
pub enum GlobalId {
    /// An order in one region's order-status instance.
    Order {
        /// The region holding it.
        #[serde(rename = "r")]
        region: Region,
        /// Its customer number.
        #[serde(rename = "c")]
        customer_number: String,
        /// Its order number.
        #[serde(rename = "n")]
        order_number: String,
    },
    /// A signed-in user (`Me`); only that user can fetch it.
    User {
        /// The user's ID at the identity provider.
        #[serde(rename = "u")]
        user_id: String,
    },
    /// One of a company's customer numbers.
    Customer {
        /// The customer number.
        #[serde(rename = "c")]
        customer_number: String,
    },
    /// One user's authorisation for one tool on one customer number.
    ToolAccess {
        /// The user.
        #[serde(rename = "u")]
        user_id: String,
        /// The tool.
        #[serde(rename = "o")]
        tool: Tool,
        /// The customer number.
        #[serde(rename = "c")]
        customer_number: String,
    },
    /// An invoice in one region's billing instance.
    Invoice {
        /// The region holding it.
        #[serde(rename = "r")]
        region: Region,
        /// Its customer number.
        #[serde(rename = "c")]
        customer_number: String,
        /// Its invoice number.
        #[serde(rename = "n")]
        invoice_number: String,
    },
    /// A credit note in one region's billing instance.
    CreditNote {
        /// The region holding it.
        #[serde(rename = "r")]
        region: Region,
        /// Its customer number.
        #[serde(rename = "c")]
        customer_number: String,
        /// Its credit-note number.
        #[serde(rename = "n")]
        credit_note_number: String,
    },
    /// An installed item.
    InventoryItem {
        /// The customer number it is installed under.
        #[serde(rename = "c")]
        customer_number: String,
        /// Its serial number.
        #[serde(rename = "s")]
        serial_number: String,
    },
    /// A contract.
    Contract {
        /// The customer number it is with.
        #[serde(rename = "c")]
        customer_number: String,
        /// Its number.
        #[serde(rename = "n")]
        contract_number: String,
    },
    /// An inquiry.
    Inquiry {
        /// The customer number it is about.
        #[serde(rename = "c")]
        customer_number: String,
        /// Its tracking number.
        #[serde(rename = "n")]
        tracking_number: String,
    },
}

const PREFIX: &str = "sg1:";

impl GlobalId {
    /// The opaque text of the ID.
    pub fn encode(&self) -> String {
        let json = serde_json::to_string(self).expect("a GlobalId always serialises");
        URL_SAFE_NO_PAD.encode(format!("{PREFIX}{json}"))
    }

    /// The ID behind an opaque text, or `None` for anything we did not issue — including an ID
    /// in our format whose customer number, order number or serial number fails its type, so a
    /// forged field never reaches a backend. (A user ID is only ever compared with the caller's
    /// own.)
    pub fn decode(text: &str) -> Option<Self> {
        let bytes = URL_SAFE_NO_PAD.decode(text.as_bytes()).ok()?;
        let text = String::from_utf8(bytes).ok()?;
        let id: Self = serde_json::from_str(text.strip_prefix(PREFIX)?).ok()?;
        id.fields_valid().then_some(id)
    }

    fn fields_valid(&self) -> bool {
        let customer = |c: &str| CustomerNumber::check(c).is_ok();
        match self {
            Self::Order {
                customer_number,
                order_number,
                ..
            } => customer(customer_number) && OrderNumber::check(order_number).is_ok(),
            Self::Invoice {
                customer_number,
                invoice_number: number,
                ..
            }
            | Self::CreditNote {
                customer_number,
                credit_note_number: number,
                ..
            } => customer(customer_number) && DocumentNumber::check(number).is_ok(),
            Self::User { .. } => true,
            Self::Customer { customer_number }
            | Self::ToolAccess {
                customer_number, ..
            } => customer(customer_number),
            Self::InventoryItem {
                customer_number,
                serial_number,
            } => customer(customer_number) && SerialNumber::check(serial_number).is_ok(),
            Self::Inquiry {
                customer_number,
                tracking_number,
            } => customer(customer_number) && InquiryNumber::check(tracking_number).is_ok(),
            Self::Contract {
                customer_number,
                contract_number,
            } => customer(customer_number) && ContractNumber::check(contract_number).is_ok(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_round_trips_and_garbage_does_not_decode() {
        let id = GlobalId::Order {
            region: Region::Emea,
            customer_number: "4400201".into(),
            order_number: "244002010001".into(),
        };
        assert_eq!(GlobalId::decode(&id.encode()), Some(id));
        let access = GlobalId::ToolAccess {
            user_id: "globex-avery".into(),
            tool: Tool::Invoices,
            customer_number: "1000102".into(),
        };
        assert_eq!(GlobalId::decode(&access.encode()), Some(access.clone()));
        assert_ne!(
            access.encode(),
            GlobalId::ToolAccess {
                user_id: "globex-kenji".into(),
                tool: Tool::Invoices,
                customer_number: "1000102".into(),
            }
            .encode(),
            "each user's authorisation is its own object"
        );
        for bad in [
            "",
            "%%%",
            "c2cxOnt9",
            &URL_SAFE_NO_PAD.encode("sg1:{\"t\":\"order\"}"),
        ] {
            assert_eq!(GlobalId::decode(bad), None, "{bad}");
        }
    }

    #[test]
    fn an_id_in_our_format_with_a_field_that_fails_its_type_does_not_decode() {
        let forged = |json: &str| URL_SAFE_NO_PAD.encode(format!("{PREFIX}{json}"));
        let long = "1".repeat(66_000);
        for bad in [
            long.as_str(),
            "",
            "2440020\\u00010001",
            "244002010001,244002010002",
            "2440/02010001",
        ] {
            for json in [
                format!(r#"{{"t":"order","r":"emea","c":"4400201","n":"{bad}"}}"#),
                format!(r#"{{"t":"order","r":"emea","c":"{bad}","n":"244002010001"}}"#),
                format!(r#"{{"t":"customer","c":"{bad}"}}"#),
                format!(r#"{{"t":"toolAccess","u":"globex-avery","o":"INVOICES","c":"{bad}"}}"#),
                format!(r#"{{"t":"inventoryItem","c":"4900301","s":"{bad}"}}"#),
                format!(r#"{{"t":"inventoryItem","c":"{bad}","s":"70101001"}}"#),
            ] {
                assert_eq!(
                    GlobalId::decode(&forged(&json)),
                    None,
                    "{}",
                    &json[..80.min(json.len())]
                );
            }
        }
        let good = forged(r#"{"t":"inventoryItem","c":"4900301","s":"4900301-101"}"#);
        assert!(GlobalId::decode(&good).is_some());
    }
}
