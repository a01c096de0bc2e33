//! Opaque global IDs for `Node`: they carry the type, region, customer number and backend ID, so
//! a lookup goes straight to the right regional instance — and the caller's authorisation for
//! that customer number is checked again on every lookup, so an ID from another company, or one
//! edited by hand, reveals nothing.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};
use supportgraph_adapters::model::{Region, Tool};

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
    /// An installed item.
    InventoryItem {
        /// The customer number it is installed under.
        #[serde(rename = "c")]
        customer_number: String,
        /// Its serial number.
        #[serde(rename = "s")]
        serial_number: String,
    },
}

const PREFIX: &str = "sg1:";

impl GlobalId {
    /// The opaque text of the ID.
    pub fn encode(&self) -> String {
        let json = serde_json::to_string(self).expect("a GlobalId always serialises");
        URL_SAFE_NO_PAD.encode(format!("{PREFIX}{json}"))
    }

    /// The ID behind an opaque text, or `None` for anything we did not issue.
    pub fn decode(text: &str) -> Option<Self> {
        let bytes = URL_SAFE_NO_PAD.decode(text.as_bytes()).ok()?;
        let text = String::from_utf8(bytes).ok()?;
        serde_json::from_str(text.strip_prefix(PREFIX)?).ok()
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
            order_number: "2|4400201/0001".into(),
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
}
