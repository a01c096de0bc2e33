//! The rules of what a customer sends the support system — a new inquiry, a reply, an upload —
//! checked by the gateway at its edge, by the adapter before a request is built, and by the
//! simulator on arrival. Every message says what is wrong and never repeats the value.

use super::search::MAX_SEARCH_TEXT;
use super::{
    ContactChannel, InquiryContact, MAX_ATTACHMENT_FILE_BYTES, MAX_ATTACHMENT_FILE_NAME,
    MAX_INQUIRY_SUBJECT, MAX_INQUIRY_TEXT, MAX_LANGUAGE_TAG, MAX_MESSAGE_ATTACHMENTS,
    MAX_PERSON_NAME, MAX_PHONE, NewInquiry,
};
use crate::model::{
    AttachmentId, CustomerNumber, FreeText, InvalidIdentifier, InvalidText, check_content_type,
    check_user_id,
};

/// Something a customer sends that the support system must not be sent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidInquiry {
    /// The customer number is not one.
    #[error("the customer number: {0}")]
    CustomerNumber(InvalidIdentifier),
    /// The country is not two upper-case letters.
    #[error("a country is two upper-case letters (ISO 3166-1 alpha-2)")]
    Country,
    /// The subject is blank, too long, or has a control character.
    #[error(
        "a subject is 1 to {MAX_INQUIRY_SUBJECT} characters, not blank, without control characters"
    )]
    Subject,
    /// The description or message is blank.
    #[error("the {what} is blank")]
    BlankText {
        /// `description` or `message`.
        what: &'static str,
    },
    /// The description or message is longer than [`MAX_INQUIRY_TEXT`].
    #[error("the {what} has {chars} characters; at most {MAX_INQUIRY_TEXT} are sent")]
    TextTooLong {
        /// `description` or `message`.
        what: &'static str,
        /// How many it has.
        chars: usize,
    },
    /// The description or message has a character no person types.
    #[error("the {what}: {error}")]
    Text {
        /// `description` or `message`.
        what: &'static str,
        /// Which character, where.
        error: InvalidText,
    },
    /// A person's name (the contact's, an author's) breaks its rule.
    #[error(
        "the {what} is 1 to {MAX_PERSON_NAME} characters, not blank, without control characters"
    )]
    PersonName {
        /// `contact's name` or `author's name`.
        what: &'static str,
    },
    /// The telephone number breaks its rule.
    #[error("a telephone number is 1 to {MAX_PHONE} digits, spaces and + - ( ) . /, with a digit")]
    Phone,
    /// The contact prefers the telephone but gave no number.
    #[error("a contact preferring the telephone needs a telephone number")]
    PhoneRequired,
    /// The language tag breaks its rule.
    #[error(
        "a language is a BCP 47 tag: 2 to {MAX_LANGUAGE_TAG} letters, digits and dashes, starting with a letter"
    )]
    Language,
    /// The submitting user's ID breaks its rule.
    #[error("the submitting user's ID is not a valid user ID")]
    UserId,
    /// More than [`MAX_MESSAGE_ATTACHMENTS`] attachments.
    #[error("{count} attachments; at most {MAX_MESSAGE_ATTACHMENTS} go with one message")]
    TooManyAttachments {
        /// How many there are.
        count: usize,
    },
    /// An attachment ID breaks its rule.
    #[error("attachment {number}: {error}")]
    AttachmentId {
        /// Which one, counted from 1.
        number: usize,
        /// Why.
        error: InvalidIdentifier,
    },
    /// An attachment ID appears twice.
    #[error("attachment {number} repeats an earlier one")]
    RepeatedAttachment {
        /// Which one, counted from 1.
        number: usize,
    },
    /// An upload's file name breaks [`check_file_name`]'s rule.
    #[error(
        "a file name is 1 to {MAX_ATTACHMENT_FILE_NAME} characters, not blank, `.` or `..`, without control characters, `/`, `\\` or `\"`"
    )]
    FileName,
    /// An upload's media type is not `type/subtype`.
    #[error("a media type is type/subtype, without parameters")]
    ContentType,
    /// A search text is blank, too long, or has a control character.
    #[error(
        "a search text is 1 to {MAX_SEARCH_TEXT} characters, not blank, without control characters"
    )]
    SearchText,
    /// An upload is empty or larger than [`MAX_ATTACHMENT_FILE_BYTES`].
    #[error("an attachment is 1 to {MAX_ATTACHMENT_FILE_BYTES} bytes; this one is {size}")]
    FileSize {
        /// Its size.
        size: u64,
    },
}

impl NewInquiry {
    /// Checks every rule of a submission.
    pub fn check(&self) -> Result<(), InvalidInquiry> {
        CustomerNumber::check(&self.customer_number).map_err(InvalidInquiry::CustomerNumber)?;
        let country_ok =
            self.country.len() == 2 && self.country.bytes().all(|b| b.is_ascii_uppercase());
        if !country_ok {
            return Err(InvalidInquiry::Country);
        }
        check_subject(&self.subject)?;
        check_description(&self.description)?;
        check_user_id(&self.submitted_by).map_err(|_| InvalidInquiry::UserId)?;
        self.contact.check()?;
        check_attachment_ids(&self.attachment_ids)
    }
}

