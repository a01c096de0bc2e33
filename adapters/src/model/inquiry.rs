//! My inquiries: what a customer asks the vendor's support team, the thread that follows, the
//! documents exchanged on the way, and the limits both sides of the
//! [`SupportBackend`](crate::ports::SupportBackend) port keep.
//!
//! Written once here because three parties use it: the gateway builds a [`NewInquiry`] from the
//! form (pre-filled from the registration profile) and checks it before anything is sent, the
//! support adapter checks every answer against these types and limits, and the support simulator
//! refuses what breaks them the same way. The gateway makes its own limits configurable, never
//! above these.
//!
//! An inquiry's life:
//!
//! ```text
//!             support starts              support answers
//! SUBMITTED ─────────────────▶ IN_PROGRESS ─────────────────▶ ANSWERED
//!     │                            ▲    (or straight from SUBMITTED) │
//!     │                            └──────── the customer replies ───┘
//!     └── the customer closes (from any status) ──▶ CLOSED ── support reopens ──▶ any status
//! ```
//!
//! Only the support side (its own tools; the sandbox's admin endpoints) moves an inquiry to
//! IN_PROGRESS or ANSWERED, or reopens a closed one; the customer submits, replies and closes.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::EmailAddress;

mod check;
mod search;

pub use check::{
    InvalidInquiry, check_attachment_ids, check_author_name, check_description, check_file_name,
    check_message, check_subject, check_upload,
};
pub use search::{
    InquiryChange, InquiryChangeMessage, InquiryFeed, InquiryFilter, InquiryKey, InquiryPage,
    InquiryQuery, MAX_INQUIRY_PAGE, MAX_SEARCH_TEXT,
};

/// The longest subject, in characters.
pub const MAX_INQUIRY_SUBJECT: usize = 200;

/// The longest description of an inquiry, or body of a message in its thread, in characters.
pub const MAX_INQUIRY_TEXT: usize = 10_000;

/// The most attachments one submission or one message carries.
pub const MAX_MESSAGE_ATTACHMENTS: usize = 5;

/// The largest attachment, in bytes: 10 MiB.
pub const MAX_ATTACHMENT_FILE_BYTES: u64 = 10 * 1024 * 1024;

/// The longest attachment file name, in characters.
pub const MAX_ATTACHMENT_FILE_NAME: usize = 255;

/// The longest name of a person (the contact, a message's author), in characters.
pub const MAX_PERSON_NAME: usize = 200;

/// The longest telephone number, in characters.
pub const MAX_PHONE: usize = 40;

/// The longest language tag (BCP 47), in characters.
pub const MAX_LANGUAGE_TAG: usize = 35;

/// What an inquiry is about: the tool or the part of the business it concerns.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum InquiryCategory {
    /// Orders and deliveries.
    Orders,
    /// Invoices.
    Invoices,
    /// Account statements.
    Statements,
    /// Contracts.
    Contracts,
    /// Installed inventory (how the countries without an online inventory ask about it).
    Inventory,
    /// Registration, user IDs and tool authorisations.
    Registration,
    /// Anything else.
    Other,
}

impl InquiryCategory {
    /// Every category, in a fixed order.
    pub const ALL: [InquiryCategory; 7] = [
        Self::Orders,
        Self::Invoices,
        Self::Statements,
        Self::Contracts,
        Self::Inventory,
        Self::Registration,
        Self::Other,
    ];

    /// The code on the wire, e.g. `ORDERS`.
    pub fn code(self) -> &'static str {
        match self {
            Self::Orders => "ORDERS",
            Self::Invoices => "INVOICES",
            Self::Statements => "STATEMENTS",
            Self::Contracts => "CONTRACTS",
            Self::Inventory => "INVENTORY",
            Self::Registration => "REGISTRATION",
            Self::Other => "OTHER",
        }
    }

    /// The category a code names, if any.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.code() == code)
    }
}

/// Where an inquiry stands (see the module's diagram).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum InquiryStatus {
    /// Received; nobody at support has taken it yet.
    Submitted,
    /// Someone at support is working on it.
    InProgress,
    /// Support answered; the customer may reply or close it.
    Answered,
    /// Closed: nothing more can be added to it.
    Closed,
}

impl InquiryStatus {
    /// Every status, in the order of an inquiry's life.
    pub const ALL: [InquiryStatus; 4] = [
        Self::Submitted,
        Self::InProgress,
        Self::Answered,
        Self::Closed,
    ];

