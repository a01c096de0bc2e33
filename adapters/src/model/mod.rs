//! The normalised domain model: what every backend's wire format is translated into.
//!
//! Types here are plain data with no knowledge of HTTP, GraphQL or any backend's vocabulary.
//! [`ids`] holds the identifiers a client may send, each a type that only holds a valid value;
//! [`FreeText`] the rule for what people write. The limits both sides of a port keep — the
//! longest justification or change details — are defined here, once.

mod billing;
mod contract;
pub mod ids;
mod inquiry;
mod inventory;
mod invoice_search;
mod mail;
mod money;
mod order;
mod order_feed;
mod order_search;
mod page;
mod preferences;
mod region;
mod text;
mod tool;
mod user;

pub use billing::{
    CreditNote, Invoice, InvoiceAction, InvoiceLine, InvoiceRefusal, InvoiceStatus,
    MAX_DISPUTE_REASON, Statement, StatementLine, StatementLineKind, StatementPeriod,
};
pub use contract::{
    ApprovalDecision, Contract, ContractAction, ContractActor, ContractAlertKind, ContractApproval,
    ContractChange, ContractComment, ContractEvent, ContractFeed, ContractFilter, ContractPage,
    ContractParty, ContractQuery, ContractRefusal, ContractSide, ContractSignature, ContractSort,
    ContractSortKey, ContractStatus, ContractType, ContractVersion, CustomerStep,
    MAX_CONTRACT_PAGE, MAX_CONTRACT_TEXT, MAX_SIGNER_NAME, check_signer_name,
};
pub use ids::{AttachmentId, ContractNumber, InquiryNumber};
pub use ids::{
    CustomerNumber, DocumentNumber, EmailAddress, InvalidEmailAddress, InvalidIdentifier,
    OrderNumber, PageCursor, SerialNumber, TrackingNumber,
};
pub use inquiry::{
    ContactChannel, Inquiry, InquiryAttachment, InquiryCategory, InquiryChange,
    InquiryChangeMessage, InquiryContact, InquiryFeed, InquiryFilter, InquiryKey, InquiryMessage,
    InquiryPage, InquiryQuery, InquiryRefusal, InquiryStatus, InvalidInquiry,
    MAX_ATTACHMENT_FILE_BYTES, MAX_ATTACHMENT_FILE_NAME, MAX_INQUIRY_PAGE, MAX_INQUIRY_SUBJECT,
    MAX_INQUIRY_TEXT, MAX_LANGUAGE_TAG, MAX_MESSAGE_ATTACHMENTS, MAX_PERSON_NAME, MAX_PHONE,
    MAX_SEARCH_TEXT, MessageAuthor, NewInquiry, check_attachment_ids, check_author_name,
    check_description, check_file_name, check_message, check_subject, check_upload,
};
pub use inventory::{
    ConfigurationFeature, InventoryChange, InventoryItem, InventoryLocation, InventoryRefusal,
    InventoryRequest, InventorySource, Lease, MAX_CHANGE_DETAILS, Maintenance, ServiceLevel,
};
pub use invoice_search::{
    InvoiceFilters, InvoicePage, InvoiceQuery, InvoiceSort, InvoiceSortField, InvoiceSortKey,
    InvoiceSortValue,
};
pub use mail::{
    InvalidMail, MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS, MAX_BODY_CHARS, MAX_FILENAME_CHARS,
    MAX_IDEMPOTENCY_KEY, MAX_RECIPIENTS, MAX_SUBJECT_CHARS, MailAttachment, MailMessage,
    MailReceipt, check_content_type, check_idempotency_key,
};
pub use money::Money;
pub use order::{
    Order, OrderLine, OrderPage, OrderParty, OrderStatus, ProductKind, Shipment, StatusChange,
};
pub use order_feed::{
    ChangeFeed, MAX_FEED_CHANGES, MAX_WATCHERS_PER_ORDER, OrderChange, OrderWatch, WatchRefusal,
};
pub use order_search::{
    DelayCondition, OrderFilters, OrderQuery, OrderSort, OrderSortField, OrderSortKey,
    ProductFilter, SortDirection, SortValue,
};
pub use page::{InventoryPage, PageRequest};
pub use preferences::{
    InvalidPreference, MAX_PREFERENCE_BODY_BYTES, MAX_PREFERENCE_NAME, MAX_PREFERENCES_PER_KIND,
    MAX_USER_ID_BYTES, NameProblem, PreferenceBody, PreferenceDoc, PreferenceKind,
    PreferenceRefusal, PreferenceWrite, UnknownPreferenceKind, check_preference_body,
    check_preference_id, check_preference_name, check_user_id, preference_name_key,
};
pub use region::Region;
pub use text::{FreeText, InvalidText};
pub use tool::{
    AuthorizationRefusal, AuthorizationStatus, MAX_JUSTIFICATION, Tool, ToolAuthorization,
    UnknownTool,
};
pub use user::{Address, CustomerAccount, UserProfile};
