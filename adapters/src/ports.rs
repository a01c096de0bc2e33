//! One trait per backend capability. The gateway holds them as `Arc<dyn ...>` and never learns
//! which implementation (HTTP adapter, sandbox, test double) is behind them.
//!
//! Every port names its instance ([`OrderBackend::instance`], ...): the name the gateway puts in
//! cache keys, call budgets, readiness reports and the `backend` of an error, so a backend's name
//! is written once, in its adapter module, and nowhere in the gateway.
//!
//! Identifiers cross the ports as text, but every implementation over HTTP checks each one
//! against its type in [`crate::model::ids`] (and free text against
//! [`FreeText`](crate::model::FreeText)) before it builds a request, refusing with
//! [`AdapterError::InvalidRequest`] — which no breaker counts. The gateway checks them first, at
//! its edge; this is the second line.

use async_trait::async_trait;

mod contracts;
pub use contracts::ContractsBackend;

use crate::AdapterError;
use crate::model::{
    AuthorizationRefusal, InventoryChange, InventoryItem, InventoryPage, InventoryRefusal,
    InventoryRequest, Order, OrderPage, OrderQuery, PageRequest, Region, Tool, ToolAuthorization,
    UserProfile,
};
use crate::resilience::BreakerReport;

/// The most identifiers one batch lookup carries ([`OrderBackend::orders_by_number`],
/// [`InventoryBackend::items_by_serial`]): callers split longer lists into batches of this size,
/// the adapters refuse a longer one unsent, and the simulators answer it 400.
pub const LOOKUP_BATCH: usize = 100;

/// The most pages a walk over a listing ([`InventoryBackend::items`], the gateway's listing) follows
/// before it gives up on a backend that never stops announcing another: a million items or so at
/// the systems' own page sizes.
pub const MAX_PAGES_WALKED: usize = 1000;

/// One regional instance of the order-status system.
#[async_trait]
pub trait OrderBackend: Send + Sync {
    /// The instance's name, e.g. `order-status/emea`.
    fn instance(&self) -> &str;

    /// The region this instance serves.
    fn region(&self) -> Region;

    /// Lists orders matching `query`, in listing order, with the total number of matches.
    async fn list_orders(&self, query: &OrderQuery) -> Result<OrderPage, AdapterError>;

    /// Fetches orders by order number in one call (at most [`LOOKUP_BATCH`]); unknown numbers
    /// are simply absent.
    async fn orders_by_number(&self, order_numbers: &[String]) -> Result<Vec<Order>, AdapterError>;

    /// The instance's status changes after position `since`, oldest first, at most
    /// [`MAX_FEED_CHANGES`](crate::model::MAX_FEED_CHANGES); with `since` absent, none and the
    /// current position ("from now"). The feed is the whole instance's, every customer number
    /// together: whoever passes a change on checks who may see it. Retried: it only reads.
    async fn status_changes(
        &self,
        since: Option<u64>,
    ) -> Result<crate::model::ChangeFeed, AdapterError>;

    /// Records `email` as a watcher of `order_number`, whom the instance e-mails each time the
    /// order's status changes; watching again is answered with the watch unchanged (`created`
    /// false). A business refusal is `Ok(Err(..))`. Changes state: never retried.
    async fn watch_order(
        &self,
        order_number: &str,
        email: &crate::model::EmailAddress,
    ) -> Result<Result<crate::model::OrderWatch, crate::model::WatchRefusal>, AdapterError>;

    /// Where this instance's circuit breakers stand, one per operation called so far (none for
    /// an implementation without breakers).
    fn breakers(&self) -> Vec<BreakerReport> {
        Vec::new()
    }
}

/// The registration system: profiles, the company's customer numbers, tool authorisations.
#[async_trait]
pub trait RegistrationBackend: Send + Sync {
    /// The instance's name, e.g. `registration`.
    fn instance(&self) -> &str;

    /// The profile of the user with this identity-provider subject, if registered.
    async fn user_profile(&self, user_id: &str) -> Result<Option<UserProfile>, AdapterError>;

