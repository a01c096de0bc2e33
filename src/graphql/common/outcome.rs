//! What a mutation came to, shared by every mutation: done, or refused by a business rule.
//!
//! Refusals become the payload's `userErrors { field message code }`; the whole outcome is
//! serialisable so an `Idempotency-Key` replay returns exactly the first answer.

use async_graphql::{Enum, SimpleObject};
use serde::{Deserialize, Serialize};

/// What a user error is about.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum UserErrorCode {
    /// The customer number is not one of your company's.
    NotCompanyCustomer,
    /// You are already authorised.
    AlreadyAuthorized,
    /// The justification is empty or too long.
    InvalidJustification,
    /// The tool does not exist in the customer number's country.
    FeatureNotAvailable,
    /// No such item under that customer number.
    UnknownItem,
    /// The request is not acceptable (e.g. empty or overlong details).
    InvalidRequest,
    /// The item is held by another inventory system: use the other mutation.
    WrongSystem,
    /// Nothing of that kind exists among what you may see (an order of another company is not
    /// found either).
    NotFound,
    /// The e-mail address cannot be written to.
    InvalidEmail,
    /// The order is delivered or cancelled: nothing more will happen to it.
    OrderClosed,
    /// The name is empty, too long, or has characters a name cannot hold.
    InvalidName,
    /// Another of your reports has this name (names are compared ignoring case).
    NameTaken,
    /// You keep the most reports allowed; delete one first.
    TooManyReports,
    /// The columns are empty or name one twice.
    InvalidColumns,
    /// The report changed since you read it; read it again.
    Conflict,
    /// More recipients than allowed.
    TooManyRecipients,
    /// The export is larger than an e-mail may carry.
    TooLarge,
    /// The invoice's status does not allow this step (see `InvoiceStatus`).
    InvalidTransition,
    /// A dispute needs a reason.
    ReasonRequired,
    /// More attachments than one message may carry.
    TooManyAttachments,
    /// An attachment is larger than allowed.
    AttachmentTooLarge,
    /// An attachment's content is not an accepted type (judged by its bytes, not its name).
    UnsupportedFileType,
    /// An attachment cannot be taken (e.g. it is empty).
    InvalidAttachment,
    /// The contact details are incomplete or malformed (e.g. PHONE preferred without a number).
    InvalidContact,
    /// The inquiry is closed: it takes no more replies.
    InquiryClosed,
    /// Only the customer number's contract approvers may do this.
    NotApprover,
    /// The version to sign is no longer the current one: read the new version first.
    ContractVersionChanged,
    /// A contract is signed only with its terms accepted.
    TermsNotAccepted,
}

/// A business rule refused the mutation.
#[derive(SimpleObject)]
pub struct UserError {
    /// Path to the input field at fault, e.g. `["input", "customerNumber"]`.
    pub field: Vec<String>,
    /// What is wrong, for the user.
    pub message: String,
    /// What is wrong, for the program.
    pub code: UserErrorCode,
}

impl UserError {
    /// A refusal of the input field `field`.
    pub fn new(field: &str, code: UserErrorCode, message: impl Into<String>) -> Self {
        Self {
            field: vec!["input".to_owned(), field.to_owned()],
            message: message.into(),
            code,
        }
    }
}

/// What a mutation came to; recorded for `Idempotency-Key` replays.
#[derive(Clone, Serialize, Deserialize)]
pub enum Outcome<T> {
    /// The backend did it; its answer.
    Done(T),
    /// A business rule refused it.
    Refused {
        /// The input field at fault.
        field: String,
        /// Why, for programs.
        code: UserErrorCode,
        /// Why, for people.
        message: String,
    },
}

impl<T> Outcome<T> {
    /// A refusal of the input field `field`.
    pub fn refused(field: &str, code: UserErrorCode, message: impl Into<String>) -> Self {
        Self::Refused {
            field: field.to_owned(),
            code,
            message: message.into(),
        }
    }

    /// The payload's parts: the result (null when refused) and its user errors.
    pub fn into_parts<U>(self, present: impl FnOnce(T) -> U) -> (Option<U>, Vec<UserError>) {
        match self {
            Outcome::Done(value) => (Some(present(value)), Vec::new()),
            Outcome::Refused {
                field,
                code,
                message,
            } => (None, vec![UserError::new(&field, code, message)]),
        }
    }
}
