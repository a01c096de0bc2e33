//! What the customer changes at the support system — a submission, a reply, a close — for
//! [`HttpSupportBackend`]'s [`SupportBackend`](crate::ports::SupportBackend) implementation.
//!
//! Kept apart from the reads because its checks are of another kind: each answer must be the
//! inquiry acted on, showing the change made (the submission's own fields and uploads, the reply
//! at the end of the thread, the inquiry closed).

use super::adapter::HttpSupportBackend;
use super::wire::{WireInquiry, WireNewInquiry, WireReplyRequest};
use crate::AdapterError;
use crate::client::Posted;
use crate::model::ids::clip;
use crate::model::{
    CustomerNumber, Inquiry, InquiryNumber, InquiryRefusal, InquiryStatus, MessageAuthor,
    NewInquiry, check_attachment_ids, check_author_name, check_idempotency_key, check_message,
};

/// `POST v1/inquiries` with `Idempotency-Key`.
pub(super) async fn create(
    backend: &HttpSupportBackend,
    new: &NewInquiry,
    key: &str,
) -> Result<Inquiry, AdapterError> {
    let client = backend.client();
    new.check().map_err(|e| client.refuse("inquiry", e))?;
    check_idempotency_key(key).map_err(|e| client.refuse("idempotency key", e))?;
    let body = WireNewInquiry::from(new);
    let (status, answer) = client
        .post_json_keyed("create_inquiry", "v1/inquiries", key, &body)
        .await?;
    if !(200..=299).contains(&status) {
        if (400..=499).contains(&status) {
            tracing::warn!(
                backend = %client.name(),
                status,
                code = %clip(&refusal_code(&answer)),
                "the support system refused an inquiry the adapter had checked"
            );
        }
        return Err(client.status_error(status));
    }
    let inquiry = decode(backend, &answer)?;
    let mut sent = new.attachment_ids.clone();
    let mut got: Vec<String> = inquiry.attachments.iter().map(|a| a.id.clone()).collect();
    sent.sort();
    got.sort();
    let same = inquiry.customer_number == new.customer_number
        && inquiry.category == new.category
        && inquiry.subject == new.subject
        && inquiry.description == new.description
        && inquiry.submitted_by == new.submitted_by
        && sent == got;
    if !same {
        return Err(client.contract_violation(format!(
            "the inquiry answered, {}, is not the one submitted",
            inquiry.tracking_number
        )));
    }
    Ok(inquiry)
}

/// What a reply says.
pub(super) struct Reply<'a> {
    /// The name the customer signs with.
    pub author_name: &'a str,
    /// The text.
    pub message: &'a str,
    /// The uploads it carries.
    pub attachment_ids: &'a [String],
}

/// `POST v1/customers/{custNo}/inquiries/{trackingNo}/messages`.
pub(super) async fn reply(
    backend: &HttpSupportBackend,
    tracking_number: &str,
    customer_number: &str,
    reply: Reply<'_>,
) -> Result<Result<Inquiry, InquiryRefusal>, AdapterError> {
    let client = backend.client();
    check_one(backend, tracking_number, customer_number)?;
    check_author_name(reply.author_name).map_err(|e| client.refuse("author", e))?;
    check_message(reply.message).map_err(|e| client.refuse("message", e))?;
    check_attachment_ids(reply.attachment_ids).map_err(|e| client.refuse("attachments", e))?;
    let body = WireReplyRequest {
        author_name: reply.author_name.to_owned(),
        body: reply.message.to_owned(),
        attachment_ids: reply.attachment_ids.to_vec(),
    };
    let path = format!("v1/customers/{customer_number}/inquiries/{tracking_number}/messages");
    let wire: WireInquiry = match client.post_json("reply", &path, &body).await? {
        Posted::Accepted(wire) => wire,
        Posted::Refused(code) => return refused(backend, &code, true).map(Err),
    };
    let inquiry = the_one(backend, wire, tracking_number, customer_number)?;
    let added = inquiry.messages.last().is_some_and(|m| {
        let mut sent = reply.attachment_ids.to_vec();
        let mut got: Vec<String> = m.attachments.iter().map(|a| a.id.clone()).collect();
        sent.sort();
        got.sort();
        m.author == MessageAuthor::Customer && m.body == reply.message && sent == got
    });
    if !added {
        return Err(client.contract_violation(format!(
            "the thread of {tracking_number} does not end with the reply"
        )));
    }
    if inquiry.status == InquiryStatus::Closed || inquiry.status == InquiryStatus::Answered {
        return Err(client.contract_violation(format!(
            "after a reply {tracking_number} is {}",
            inquiry.status.code()
        )));
    }
    Ok(Ok(inquiry))
}