    /// Asks for the user's first-time authorisation for `tool` on `customer_number`. A business
    /// refusal is `Ok(Err(..))`; this call changes state and is never retried. The justification
    /// is at most [`MAX_JUSTIFICATION`](crate::model::MAX_JUSTIFICATION) characters.
    async fn request_tool_authorization(
        &self,
        user_id: &str,
        tool: Tool,
        customer_number: &str,
        justification: &str,
    ) -> Result<Result<ToolAuthorization, AuthorizationRefusal>, AdapterError>;

    /// The user's saved preference documents of `kind` (at most
    /// [`MAX_PREFERENCES_PER_KIND`](crate::model::MAX_PREFERENCES_PER_KIND)), by name ignoring
    /// case; none is an empty list. Kept by the registration system, so every gateway instance
    /// sees the same ones. Retried: it only reads.
    async fn list_preferences(
        &self,
        user_id: &str,
        kind: crate::model::PreferenceKind,
    ) -> Result<Vec<crate::model::PreferenceDoc>, AdapterError>;

    /// Creates (`write.expected_version` is `None`) or replaces (`Some(version)`) the user's
    /// document `write.id`, answering it as stored, with its new version. A business refusal is
    /// `Ok(Err(..))`: the version changed since (`VersionConflict`), the name is another
    /// document's (`NameTaken`), the user keeps the most documents of the kind (`TooMany`), the
    /// document to replace is gone (`NotFound`). A write that breaks the rules of
    /// [`PreferenceWrite::check`](crate::model::PreferenceWrite::check) is refused unsent.
    ///
    /// Idempotent, so retried: the caller chooses the ID, and a write whose name and body the
    /// document already has is answered with it unchanged — a create or a change sent twice
    /// stores once.
    async fn put_preference(
        &self,
        user_id: &str,
        write: &crate::model::PreferenceWrite,
    ) -> Result<Result<crate::model::PreferenceDoc, crate::model::PreferenceRefusal>, AdapterError>;

    /// Deletes the user's document `id` of `kind`; `Ok(Err(NotFound))` when there is none of that
    /// kind. Idempotent, so retried — `NotFound` may then mean an earlier attempt of this very
    /// call deleted it: either way, the document is gone.
    async fn delete_preference(
        &self,
        user_id: &str,
        kind: crate::model::PreferenceKind,
        id: &str,
    ) -> Result<Result<(), crate::model::PreferenceRefusal>, AdapterError>;

    /// Where this backend's circuit breakers stand, one per operation called so far.
    fn breakers(&self) -> Vec<BreakerReport> {
        Vec::new()
    }
}

/// A regional inventory system (US Inventory OnLine, the EU Services Assistant).
#[async_trait]
pub trait InventoryBackend: Send + Sync {
    /// The instance's name, e.g. `us-inventory-online`.
    fn instance(&self) -> &str;

    /// One page of the items installed under these customer numbers, in the system's listing
    /// order. Ask for the first page with `PageRequest::default()` (the system's own page size)
    /// or [`PageRequest::first`]; then pass each answer's `next` cursor back, for the same
    /// customer numbers, until it is `None`. Each page is one call to the backend.
    async fn items_page(
        &self,
        customer_numbers: &[String],
        page: &PageRequest,
    ) -> Result<InventoryPage, AdapterError>;

    /// Every item installed under these customer numbers: every page, in order, each page of the
    /// system's own size — as many calls as the inventory has pages. Prefer
    /// [`items_page`](Self::items_page) where a caller needs only part of a large inventory.
    async fn items(&self, customer_numbers: &[String]) -> Result<Vec<InventoryItem>, AdapterError> {
        let mut page = PageRequest::default();
        let mut items = Vec::new();
        let mut announced = None;
        for _ in 0..MAX_PAGES_WALKED {
            let answer = self.items_page(customer_numbers, &page).await?;
            let total = *announced.get_or_insert(answer.total_count);
            items.extend(answer.items);
            let Some(next) = answer.next else {
                return Ok(items);
            };
            // Every page with a successor holds items (the adapters see to it); a backend that
            // announces its page again, or pages past its own total, would never finish.
            let broken = if page.after.as_ref() == Some(&next) {
                Some(format!("the page after {next} announced itself as next"))
            } else if items.len() as u64 >= total {
                Some(format!(
                    "announced {total} items, then more pages after them"
                ))
            } else {
                None
            };
            if let Some(detail) = broken {
                return Err(AdapterError::Decode {
                    backend: self.instance().to_owned(),
                    detail,
                });
            }
            page.after = Some(next);
        }
        Err(AdapterError::Decode {
            backend: self.instance().to_owned(),
            detail: format!("more than {MAX_PAGES_WALKED} pages"),
        })
    }

