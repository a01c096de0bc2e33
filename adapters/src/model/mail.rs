//! An e-mail the vendor's outgoing mail service sends for a tool (an inquiry's acknowledgment, a
//! status notification, a report), and the limits both sides of the [`MailBackend`] port keep.
//!
//! Written once here because every tool that mails uses it: the mail adapter checks a message
//! against [`MailMessage::check`] before sending it, the mail simulator checks what it receives
//! the same way, and the simulators that "send" mail themselves (order-status notifications,
//! support acknowledgments) build the same type for the sandbox's outbox.
//!
//! [`MailBackend`]: crate::ports::MailBackend

use serde::{Deserialize, Serialize};

use super::ids::EmailAddress;
use super::text::{FreeText, InvalidText};

/// The most recipients one message has.
pub const MAX_RECIPIENTS: usize = 10;

/// The longest subject, in characters.
pub const MAX_SUBJECT_CHARS: usize = 200;

/// The longest text body, in characters.
pub const MAX_BODY_CHARS: usize = 20_000;

/// The most attachments one message has.
pub const MAX_ATTACHMENTS: usize = 20;

/// The most bytes one message's attachments have together (decoded): 10 MiB.
pub const MAX_ATTACHMENT_BYTES: usize = 10 * 1024 * 1024;

/// The longest attachment file name, in characters.
pub const MAX_FILENAME_CHARS: usize = 255;

/// The longest `Idempotency-Key` a send carries.
pub const MAX_IDEMPOTENCY_KEY: usize = 255;

/// One e-mail to send.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MailMessage {
    /// The recipients: 1 to [`MAX_RECIPIENTS`].
    pub to: Vec<EmailAddress>,
    /// The subject: 1 to [`MAX_SUBJECT_CHARS`] characters, not blank, no control characters.
    pub subject: String,
    /// The plain-text body: at most [`MAX_BODY_CHARS`] characters of [`FreeText`].
    pub text_body: String,
    /// The attachments: at most [`MAX_ATTACHMENTS`], [`MAX_ATTACHMENT_BYTES`] together.
    pub attachments: Vec<MailAttachment>,
}

/// A file attached to a message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MailAttachment {
    /// The file's name as the recipient sees it: 1 to [`MAX_FILENAME_CHARS`] characters, not
    /// blank, not `.` or `..`, no control characters, no `/`, `\` or `"`.
    pub filename: String,
    /// Its media type, `type/subtype` without parameters (`application/pdf`, `text/csv`): see
    /// [`check_content_type`].
    pub content_type: String,
    /// Its content.
    pub bytes: Vec<u8>,
}

/// What the mail service answers for a message it accepted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MailReceipt {
    /// The service's identifier of the message; the same for every send with one idempotency
    /// key.
    pub message_id: String,
}

/// A message, or an idempotency key, the mail service must not be sent. The message says what is
/// wrong and never repeats a value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidMail {
    /// No recipient.
    #[error("a message needs at least one recipient")]
    NoRecipients,
    /// More than [`MAX_RECIPIENTS`].
    #[error("{count} recipients; at most {MAX_RECIPIENTS} are sent")]
    TooManyRecipients {
        /// How many there are.
        count: usize,
    },
    /// The subject is blank.
    #[error("the subject is blank")]
    BlankSubject,
    /// The subject has more than [`MAX_SUBJECT_CHARS`] characters.
    #[error("the subject has {chars} characters; at most {MAX_SUBJECT_CHARS} are sent")]
    SubjectTooLong {
        /// How many it has.
        chars: usize,
    },
    /// The subject has a control character (a line break in a subject could end the header).
    #[error("the subject contains the control character U+{code:04X} at position {at}")]
    SubjectCharacter {
        /// The character's code point.
        code: u32,
        /// Its position, counted in characters from 1.
        at: usize,
    },
    /// The body has more than [`MAX_BODY_CHARS`] characters.
    #[error("the body has {chars} characters; at most {MAX_BODY_CHARS} are sent")]
    BodyTooLong {
        /// How many it has.
        chars: usize,
    },
    /// The body has a character no person types.
    #[error("the body: {0}")]
    BodyText(InvalidText),
    /// More than [`MAX_ATTACHMENTS`] attachments.
    #[error("{count} attachments; at most {MAX_ATTACHMENTS} are sent")]
    TooManyAttachments {
        /// How many there are.
        count: usize,
    },
    /// The attachments are larger than [`MAX_ATTACHMENT_BYTES`] together.
    #[error("the attachments have {bytes} bytes; at most {MAX_ATTACHMENT_BYTES} are sent")]
    AttachmentsTooLarge {
        /// How many bytes they have together.
        bytes: usize,
    },
    /// An attachment's file name breaks its rule.
    #[error(
        "attachment {number}: a file name is 1 to {MAX_FILENAME_CHARS} characters, not blank, `.` or `..`, without control characters, `/`, `\\` or `\"`"
    )]
    Filename {
        /// Which attachment, counted from 1.
        number: usize,
    },
    /// An attachment's media type breaks its rule.
    #[error("attachment {number}: a media type is type/subtype, without parameters")]
    ContentType {
        /// Which attachment, counted from 1.
        number: usize,
    },
    /// The idempotency key breaks its rule.
    #[error("an idempotency key is 1 to {MAX_IDEMPOTENCY_KEY} visible ASCII characters")]
    IdempotencyKey,
}

