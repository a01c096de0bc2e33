//! The support system's wire format: the JSON documents of the contract in `support`'s module
//! doc, how the simulator writes the model into them, and (in `inquiry`) how the adapter
//! translates them back, checking every identifier, limit and date on the way.
//!
//! Categories, statuses, channels and authors travel as the model's codes
//! ([`InquiryStatus::code`], ...): the codes are the contract.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::model::{
    ContactChannel, Inquiry, InquiryAttachment, InquiryCategory, InquiryChange,
    InquiryChangeMessage, InquiryContact, InquiryMessage, InquiryStatus, MessageAuthor, NewInquiry,
};

mod inquiry;

/// An attachment's metadata (in an inquiry, a message, and the answer to an upload).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = Attachment)]
pub struct WireAttachment {
    /// The system's ID.
    pub attachment_id: String,
    /// The file's name.
    pub file_name: String,
    /// Its media type as declared.
    pub content_type: String,
    /// Its size in bytes.
    pub size: u64,
    /// Its SHA-256, 64 lower-case hexadecimal digits.
    pub sha256: String,
}

/// One message of the thread.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = Message)]
pub struct WireMessage {
    /// The message's ID.
    pub message_id: String,
    /// `SUPPORT` or `CUSTOMER`.
    pub author: MessageAuthor,
    /// The name the author signs with.
    pub author_name: String,
    /// The text.
    pub body: String,
    /// When it was written, RFC 3339.
    pub at: DateTime<Utc>,
    /// The attachments it carries (always present).
    pub attachments: Vec<WireAttachment>,
}

/// Who to contact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = Contact)]
pub struct WireContact {
    /// The person's name.
    pub name: String,
    /// Their e-mail address.
    pub email: String,
    /// Their telephone number, when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// `EMAIL` or `PHONE`.
    pub preferred_channel: ContactChannel,
    /// BCP 47 language tag.
    pub language: String,
}

/// One inquiry, with its thread.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = Inquiry)]
pub struct WireInquiry {
    /// The tracking number, `INQ-` and 8 digits.
    pub tracking_no: String,
    /// The category code.
    pub category: InquiryCategory,
    /// The customer number.
    pub cust_no: String,
    /// The customer number's country.
    pub ctry: String,
    /// The subject.
    pub subject: String,
    /// The description.
    pub description: String,
    /// The status code.
    pub status: InquiryStatus,
    /// When it was submitted.
    pub submitted_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
    /// When an answer is due.
    pub response_due_by: DateTime<Utc>,
    /// The submitting user's ID.
    pub submitted_by: String,
    /// Who to contact.
    pub contact: WireContact,
    /// Whether a representative should contact the customer.
    pub routed_to_person: bool,
    /// The documents submitted with it (always present).
    pub attachments: Vec<WireAttachment>,
    /// The thread, oldest first (always present).
    pub messages: Vec<WireMessage>,
}

/// The body of `POST v1/inquiries`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(as = NewInquiry)]
pub struct WireNewInquiry {
    /// The category code.
    pub category: InquiryCategory,
    /// The customer number.
    pub cust_no: String,
    /// Its country.
    pub ctry: String,
    /// The subject.
    pub subject: String,
    /// The description.
    pub description: String,
    /// When an answer is due.
    pub response_due_by: DateTime<Utc>,
    /// The submitting user's ID.
    pub submitted_by: String,
    /// Who to contact.
    pub contact: WireContact,
    /// Whether a representative should contact the customer.
    pub routed_to_person: bool,
    /// The uploads to attach (always present).
    pub attachment_ids: Vec<String>,
}

/// The body of `POST v1/customers/{custNo}/inquiries/{trackingNo}/messages`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(as = ReplyRequest)]
pub struct WireReplyRequest {
    /// The name the customer signs with.
    pub author_name: String,
    /// The text.
    pub body: String,
    /// The uploads to attach (always present).
    pub attachment_ids: Vec<String>,
}

/// The answer to a listing.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = InquiryList)]
pub struct WireInquiryList {
    /// The page, newest first.
    pub inquiries: Vec<WireInquiry>,
    /// How many inquiries match on every page together.
    pub total_count: u64,
}

/// The answer to a batch lookup.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = InquiryBatch)]
pub struct WireInquiryBatch {
    /// The inquiries found.
    pub inquiries: Vec<WireInquiry>,
}

/// One entry of the change feed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = Change)]
pub struct WireChange {
    /// Its position in the feed.
    pub seq: u64,
    /// The inquiry that changed.
    pub tracking_no: String,
    /// Its customer number.
    pub cust_no: String,
    /// The message the change added, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_id: Option<String>,
    /// Who wrote that message (present with `messageId`, only then).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author: Option<MessageAuthor>,
    /// The inquiry's status after the change.
    pub status: InquiryStatus,
    /// When it happened.
    pub at: DateTime<Utc>,
}