    /// Items by serial number in one call (at most [`LOOKUP_BATCH`]); unknown serial numbers are
    /// simply absent.
    async fn items_by_serial(
        &self,
        serial_numbers: &[String],
    ) -> Result<Vec<InventoryItem>, AdapterError>;

    /// Asks for a change to one item's record; a business refusal is `Ok(Err(..))`. Changes
    /// state: never retried. The details are at most
    /// [`MAX_CHANGE_DETAILS`](crate::model::MAX_CHANGE_DETAILS) characters.
    async fn request_change(
        &self,
        customer_number: &str,
        serial_number: &str,
        change: InventoryChange,
        details: &str,
    ) -> Result<Result<InventoryRequest, InventoryRefusal>, AdapterError>;

    /// Where this system's circuit breakers stand, one per operation called so far.
    fn breakers(&self) -> Vec<BreakerReport> {
        Vec::new()
    }
}

/// The vendor's outgoing mail service: one global instance that sends the e-mail of every tool
/// (acknowledgments, notifications, reports).
#[async_trait]
pub trait MailBackend: Send + Sync {
    /// The instance's name, e.g. `mail`.
    fn instance(&self) -> &str;

    /// Sends `message`, answering the service's receipt. An implementation over HTTP checks the
    /// message ([`MailMessage::check`](crate::model::MailMessage::check): recipients, subject,
    /// body and attachments within their limits) and the key
    /// ([`check_idempotency_key`](crate::model::check_idempotency_key)) first, and refuses a
    /// message that fails with [`AdapterError::InvalidRequest`], unsent.
    ///
    /// Changes state, made safe to repeat by `idempotency_key`: the service sends one message
    /// per key and answers a repeat with the first one's receipt. That is why, unlike a plain
    /// POST, a send is retried like a read (on transport failures, timeouts and 5xx, with the
    /// same key, within the instance's timeout and retry budget): a transient failure does not
    /// lose an acknowledgment, and a retry of a message that did go out sends nothing twice. A
    /// caller uses one key per message, derived from what the message is about (e.g.
    /// `ack-INQ-000042`), so its own retries reuse it too; a key reused for a different message is
    /// answered 409, an [`AdapterError::Status`].
    async fn send(
        &self,
        message: &crate::model::MailMessage,
        idempotency_key: &str,
    ) -> Result<crate::model::MailReceipt, AdapterError>;

    /// Where this service's circuit breakers stand, one per operation called so far.
    fn breakers(&self) -> Vec<BreakerReport> {
        Vec::new()
    }
}

/// Which billing document a PDF is asked for.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum BillingDocument {
    /// An invoice, by number.
    Invoice(String),
    /// A credit note, by number.
    CreditNote(String),
}

/// One regional instance of the billing system: invoices, credit notes, payments and account
/// statements of the customer numbers in its region.
///
/// Every call that reads one customer's documents names the customer number as well as the
/// document, and the system answers "not found" for a document of another customer number: the
/// gateway checks the caller's authorisation first, and the system holds the same line.
#[async_trait]
pub trait BillingBackend: Send + Sync {
    /// The instance's name, e.g. `billing/emea`.
    fn instance(&self) -> &str;

    /// The region this instance serves.
    fn region(&self) -> Region;

    /// Lists the invoices matching `query`, in its order, with the total number of matches.
    async fn list_invoices(
        &self,
        query: &crate::model::InvoiceQuery,
    ) -> Result<crate::model::InvoicePage, AdapterError>;

    /// Fetches invoices by number in one call (at most [`LOOKUP_BATCH`]); unknown numbers are
    /// simply absent.
    async fn invoices_by_number(
        &self,
        invoice_numbers: &[String],
    ) -> Result<Vec<crate::model::Invoice>, AdapterError>;

