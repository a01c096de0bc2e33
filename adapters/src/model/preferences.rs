//! A user's saved preferences — custom order reports today — as the registration backend keeps
//! them: named documents of one [`PreferenceKind`] whose body only the gateway reads.
//!
//! They live in the registration backend, not in a gateway, so every gateway instance sees the
//! same ones and a restart loses none. The limits both sides keep (documents per kind, name
//! length, body size) and the rules for the identifiers that go into a URL are defined here, once:
//! the adapter refuses a write that breaks them unsent, and the simulator refuses it too.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The most documents one user may keep of one kind; the backend refuses another
/// ([`PreferenceRefusal::TooMany`]).
pub const MAX_PREFERENCES_PER_KIND: usize = 50;

/// The longest name of a document, in characters.
pub const MAX_PREFERENCE_NAME: usize = 80;

/// The largest body of a document, in bytes, written as compact JSON (no white space between
/// tokens): 16 KiB.
pub const MAX_PREFERENCE_BODY_BYTES: usize = 16 * 1024;

/// The longest user ID the preference calls send, in bytes: the gateway's token verifier refuses a
/// longer `sub`.
pub const MAX_USER_ID_BYTES: usize = 256;

/// The body of a document: a JSON object, opaque to the backend.
pub type PreferenceBody = serde_json::Map<String, serde_json::Value>;

/// What a document is for. Each kind is its own namespace: limits and name uniqueness are per
/// user and kind.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum PreferenceKind {
    /// A saved order report: its columns, filter and sort (`order-report`).
    OrderReport,
}

impl PreferenceKind {
    /// Every kind.
    pub const ALL: [PreferenceKind; 1] = [PreferenceKind::OrderReport];

    /// The kebab-case name used on the wire (`?kind=order-report`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::OrderReport => "order-report",
        }
    }
}

impl fmt::Display for PreferenceKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The text is not a preference kind.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a preference kind (known: order-report)")]
pub struct UnknownPreferenceKind;

impl FromStr for PreferenceKind {
    type Err = UnknownPreferenceKind;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or(UnknownPreferenceKind)
    }
}

/// One stored document, as the backend answers it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PreferenceDoc {
    /// Its ID: a UUID the gateway chose when it created the document (see [`check_preference_id`]).
    pub id: String,
    /// What it is for.
    pub kind: PreferenceKind,
    /// The name the user gave it: unique among the user's documents of this kind, ignoring case.
    pub name: String,
    /// What the gateway stored, unread by the backend.
    pub body: PreferenceBody,
    /// Its version: 1 when created, one more at every change. A change names the version it
    /// replaces ([`PreferenceWrite::expected_version`]).
    pub version: u64,
    /// When it was last written.
    pub updated_at: DateTime<Utc>,
}

/// A document to create or replace.
///
/// The ID is the caller's: a create that is sent twice (a retry after a lost answer) names the
/// same ID, so it can never store two documents.
#[derive(Debug, Clone, PartialEq)]
pub struct PreferenceWrite {
    /// The document's ID, a UUID (see [`check_preference_id`]); a new one to create.
    pub id: String,
    /// What it is for.
    pub kind: PreferenceKind,
    /// Its name (see [`check_preference_name`]).
    pub name: String,
    /// Its body, at most [`MAX_PREFERENCE_BODY_BYTES`] as compact JSON.
    pub body: PreferenceBody,
    /// `None` to create the document; `Some(version)` to replace that version of it — refused
    /// with [`PreferenceRefusal::VersionConflict`] when it has changed since.
    pub expected_version: Option<u64>,
}

impl PreferenceWrite {
    /// Checks the ID, the name and the body's size against the rules of this module.
    pub fn check(&self) -> Result<(), InvalidPreference> {
        check_preference_id(&self.id)?;
        check_preference_name(&self.name)?;
        check_preference_body(&self.body)?;
        if self.expected_version == Some(0) {
            return Err(InvalidPreference::Version);
        }
        Ok(())
    }
}

/// Why the registration backend refused a preference call: a business rule, not a failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PreferenceRefusal {
    /// The document changed since the version the write names (or, for a create, a document with
    /// this ID and other contents exists).
    VersionConflict,
    /// Another of the user's documents of this kind has this name, ignoring case.
    NameTaken,
    /// The user already keeps [`MAX_PREFERENCES_PER_KIND`] documents of this kind.
    TooMany,
    /// No such document (of this kind): a replace or a delete of one that is gone.
    NotFound,
}

impl PreferenceRefusal {
    /// Every refusal.
    pub const ALL: [PreferenceRefusal; 4] = [
        Self::VersionConflict,
        Self::NameTaken,
        Self::TooMany,
        Self::NotFound,
    ];

    /// The backend's code for it, in `{"error": CODE}`.
    pub fn code(self) -> &'static str {
        match self {
            Self::VersionConflict => "VERSION_CONFLICT",
            Self::NameTaken => "NAME_TAKEN",
            Self::TooMany => "TOO_MANY",
            Self::NotFound => "NOT_FOUND",
        }
    }

    /// The refusal the backend's code names, if any.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.code() == code)
    }
}

