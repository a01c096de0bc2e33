//! Text that comes from people and goes to backends or logs: [`FreeText`], the one rule for what a
//! person may write (change details, justifications), and [`clip`], how a client-supplied value
//! may appear in a log line.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

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
