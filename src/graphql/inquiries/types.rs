//! The `Inquiry` type, its thread, contact and attachments, and the connection that lists
//! inquiries. Every inquiry shown here was read for the caller among the customer numbers they
//! are authorised for with Inquiries; its attachments' links are signed for the caller.

use async_graphql::{Context, Enum, ID, Object, Result, SimpleObject};
use chrono::Utc;
use supportgraph_adapters::model;

use super::links::attachment_link;
use crate::app::App;
use crate::graphql::common::connection::PageInfo;
use crate::graphql::common::exclusions::ExcludedCustomer;
use crate::graphql::common::global_id::GlobalId;
use crate::graphql::common::scalars::DateTime;

/// What an inquiry is about.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Debug)]
#[graphql(remote = "supportgraph_adapters::model::InquiryCategory")]
pub enum InquiryCategory {
    /// Orders and deliveries.
    Orders,
    /// Invoices.
    Invoices,
    /// Account statements.
    Statements,
    /// Contracts.
    Contracts,
    /// Installed inventory: how the countries without an online inventory ask about it.
    Inventory,
    /// Registration, user IDs and tool authorisations.
    Registration,
    /// Anything else.
    Other,
}

/// Where an inquiry stands. SUBMITTED → IN_PROGRESS → ANSWERED (support may answer straight
/// from SUBMITTED); a reply to an ANSWERED inquiry takes it back to IN_PROGRESS; you may close
/// it from any status (CLOSED takes no more replies).
#[derive(Enum, Clone, Copy, PartialEq, Eq, Debug)]
#[graphql(remote = "supportgraph_adapters::model::InquiryStatus")]
pub enum InquiryStatus {
    /// Received; nobody at support has taken it yet.
    Submitted,
    /// Someone at support is working on it.
    InProgress,
    /// Support answered; reply or close it.
    Answered,
    /// Closed.
    Closed,
}

/// How you prefer to be contacted.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Debug)]
#[graphql(remote = "supportgraph_adapters::model::ContactChannel")]
pub enum ContactChannel {
    /// By e-mail.
    Email,
    /// By telephone (a telephone number is needed).
    Phone,
}

/// Who wrote a message.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Debug)]
#[graphql(remote = "supportgraph_adapters::model::MessageAuthor")]
pub enum MessageAuthor {
    /// The vendor's support team.
    Support,
    /// Someone at your company.
    Customer,
}

/// Who to contact about an inquiry.
pub struct InquiryContact(model::InquiryContact);

/// Who to contact about an inquiry.
#[Object]
impl InquiryContact {
    /// Their name.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// Their e-mail address: the acknowledgment and the answers go there.
    async fn email(&self) -> &str {
        self.0.email.as_str()
    }

    /// Their telephone number, if given.
    async fn phone(&self) -> Option<&str> {
        self.0.phone.as_deref()
    }

    /// How they prefer to be contacted.
    async fn preferred_channel(&self) -> ContactChannel {
        self.0.preferred_channel.into()
    }

    /// The language the e-mails are written in (BCP 47; English when there are no templates
    /// for it).
    async fn language(&self) -> &str {
        &self.0.language
    }
}

/// A document exchanged with the support team.
pub struct InquiryAttachment {
    attachment: model::InquiryAttachment,
    tracking_number: String,
    customer_number: String,
}

/// A document exchanged with the support team.
#[Object]
impl InquiryAttachment {
    /// The support system's ID of the document.
    async fn id(&self) -> &str {
        &self.attachment.id
    }

    /// Its file name (made safe by the gateway when it was uploaded).
    async fn file_name(&self) -> &str {
        &self.attachment.file_name
    }

    /// Its media type, decided from its content when it was uploaded.
    async fn content_type(&self) -> &str {
        &self.attachment.content_type
    }

    /// Its size in bytes.
    async fn size(&self) -> u64 {
        self.attachment.size
    }

    /// The SHA-256 of its content (hexadecimal), to check a download.
    async fn sha256(&self) -> &str {
        &self.attachment.sha256
    }

    /// A short-lived link that downloads it without a token, for you only
    /// (`links.lifetime_seconds`); your authorisation is checked again when it is used.
    async fn download_url(&self, ctx: &Context<'_>) -> Result<String> {
        attachment_link(
            ctx,
            &self.tracking_number,
            &self.customer_number,
            &self.attachment.id,
        )
    }
}

/// One message of an inquiry's thread.
pub struct InquiryMessage {
    message: model::InquiryMessage,
    tracking_number: String,
    customer_number: String,
}

impl InquiryMessage {
    /// `message` of `inquiry`'s thread.
    pub fn of(inquiry: &model::Inquiry, message: model::InquiryMessage) -> Self {
        Self {
            message,
            tracking_number: inquiry.tracking_number.clone(),
            customer_number: inquiry.customer_number.clone(),
        }
    }
}

/// One message of an inquiry's thread.
#[Object]
impl InquiryMessage {
    /// The support system's ID of the message.
    async fn id(&self) -> &str {
        &self.message.id
    }

    /// Which side wrote it.
    async fn author(&self) -> MessageAuthor {
        self.message.author.into()
    }