impl InquiryContact {
    /// Checks the contact's name, telephone number and language (the address is valid by its
    /// type).
    pub fn check(&self) -> Result<(), InvalidInquiry> {
        if !line_ok(&self.name, MAX_PERSON_NAME) {
            return Err(InvalidInquiry::PersonName {
                what: "contact's name",
            });
        }
        match &self.phone {
            Some(phone) if !phone_ok(phone) => return Err(InvalidInquiry::Phone),
            None if self.preferred_channel == ContactChannel::Phone => {
                return Err(InvalidInquiry::PhoneRequired);
            }
            _ => {}
        }
        if !language_ok(&self.language) {
            return Err(InvalidInquiry::Language);
        }
        Ok(())
    }
}

/// Checks an inquiry's subject: 1 to [`MAX_INQUIRY_SUBJECT`] characters, not blank, no control
/// characters.
pub fn check_subject(subject: &str) -> Result<(), InvalidInquiry> {
    line_ok(subject, MAX_INQUIRY_SUBJECT)
        .then_some(())
        .ok_or(InvalidInquiry::Subject)
}

/// Checks an inquiry's description: 1 to [`MAX_INQUIRY_TEXT`] characters of [`FreeText`], not
/// blank.
pub fn check_description(description: &str) -> Result<(), InvalidInquiry> {
    check_text("description", description)
}

/// Checks the body of a message of the thread: 1 to [`MAX_INQUIRY_TEXT`] characters of
/// [`FreeText`], not blank.
pub fn check_message(body: &str) -> Result<(), InvalidInquiry> {
    check_text("message", body)
}

/// Checks the name a message's author signs with: 1 to [`MAX_PERSON_NAME`] characters, not
/// blank, no control characters.
pub fn check_author_name(name: &str) -> Result<(), InvalidInquiry> {
    line_ok(name, MAX_PERSON_NAME)
        .then_some(())
        .ok_or(InvalidInquiry::PersonName {
            what: "author's name",
        })
}

/// Checks the attachments one submission or message references: at most
/// [`MAX_MESSAGE_ATTACHMENTS`] [`AttachmentId`]s, no repeats.
pub fn check_attachment_ids(ids: &[String]) -> Result<(), InvalidInquiry> {
    if ids.len() > MAX_MESSAGE_ATTACHMENTS {
        return Err(InvalidInquiry::TooManyAttachments { count: ids.len() });
    }
    for (index, id) in ids.iter().enumerate() {
        let number = index + 1;
        AttachmentId::check(id).map_err(|error| InvalidInquiry::AttachmentId { number, error })?;
        if ids[..index].contains(id) {
            return Err(InvalidInquiry::RepeatedAttachment { number });
        }
    }
    Ok(())
}

/// Checks an attachment's file name: 1 to [`MAX_ATTACHMENT_FILE_NAME`] characters, not blank,
/// not `.` or `..`, without control characters, `/`, `\` or `"` (the name goes into a
/// `Content-Disposition` header and onto the downloader's disk).
pub fn check_file_name(name: &str) -> Result<(), InvalidInquiry> {
    let chars = name.chars().count();
    let ok = (1..=MAX_ATTACHMENT_FILE_NAME).contains(&chars)
        && !name.trim().is_empty()
        && !matches!(name, "." | "..")
        && !name
            .chars()
            .any(|c| c.is_control() || matches!(c, '/' | '\\' | '"' | '\u{FFFE}' | '\u{FFFF}'));
    ok.then_some(()).ok_or(InvalidInquiry::FileName)
}

/// Checks what an upload declares: its file name ([`check_file_name`]), its media type
/// ([`check_content_type`]) and its size (1 to [`MAX_ATTACHMENT_FILE_BYTES`] bytes).
pub fn check_upload(file_name: &str, content_type: &str, size: u64) -> Result<(), InvalidInquiry> {
    check_file_name(file_name)?;
    if !check_content_type(content_type) {
        return Err(InvalidInquiry::ContentType);
    }
    if !(1..=MAX_ATTACHMENT_FILE_BYTES).contains(&size) {
        return Err(InvalidInquiry::FileSize { size });
    }
    Ok(())
}

fn check_text(what: &'static str, text: &str) -> Result<(), InvalidInquiry> {
    if text.trim().is_empty() {
        return Err(InvalidInquiry::BlankText { what });
    }
    let chars = text.chars().count();
    if chars > MAX_INQUIRY_TEXT {
        return Err(InvalidInquiry::TextTooLong { what, chars });
    }
    FreeText::check(text).map_err(|error| InvalidInquiry::Text { what, error })
}

/// A one-line text: 1 to `max` characters, not blank, no control characters or non-characters.
pub(crate) fn line_ok(text: &str, max: usize) -> bool {
    !text.trim().is_empty()
        && text.chars().count() <= max
        && !text
            .chars()
            .any(|c| c.is_control() || matches!(c, '\u{FFFE}' | '\u{FFFF}'))
}

fn phone_ok(phone: &str) -> bool {
    (1..=MAX_PHONE).contains(&phone.len())
        && phone.bytes().any(|b| b.is_ascii_digit())
        && phone
            .bytes()
            .all(|b| b.is_ascii_digit() || b" +-()./".contains(&b))
}

/// Whether `tag` is shaped like a BCP 47 language tag (`en`, `es-ES`, `zh-Hant-TW`): see
/// [`InquiryContact::language`].
pub(crate) fn language_ok(tag: &str) -> bool {
    (2..=MAX_LANGUAGE_TAG).contains(&tag.len())
        && tag.starts_with(|c: char| c.is_ascii_alphabetic())
        && !tag.ends_with('-')
        && !tag.contains("--")
        && tag.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}