impl MailMessage {
    /// Checks every limit and rule of the message (its addresses are valid by their type).
    pub fn check(&self) -> Result<(), InvalidMail> {
        match self.to.len() {
            0 => return Err(InvalidMail::NoRecipients),
            count if count > MAX_RECIPIENTS => {
                return Err(InvalidMail::TooManyRecipients { count });
            }
            _ => {}
        }
        check_subject(&self.subject)?;
        let chars = self.text_body.chars().count();
        if chars > MAX_BODY_CHARS {
            return Err(InvalidMail::BodyTooLong { chars });
        }
        FreeText::check(&self.text_body).map_err(InvalidMail::BodyText)?;
        let count = self.attachments.len();
        if count > MAX_ATTACHMENTS {
            return Err(InvalidMail::TooManyAttachments { count });
        }
        let bytes = self.attachment_bytes();
        if bytes > MAX_ATTACHMENT_BYTES {
            return Err(InvalidMail::AttachmentsTooLarge { bytes });
        }
        for (index, attachment) in self.attachments.iter().enumerate() {
            let number = index + 1;
            if !filename_ok(&attachment.filename) {
                return Err(InvalidMail::Filename { number });
            }
            if !check_content_type(&attachment.content_type) {
                return Err(InvalidMail::ContentType { number });
            }
        }
        Ok(())
    }

    /// The size of the attachments together, in bytes.
    pub fn attachment_bytes(&self) -> usize {
        self.attachments.iter().map(|a| a.bytes.len()).sum()
    }
}

fn check_subject(subject: &str) -> Result<(), InvalidMail> {
    if subject.trim().is_empty() {
        return Err(InvalidMail::BlankSubject);
    }
    let chars = subject.chars().count();
    if chars > MAX_SUBJECT_CHARS {
        return Err(InvalidMail::SubjectTooLong { chars });
    }
    let bad = subject
        .chars()
        .enumerate()
        .find(|(_, c)| c.is_control() || matches!(c, '\u{FFFE}' | '\u{FFFF}'));
    match bad {
        Some((index, c)) => Err(InvalidMail::SubjectCharacter {
            code: u32::from(c),
            at: index + 1,
        }),
        None => Ok(()),
    }
}

fn filename_ok(name: &str) -> bool {
    let chars = name.chars().count();
    (1..=MAX_FILENAME_CHARS).contains(&chars)
        && !name.trim().is_empty()
        && !matches!(name, "." | "..")
        && !name
            .chars()
            .any(|c| c.is_control() || matches!(c, '/' | '\\' | '"' | '\u{FFFE}' | '\u{FFFF}'))
}

/// Whether `media_type` is a media type without parameters: `type/subtype`, each part 1 to 127
/// letters, digits and ``!#$&-^_.+`` beginning with a letter or digit (RFC 6838's
/// `restricted-name`), e.g. `application/pdf` or
/// `application/vnd.openxmlformats-officedocument.spreadsheetml.sheet`.
pub fn check_content_type(media_type: &str) -> bool {
    let part_ok = |part: &str| {
        (1..=127).contains(&part.len())
            && part.starts_with(|c: char| c.is_ascii_alphanumeric())
            && part
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "!#$&-^_.+".contains(c))
    };
    media_type
        .split_once('/')
        .is_some_and(|(kind, subtype)| part_ok(kind) && part_ok(subtype))
}