    /// The name its author signs with.
    async fn author_name(&self) -> &str {
        &self.message.author_name
    }

    /// The text.
    async fn body(&self) -> &str {
        &self.message.body
    }

    /// When it was written (UTC).
    async fn at(&self) -> DateTime {
        DateTime(self.message.at)
    }

    /// The documents it carries.
    async fn attachments(&self) -> Vec<InquiryAttachment> {
        attachments(
            &self.message.attachments,
            &self.tracking_number,
            &self.customer_number,
        )
    }
}

fn attachments(
    list: &[model::InquiryAttachment],
    tracking_number: &str,
    customer_number: &str,
) -> Vec<InquiryAttachment> {
    list.iter()
        .map(|attachment| InquiryAttachment {
            attachment: attachment.clone(),
            tracking_number: tracking_number.to_owned(),
            customer_number: customer_number.to_owned(),
        })
        .collect()
}

/// An inquiry to the vendor's support team, with its whole thread.
#[derive(Clone)]
pub struct Inquiry(pub model::Inquiry);

/// An inquiry to the vendor's support team, with its whole thread.
#[Object]
impl Inquiry {
    /// Opaque global ID (for `node`).
    pub async fn id(&self) -> ID {
        ID(GlobalId::Inquiry {
            customer_number: self.0.customer_number.clone(),
            tracking_number: self.0.tracking_number.clone(),
        }
        .encode())
    }

    /// Its tracking number (`INQ-10000019`): quote it to the support team.
    async fn tracking_number(&self) -> &str {
        &self.0.tracking_number
    }

    /// What it is about.
    async fn category(&self) -> InquiryCategory {
        self.0.category.into()
    }

    /// The customer number it is about.
    async fn customer_number(&self) -> &str {
        &self.0.customer_number
    }

    /// The customer number's country (ISO 3166-1 alpha-2): its business calendar sets
    /// `responseDueBy`.
    async fn country(&self) -> &str {
        &self.0.country
    }

    /// Its subject.
    async fn subject(&self) -> &str {
        &self.0.subject
    }

    /// What was asked.
    async fn description(&self) -> &str {
        &self.0.description
    }

    /// Where it stands.
    async fn status(&self) -> InquiryStatus {
        self.0.status.into()
    }

    /// When it was submitted (UTC).
    async fn submitted_at(&self) -> DateTime {
        DateTime(self.0.submitted_at)
    }

    /// When anything about it last changed (UTC).
    async fn updated_at(&self) -> DateTime {
        DateTime(self.0.updated_at)
    }

    /// When an answer is due (UTC): the end (23:59:59 local time) of the next business day in
    /// the customer number's country after the day it was submitted there.
    async fn response_due_by(&self) -> DateTime {
        DateTime(self.0.response_due_by)
    }

    /// Whether support owes an answer past `responseDueBy` (SUBMITTED or IN_PROGRESS, without
    /// a support message yet, and the due time passed).
    async fn is_overdue(&self) -> bool {
        let answered = self
            .0
            .messages
            .iter()
            .any(|m| m.author == model::MessageAuthor::Support);
        matches!(
            self.0.status,
            model::InquiryStatus::Submitted | model::InquiryStatus::InProgress
        ) && !answered
            && Utc::now() > self.0.response_due_by
    }

    /// The user ID of who submitted it.
    async fn submitted_by(&self) -> &str {
        &self.0.submitted_by
    }

    /// Who to contact about it.
    async fn contact(&self) -> InquiryContact {
        InquiryContact(self.0.contact.clone())
    }

    /// Whether a representative is to contact you (`contactRepresentative`), rather than an
    /// answer in writing.
    async fn routed_to_person(&self) -> bool {
        self.0.routed_to_person
    }

    /// The documents submitted with it.
    async fn attachments(&self) -> Vec<InquiryAttachment> {
        attachments(
            &self.0.attachments,
            &self.0.tracking_number,
            &self.0.customer_number,
        )
    }

    /// The thread after the submission, oldest first.
    async fn messages(&self) -> Vec<InquiryMessage> {
        self.0
            .messages
            .iter()
            .map(|m| InquiryMessage::of(&self.0, m.clone()))
            .collect()
    }

    /// Its page on the customer portal (the link the e-mails carry).
    async fn portal_url(&self, ctx: &Context<'_>) -> Result<String> {
        let app = ctx.data::<std::sync::Arc<App>>()?;
        Ok(app.settings.portal.inquiry_link(&self.0.tracking_number))
    }
}

/// An inquiry in a connection.
#[derive(SimpleObject)]
pub struct InquiryEdge {
    /// Where this inquiry is, for `after`.
    pub cursor: String,
    /// The inquiry.
    pub node: Inquiry,
}

/// A page of inquiries, newest first.
#[derive(SimpleObject)]
pub struct InquiryConnection {
    /// The inquiries of this page.
    pub edges: Vec<InquiryEdge>,
    /// Where the page is in the listing.
    pub page_info: PageInfo,
    /// How many inquiries match, over every page.
    pub total_count: u64,
    /// Customer numbers of your company left out (no Inquiries there, or no authorisation).
    pub excluded_customers: Vec<ExcludedCustomer>,
}
