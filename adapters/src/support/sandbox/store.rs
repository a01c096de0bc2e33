//! The simulator's books: the inquiries, the idempotency keys of submissions, the files (uploads
//! waiting to be referenced, and the content of the attachments referenced), the change feed —
//! and every rule that changes them, so the handlers only translate HTTP.
//!
//! Bounded, so a sandbox left running does not grow without end: uploads nobody referenced are
//! dropped after [`UPLOAD_TTL_HOURS`], or oldest first past [`PENDING_UPLOAD_BYTES`]; past
//! [`STORED_BYTES`] of files, or [`MAX_INQUIRIES`] inquiries, new ones are refused (507); the
//! feed keeps its last [`RETAINED_CHANGES`] changes.

use std::collections::{HashMap, VecDeque};

use bytes::Bytes;
use chrono::{DateTime, Duration, SubsecRound, Utc};

use super::super::wire::{WireNewInquiry, WireReplyRequest};
use crate::model::{
    Inquiry, InquiryAttachment, InquiryChange, InquiryChangeMessage, InquiryMessage, InquiryNumber,
    InquiryRefusal, InquiryStatus, MessageAuthor, check_attachment_ids, check_author_name,
    check_message,
};

/// How long an upload waits to be referenced before it may be dropped.
pub const UPLOAD_TTL_HOURS: i64 = 24;

/// The most bytes of uploads waiting to be referenced: 256 MiB.
pub const PENDING_UPLOAD_BYTES: u64 = 256 * 1024 * 1024;

/// The most bytes of files, referenced or waiting, together: 1 GiB.
pub const STORED_BYTES: u64 = 1024 * 1024 * 1024;

/// The most inquiries the simulator holds.
pub const MAX_INQUIRIES: usize = 100_000;

/// The sequence number before the first tracking number the simulator issues: its numbers run
/// from `INQ-10000001`.
pub const NUMBERS_AFTER: u64 = 10_000_000;

/// How many changes the feed keeps; a position older than that reads on from the oldest kept.
pub const RETAINED_CHANGES: usize = 10_000;

/// Why a submission was not recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum NotCreated {
    /// The key was used for another body (409 `IDEMPOTENCY_KEY_REUSED`).
    KeyReused,
    /// The body breaks a rule of [`NewInquiry`](crate::model::NewInquiry) (422
    /// `INVALID_INQUIRY`).
    Invalid,
    /// An attachment is not an upload of the customer number waiting (422 `UNKNOWN_ATTACHMENT`).
    UnknownAttachment,
    /// The simulator is full (507 `INSUFFICIENT_STORAGE`).
    Full,
}

/// Why a change to an inquiry was not made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum NotChanged {
    /// A business refusal of the contract.
    Refused(InquiryRefusal),
    /// The body breaks a rule (422 `INVALID_MESSAGE` or `INVALID_STATUS`).
    Invalid,
}

/// An upload waiting to be referenced.
#[derive(Debug, Clone)]
pub(super) struct Upload {
    /// The customer number it was uploaded for.
    pub customer_number: String,
    /// Its metadata.
    pub attachment: InquiryAttachment,
    /// Its content.
    pub content: Bytes,
    /// When it arrived.
    pub at: DateTime<Utc>,
}

/// The simulator's state.
#[derive(Debug, Default)]
pub(super) struct Store {
    /// Every inquiry, in order of tracking number (which is the order of submission).
    pub inquiries: Vec<Inquiry>,
    /// Positions in `inquiries` by tracking number.
    pub index: HashMap<String, usize>,
    /// The body and tracking number of each submission, by idempotency key.
    pub keys: HashMap<String, (WireNewInquiry, String)>,
    /// Uploads waiting to be referenced, by attachment ID.
    pub uploads: HashMap<String, Upload>,
    /// The content of the referenced attachments, by attachment ID.
    pub files: HashMap<String, Bytes>,
    /// The changes kept, oldest first.
    pub changes: VecDeque<InquiryChange>,
    /// The last change's position (0 before any).
    pub last_seq: u64,
    /// The sequence number of the last tracking number issued.
    pub last_number: u64,
    /// The number of the last message ID issued.
    pub last_message: u64,
    /// The latest time the books know of: the clock never goes back past it.
    pub last_at: DateTime<Utc>,
}

impl Store {
    /// The books over `inquiries` (in order of submission and tracking number) and the content of
    /// their attachments.
    pub fn new(inquiries: Vec<Inquiry>, files: HashMap<String, Bytes>, last_message: u64) -> Self {
        let last_at = inquiries
            .iter()
            .map(|i| i.updated_at)
            .max()
            .unwrap_or_default();
        let index = inquiries
            .iter()
            .enumerate()
            .map(|(at, i)| (i.tracking_number.clone(), at))
            .collect();
        let last_number = inquiries
            .last()
            .and_then(|i| i.tracking_number.get(InquiryNumber::PREFIX.len()..))
            .and_then(|digits| digits.parse().ok())
            .unwrap_or(NUMBERS_AFTER);
        Self {
            last_number,
            inquiries,
            index,
            files,
            last_message,
            last_at,
            ..Self::default()
        }
    }

