//! The identifiers a client may send, each a type that can only hold a valid value.
//!
//! Every identifier that reaches a backend — in a URL path, a query string, a batch of `ids=a,b`,
//! an XML attribute — passes through one of these types first, at the gateway's edge (arguments,
//! filter values, the fields of a global ID) and again in the adapters before a request is built.
//! A value that fails its type never touches a cache, a circuit breaker or a backend.
//!
//! Each rule (length bounds and character set) is derived from the real formats: the demo data in
//! [`crate::sandbox`] and the hand-written contract fixtures in `adapters/fixtures/`. None of them
//! admits a comma (the batch separator), a control character or anything outside ASCII, and only
//! tracking numbers (which never go into a backend URL) admit a space or a slash, so no identifier
//! can smuggle a second value into a batch or climb out of a path segment.
//!
//! E-mail addresses ([`EmailAddress`]) have a shape as well as a character set, so they have
//! their own check, in `ids/email.rs`: no comma, space, control character or anything outside
//! ASCII either, but the slash and other signs RFC 5322 admits (an address only ever travels in
//! a JSON body, never in a URL).
//!
//! Text written by people (change details, justifications) is not an identifier: its rule is
//! [`FreeText`](super::FreeText), in the `text` module with [`clip`] (re-exported here, where
//! callers have always found it).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

pub use super::text::{Clipped, LOGGED_CHARS, clip};

mod email;
pub use email::{AddressProblem, EmailAddress, InvalidEmailAddress, MAX_EMAIL_ADDRESS};

/// What is wrong with a text that was meant to be an identifier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    /// The text is empty.
    Empty,
    /// Fewer characters than the type's minimum.
    TooShort {
        /// How many characters it has.
        chars: usize,
    },
    /// More characters than the type's maximum.
    TooLong {
        /// How many characters it has.
        chars: usize,
    },
    /// A control character (U+0000–U+001F, U+007F–U+009F).
    ControlCharacter {
        /// The character's code point.
        code: u32,
        /// Its position, counted in characters from 1.
        at: usize,
    },
    /// A printable character the type does not admit.
    NotAllowed {
        /// The character.
        character: char,
        /// Its position, counted in characters from 1.
        at: usize,
    },
    /// The first or last character is not a letter or digit.
    BadEdge,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Empty => f.write_str("it is empty"),
            Self::TooShort { chars } => write!(f, "it has only {chars} characters"),
            Self::TooLong { chars } => write!(f, "it has {chars} characters"),
            Self::ControlCharacter { code, at } => {
                write!(
                    f,
                    "it contains the control character U+{code:04X} at position {at}"
                )
            }
            Self::NotAllowed { character, at } if character.is_ascii_graphic() => {
                write!(f, "it contains `{character}` at position {at}")
            }
            Self::NotAllowed { character, at } => write!(
                f,
                "it contains the character U+{:04X} at position {at}",
                u32::from(*character)
            ),
            Self::BadEdge => f.write_str("it must begin and end with a letter or digit"),
        }
    }
}

/// A text that is not a valid identifier of its kind. The message says what the kind's rule is and
/// what is wrong, and never repeats the value (it may be huge, or contain anything).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("{kind} is {rule}: {problem}")]
pub struct InvalidIdentifier {
    /// What it was meant to be, e.g. `an order number`.
    pub kind: &'static str,
    /// The kind's rule in words, e.g. `8 to 16 digits`.
    pub rule: &'static str,
    /// What is wrong.
    pub problem: Problem,
}

/// The rule one identifier type enforces.
struct Rule {
    kind: &'static str,
    rule: &'static str,
    min: usize,
    max: usize,
    allowed: fn(char) -> bool,
    /// Whether the first and last characters must be letters or digits (for types that admit
    /// separators, so ` 123` or `123-` are refused).
    alphanumeric_edges: bool,
}