    /// The code on the wire, e.g. `IN_PROGRESS`.
    pub fn code(self) -> &'static str {
        match self {
            Self::Submitted => "SUBMITTED",
            Self::InProgress => "IN_PROGRESS",
            Self::Answered => "ANSWERED",
            Self::Closed => "CLOSED",
        }
    }

    /// The status a code names, if any.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    /// The status after the customer replies: an answered inquiry goes back to support
    /// (IN_PROGRESS); a submitted or in-progress one stays; a closed one takes no reply
    /// (`None`, [`InquiryRefusal::Closed`]).
    pub fn after_customer_reply(self) -> Option<InquiryStatus> {
        match self {
            Self::Submitted | Self::InProgress => Some(self),
            Self::Answered => Some(Self::InProgress),
            Self::Closed => None,
        }
    }
}

/// How the customer prefers to be contacted about an inquiry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ContactChannel {
    /// By e-mail (the answer e-mail carries a link to the inquiry).
    Email,
    /// By telephone (the contact must give a number).
    Phone,
}

/// Who to contact about an inquiry: pre-filled from the submitter's registration profile, and
/// changeable on the form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InquiryContact {
    /// The person's name: 1 to [`MAX_PERSON_NAME`] characters, not blank, no control characters.
    pub name: String,
    /// Their e-mail address: the acknowledgment and answer e-mails go there.
    pub email: EmailAddress,
    /// Their telephone number, 1 to [`MAX_PHONE`] characters of digits, spaces and `+ - ( ) . /`
    /// with at least one digit; required when [`preferred_channel`](Self::preferred_channel)
    /// is [`ContactChannel::Phone`].
    pub phone: Option<String>,
    /// How they prefer to be contacted.
    pub preferred_channel: ContactChannel,
    /// The language to write to them in, BCP 47 (`es-ES`): 2 to [`MAX_LANGUAGE_TAG`] characters
    /// of letters, digits and `-`, starting with a letter. The gateway picks its e-mail templates
    /// by it.
    pub language: String,
}

/// Who wrote a message of an inquiry's thread.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum MessageAuthor {
    /// The vendor's support team.
    Support,
    /// Someone at the customer.
    Customer,
}

/// A document attached to an inquiry or a message: what is known of it without its content
/// (which [`SupportBackend::attachment`](crate::ports::SupportBackend::attachment) streams).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct InquiryAttachment {
    /// The support system's ID, an [`AttachmentId`](super::AttachmentId).
    pub id: String,
    /// The file's name as uploaded: see [`check_file_name`].
    pub file_name: String,
    /// Its media type as declared at upload, `type/subtype` (the gateway sniffs the content
    /// before uploading, and the support system keeps what it is told).
    pub content_type: String,
    /// Its size in bytes, at most [`MAX_ATTACHMENT_FILE_BYTES`].
    pub size: u64,
    /// The SHA-256 of its content, 64 lower-case hexadecimal digits, computed by the support
    /// system as the upload arrived.
    pub sha256: String,
}

/// One message of an inquiry's thread (what follows the submission).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InquiryMessage {
    /// The support system's ID of the message, unique within the system (an
    /// [`AttachmentId`](super::AttachmentId)'s rule).
    pub id: String,
    /// Which side wrote it.
    pub author: MessageAuthor,
    /// The name the author signs with: 1 to [`MAX_PERSON_NAME`] characters.
    pub author_name: String,
    /// The text: 1 to [`MAX_INQUIRY_TEXT`] characters of [`FreeText`](super::FreeText).
    pub body: String,
    /// When it was written.
    pub at: DateTime<Utc>,
    /// The documents it carries: at most [`MAX_MESSAGE_ATTACHMENTS`].
    pub attachments: Vec<InquiryAttachment>,
}