    /// Now, to the millisecond, and never before anything the books hold (the demo data lies
    /// in the demo's present, which may be ahead of the machine's clock).
    pub fn now(&mut self) -> DateTime<Utc> {
        let now = Utc::now()
            .trunc_subsecs(3)
            .max(self.last_at + Duration::milliseconds(1));
        self.last_at = now;
        now
    }

    fn next_message_id(&mut self) -> String {
        self.last_message += 1;
        format!("MSG-{:08}", self.last_message)
    }

    /// Bytes held in files, referenced or waiting.
    fn stored_bytes(&self) -> u64 {
        let referenced: u64 = self.files.values().map(|f| f.len() as u64).sum();
        referenced + self.pending_bytes()
    }

    fn pending_bytes(&self) -> u64 {
        self.uploads.values().map(|u| u.attachment.size).sum()
    }

    /// Keeps an upload, after dropping the ones past their time or the oldest past the budget;
    /// `false` (nothing kept) when the files would exceed [`STORED_BYTES`].
    pub fn keep_upload(&mut self, upload: Upload) -> bool {
        let cutoff = upload.at - Duration::hours(UPLOAD_TTL_HOURS);
        self.uploads.retain(|_, u| u.at >= cutoff);
        let size = upload.attachment.size;
        while self.pending_bytes() + size > PENDING_UPLOAD_BYTES {
            let oldest = self
                .uploads
                .iter()
                .min_by_key(|(_, u)| u.at)
                .map(|(id, _)| id.clone());
            match oldest {
                Some(id) => self.uploads.remove(&id),
                None => break,
            };
        }
        if self.stored_bytes() + size > STORED_BYTES {
            return false;
        }
        self.uploads.insert(upload.attachment.id.clone(), upload);
        true
    }

    /// Takes the uploads `ids` of `customer_number` for an inquiry: their metadata, their content
    /// moved to the referenced files; nothing is taken unless every one is there.
    fn take_uploads(
        &mut self,
        customer_number: &str,
        ids: &[String],
    ) -> Option<Vec<InquiryAttachment>> {
        let all_there = ids.iter().all(|id| {
            self.uploads
                .get(id)
                .is_some_and(|u| u.customer_number == customer_number)
        });
        if !all_there {
            return None;
        }
        let taken = ids
            .iter()
            .filter_map(|id| self.uploads.remove(id))
            .map(|upload| {
                self.files
                    .insert(upload.attachment.id.clone(), upload.content);
                upload.attachment
            })
            .collect();
        Some(taken)
    }

    /// Records a change of the inquiry at `at` in the feed.
    fn record(&mut self, at: usize, message: Option<InquiryChangeMessage>) {
        let Some(inquiry) = self.inquiries.get(at) else {
            return;
        };
        self.last_seq += 1;
        let change = InquiryChange {
            seq: self.last_seq,
            tracking_number: inquiry.tracking_number.clone(),
            customer_number: inquiry.customer_number.clone(),
            message,
            status: inquiry.status,
            at: inquiry.updated_at,
        };
        self.changes.push_back(change);
        while self.changes.len() > RETAINED_CHANGES {
            self.changes.pop_front();
        }
    }

    /// Records a submission once per `key`: the inquiry, and whether this call created it.
    pub fn create(
        &mut self,
        key: &str,
        request: WireNewInquiry,
    ) -> Result<(Inquiry, bool), NotCreated> {
        if let Some((first, number)) = self.keys.get(key) {
            let first = (*first == request)
                .then(|| self.index.get(number))
                .flatten()
                .and_then(|at| self.inquiries.get(*at));
            return first
                .cloned()
                .map(|i| (i, false))
                .ok_or(NotCreated::KeyReused);
        }
        let new = request.clone().into_model().ok_or(NotCreated::Invalid)?;
        new.check().map_err(|_| NotCreated::Invalid)?;
        if self.inquiries.len() >= MAX_INQUIRIES {
            return Err(NotCreated::Full);
        }
        let number = InquiryNumber::from_sequence(self.last_number + 1).ok_or(NotCreated::Full)?;
        let attachments = self
            .take_uploads(&new.customer_number, &new.attachment_ids)
            .ok_or(NotCreated::UnknownAttachment)?;
        self.last_number += 1;
        let now = self.now();
        let inquiry = Inquiry {
            tracking_number: number.to_string(),
            category: new.category,
            customer_number: new.customer_number,
            country: new.country,
            subject: new.subject,
            description: new.description,
            status: InquiryStatus::Submitted,
            submitted_at: now,
            updated_at: now,
            response_due_by: new.response_due_by,
            submitted_by: new.submitted_by,
            contact: new.contact,
            routed_to_person: new.routed_to_person,
            attachments,
            messages: Vec::new(),
        };
        let at = self.inquiries.len();
        self.index.insert(inquiry.tracking_number.clone(), at);
        self.keys
            .insert(key.to_owned(), (request, inquiry.tracking_number.clone()));
        self.inquiries.push(inquiry.clone());
        self.record(at, None);
        Ok((inquiry, true))
    }