impl Rule {
    fn check(&self, text: &str) -> Result<(), InvalidIdentifier> {
        let refuse = |problem| InvalidIdentifier {
            kind: self.kind,
            rule: self.rule,
            problem,
        };
        if text.is_empty() {
            return Err(refuse(Problem::Empty));
        }
        // Counting stops just past the maximum: a 66,000-character value costs no more than that.
        let chars = text.chars().take(self.max + 1).count();
        if chars > self.max {
            return Err(refuse(Problem::TooLong {
                chars: text.chars().count(),
            }));
        }
        for (index, character) in text.chars().enumerate() {
            let at = index + 1;
            if character.is_control() {
                return Err(refuse(Problem::ControlCharacter {
                    code: u32::from(character),
                    at,
                }));
            }
            if !(self.allowed)(character) {
                return Err(refuse(Problem::NotAllowed { character, at }));
            }
        }
        if chars < self.min {
            return Err(refuse(Problem::TooShort { chars }));
        }
        let edge_ok = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
        if self.alphanumeric_edges
            && !(edge_ok(text.chars().next()) && edge_ok(text.chars().last()))
        {
            return Err(refuse(Problem::BadEdge));
        }
        Ok(())
    }
}

fn digit(c: char) -> bool {
    c.is_ascii_digit()
}

fn serial_character(c: char) -> bool {
    c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-'
}

fn tracking_character(c: char) -> bool {
    c.is_ascii_uppercase() || c.is_ascii_digit() || matches!(c, '-' | '/' | ' ')
}