/// A preference call that breaks the rules of this module: never sent. The message names the
/// rule and never repeats the value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum InvalidPreference {
    /// The user ID is not one the gateway's token verifier accepts.
    #[error(
        "a user ID is 1 to {MAX_USER_ID_BYTES} bytes without control characters, and not `.` or `..`"
    )]
    UserId,
    /// The document ID is not a UUID in its canonical form.
    #[error(
        "a preference ID is a UUID written as 36 lower-case hexadecimal digits and dashes (8-4-4-4-12)"
    )]
    Id,
    /// The name breaks [`check_preference_name`]'s rule.
    #[error(
        "a preference name is 1 to {MAX_PREFERENCE_NAME} characters without control characters, \
         beginning and ending with a character that is not white space: {0}"
    )]
    Name(NameProblem),
    /// The body is larger than [`MAX_PREFERENCE_BODY_BYTES`].
    #[error(
        "a preference body is at most {MAX_PREFERENCE_BODY_BYTES} bytes of compact JSON: it has more"
    )]
    BodyTooLarge,
    /// A version to replace of 0: versions start at 1.
    #[error("a version to replace is 1 or more")]
    Version,
}

/// What is wrong with a name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameProblem {
    /// It is empty.
    Empty,
    /// It has more than [`MAX_PREFERENCE_NAME`] characters.
    TooLong,
    /// It contains a control character (tab and newline included: a name is one line) or a
    /// non-character.
    ControlCharacter,
    /// It begins or ends with white space.
    Padded,
}

impl fmt::Display for NameProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Empty => "it is empty",
            Self::TooLong => "it is too long",
            Self::ControlCharacter => "it contains a control character",
            Self::Padded => "it begins or ends with white space",
        })
    }
}

/// Checks a user ID as the gateway's token verifier checks a `sub`: 1 to [`MAX_USER_ID_BYTES`]
/// bytes, no control characters, not `.` or `..`. It goes into the URL as one percent-encoded
/// path segment.
pub fn check_user_id(user_id: &str) -> Result<(), InvalidPreference> {
    let refused = user_id.is_empty()
        || user_id.len() > MAX_USER_ID_BYTES
        || user_id == "."
        || user_id == ".."
        || user_id.chars().any(char::is_control);
    if refused {
        return Err(InvalidPreference::UserId);
    }
    Ok(())
}

/// Checks a document ID: a UUID written the canonical way, **36 characters of lower-case
/// hexadecimal digits with dashes after the 8th, 12th, 16th and 20th digit**
/// (`0f8c5a3e-6d1b-4c2a-9e57-3b8d2f1a7c40`). Any UUID version is accepted.
///
/// IDs are chosen by the caller, so that a create sent twice stores one document; a UUID is
/// unique without asking anyone, and its one written form means one document has one ID (an
/// upper-case spelling of it would otherwise be a second). It goes into the URL as is: it has no
/// character that needs escaping.
pub fn check_preference_id(id: &str) -> Result<(), InvalidPreference> {
    let bytes = id.as_bytes();
    let canonical = bytes.len() == 36
        && bytes.iter().enumerate().all(|(at, b)| match at {
            8 | 13 | 18 | 23 => *b == b'-',
            _ => b.is_ascii_digit() || (b'a'..=b'f').contains(b),
        });
    if !canonical {
        return Err(InvalidPreference::Id);
    }
    Ok(())
}

/// Checks a name: **1 to [`MAX_PREFERENCE_NAME`] characters, no control characters (tab and
/// newline included) nor the non-characters U+FFFE and U+FFFF, and no white space at either
/// end** — the gateway trims what a user typed before it asks.
pub fn check_preference_name(name: &str) -> Result<(), InvalidPreference> {
    let refuse = |problem| Err(InvalidPreference::Name(problem));
    if name.is_empty() {
        return refuse(NameProblem::Empty);
    }
    if name.chars().nth(MAX_PREFERENCE_NAME).is_some() {
        return refuse(NameProblem::TooLong);
    }
    if name
        .chars()
        .any(|c| c.is_control() || matches!(c, '\u{FFFE}' | '\u{FFFF}'))
    {
        return refuse(NameProblem::ControlCharacter);
    }
    let padded = |c: Option<char>| c.is_some_and(char::is_whitespace);
    if padded(name.chars().next()) || padded(name.chars().last()) {
        return refuse(NameProblem::Padded);
    }
    Ok(())
}

/// The key two names collide under: the same once lower-cased (`Late orders` and `LATE ORDERS`
/// are one name).
pub fn preference_name_key(name: &str) -> String {
    name.to_lowercase()
}

/// Checks a body's size: at most [`MAX_PREFERENCE_BODY_BYTES`] written as compact JSON. Counting
/// stops as soon as the limit is passed.
pub fn check_preference_body(body: &PreferenceBody) -> Result<(), InvalidPreference> {
    let mut counter = ByteCounter { bytes: 0 };
    serde_json::to_writer(&mut counter, body).map_err(|_| InvalidPreference::BodyTooLarge)
}

/// Counts what is written to it, and fails once more than [`MAX_PREFERENCE_BODY_BYTES`] were.
struct ByteCounter {
    bytes: usize,
}

impl std::io::Write for ByteCounter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.bytes = self.bytes.saturating_add(buf.len());
        if self.bytes > MAX_PREFERENCE_BODY_BYTES {
            return Err(std::io::Error::other("over the limit"));
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests;
