//! [`EmailAddress`]: where the outgoing mail service may send a message.
//!
//! Not written with the `identifier!` macro of its siblings: their rule is a length and a set of
//! characters, and an address also has a shape (one `@`, a domain of dot-separated labels), so it
//! has its own small check and its own error. It keeps the siblings' promises: the error never
//! repeats the value, and no valid address can carry a comma, a space, a quote or an angle
//! bracket — the characters that would add a second recipient to an address list or end a header.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// The longest address: 254 characters, the most an SMTP `RCPT TO` path can carry (RFC 5321's
/// 256 octets less its angle brackets).
pub const MAX_EMAIL_ADDRESS: usize = 254;

/// The longest local part (before the `@`), RFC 5321.
const MAX_LOCAL_PART: usize = 64;

/// The longest domain label, RFC 1035.
const MAX_LABEL: usize = 63;

/// What is wrong with a text that was meant to be an e-mail address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddressProblem {
    /// The text is empty.
    Empty,
    /// More than [`MAX_EMAIL_ADDRESS`] characters.
    TooLong {
        /// How many characters it has.
        chars: usize,
    },
    /// A control character.
    ControlCharacter {
        /// The character's code point.
        code: u32,
        /// Its position, counted in characters from 1.
        at: usize,
    },
    /// A character no address admits here (a space, a comma, `<`, `"`, a letter outside ASCII...).
    NotAllowed {
        /// The character.
        character: char,
        /// Its position, counted in characters from 1.
        at: usize,
    },
    /// Not exactly one `@`.
    AtSigns {
        /// How many it has.
        count: usize,
    },
    /// The local part is empty, longer than 64 characters, or has a dot first, last or doubled.
    LocalPart,
    /// The domain has no dot, or a label that is empty, longer than 63 characters, begins or
    /// ends with a hyphen, or holds something other than letters, digits and hyphens; or its last
    /// label has no letter (an IP address is not admitted).
    Domain,
}

impl fmt::Display for AddressProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Empty => f.write_str("it is empty"),
            Self::TooLong { chars } => write!(f, "it has {chars} characters"),
            Self::ControlCharacter { code, at } => write!(
                f,
                "it contains the control character U+{code:04X} at position {at}"
            ),
            Self::NotAllowed { character, at } if character.is_ascii_graphic() => {
                write!(f, "it contains `{character}` at position {at}")
            }
            Self::NotAllowed { character, at } => write!(
                f,
                "it contains the character U+{:04X} at position {at}",
                u32::from(*character)
            ),
            Self::AtSigns { count } => write!(f, "it has {count} `@` signs, not one"),
            Self::LocalPart => f.write_str("its part before the `@` is not valid"),
            Self::Domain => f.write_str("its domain is not valid"),
        }
    }
}

/// A text that is not a valid e-mail address. The message states the rule and what is wrong, and
/// never repeats the value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("an e-mail address is {rule}: {problem}", rule = EmailAddress::RULE)]
pub struct InvalidEmailAddress {
    /// What is wrong.
    pub problem: AddressProblem,
}

/// An e-mail address: **`local@domain`, at most 254 ASCII characters**.
///
/// - the local part: 1 to 64 letters, digits, dots and ``!#$%&'*+-/=?^_`{|}~`` (RFC 5322's
///   `dot-atom`), with no dot first, last or twice in a row;
/// - the domain: at least two labels joined by dots, each 1 to 63 letters, digits and hyphens,
///   not beginning or ending with a hyphen, the last one holding a letter.
///
/// Quoted local parts, comments, IP-address domains and addresses outside ASCII (an
/// internationalised domain is written in its `xn--` form) are refused: no customer's business
/// address needs them, and each is a way to hide a second recipient or a header in one address.
/// Letters keep their case; the mail service decides whether `A@x.com` and `a@x.com` are one
/// mailbox.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct EmailAddress(String);

impl EmailAddress {
    /// The rule, in words, for messages and documentation.
    pub const RULE: &'static str =
        "local@domain, at most 254 ASCII characters, with a domain of dot-separated labels";

    /// Checks `text` against the rule without taking it.
    pub fn check(text: &str) -> Result<(), InvalidEmailAddress> {
        let refuse = |problem| Err(InvalidEmailAddress { problem });
        if text.is_empty() {
            return refuse(AddressProblem::Empty);
        }
        // Counting stops just past the maximum: a 66,000-character value costs no more than that.
        if text.chars().take(MAX_EMAIL_ADDRESS + 1).count() > MAX_EMAIL_ADDRESS {
            let chars = text.chars().count();
            return refuse(AddressProblem::TooLong { chars });
        }
        for (index, character) in text.chars().enumerate() {
            let at = index + 1;
            if character.is_control() {
                let code = u32::from(character);
                return refuse(AddressProblem::ControlCharacter { code, at });
            }
            if character != '@' && !atext(character) && character != '.' {
                return refuse(AddressProblem::NotAllowed { character, at });
            }
        }
        let Some((local, domain)) = text.split_once('@').filter(|(_, d)| !d.contains('@')) else {
            let count = text.matches('@').count();
            return refuse(AddressProblem::AtSigns { count });
        };
        let local_ok = !local.is_empty()
            && local.len() <= MAX_LOCAL_PART
            && !local.starts_with('.')
            && !local.ends_with('.')
            && !local.contains("..");
        if !local_ok {
            return refuse(AddressProblem::LocalPart);
        }
        let labels: Vec<&str> = domain.split('.').collect();
        let domain_ok = labels.len() >= 2
            && labels.iter().all(|label| label_ok(label))
            && labels
                .last()
                .is_some_and(|last| last.chars().any(|c| c.is_ascii_alphabetic()));
        if !domain_ok {
            return refuse(AddressProblem::Domain);
        }
        Ok(())
    }