/// An inquiry, with its whole thread.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Inquiry {
    /// Its tracking number, an [`InquiryNumber`](super::InquiryNumber) (`INQ-10000001`): unique,
    /// in order of submission.
    pub tracking_number: String,
    /// What it is about.
    pub category: InquiryCategory,
    /// The customer number it is about: only users authorised for
    /// [`Tool::Inquiries`](super::Tool::Inquiries) on it may see it.
    pub customer_number: String,
    /// ISO 3166-1 alpha-2 country of the customer number.
    pub country: String,
    /// Its subject: 1 to [`MAX_INQUIRY_SUBJECT`] characters, no control characters.
    pub subject: String,
    /// What the customer wrote: 1 to [`MAX_INQUIRY_TEXT`] characters of
    /// [`FreeText`](super::FreeText).
    pub description: String,
    /// Where it stands.
    pub status: InquiryStatus,
    /// When it was submitted.
    pub submitted_at: DateTime<Utc>,
    /// When anything about it last changed (a message, its status); never before
    /// `submitted_at`, nor before the last message.
    pub updated_at: DateTime<Utc>,
    /// When an answer is due: set by the gateway at submission (one business day in its
    /// calendar) and kept by the support system.
    pub response_due_by: DateTime<Utc>,
    /// The user ID (identity-provider subject) of who submitted it.
    pub submitted_by: String,
    /// Who to contact about it.
    pub contact: InquiryContact,
    /// Whether the customer asked to be contacted by a representative (the contact module's
    /// "we are here to help"), rather than answered in writing.
    pub routed_to_person: bool,
    /// The documents submitted with it: at most [`MAX_MESSAGE_ATTACHMENTS`].
    pub attachments: Vec<InquiryAttachment>,
    /// The thread after the submission, oldest first.
    pub messages: Vec<InquiryMessage>,
}

impl Inquiry {
    /// Its position in a listing (newest first): see [`InquiryKey`].
    pub fn key(&self) -> InquiryKey {
        InquiryKey {
            submitted_at: self.submitted_at,
            tracking_number: self.tracking_number.clone(),
        }
    }

    /// Its attachment `id`, submitted with it or carried by a message, if it has one.
    pub fn attachment(&self, id: &str) -> Option<&InquiryAttachment> {
        self.attachments
            .iter()
            .chain(self.messages.iter().flat_map(|m| &m.attachments))
            .find(|a| a.id == id)
    }
}

/// An inquiry as the customer submits it: everything but what the support system assigns (its
/// tracking number, status, timestamps and thread). [`check`](Self::check) holds every rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewInquiry {
    /// What it is about.
    pub category: InquiryCategory,
    /// The customer number it is about (a [`CustomerNumber`](super::CustomerNumber)).
    pub customer_number: String,
    /// The customer number's country, ISO 3166-1 alpha-2 (`ES`).
    pub country: String,
    /// The subject: see [`Inquiry::subject`].
    pub subject: String,
    /// The description: see [`Inquiry::description`].
    pub description: String,
    /// When an answer is due, as the gateway computed it.
    pub response_due_by: DateTime<Utc>,
    /// The submitting user's ID: 1 to [`MAX_USER_ID_BYTES`](super::MAX_USER_ID_BYTES) bytes, no
    /// control characters.
    pub submitted_by: String,
    /// Who to contact.
    pub contact: InquiryContact,
    /// Whether a representative should contact the customer.
    pub routed_to_person: bool,
    /// The uploads to attach ([`AttachmentId`](super::AttachmentId)s answered by
    /// [`SupportBackend::upload_attachment`](crate::ports::SupportBackend::upload_attachment) for
    /// the same customer number, not referenced yet): at most [`MAX_MESSAGE_ATTACHMENTS`], no
    /// repeats.
    pub attachment_ids: Vec<String>,
}

/// Why the support system refused to change an inquiry: business refusals, not failures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum InquiryRefusal {
    /// No inquiry with that tracking number for that customer number (another customer
    /// number's inquiry is "unknown" too).
    UnknownInquiry,
    /// The inquiry is closed: it takes no more messages.
    Closed,
    /// An attachment ID is not an upload of that customer number waiting to be referenced
    /// (never uploaded, garbage-collected, already attached elsewhere).
    UnknownAttachment,
}

impl InquiryRefusal {
    /// The support system's code for this refusal (`{"error": CODE}`).
    pub fn code(self) -> &'static str {
        match self {
            Self::UnknownInquiry => "UNKNOWN_INQUIRY",
            Self::Closed => "INQUIRY_CLOSED",
            Self::UnknownAttachment => "UNKNOWN_ATTACHMENT",
        }
    }

    /// The refusal a code names, if any.
    pub fn from_code(code: &str) -> Option<Self> {
        [Self::UnknownInquiry, Self::Closed, Self::UnknownAttachment]
            .into_iter()
            .find(|r| r.code() == code)
    }
}

#[cfg(test)]
mod tests;
