//! Numbers of one fixed form — a prefix and 8 digits — that people read out and quote: an
//! inquiry's tracking number (`INQ-10000001`) and a contract's number (`CTR-20260001`). One
//! definition for both, so their checks and API cannot drift apart.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::{InvalidIdentifier, Problem, Rule, serial_character};

/// Defines a number of the form `$prefix` and 8 ASCII digits.
macro_rules! prefixed_number {
    ($(#[$doc:meta])* $name:ident, $prefix:literal, $kind:literal, $rule:literal) => {
$(#[$doc])*
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct $name(String);

impl $name {
    /// What every number starts with.
    pub const PREFIX: &'static str = $prefix;

    /// How many digits follow the prefix.
    pub const DIGITS: usize = 8;

    const RULE: Rule = Rule {
        kind: $kind,
        rule: $rule,
        min: 12,
        max: 12,
        allowed: serial_character,
        alphanumeric_edges: true,
    };

    /// Checks `text` without taking it: the generic problems first (length, control and
    /// foreign characters), then the first character out of place after the prefix.
    pub fn check(text: &str) -> Result<(), InvalidIdentifier> {
        Self::RULE.check(text)?;
        let misplaced = text.chars().enumerate().find(|(at, c)| match *at {
            0..=3 => Self::PREFIX.chars().nth(*at) != Some(*c),
            _ => !c.is_ascii_digit(),
        });
        match misplaced {
            Some((index, character)) => Err(InvalidIdentifier {
                kind: Self::RULE.kind,
                rule: Self::RULE.rule,
                problem: Problem::NotAllowed {
                    character,
                    at: index + 1,
                },
            }),
            None => Ok(()),
        }
    }

    /// The number with sequence `number` (the prefix and `00000042` for 42); `None` past 8
    /// digits.
    pub fn from_sequence(number: u64) -> Option<Self> {
        (number < 100_000_000).then(|| Self(format!("{}{number:08}", Self::PREFIX)))
    }

    /// The rule, in words, for messages and documentation.
    pub fn rule() -> &'static str {
        Self::RULE.rule
    }

    /// The number's text.
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

impl FromStr for $name {
    type Err = InvalidIdentifier;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::check(text)?;
        Ok(Self(text.to_owned()))
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

prefixed_number!(
    /// An inquiry's tracking number at the support system: **`INQ-` and 8 ASCII digits**
    /// (`INQ-10000001`, 12 characters).
    ///
    /// The customer gets it in the acknowledgment e-mail and quotes it on the telephone, so it
    /// has one fixed form: the sandbox numbers its demo inquiries from `INQ-10000001` and every
    /// new one after them (`fixtures/support/*.json`).
    InquiryNumber,
    "INQ-",
    "an inquiry number",
    "INQ- and 8 digits"
);

prefixed_number!(
    /// A contract's number at the contracts system: **`CTR-` and 8 ASCII digits**
    /// (`CTR-20260001`, 12 characters), printed on every page of the contract.
    ContractNumber,
    "CTR-",
    "a contract number",
    "CTR- and 8 digits"
);