    /// The address's text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The part after the `@`.
    pub fn domain(&self) -> &str {
        self.0.split_once('@').map_or("", |(_, domain)| domain)
    }
}

/// A character of RFC 5322's `atext`: what a local part is made of, besides its dots.
fn atext(c: char) -> bool {
    c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~".contains(c)
}

/// A domain label: 1 to 63 letters, digits and hyphens, not beginning or ending with a hyphen.
fn label_ok(label: &str) -> bool {
    (1..=MAX_LABEL).contains(&label.len())
        && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        && !label.starts_with('-')
        && !label.ends_with('-')
}

impl TryFrom<String> for EmailAddress {
    type Error = InvalidEmailAddress;

    fn try_from(text: String) -> Result<Self, Self::Error> {
        Self::check(&text)?;
        Ok(Self(text))
    }
}

impl TryFrom<&str> for EmailAddress {
    type Error = InvalidEmailAddress;

    fn try_from(text: &str) -> Result<Self, Self::Error> {
        Self::check(text)?;
        Ok(Self(text.to_owned()))
    }
}

impl FromStr for EmailAddress {
    type Err = InvalidEmailAddress;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::try_from(text)
    }
}

impl From<EmailAddress> for String {
    fn from(address: EmailAddress) -> String {
        address.0
    }
}

impl AsRef<str> for EmailAddress {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn business_addresses_are_accepted() {
        for ok in [
            "avery@globex.example",
            "lucia.garcia@iberia-industrial.es",
            "o'brien+orders@mail.northwind.co.uk",
            "x@a.io",
            "ops_team@xn--mnchen-3ya.de",
            &format!("{}@{}.com", "l".repeat(64), "d".repeat(63)),
        ] {
            assert!(EmailAddress::check(ok).is_ok(), "{ok}");
        }
    }

    #[test]
    fn lists_headers_and_odd_shapes_are_refused_for_what_they_are() {
        use AddressProblem::*;
        let long = format!("a@{}.com", "b".repeat(300));
        for (bad, problem) in [
            ("", Empty),
            (long.as_str(), TooLong { chars: 306 }),
            (
                "a@b.com\r\nBcc: x@y.com",
                ControlCharacter { code: 13, at: 8 },
            ),
            (
                "a@b.com,c@d.com",
                NotAllowed {
                    character: ',',
                    at: 8,
                },
            ),
            (
                "Avery <a@b.com>",
                NotAllowed {
                    character: ' ',
                    at: 6,
                },
            ),
            (
                "<a@b.com>",
                NotAllowed {
                    character: '<',
                    at: 1,
                },
            ),
            (
                "\"a b\"@c.com",
                NotAllowed {
                    character: '"',
                    at: 1,
                },
            ),
            (
                "jörg@b.de",
                NotAllowed {
                    character: 'ö',
                    at: 2,
                },
            ),
            (
                "a@[127.0.0.1]",
                NotAllowed {
                    character: '[',
                    at: 3,
                },
            ),
            ("avery.globex.example", AtSigns { count: 0 }),
            ("a@b@c.com", AtSigns { count: 2 }),
            ("@b.com", LocalPart),
            (".a@b.com", LocalPart),
            ("a..b@c.com", LocalPart),
            (&format!("{}@b.com", "l".repeat(65)), LocalPart),
            ("a@localhost", Domain),
            ("a@b..com", Domain),
            ("a@-b.com", Domain),
            ("a@b.com.", Domain),
            ("a@b_c.com", Domain),
            ("a@127.0.0.1", Domain),
            (&format!("a@{}.com", "d".repeat(64)), Domain),
        ] {
            assert_eq!(
                EmailAddress::check(bad),
                Err(InvalidEmailAddress { problem }),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn the_message_states_the_rule_but_not_the_address() {
        let error = EmailAddress::check("secret,other@x.com").expect_err("a comma");
        let message = error.to_string();
        assert!(
            message.starts_with("an e-mail address is local@domain"),
            "{message}"
        );
        assert!(message.contains("`,` at position 7"), "{message}");
        assert!(!message.contains("secret"), "{message}");
    }

    #[test]
    fn an_address_reads_and_writes_as_a_string_and_refuses_an_invalid_one() {
        let address: EmailAddress = "avery@globex.example".parse().expect("valid");
        assert_eq!(address.domain(), "globex.example");
        let json = serde_json::to_string(&address).expect("serialises");
        assert_eq!(json, "\"avery@globex.example\"");
        assert_eq!(
            serde_json::from_str::<EmailAddress>(&json).expect("reads"),
            address
        );
        assert!(serde_json::from_str::<EmailAddress>("\"a@b.com,c@d.com\"").is_err());
    }
}
