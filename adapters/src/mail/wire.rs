//! The mail service's wire format and its translation to and from [`crate::model`].

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::model::{EmailAddress, InvalidEmailAddress, MailAttachment, MailMessage, MailReceipt};

/// The longest message ID a receipt may carry.
const MAX_MESSAGE_ID: usize = 255;

/// The body of `POST v1/messages`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(as = Message)]
pub struct WireMessage {
    /// The recipients' addresses.
    pub to: Vec<String>,
    /// The subject.
    pub subject: String,
    /// The plain-text body.
    pub text: String,
    /// The attachments (always present, empty when there are none).
    pub attachments: Vec<WireAttachment>,
}

/// One attachment.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(as = Attachment)]
pub struct WireAttachment {
    /// The file's name.
    pub filename: String,
    /// Its media type.
    pub content_type: String,
    /// Its content, standard base64 with padding.
    pub content: String,
}

/// The answer to an accepted message.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = Receipt)]
pub struct WireReceipt {
    /// The service's identifier of the message.
    pub message_id: String,
}

/// Why a message on the wire is not a [`MailMessage`] (what the simulator refuses before it
/// checks the limits).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UnreadableMessage {
    /// A recipient is not an e-mail address.
    #[error("recipient {number}: {error}")]
    Recipient {
        /// Which recipient, counted from 1.
        number: usize,
        /// Why.
        error: InvalidEmailAddress,
    },
    /// An attachment's content is not standard base64.
    #[error("attachment {number}: the content is not base64")]
    Content {
        /// Which attachment, counted from 1.
        number: usize,
    },
}

impl From<&MailMessage> for WireMessage {
    fn from(message: &MailMessage) -> Self {
        Self {
            to: message.to.iter().map(|a| a.as_str().to_owned()).collect(),
            subject: message.subject.clone(),
            text: message.text_body.clone(),
            attachments: message
                .attachments
                .iter()
                .map(|a| WireAttachment {
                    filename: a.filename.clone(),
                    content_type: a.content_type.clone(),
                    content: STANDARD.encode(&a.bytes),
                })
                .collect(),
        }
    }
}

impl WireMessage {
    /// The message in the model: its addresses parsed and its attachments decoded (its limits
    /// are [`MailMessage::check`]'s business).
    pub fn into_message(self) -> Result<MailMessage, UnreadableMessage> {
        let to = self
            .to
            .iter()
            .enumerate()
            .map(|(index, address)| {
                address
                    .parse::<EmailAddress>()
                    .map_err(|error| UnreadableMessage::Recipient {
                        number: index + 1,
                        error,
                    })
            })
            .collect::<Result<_, _>>()?;
        let attachments = self
            .attachments
            .into_iter()
            .enumerate()
            .map(|(index, a)| {
                let bytes = STANDARD
                    .decode(&a.content)
                    .map_err(|_| UnreadableMessage::Content { number: index + 1 })?;
                Ok(MailAttachment {
                    filename: a.filename,
                    content_type: a.content_type,
                    bytes,
                })
            })
            .collect::<Result<_, _>>()?;
        Ok(MailMessage {
            to,
            subject: self.subject,
            text_body: self.text,
            attachments,
        })
    }
}

impl TryFrom<WireReceipt> for MailReceipt {
    type Error = String;

    /// A receipt whose message ID is 1 to 255 visible ASCII characters; else what is wrong.
    fn try_from(receipt: WireReceipt) -> Result<Self, Self::Error> {
        let id = receipt.message_id;
        if id.trim().is_empty() {
            return Err("a blank message id".to_owned());
        }
        if id.len() > MAX_MESSAGE_ID || !id.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(format!(
                "the message id is not 1 to {MAX_MESSAGE_ID} visible ASCII characters"
            ));
        }
        Ok(Self { message_id: id })
    }
}