    /// Fetches credit notes by number in one call (at most [`LOOKUP_BATCH`]); unknown numbers
    /// are simply absent.
    async fn credit_notes_by_number(
        &self,
        credit_note_numbers: &[String],
    ) -> Result<Vec<crate::model::CreditNote>, AdapterError>;

    /// `customer_number`'s statement for `period`; `None` for a customer number this instance
    /// does not bill.
    async fn statement(
        &self,
        customer_number: &str,
        period: crate::model::StatementPeriod,
    ) -> Result<Option<crate::model::Statement>, AdapterError>;

    /// The PDF copy of `document` of `customer_number`; `None` when the instance has no such
    /// document for that customer number. At most [`MAX_PDF_BYTES`].
    async fn document_pdf(
        &self,
        customer_number: &str,
        document: &BillingDocument,
    ) -> Result<Option<Vec<u8>>, AdapterError>;

    /// Takes `action` on `customer_number`'s invoice (a dispute with its `reason`), answering the
    /// invoice as it is afterwards, or why the system refused. The allowed transitions are
    /// [`InvoiceStatus::after`](crate::model::InvoiceStatus::after). Changes state: never retried.
    async fn act_on_invoice(
        &self,
        customer_number: &str,
        invoice_number: &str,
        action: crate::model::InvoiceAction,
        reason: Option<&str>,
    ) -> Result<Result<crate::model::Invoice, crate::model::InvoiceRefusal>, AdapterError>;

    /// Where this instance's circuit breakers stand, one per operation called so far.
    fn breakers(&self) -> Vec<BreakerReport> {
        Vec::new()
    }
}

/// The largest PDF a billing system may answer: bigger is a malformed answer.
pub const MAX_PDF_BYTES: usize = 5 * 1024 * 1024;

/// A body of bytes that arrives a piece at a time: an attachment streamed to or from the support
/// system, never held whole in memory by the adapter.
pub type ByteStream = futures::stream::BoxStream<'static, Result<bytes::Bytes, std::io::Error>>;

/// An attachment being downloaded: what is known of it, and its content as it arrives.
pub struct AttachmentDownload {
    /// The attachment's ID, file name, media type, size and SHA-256, as the support system
    /// answered them.
    pub attachment: crate::model::InquiryAttachment,
    /// Its content. An implementation over HTTP checks it on the way: more bytes than the size,
    /// fewer, or a SHA-256 other than announced end the stream with an error (after the bytes
    /// read so far: a download cut short, never a wrong file passed as complete).
    pub body: ByteStream,
}

impl std::fmt::Debug for AttachmentDownload {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AttachmentDownload")
            .field("attachment", &self.attachment)
            .finish_non_exhaustive()
    }
}

/// The vendor's customer-support system, one global instance: inquiries ("My inquiries" and the
/// contact module), their threads, and the documents exchanged with the support team.
///
/// Every call that reads or changes one inquiry names its customer number as well as its
/// tracking number, and the system answers "unknown" for an inquiry of another customer number:
/// the gateway checks the caller's authorisation for [`Tool::Inquiries`] first, and the system
/// holds the same line. The acknowledgment and answer e-mails are the gateway's to send (in the
/// user's language, through the [`MailBackend`]); the support system sends none.
#[async_trait]
pub trait SupportBackend: Send + Sync {
    /// The instance's name, e.g. `support`.
    fn instance(&self) -> &str;

    /// Submits `new`, answering the inquiry as recorded (SUBMITTED, with its tracking number and
    /// the attachments it references). An implementation over HTTP checks it first
    /// ([`NewInquiry::check`](crate::model::NewInquiry::check)) and the key
    /// ([`check_idempotency_key`](crate::model::check_idempotency_key)), refusing with
    /// [`AdapterError::InvalidRequest`], unsent.
    ///
    /// Changes state, made safe to repeat by `idempotency_key`, like [`MailBackend::send`]: the
    /// system records one inquiry per key and answers a repeat with the same body with the first
    /// one, so the call is retried like a read. A caller repeating a submission sends the same
    /// `new` — `response_due_by` included, computed once. A key reused for another body is answered 409,
    /// and an attachment ID that is not an unreferenced upload of the same customer number 422:
    /// both [`AdapterError::Status`] (the gateway uploads and submits in one go, so neither is a
    /// user's error).
    async fn create_inquiry(
        &self,
        new: &crate::model::NewInquiry,
        idempotency_key: &str,
    ) -> Result<crate::model::Inquiry, AdapterError>;