/// `POST v1/customers/{custNo}/inquiries/{trackingNo}/close`.
pub(super) async fn close(
    backend: &HttpSupportBackend,
    tracking_number: &str,
    customer_number: &str,
) -> Result<Result<Inquiry, InquiryRefusal>, AdapterError> {
    let client = backend.client();
    check_one(backend, tracking_number, customer_number)?;
    let path = format!("v1/customers/{customer_number}/inquiries/{tracking_number}/close");
    let body = serde_json::json!({});
    let wire: WireInquiry = match client.post_json("close", &path, &body).await? {
        Posted::Accepted(wire) => wire,
        Posted::Refused(code) => return refused(backend, &code, false).map(Err),
    };
    let inquiry = the_one(backend, wire, tracking_number, customer_number)?;
    if inquiry.status != InquiryStatus::Closed {
        return Err(client.contract_violation(format!(
            "after a close {tracking_number} is {}",
            inquiry.status.code()
        )));
    }
    Ok(Ok(inquiry))
}

/// Refuses, unsent, a tracking number or customer number that fails its type.
fn check_one(
    backend: &HttpSupportBackend,
    tracking_number: &str,
    customer_number: &str,
) -> Result<(), AdapterError> {
    let client = backend.client();
    client.check::<InquiryNumber>("tracking number", [tracking_number])?;
    client.check::<CustomerNumber>("customer number", [customer_number])
}

/// The refusal a code names, if the call may be refused that way (a close is only ever refused
/// for an unknown inquiry); anything else breaks the contract.
fn refused(
    backend: &HttpSupportBackend,
    code: &str,
    is_reply: bool,
) -> Result<InquiryRefusal, AdapterError> {
    match InquiryRefusal::from_code(code) {
        Some(refusal) if is_reply || refusal == InquiryRefusal::UnknownInquiry => Ok(refusal),
        _ => Err(backend
            .client()
            .contract_violation(format!("unknown refusal code {:?}", clip(code).to_string()))),
    }
}

/// The inquiry answered, if it is `customer_number`'s `tracking_number`.
fn the_one(
    backend: &HttpSupportBackend,
    wire: WireInquiry,
    tracking_number: &str,
    customer_number: &str,
) -> Result<Inquiry, AdapterError> {
    let inquiry = backend.inquiries_of(vec![wire])?.pop().ok_or_else(|| {
        backend
            .client()
            .contract_violation("no inquiry in the answer")
    })?;
    if inquiry.tracking_number != tracking_number || inquiry.customer_number != customer_number {
        return Err(backend
            .client()
            .contract_violation("the inquiry answered is not the one acted on"));
    }
    Ok(inquiry)
}

/// An inquiry in a JSON answer.
fn decode(backend: &HttpSupportBackend, answer: &[u8]) -> Result<Inquiry, AdapterError> {
    let wire: WireInquiry = serde_json::from_slice(answer)
        .map_err(|e| backend.client().contract_violation(e.to_string()))?;
    wire.into_model()
        .map_err(|detail| backend.client().contract_violation(detail))
}

/// The `{"error": CODE}` of a refusal, when the answer has one.
fn refusal_code(answer: &[u8]) -> String {
    serde_json::from_slice::<super::wire::WireRefusal>(answer)
        .map(|r| r.error)
        .unwrap_or_default()
}