/// Checks an `Idempotency-Key`: 1 to [`MAX_IDEMPOTENCY_KEY`] visible ASCII characters (the
/// gateway's own rule for the header, so a client's key can be passed on).
pub fn check_idempotency_key(key: &str) -> Result<(), InvalidMail> {
    let valid = !key.is_empty()
        && key.len() <= MAX_IDEMPOTENCY_KEY
        && key.bytes().all(|b| b.is_ascii_graphic());
    valid.then_some(()).ok_or(InvalidMail::IdempotencyKey)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message() -> MailMessage {
        MailMessage {
            to: vec!["avery@globex.example".parse().expect("valid")],
            subject: "Your inquiry INQ-000001".into(),
            text_body: "We received your inquiry.\nThe support team".into(),
            attachments: vec![MailAttachment {
                filename: "factura año.pdf".into(),
                content_type: "application/pdf".into(),
                bytes: vec![1, 2, 3],
            }],
        }
    }

    fn with(change: impl FnOnce(&mut MailMessage)) -> Result<(), InvalidMail> {
        let mut message = message();
        change(&mut message);
        message.check()
    }

    #[test]
    fn a_message_within_every_limit_passes() {
        assert_eq!(message().check(), Ok(()));
        let at_the_limits = with(|m| {
            m.to = vec![m.to[0].clone(); MAX_RECIPIENTS];
            m.subject = "s".repeat(MAX_SUBJECT_CHARS);
            m.text_body = "é".repeat(MAX_BODY_CHARS);
            m.attachments[0].bytes = vec![0; MAX_ATTACHMENT_BYTES];
        });
        assert_eq!(at_the_limits, Ok(()));
        assert_eq!(with(|m| m.text_body.clear()), Ok(()));
        assert_eq!(with(|m| m.attachments.clear()), Ok(()));
    }

    #[test]
    fn each_limit_is_refused_one_past_it() {
        use InvalidMail::*;
        type Change = Box<dyn FnOnce(&mut MailMessage)>;
        let cases: [(Change, InvalidMail); 12] = [
            (Box::new(|m| m.to.clear()), NoRecipients),
            (
                Box::new(|m| m.to = vec![m.to[0].clone(); 11]),
                TooManyRecipients { count: 11 },
            ),
            (Box::new(|m| m.subject = " \t".into()), BlankSubject),
            (
                Box::new(|m| m.subject = "s".repeat(201)),
                SubjectTooLong { chars: 201 },
            ),
            (
                Box::new(|m| m.subject = "Hi\r\nBcc: x@y.com".into()),
                SubjectCharacter { code: 13, at: 3 },
            ),
            (
                Box::new(|m| m.text_body = "b".repeat(20_001)),
                BodyTooLong { chars: 20_001 },
            ),
            (
                Box::new(|m| m.text_body = "bell\u{7}".into()),
                BodyText(InvalidText { code: 7, at: 5 }),
            ),
            (
                Box::new(|m| m.attachments = vec![m.attachments[0].clone(); 21]),
                TooManyAttachments { count: 21 },
            ),
            (
                Box::new(|m| {
                    let half = vec![0; MAX_ATTACHMENT_BYTES / 2];
                    m.attachments[0].bytes = half.clone();
                    let mut second = m.attachments[0].clone();
                    second.bytes = [half, vec![0]].concat();
                    m.attachments.push(second);
                }),
                AttachmentsTooLarge {
                    bytes: MAX_ATTACHMENT_BYTES + 1,
                },
            ),
            (
                Box::new(|m| m.attachments[0].filename = "../etc/passwd".into()),
                Filename { number: 1 },
            ),
            (
                Box::new(|m| m.attachments[0].filename = "f".repeat(256)),
                Filename { number: 1 },
            ),
            (
                Box::new(|m| m.attachments[0].content_type = "text/plain; charset=utf-8".into()),
                ContentType { number: 1 },
            ),
        ];
        for (change, expected) in cases {
            assert_eq!(with(change), Err(expected.clone()), "{expected}");
        }
    }

    #[test]
    fn media_types_and_idempotency_keys_follow_their_rules() {
        for ok in [
            "application/pdf",
            "text/csv",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "image/svg+xml",
        ] {
            assert!(check_content_type(ok), "{ok}");
        }
        for bad in [
            "",
            "pdf",
            "/pdf",
            "text/",
            "text/csv/x",
            "text/c sv",
            ".a/b",
        ] {
            assert!(!check_content_type(bad), "{bad:?}");
        }
        assert_eq!(check_idempotency_key("ack-INQ-000001"), Ok(()));
        assert_eq!(check_idempotency_key(&"k".repeat(255)), Ok(()));
        for bad in ["", "with space", "line\nbreak", "ключ", &"k".repeat(256)] {
            assert_eq!(
                check_idempotency_key(bad),
                Err(InvalidMail::IdempotencyKey),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn no_message_repeats_the_value_it_refuses() {
        let error = with(|m| m.subject = format!("secret{}", "s".repeat(300))).expect_err("long");
        assert!(!error.to_string().contains("secret"), "{error}");
    }
}