    /// The position of `number`, when it is `customer_number`'s (for the customer's calls) or
    /// whoever's (`None`, for support's).
    fn find(&self, number: &str, customer_number: Option<&str>) -> Option<usize> {
        let at = *self.index.get(number)?;
        let inquiry = self.inquiries.get(at)?;
        customer_number
            .is_none_or(|c| inquiry.customer_number == c)
            .then_some(at)
    }

    /// `customer_number`'s inquiry `number`, if it is theirs.
    pub fn inquiry_of(&self, customer_number: &str, number: &str) -> Option<&Inquiry> {
        self.find(number, Some(customer_number))
            .and_then(|at| self.inquiries.get(at))
    }

    /// Adds a message to the thread of the inquiry at `at` and moves it to `status`.
    fn add_message(
        &mut self,
        at: usize,
        author: MessageAuthor,
        (author_name, body): (String, String),
        attachment_ids: &[String],
        status: InquiryStatus,
    ) -> Result<Inquiry, NotChanged> {
        let customer_number = self
            .inquiries
            .get(at)
            .map(|i| i.customer_number.clone())
            .unwrap_or_default();
        let attachments = self
            .take_uploads(&customer_number, attachment_ids)
            .ok_or(NotChanged::Refused(InquiryRefusal::UnknownAttachment))?;
        let id = self.next_message_id();
        let now = self.now();
        let Some(inquiry) = self.inquiries.get_mut(at) else {
            return Err(NotChanged::Refused(InquiryRefusal::UnknownInquiry));
        };
        inquiry.messages.push(InquiryMessage {
            id: id.clone(),
            author,
            author_name,
            body,
            at: now,
            attachments,
        });
        inquiry.status = status;
        inquiry.updated_at = now;
        let answer = inquiry.clone();
        self.record(at, Some(InquiryChangeMessage { id, author }));
        Ok(answer)
    }

    /// The customer's reply to their inquiry.
    pub fn reply(
        &mut self,
        customer_number: &str,
        number: &str,
        reply: WireReplyRequest,
    ) -> Result<Inquiry, NotChanged> {
        let at = self
            .find(number, Some(customer_number))
            .ok_or(NotChanged::Refused(InquiryRefusal::UnknownInquiry))?;
        let status = self
            .inquiries
            .get(at)
            .and_then(|i| i.status.after_customer_reply())
            .ok_or(NotChanged::Refused(InquiryRefusal::Closed))?;
        let valid = check_author_name(&reply.author_name).is_ok()
            && check_message(&reply.body).is_ok()
            && check_attachment_ids(&reply.attachment_ids).is_ok();
        if !valid {
            return Err(NotChanged::Invalid);
        }
        let signed = (reply.author_name, reply.body);
        let author = MessageAuthor::Customer;
        self.add_message(at, author, signed, &reply.attachment_ids, status)
    }

    /// Support's answer to an inquiry (the admin endpoint), leaving it in `status`.
    pub fn answer(
        &mut self,
        number: &str,
        signed: (String, String),
        attachment_ids: &[String],
        status: InquiryStatus,
    ) -> Result<Inquiry, NotChanged> {
        let at = self
            .find(number, None)
            .ok_or(NotChanged::Refused(InquiryRefusal::UnknownInquiry))?;
        if self
            .inquiries
            .get(at)
            .is_some_and(|i| i.status == InquiryStatus::Closed)
        {
            return Err(NotChanged::Refused(InquiryRefusal::Closed));
        }
        let valid = status != InquiryStatus::Submitted
            && check_author_name(&signed.0).is_ok()
            && check_message(&signed.1).is_ok()
            && check_attachment_ids(attachment_ids).is_ok();
        if !valid {
            return Err(NotChanged::Invalid);
        }
        self.add_message(at, MessageAuthor::Support, signed, attachment_ids, status)
    }

    /// Moves an inquiry to `status` — `customer_number`'s, or any for support — recording a
    /// change unless it already is there.
    pub fn set_status(
        &mut self,
        number: &str,
        customer_number: Option<&str>,
        status: InquiryStatus,
    ) -> Result<Inquiry, InquiryRefusal> {
        let at = self
            .find(number, customer_number)
            .ok_or(InquiryRefusal::UnknownInquiry)?;
        let unchanged = self.inquiries.get(at).filter(|i| i.status == status);
        if let Some(inquiry) = unchanged {
            return Ok(inquiry.clone());
        }
        let now = self.now();
        let Some(inquiry) = self.inquiries.get_mut(at) else {
            return Err(InquiryRefusal::UnknownInquiry);
        };
        inquiry.status = status;
        inquiry.updated_at = now;
        let answer = inquiry.clone();
        self.record(at, None);
        Ok(answer)
    }
}
