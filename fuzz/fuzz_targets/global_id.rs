//! The global-ID decoder (`GlobalId::decode`, behind `node(id:)` and every mutation taking an
//! ID): arbitrary text, arbitrary bytes behind our prefix, and IDs built from arbitrary fields
//! (mostly plausible identifiers, sometimes any text).
//!
//! Input: structured with `arbitrary` (see [`Input`]); any bytes are an input.
//!
//! Checked: decoding never panics; an ID that decodes encodes to text that decodes to the same
//! ID; an encoded ID is URL-safe base64; an ID built from fields decodes to itself exactly when
//! every field passes its identifier type's check, and to nothing otherwise.

#![no_main]

use arbitrary::Arbitrary;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use libfuzzer_sys::fuzz_target;
use supportgraph::graphql::common::global_id::GlobalId;
use supportgraph_adapters::model::{
    ContractNumber, CustomerNumber, DocumentNumber, InquiryNumber, OrderNumber, Region,
    SerialNumber, Tool,
};

/// One field of an ID: a plausible identifier of its kind made from a number, or any text.
#[derive(Debug, Arbitrary)]
enum Field {
    Plausible(u64),
    Text(String),
}

/// What kind of identifier a field holds.
#[derive(Debug, Clone, Copy)]
enum Kind {
    Customer,
    Order,
    Document,
    Serial,
    Inquiry,
    Contract,
}

impl Field {
    fn render(&self, kind: Kind) -> String {
        match (self, kind) {
            (Self::Text(text), _) => text.clone(),
            (Self::Plausible(n), Kind::Customer) => format!("{:07}", n % 10_000_000),
            (Self::Plausible(n), Kind::Order) => format!("{:012}", n % 1_000_000_000_000),
            (Self::Plausible(n), Kind::Document) => {
                let prefix = if n % 2 == 0 { "IN" } else { "CN" };
                format!("{prefix}{:012}", (n / 2) % 1_000_000_000_000)
            }
            (Self::Plausible(n), Kind::Serial) => match n % 3 {
                0 => format!("{:08}", (n / 3) % 100_000_000),
                1 => format!("{:07}-{:03}", (n / 3) % 10_000_000, n % 1000),
                _ => format!("{:04}-{:03}", (n / 3) % 10_000, n % 1000),
            },
            (Self::Plausible(n), Kind::Inquiry) => format!("INQ-{:08}", n % 100_000_000),
            (Self::Plausible(n), Kind::Contract) => format!("CTR-{:08}", n % 100_000_000),
        }
    }
}

fn valid(kind: Kind, text: &str) -> bool {
    match kind {
        Kind::Customer => CustomerNumber::check(text).is_ok(),
        Kind::Order => OrderNumber::check(text).is_ok(),
        Kind::Document => DocumentNumber::check(text).is_ok(),
        Kind::Serial => SerialNumber::check(text).is_ok(),
        Kind::Inquiry => InquiryNumber::check(text).is_ok(),
        Kind::Contract => ContractNumber::check(text).is_ok(),
    }
}

/// An ID built from fields: which variant, its region and tool (by index), its fields.
#[derive(Debug, Arbitrary)]
struct Parts {
    variant: u8,
    region: u8,
    tool: u8,
    customer: Field,
    number: Field,
    user: String,
}

impl Parts {
    /// The ID, and whether every field passes its check.
    fn build(&self) -> (GlobalId, bool) {
        let region = Region::ALL[self.region as usize % Region::ALL.len()];
        let tool = Tool::ALL[self.tool as usize % Tool::ALL.len()];
        let customer_number = self.customer.render(Kind::Customer);
        let customer_ok = valid(Kind::Customer, &customer_number);
        let number = |kind: Kind| {
            let text = self.number.render(kind);
            let ok = valid(kind, &text);
            (text, ok)
        };
        match self.variant % 10 {
            0 => {
                let (order_number, ok) = number(Kind::Order);
                let id = GlobalId::Order {
                    region,
                    customer_number,
                    order_number,
                };
                (id, customer_ok && ok)
            }
            1 => (
                GlobalId::User {
                    user_id: self.user.clone(),
                },
                true,
            ),
            2 => (GlobalId::Customer { customer_number }, customer_ok),
            3 => {
                let id = GlobalId::ToolAccess {
                    user_id: self.user.clone(),
                    tool,
                    customer_number,
                };
                (id, customer_ok)
            }
            4 => {
                let (invoice_number, ok) = number(Kind::Document);
                let id = GlobalId::Invoice {
                    region,
                    customer_number,
                    invoice_number,
                };
                (id, customer_ok && ok)
            }
            5 => {
                let (credit_note_number, ok) = number(Kind::Document);
                let id = GlobalId::CreditNote {
                    region,
                    customer_number,
                    credit_note_number,
                };
                (id, customer_ok && ok)
            }
            6 => {
                let (serial_number, ok) = number(Kind::Serial);
                let id = GlobalId::InventoryItem {
                    customer_number,
                    serial_number,
                };
                (id, customer_ok && ok)
            }
            7 => {
                let (contract_number, ok) = number(Kind::Contract);
                let id = GlobalId::Contract {
                    customer_number,
                    contract_number,
                };
                (id, customer_ok && ok)
            }
            _ => {
                let (tracking_number, ok) = number(Kind::Inquiry);
                let id = GlobalId::Inquiry {
                    customer_number,
                    tracking_number,
                };
                (id, customer_ok && ok)
            }
        }
    }
}

/// One input.
#[derive(Debug, Arbitrary)]
enum Input {
    /// Any text, as a client may send it.
    Text(String),
    /// Any bytes behind our prefix, encoded as we encode: they reach the JSON reader.
    Prefixed(Vec<u8>),
    /// An ID built from fields.
    Built(Parts),
}

/// An ID that decodes from some text must survive its own encoding.
fn check_decoded(text: &str) {
    if let Some(id) = GlobalId::decode(text) {
        let again = id.encode();
        assert_eq!(
            GlobalId::decode(&again).as_ref(),
            Some(&id),
            "{text:?} decoded to {id:?}, whose encoding {again:?} does not decode to it"
        );
    }
}

fuzz_target!(|input: Input| {
    match input {
        Input::Text(text) => check_decoded(&text),
        Input::Prefixed(bytes) => {
            let mut raw = b"sg1:".to_vec();
            raw.extend_from_slice(&bytes);
            check_decoded(&URL_SAFE_NO_PAD.encode(raw));
        }
        Input::Built(parts) => {
            let (id, fields_valid) = parts.build();
            let text = id.encode();
            assert!(
                text.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'),
                "{id:?} encodes to {text:?}, not URL-safe base64"
            );
            let decoded = GlobalId::decode(&text);
            if fields_valid {
                assert_eq!(decoded.as_ref(), Some(&id), "{id:?} does not round-trip");
            } else {
                assert_eq!(
                    decoded, None,
                    "{id:?} has a field failing its type, yet decodes"
                );
            }
        }
    }
});