/// Defines an identifier newtype over `String` that can only hold a value its [`Rule`] accepts.
macro_rules! identifier {
    ($(#[$doc:meta])* $name:ident, $rule:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            const RULE: Rule = $rule;

            /// Checks `text` against the rule without taking it.
            pub fn check(text: &str) -> Result<(), InvalidIdentifier> {
                Self::RULE.check(text)
            }

            /// The rule, in words, for messages and documentation.
            pub fn rule() -> &'static str {
                Self::RULE.rule
            }

            /// The identifier's text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl TryFrom<String> for $name {
            type Error = InvalidIdentifier;

            fn try_from(text: String) -> Result<Self, Self::Error> {
                Self::check(&text)?;
                Ok(Self(text))
            }
        }

        impl TryFrom<&str> for $name {
            type Error = InvalidIdentifier;

            fn try_from(text: &str) -> Result<Self, Self::Error> {
                Self::check(text)?;
                Ok(Self(text.to_owned()))
            }
        }

        impl FromStr for $name {
            type Err = InvalidIdentifier;

            fn from_str(text: &str) -> Result<Self, Self::Err> {
                Self::try_from(text)
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.0
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

identifier!(
    /// The vendor's order number: **8 to 16 ASCII digits**.
    ///
    /// Every order number in the contract fixtures (`fixtures/order_status/*.json`, e.g.
    /// `244002010017`) and in the sandbox's demo orders is 12 digits: the region's digit, the
    /// 7-digit customer number and a 4-digit sequence. The rule admits 8 (a region digit and a
    /// customer number, the shortest a number built that way can be) to 16 (room for a longer
    /// sequence), so a mistyped number of the right kind is simply not found, while anything that
    /// cannot be an order number — letters, separators, a comma that would add a second number
    /// to a batch — is refused.
    OrderNumber,
    Rule {
        kind: "an order number",
        rule: "8 to 16 digits",
        min: 8,
        max: 16,
        allowed: digit,
        alphanumeric_edges: false,
    }
);

identifier!(
    /// The vendor's customer number: **exactly 7 ASCII digits**.
    ///
    /// Every customer number in the demo companies (`sandbox::demo`, e.g. `4400201`), the
    /// registration fixtures (`fixtures/registration/user.json`), the order-status and US
    /// inventory fixtures (`custNo`) and the Services Assistant's `customer` attribute is 7
    /// digits, and order numbers embed it at that width.
    CustomerNumber,
    Rule {
        kind: "a customer number",
        rule: "7 digits",
        min: 7,
        max: 7,
        allowed: digit,
        alphanumeric_edges: false,
    }
);

identifier!(
    /// A machine's serial number or a software licence number: **4 to 20 characters of `A`–`Z`,
    /// `0`–`9` and `-`, beginning and ending with a letter or digit**.
    ///
    /// US Inventory OnLine writes 8 digits (`70101001` in `fixtures/us_inventory/inventory.json`
    /// and the demo data); the Services Assistant writes digit groups joined by a dash (`0301-102`
    /// in `fixtures/eu_services/installed_base.xml`, `4900301-101` in the demo data). Upper-case
    /// letters are admitted for machine types that carry them; lower case is not, because both
    /// systems match serial numbers exactly and write them in upper case.
    SerialNumber,
    Rule {
        kind: "a serial number",
        rule: "4 to 20 upper-case letters, digits or dashes, beginning and ending with a letter or digit",
        min: 4,
        max: 20,
        allowed: serial_character,
        alphanumeric_edges: true,
    }
);

identifier!(
    /// A carrier's tracking (consignment) number: **1 to 35 characters of `A`–`Z`, `0`–`9`,
    /// space, `-` and `/`, beginning and ending with a letter or digit**.
    ///
    /// The carriers in the demo data write `1Z` and 16 digits (UPS, `1Z4829100382716354` in
    /// `fixtures/order_status/batch.json`), 12 digits (FedEx), 10 digits (DHL), `VDS-` and 8
    /// digits (the vendor's own fleet), and TNT's references with spaces and a service suffix
    /// after a slash (`GE 123456789 WW/01` in `fixtures/order_status/list_orders.json`), which is
    /// why, alone among the identifiers, this one admits a space and a slash. 35 characters is
    /// the longest consignment reference carriers print (twice the longest known here). No query
    /// argument takes a tracking number today; a tracking number only ever goes into a carrier's
    /// tracking URL percent-encoded as one component.
    TrackingNumber,
    Rule {
        kind: "a tracking number",
        rule: "1 to 35 upper-case letters, digits, spaces, dashes or slashes, beginning and ending with a letter or digit",
        min: 1,
        max: 35,
        allowed: tracking_character,
        alphanumeric_edges: true,
    }
);

fn cursor_character(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '~' | '=')
}

identifier!(
    /// Where a paged listing continues, as the backend that issued it wrote it: **1 to 128
    /// characters of `A`–`Z`, `a`–`z`, `0`–`9`, `-`, `_`, `.`, `~` and `=`**.
    ///
    /// Opaque: only the instance that issued a cursor knows what it means (US Inventory OnLine
    /// answers a `nextPageToken`, the Services Assistant an offset), and only for the customer
    /// numbers it was issued for. The rule is the characters a query string carries unescaped
    /// (base64url with its padding included), so a cursor a client hands back can neither add a
    /// value to a query nor reach a backend at any length; an adapter refuses a cursor from its
    /// backend that breaks it, and one from a caller that its backend could not have issued.
    PageCursor,
    Rule {
        kind: "a page cursor",
        rule: "1 to 128 letters, digits, dashes, underscores, dots, tildes or equals signs",
        min: 1,
        max: 128,
        allowed: cursor_character,
        alphanumeric_edges: false,
    }
);

fn document_character(c: char) -> bool {
    c.is_ascii_uppercase() || c.is_ascii_digit()
}

identifier!(
    /// A billing document's number — an invoice (`IN…`), a credit note (`CN…`) or a payment
    /// (`PY…`): **10 to 20 characters of `A`–`Z` and `0`–`9`**.
    ///
    /// The demo billing systems number their documents with two letters for the kind, the
    /// region's digit, the 7-digit customer number and a 4-digit sequence (`IN210001010001`, 14
    /// characters); the rule leaves room for longer sequences and refuses anything that could
    /// carry a separator into a batch or a path.
    DocumentNumber,
    Rule {
        kind: "a billing document number",
        rule: "10 to 20 upper-case letters or digits",
        min: 10,
        max: 20,
        allowed: document_character,
        alphanumeric_edges: false,
    }
);

fn attachment_character(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '_')
}

identifier!(
    /// The support system's identifier of an uploaded attachment (and of a message in an
    /// inquiry's thread): **1 to 64 characters of `A`–`Z`, `a`–`z`, `0`–`9`, `-` and `_`,
    /// beginning and ending with a letter or digit**.
    ///
    /// The sandbox writes `ATT-` and 32 hexadecimal digits for an upload (unguessable: an upload
    /// is referenced by its ID alone) and `MSG-` and digits for a message
    /// (`fixtures/support/*.json`); the rule leaves a real system room for its own scheme while
    /// refusing anything that could add a value to a list or a segment to a path.
    AttachmentId,
    Rule {
        kind: "an attachment ID",
        rule: "1 to 64 letters, digits, dashes or underscores, beginning and ending with a letter or digit",
        min: 1,
        max: 64,
        allowed: attachment_character,
        alphanumeric_edges: true,
    }
);

mod numbered;
pub use numbered::{ContractNumber, InquiryNumber};

#[cfg(test)]
mod tests;
