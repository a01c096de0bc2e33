//! Reading an inquiry off the wire: every identifier by its type, every text by its limit, the
//! thread in time order, and every attachment's metadata — a support system that answers
//! anything else breaks its contract, and the gateway shows none of it.

use std::collections::HashSet;

use super::{WireAttachment, WireChange, WireContact, WireInquiry, WireMessage};
use crate::model::ids::clip;
use crate::model::{
    AttachmentId, CustomerNumber, Inquiry, InquiryAttachment, InquiryContact, InquiryMessage,
    InquiryNumber, MAX_MESSAGE_ATTACHMENTS, check_author_name, check_description, check_message,
    check_subject, check_upload, check_user_id,
};
use crate::support::digest::is_sha256_hex;

impl WireAttachment {
    /// The attachment in the model; what is wrong with it, if anything.
    pub fn into_model(self) -> Result<InquiryAttachment, String> {
        AttachmentId::check(&self.attachment_id).map_err(|e| format!("attachmentId: {e}"))?;
        let id = &self.attachment_id;
        check_upload(&self.file_name, &self.content_type, self.size)
            .map_err(|e| format!("attachment {id}: {e}"))?;
        if !is_sha256_hex(&self.sha256) {
            return Err(format!(
                "attachment {id}: sha256 is not 64 lower-case hexadecimal digits"
            ));
        }
        Ok(InquiryAttachment {
            id: self.attachment_id,
            file_name: self.file_name,
            content_type: self.content_type,
            size: self.size,
            sha256: self.sha256,
        })
    }
}

/// The attachments of a submission or a message, at most [`MAX_MESSAGE_ATTACHMENTS`], each new
/// to the inquiry (`seen`).
fn attachments(
    wire: Vec<WireAttachment>,
    seen: &mut HashSet<String>,
    of: &str,
) -> Result<Vec<InquiryAttachment>, String> {
    if wire.len() > MAX_MESSAGE_ATTACHMENTS {
        return Err(format!(
            "{of} carries {} attachments, more than {MAX_MESSAGE_ATTACHMENTS}",
            wire.len()
        ));
    }
    wire.into_iter()
        .map(|a| {
            let a = a.into_model()?;
            if !seen.insert(a.id.clone()) {
                return Err(format!("attachment {} appears twice", a.id));
            }
            Ok(a)
        })
        .collect()
}

impl WireContact {
    fn into_model(self) -> Result<InquiryContact, String> {
        let email = self
            .email
            .parse()
            .map_err(|e| format!("the contact's e-mail address: {e}"))?;
        let contact = InquiryContact {
            name: self.name,
            email,
            phone: self.phone,
            preferred_channel: self.preferred_channel,
            language: self.language,
        };
        contact
            .check()
            .map_err(|e| format!("the contact: {e}"))
            .map(|()| contact)
    }
}

impl WireMessage {
    fn into_model(
        self,
        tracking_no: &str,
        attachment_ids: &mut HashSet<String>,
    ) -> Result<InquiryMessage, String> {
        let id = self.message_id;
        AttachmentId::check(&id).map_err(|e| format!("messageId in {tracking_no}: {e}"))?;
        let of = format!("message {id} of {tracking_no}");
        check_author_name(&self.author_name).map_err(|e| format!("{of}: {e}"))?;
        check_message(&self.body).map_err(|e| format!("{of}: {e}"))?;
        let attachments = attachments(self.attachments, attachment_ids, &of)?;
        Ok(InquiryMessage {
            id,
            author: self.author,
            author_name: self.author_name,
            body: self.body,
            at: self.at,
            attachments,
        })
    }
}

impl WireInquiry {
    /// The inquiry in the model; what is wrong with it, if anything: an identifier that fails
    /// its type, a text past its limit, a country that is not a code, more than
    /// [`MAX_MESSAGE_ATTACHMENTS`] attachments on one message, an attachment or message ID
    /// twice, a bad SHA-256, a thread out of time order or before the submission, an update
    /// before what it updates.
    pub fn into_model(self) -> Result<Inquiry, String> {
        InquiryNumber::check(&self.tracking_no).map_err(|e| format!("trackingNo: {e}"))?;
        let number = self.tracking_no;
        CustomerNumber::check(&self.cust_no).map_err(|e| format!("custNo of {number}: {e}"))?;
        if !(self.ctry.len() == 2 && self.ctry.bytes().all(|b| b.is_ascii_uppercase())) {
            return Err(format!("country \"{}\" is not ISO 3166", clip(&self.ctry)));
        }
        check_subject(&self.subject).map_err(|e| format!("{number}: {e}"))?;
        check_description(&self.description).map_err(|e| format!("{number}: {e}"))?;
        check_user_id(&self.submitted_by).map_err(|e| format!("submittedBy of {number}: {e}"))?;
        let contact = self
            .contact
            .into_model()
            .map_err(|e| format!("{number}: {e}"))?;
        let mut attachment_ids = HashSet::new();
        let submitted = attachments(self.attachments, &mut attachment_ids, &number)?;
        let mut message_ids = HashSet::new();
        let mut last = self.submitted_at;
        let mut messages = Vec::with_capacity(self.messages.len());
        for wire in self.messages {
            let message = wire.into_model(&number, &mut attachment_ids)?;
            if message.at < last {
                return Err(format!(
                    "message {} of {number} comes before what precedes it",
                    message.id
                ));
            }
            if !message_ids.insert(message.id.clone()) {
                return Err(format!("message {} of {number} appears twice", message.id));
            }
            last = message.at;
            messages.push(message);
        }
        if self.updated_at < last {
            return Err(format!(
                "{number} was updated at {}, before its last change",
                self.updated_at
            ));
        }
        Ok(Inquiry {
            tracking_number: number,
            category: self.category,
            customer_number: self.cust_no,
            country: self.ctry,
            subject: self.subject,
            description: self.description,
            status: self.status,
            submitted_at: self.submitted_at,
            updated_at: self.updated_at,
            response_due_by: self.response_due_by,
            submitted_by: self.submitted_by,
            contact,
            routed_to_person: self.routed_to_person,
            attachments: submitted,
            messages,
        })
    }
}

/// What is wrong with a change's identifiers, if anything.
pub(super) fn check_change(change: &WireChange) -> Result<(), String> {
    let seq = change.seq;
    InquiryNumber::check(&change.tracking_no)
        .map_err(|e| format!("trackingNo of change {seq}: {e}"))?;
    CustomerNumber::check(&change.cust_no).map_err(|e| format!("custNo of change {seq}: {e}"))?;
    if let Some(id) = &change.message_id {
        AttachmentId::check(id).map_err(|e| format!("messageId of change {seq}: {e}"))?;
    }
    Ok(())
}
