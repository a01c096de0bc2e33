//! Finding inquiries — the filters, the keyset of a listing newest first, the page — and the
//! change feed the gateway polls for `inquiryUpdated`.
//!
//! One definition serves both sides of the port, as for orders and invoices: the simulator
//! filters and pages with it, and the adapter checks every answer against it (an inquiry that
//! does not match, or comes out of order, is the backend breaking its contract).

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::check::line_ok;
use super::{Inquiry, InquiryCategory, InquiryStatus, InvalidInquiry, MessageAuthor};

/// The most inquiries one listing page holds (`limit`): threads come with them.
pub const MAX_INQUIRY_PAGE: u32 = 50;

/// The longest search text, in characters.
pub const MAX_SEARCH_TEXT: usize = 200;

/// An inquiry's position in a listing: listings come newest first, by submission time, ties
/// broken by tracking number (unique), so the order is total and keyset paging neither skips
/// nor repeats. Compares oldest first (the natural order); a listing runs it backwards.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct InquiryKey {
    /// When the inquiry was submitted.
    pub submitted_at: DateTime<Utc>,
    /// Its tracking number.
    pub tracking_number: String,
}

/// Which inquiries a listing holds; every condition set must hold, an empty list means "any".
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct InquiryFilter {
    /// Only inquiries in one of these statuses.
    pub statuses: Vec<InquiryStatus>,
    /// Only inquiries in one of these categories.
    pub categories: Vec<InquiryCategory>,
    /// Only inquiries submitted on or after this day (UTC).
    pub submitted_from: Option<NaiveDate>,
    /// Only inquiries submitted on or before this day (UTC).
    pub submitted_to: Option<NaiveDate>,
    /// Only inquiries whose tracking number, subject, description or a message's body contains
    /// this text, ignoring case: 1 to [`MAX_SEARCH_TEXT`] characters, not blank, no control
    /// characters.
    pub text: Option<String>,
}

impl InquiryFilter {
    /// Checks the search text's rule.
    pub fn check(&self) -> Result<(), InvalidInquiry> {
        match &self.text {
            Some(text) if !line_ok(text, MAX_SEARCH_TEXT) => Err(InvalidInquiry::SearchText),
            _ => Ok(()),
        }
    }

    /// Whether `inquiry` meets every condition.
    pub fn matches(&self, inquiry: &Inquiry) -> bool {
        let day = inquiry.submitted_at.date_naive();
        (self.statuses.is_empty() || self.statuses.contains(&inquiry.status))
            && (self.categories.is_empty() || self.categories.contains(&inquiry.category))
            && self.submitted_from.is_none_or(|from| day >= from)
            && self.submitted_to.is_none_or(|to| day <= to)
            && self
                .text
                .as_deref()
                .is_none_or(|text| mentions(inquiry, text))
    }
}

/// Whether `text` appears, ignoring case, in the inquiry's tracking number, subject,
/// description or a message's body.
fn mentions(inquiry: &Inquiry, text: &str) -> bool {
    let wanted = text.to_lowercase();
    [
        inquiry.tracking_number.as_str(),
        &inquiry.subject,
        &inquiry.description,
    ]
    .into_iter()
    .chain(inquiry.messages.iter().map(|m| m.body.as_str()))
    .any(|field| field.to_lowercase().contains(&wanted))
}

/// One page of a listing of inquiries.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct InquiryQuery {
    /// The customer numbers whose inquiries to list (at least one).
    pub customer_numbers: Vec<String>,
    /// Which of them.
    pub filter: InquiryFilter,
    /// Continue after this inquiry (the previous page's last [`Inquiry::key`]); `None` for the
    /// first page.
    pub after: Option<InquiryKey>,
    /// The most inquiries wanted: 1 to [`MAX_INQUIRY_PAGE`].
    pub limit: u32,
}

/// A page of inquiries, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InquiryPage {
    /// The page, newest first, each with its whole thread.
    pub inquiries: Vec<Inquiry>,
    /// How many inquiries match the query on every page together (ignoring `after` and
    /// `limit`).
    pub total_count: u64,
}

/// The message a change added to an inquiry's thread.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct InquiryChangeMessage {
    /// The message's ID in the thread.
    pub id: String,
    /// Who wrote it: a support answer is what the gateway e-mails the customer about.
    pub author: MessageAuthor,
}

/// One change the support system recorded: an inquiry was submitted, got a message, or changed
/// status.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct InquiryChange {
    /// The change's position in the feed: increasing, never reused.
    pub seq: u64,
    /// The inquiry that changed.
    pub tracking_number: String,
    /// Its customer number: whoever is told must be authorised for it.
    pub customer_number: String,
    /// The message added, for a change that added one.
    pub message: Option<InquiryChangeMessage>,
    /// The inquiry's status after the change.
    pub status: InquiryStatus,
    /// When it happened.
    pub at: DateTime<Utc>,
}

/// One answer of the support system's change feed (the rules of the order-status feed's
/// [`ChangeFeed`](crate::model::ChangeFeed), for inquiries).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct InquiryFeed {
    /// The changes after the position asked for, oldest first, at most
    /// [`MAX_FEED_CHANGES`](crate::model::MAX_FEED_CHANGES); none when asked "from now".
    pub changes: Vec<InquiryChange>,
    /// The position to ask from next time: the last change's `seq`, or the system's current
    /// position when there is none (below the position asked for only when the system's feed
    /// started again).
    pub next: u64,
    /// Whether the answer was full, so more may be waiting: ask again from `next` at once.
    pub more: bool,
}