/// The answer to `GET v1/inquiries/changes`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = ChangeFeed)]
pub struct WireChangeFeed {
    /// The changes after `since`, oldest first.
    pub changes: Vec<WireChange>,
    /// Where to continue from.
    pub next: u64,
}

/// A refusal, `{"error": CODE}`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct WireRefusal {
    /// The code.
    pub error: String,
}

impl From<&InquiryAttachment> for WireAttachment {
    fn from(a: &InquiryAttachment) -> Self {
        Self {
            attachment_id: a.id.clone(),
            file_name: a.file_name.clone(),
            content_type: a.content_type.clone(),
            size: a.size,
            sha256: a.sha256.clone(),
        }
    }
}

impl From<&InquiryContact> for WireContact {
    fn from(c: &InquiryContact) -> Self {
        Self {
            name: c.name.clone(),
            email: c.email.as_str().to_owned(),
            phone: c.phone.clone(),
            preferred_channel: c.preferred_channel,
            language: c.language.clone(),
        }
    }
}

impl From<&InquiryMessage> for WireMessage {
    fn from(m: &InquiryMessage) -> Self {
        Self {
            message_id: m.id.clone(),
            author: m.author,
            author_name: m.author_name.clone(),
            body: m.body.clone(),
            at: m.at,
            attachments: m.attachments.iter().map(Into::into).collect(),
        }
    }
}

impl From<&Inquiry> for WireInquiry {
    fn from(i: &Inquiry) -> Self {
        Self {
            tracking_no: i.tracking_number.clone(),
            category: i.category,
            cust_no: i.customer_number.clone(),
            ctry: i.country.clone(),
            subject: i.subject.clone(),
            description: i.description.clone(),
            status: i.status,
            submitted_at: i.submitted_at,
            updated_at: i.updated_at,
            response_due_by: i.response_due_by,
            submitted_by: i.submitted_by.clone(),
            contact: (&i.contact).into(),
            routed_to_person: i.routed_to_person,
            attachments: i.attachments.iter().map(Into::into).collect(),
            messages: i.messages.iter().map(Into::into).collect(),
        }
    }
}

impl From<&NewInquiry> for WireNewInquiry {
    fn from(n: &NewInquiry) -> Self {
        Self {
            category: n.category,
            cust_no: n.customer_number.clone(),
            ctry: n.country.clone(),
            subject: n.subject.clone(),
            description: n.description.clone(),
            response_due_by: n.response_due_by,
            submitted_by: n.submitted_by.clone(),
            contact: (&n.contact).into(),
            routed_to_person: n.routed_to_person,
            attachment_ids: n.attachment_ids.clone(),
        }
    }
}

impl WireNewInquiry {
    /// The submission in the model (its rules are [`NewInquiry::check`]'s business); `None`
    /// when the contact's address is not an e-mail address.
    pub fn into_model(self) -> Option<NewInquiry> {
        Some(NewInquiry {
            category: self.category,
            customer_number: self.cust_no,
            country: self.ctry,
            subject: self.subject,
            description: self.description,
            response_due_by: self.response_due_by,
            submitted_by: self.submitted_by,
            contact: InquiryContact {
                name: self.contact.name,
                email: self.contact.email.parse().ok()?,
                phone: self.contact.phone,
                preferred_channel: self.contact.preferred_channel,
                language: self.contact.language,
            },
            routed_to_person: self.routed_to_person,
            attachment_ids: self.attachment_ids,
        })
    }
}

impl From<&InquiryChange> for WireChange {
    fn from(c: &InquiryChange) -> Self {
        Self {
            seq: c.seq,
            tracking_no: c.tracking_number.clone(),
            cust_no: c.customer_number.clone(),
            message_id: c.message.as_ref().map(|m| m.id.clone()),
            author: c.message.as_ref().map(|m| m.author),
            status: c.status,
            at: c.at,
        }
    }
}

impl WireChange {
    /// The change in the model; what is wrong with it, if anything: a message ID without its
    /// author or the other way round, or identifiers that fail their types.
    pub fn into_model(self) -> Result<InquiryChange, String> {
        inquiry::check_change(&self)?;
        let message = match (self.message_id, self.author) {
            (Some(id), Some(author)) => Some(InquiryChangeMessage { id, author }),
            (None, None) => None,
            _ => {
                return Err(format!(
                    "change {}: a messageId comes with its author, and only then",
                    self.seq
                ));
            }
        };
        Ok(InquiryChange {
            seq: self.seq,
            tracking_number: self.tracking_no,
            customer_number: self.cust_no,
            message,
            status: self.status,
            at: self.at,
        })
    }
}
