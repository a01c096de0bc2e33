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
//! [`FreeText`] is the rule for text written by people (change details, justifications): any
//! length the caller allows, but no control characters other than tab and newline.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

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

            /// The identifier's text, owned.
            pub fn into_string(self) -> String {
                self.0
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

/// A text a person wrote (change details, a justification, a message): **no control characters
/// other than tab and newline** (a newline written the Windows way, CR LF, is a newline too), and
/// none of the non-characters U+FFFE and U+FFFF. Its length is the caller's business rule.
///
/// Such text is sent to backends inside JSON and XML; the characters refused here are the ones
/// XML 1.0 cannot carry at all (U+0000–U+0008, U+000B, U+000C, U+000E–U+001F, U+FFFE, U+FFFF) and
/// the ones no person types (DEL, the C1 controls, a lone CR).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct FreeText(String);

/// A free text with a character no person types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error(
    "text may not contain control characters other than tab and newline: it contains U+{code:04X} at position {at}"
)]
pub struct InvalidText {
    /// The character's code point.
    pub code: u32,
    /// Its position, counted in characters from 1.
    pub at: usize,
}

impl FreeText {
    /// Checks `text` without taking it.
    pub fn check(text: &str) -> Result<(), InvalidText> {
        let mut chars = text.chars().enumerate().peekable();
        while let Some((index, c)) = chars.next() {
            let crlf = c == '\r' && chars.peek().is_some_and(|(_, next)| *next == '\n');
            let refused = (c.is_control() && !matches!(c, '\t' | '\n') && !crlf)
                || matches!(c, '\u{FFFE}' | '\u{FFFF}');
            if refused {
                return Err(InvalidText {
                    code: u32::from(c),
                    at: index + 1,
                });
            }
        }
        Ok(())
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for FreeText {
    type Error = InvalidText;

    fn try_from(text: String) -> Result<Self, Self::Error> {
        Self::check(&text)?;
        Ok(Self(text))
    }
}

impl FromStr for FreeText {
    type Err = InvalidText;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::check(text)?;
        Ok(Self(text.to_owned()))
    }
}

impl From<FreeText> for String {
    fn from(text: FreeText) -> String {
        text.0
    }
}

impl fmt::Display for FreeText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The longest prefix of a client-supplied value a log line shows.
pub const LOGGED_CHARS: usize = 64;

/// A client-supplied value as a log line may show it: its first [`LOGGED_CHARS`] characters,
/// escaped (so a newline cannot forge a log line), and its full length when it was cut.
///
/// `tracing::warn!(serial = %clip(&serial), ...)`; a 66,000-character value logs as 64 characters
/// and `… (66000 chars)`.
pub fn clip(value: &str) -> Clipped<'_> {
    Clipped(value)
}

/// See [`clip`].
#[derive(Debug, Clone, Copy)]
pub struct Clipped<'a>(&'a str);

impl fmt::Display for Clipped<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for c in self.0.chars().take(LOGGED_CHARS) {
            write!(f, "{}", c.escape_debug())?;
        }
        if self.0.chars().nth(LOGGED_CHARS).is_some() {
            write!(f, "… ({} chars)", self.0.chars().count())?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every identifier in the fixtures and the demo data, by type.
    #[test]
    fn the_real_formats_are_accepted() {
        for n in ["244002010017", "110001010001", "210001010001", "12345678"] {
            assert!(OrderNumber::check(n).is_ok(), "{n}");
        }
        for c in ["1000101", "4400201", "4900301", "8100501", "4400301"] {
            assert!(CustomerNumber::check(c).is_ok(), "{c}");
        }
        for s in ["70101001", "0301-102", "4900301-101", "NO-SUCH-SERIAL"] {
            assert!(SerialNumber::check(s).is_ok(), "{s}");
        }
        for t in [
            "1Z4829100382716354",
            "482910038271",
            "4829100382",
            "GE 123456789 WW/01",
            "VDS-12345678",
        ] {
            assert!(TrackingNumber::check(t).is_ok(), "{t}");
        }
    }

    #[test]
    fn every_identifier_refuses_empty_long_control_comma_and_slash() {
        let long = "1".repeat(66_000);
        type Check = fn(&str) -> Result<(), InvalidIdentifier>;
        let checks: [(&str, Check); 3] = [
            ("order", OrderNumber::check),
            ("customer", CustomerNumber::check),
            ("serial", SerialNumber::check),
        ];
        for (kind, check) in checks {
            for bad in [
                "",
                long.as_str(),
                "1000\u{0}101",
                "1000\u{1}101",
                "1000101,1000102",
                "1000/101",
                "1000 101",
                "1000101\u{7f}",
                "10001é1",
            ] {
                assert!(check(bad).is_err(), "{kind}: {bad:?}");
            }
        }
        for bad in ["", &long[..36], "GE 1\u{0}", "1Z,2", " 1Z", "1Z/"] {
            assert!(TrackingNumber::check(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn the_message_says_the_rule_and_the_problem_but_not_the_value() {
        let long = "9".repeat(66_000);
        let error = OrderNumber::check(&long).expect_err("too long");
        assert_eq!(
            error.to_string(),
            "an order number is 8 to 16 digits: it has 66000 characters"
        );
        let comma = CustomerNumber::check("1000,01").expect_err("comma");
        assert_eq!(
            comma.to_string(),
            "a customer number is 7 digits: it contains `,` at position 5"
        );
        let control = SerialNumber::check("7010\u{1}001").expect_err("control");
        assert!(
            control.to_string().contains("U+0001 at position 5"),
            "{control}"
        );
        assert!(
            SerialNumber::check("-7010100")
                .expect_err("edge")
                .to_string()
                .contains("begin and end")
        );
    }

    #[test]
    fn identifiers_serialise_as_strings_and_refuse_invalid_ones_when_read() {
        let number: OrderNumber = "244002010017".parse().expect("valid");
        assert_eq!(
            serde_json::to_string(&number).expect("serialises"),
            "\"244002010017\""
        );
        let back: OrderNumber = serde_json::from_str("\"244002010017\"").expect("reads");
        assert_eq!(back, number);
        assert!(serde_json::from_str::<OrderNumber>("\"2440,02010017\"").is_err());
        assert_eq!(number.as_str(), "244002010017");
        assert_eq!(number.to_string(), "244002010017");
    }

    #[test]
    fn free_text_refuses_control_characters_but_tab_and_newlines() {
        for ok in [
            "moved to Dallas",
            "line 1\nline 2\ttab",
            "Windows\r\nnewline",
            "nach Köln",
        ] {
            assert!(FreeText::check(ok).is_ok(), "{ok:?}");
        }
        for (bad, code, at) in [
            ("a\u{0}b", 0, 2),
            ("\u{1}", 1, 1),
            ("lone\rCR", 0x0D, 5),
            ("bell\u{7}", 7, 5),
            ("del\u{7f}", 0x7F, 4),
            ("c1\u{85}", 0x85, 3),
            ("nonchar\u{FFFE}", 0xFFFE, 8),
        ] {
            assert_eq!(
                FreeText::check(bad),
                Err(InvalidText { code, at }),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn a_clipped_value_keeps_64_escaped_characters_and_its_length() {
        let long = "x".repeat(66_000);
        let shown = clip(&long).to_string();
        assert_eq!(shown, format!("{}… (66000 chars)", "x".repeat(64)));
        assert_eq!(clip("a\nb").to_string(), "a\\nb");
        assert_eq!(clip("short").to_string(), "short");
    }
}
