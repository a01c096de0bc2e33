//! The vendor's customer-support system: "My inquiries" and the contact module's requests for a
//! representative, their threads with the support team, and the documents exchanged on the way.
//! JSON over HTTP, with attachments streamed as raw bodies; one global instance.
//!
//! Contract (see `fixtures/support/`; times RFC 3339 in UTC; refusals `{"error": CODE}`;
//! tracking numbers [`InquiryNumber`](crate::model::InquiryNumber)s, attachment and message IDs
//! [`AttachmentId`](crate::model::AttachmentId)s; the limits those of
//! [`crate::model`]'s inquiry types, e.g. [`MAX_INQUIRY_TEXT`](crate::model::MAX_INQUIRY_TEXT)):
//! - `POST v1/customers/{custNo}/attachments?fileName=&size=` with `Content-Type` the file's
//!   media type and the file as the raw body (`size` bytes, at most
//!   [`MAX_ATTACHMENT_FILE_BYTES`](crate::model::MAX_ATTACHMENT_FILE_BYTES)) — 201
//!   `{attachmentId, fileName, contentType, size, sha256}`, the SHA-256 computed as the body
//!   arrived. The upload waits to be referenced, once, by a submission or a reply for the same
//!   customer number; one nobody references within a day may be garbage-collected. Refusals:
//!   413 `TOO_LARGE` (decided as the bytes arrive), 400 `SIZE_MISMATCH` (a body of another
//!   length than `size`), 422 `INVALID_ATTACHMENT` (name, type or size breaking
//!   [`check_upload`](crate::model::check_upload)).
//! - `POST v1/inquiries` with `Idempotency-Key` and `{category, custNo, ctry, subject,
//!   description, responseDueBy, submittedBy, contact: {name, email, phone?, preferredChannel:
//!   EMAIL|PHONE, language}, routedToPerson, attachmentIds}` — 201 with the inquiry, SUBMITTED.
//!   One inquiry per key: a repeat with the same body answers 200 with the first inquiry (as it
//!   is now); another body with that key is 409 `IDEMPOTENCY_KEY_REUSED`. 422
//!   `INVALID_INQUIRY` (breaking [`NewInquiry::check`](crate::model::NewInquiry::check)), 422
//!   `UNKNOWN_ATTACHMENT` (not an upload of `custNo` waiting), 400 for a missing or invalid key
//!   or a body that does not parse.
//! - `GET v1/inquiries?customers=A,B&limit=N&…` lists those customer numbers' inquiries newest
//!   first (by `submittedAt`, then tracking number), with the filters and keyset of
//!   `search_params`: `{"inquiries": [...], "totalCount": n}`, `limit` 1 to
//!   [`MAX_INQUIRY_PAGE`](crate::model::MAX_INQUIRY_PAGE), `totalCount` counting every match.
//! - `GET v1/inquiries/batch?customers=A,B&ids=INQ-…,INQ-…` answers `{"inquiries": [...]}`:
//!   unknown numbers, and inquiries of customer numbers not named, are omitted; more than
//!   [`LOOKUP_BATCH`](crate::ports::LOOKUP_BATCH) ids is a 400.
//! - `POST v1/customers/{custNo}/inquiries/{trackingNo}/messages {authorName, body,
//!   attachmentIds}` adds the customer's message — 201 with the inquiry, whose status follows
//!   [`InquiryStatus::after_customer_reply`](crate::model::InquiryStatus::after_customer_reply).
//!   404 `UNKNOWN_INQUIRY` (none of that customer number), 409 `INQUIRY_CLOSED`, 422
//!   `UNKNOWN_ATTACHMENT`, 422 `INVALID_MESSAGE`.
//! - `POST v1/customers/{custNo}/inquiries/{trackingNo}/close` (body `{}`) — 200 with the
//!   inquiry, CLOSED; a closed one answers unchanged. 404 `UNKNOWN_INQUIRY`.
//! - `GET v1/customers/{custNo}/inquiries/{trackingNo}/attachments/{attachmentId}` — 200 with
//!   the file as the body, `Content-Type` as declared, `Content-Length` its size, `Repr-Digest:
//!   sha-256=:<base64>:` (RFC 9530) and `Content-Disposition: attachment;
//!   filename*=UTF-8''<name>` (RFC 8187); 404 when that customer number's inquiry has no such
//!   attachment (submitted with it, or on a message).
//! - `GET v1/inquiries/changes?since=&limit=` — `{"changes": [{seq, trackingNo, custNo,
//!   messageId?, author?, status, at}], "next": n}`: the changes after `since`, oldest first (a
//!   submission, a message — with its ID and author —, a status change), every customer
//!   number's; without `since`, none and the current position. As the order-status feed.
//!
//! The inquiry: `{trackingNo, category, custNo, ctry, subject, description, status,
//! submittedAt, updatedAt, responseDueBy, submittedBy, contact, routedToPerson, attachments:
//! [attachment], messages: [{messageId, author: SUPPORT|CUSTOMER, authorName, body, at,
//! attachments}]}`. The adapter refuses, as a contract violation, any answer whose identifiers
//! fail their types, whose texts pass their limits, whose thread is out of time order, whose
//! SHA-256s are not 64 lower-case hexadecimal digits, or that is not what was asked (another
//! customer number, a search's non-matches, another order, not the change made); and an upload
//! whose answer is not the bytes sent, a download whose bytes are not the ones announced.
//!
//! Here: `wire` (the format and its translation), `search_params` (the listing's parameters),
//! `digest` (SHA-256 as the contract writes it), `adapter` (the
//! [`SupportBackend`](crate::ports::SupportBackend) over HTTP) with `writes`, `files` and
//! `feed`, `transfer` and `streams` (the streamed uploads and downloads), [`sandbox`] (the
//! simulator).

mod adapter;
mod digest;
mod feed;
mod files;
pub mod sandbox;
mod search_params;
mod streams;
mod transfer;
mod wire;
mod writes;

pub use adapter::HttpSupportBackend;

/// The instance's name: in errors, cache keys, fault settings and the sandbox's paths.
pub const INSTANCE: &str = "support";