    /// Streams a file of `size` bytes to the system for `customer_number`, answering its
    /// [`InquiryAttachment`](crate::model::InquiryAttachment) (ID and SHA-256 included), to be
    /// referenced once by [`create_inquiry`](Self::create_inquiry) or [`reply`](Self::reply) for
    /// the same customer number. The body is never held whole: it is counted and hashed as it
    /// goes. An upload nobody references within a day may be garbage-collected by the system.
    ///
    /// What the upload declares is checked first
    /// ([`check_upload`](crate::model::check_upload): at most
    /// [`MAX_ATTACHMENT_FILE_BYTES`](crate::model::MAX_ATTACHMENT_FILE_BYTES)); a body longer or
    /// shorter than `size`, or one that fails, ends the upload with
    /// [`AdapterError::InvalidRequest`]. A body cannot be sent twice, so an upload is never
    /// retried; and the system's SHA-256 must be the one of the bytes sent.
    async fn upload_attachment(
        &self,
        customer_number: &str,
        file_name: &str,
        content_type: &str,
        size: u64,
        body: ByteStream,
    ) -> Result<crate::model::InquiryAttachment, AdapterError>;

    /// One page of the inquiries of these customer numbers matching `query`, newest first, with
    /// the total number of matches. Retried: it only reads.
    async fn inquiries(
        &self,
        query: &crate::model::InquiryQuery,
    ) -> Result<crate::model::InquiryPage, AdapterError>;

    /// The inquiries with these tracking numbers (at most [`LOOKUP_BATCH`]) among those of
    /// `customer_numbers`, in one call; unknown numbers, and inquiries of other customer
    /// numbers, are simply absent.
    async fn inquiries_by_number(
        &self,
        customer_numbers: &[String],
        tracking_numbers: &[String],
    ) -> Result<Vec<crate::model::Inquiry>, AdapterError>;

    /// Adds the customer's `message`, signed `author_name`, with the uploads `attachment_ids`,
    /// to the thread of `customer_number`'s inquiry `tracking_number`, answering the inquiry as
    /// it is afterwards (an ANSWERED one goes back to IN_PROGRESS:
    /// [`InquiryStatus::after_customer_reply`](crate::model::InquiryStatus::after_customer_reply)).
    /// Refusals: unknown inquiry, closed, unknown attachment. Changes state: never retried.
    async fn reply(
        &self,
        tracking_number: &str,
        customer_number: &str,
        author_name: &str,
        message: &str,
        attachment_ids: &[String],
    ) -> Result<Result<crate::model::Inquiry, crate::model::InquiryRefusal>, AdapterError>;

    /// Closes `customer_number`'s inquiry `tracking_number`, answering it CLOSED; closing a
    /// closed inquiry answers it unchanged. The only refusal is an unknown inquiry. Changes
    /// state: sent once (repeating it is harmless).
    async fn close(
        &self,
        tracking_number: &str,
        customer_number: &str,
    ) -> Result<Result<crate::model::Inquiry, crate::model::InquiryRefusal>, AdapterError>;

    /// The attachment `attachment_id` of `customer_number`'s inquiry `tracking_number` (submitted
    /// with it or carried by a message), streamed; `None` when the inquiry has no such
    /// attachment for that customer number.
    async fn attachment(
        &self,
        tracking_number: &str,
        customer_number: &str,
        attachment_id: &str,
    ) -> Result<Option<AttachmentDownload>, AdapterError>;

    /// The system's inquiry changes after position `since`, oldest first, at most
    /// [`MAX_FEED_CHANGES`](crate::model::MAX_FEED_CHANGES); with `since` absent, none and the
    /// current position ("from now"). Every customer number's together: whoever passes a
    /// change on checks who may see it. Retried: it only reads.
    async fn changes(&self, since: Option<u64>) -> Result<crate::model::InquiryFeed, AdapterError>;

    /// Where this system's circuit breakers stand, one per operation called so far.
    fn breakers(&self) -> Vec<BreakerReport> {
        Vec::new()
    }
}
