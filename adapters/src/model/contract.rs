//! Contracts OnLine: a contract's life from draft to expiry — its versions, the dated history of
//! what happened to it, the conversation between the customer and the vendor, the customer's
//! internal approvals and the signatures — and the rules of that life, written once here for
//! the contracts system's simulator, its adapter and the gateway.
//!
//! ```text
//!        submit (customer)         approve (an approver)        send for signature (vendor)
//! DRAFT ─────────────────▶ IN_REVIEW ─────────────────▶ APPROVED ─────────────────▶ SENT_FOR_SIGNATURE
//!   ▲                          │ reject, with a reason                                     │ sign the current
//!   └──────────────────────────┘ (an approver)                                             ▼ version (customer)
//!   ▲                                                         EXPIRED ◀── ACTIVE ◀────── SIGNED
//!   │ revise (vendor): a new version, from DRAFT, IN_REVIEW,  (end date)  (start date,
//!   └─ APPROVED or SENT_FOR_SIGNATURE; approval starts again              vendor)
//!
//! ACTIVE or SIGNED ── terminate (vendor) ──▶ TERMINATED
//! ```
//!
//! [`ContractAction::allowed_from`] is that diagram as data: the simulator refuses what it does
//! not allow, the gateway documents it in the schema and answers each refusal's code. Who may
//! approve is the registration system's to say (the gateway checks it); signing takes the
//! version being signed, and a version that is no longer the current one is refused
//! ([`ContractRefusal::VersionChanged`]), as is a signature without the terms accepted.

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

mod life;
mod search;

pub use life::{ContractAction, ContractStatus};

pub use search::{
    ContractAlertKind, ContractChange, ContractFeed, ContractFilter, ContractPage, ContractQuery,
    ContractSort, ContractSortKey, MAX_CONTRACT_PAGE,
};

/// The longest comment, or reason for a rejection, in characters.
pub const MAX_CONTRACT_TEXT: usize = 4_000;

/// The longest name a signer signs with, in characters.
pub const MAX_SIGNER_NAME: usize = 200;

/// Whether `name` may be signed with: 1 to [`MAX_SIGNER_NAME`] characters on one line, not
/// blank, without control characters or non-characters.
pub fn check_signer_name(name: &str) -> bool {
    !name.trim().is_empty()
        && name.chars().count() <= MAX_SIGNER_NAME
        && !name
            .chars()
            .any(|c| c.is_control() || matches!(c, '\u{FFFE}' | '\u{FFFF}'))
}

/// What kind of agreement a contract is.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ContractType {
    /// Maintenance of installed equipment.
    Maintenance,
    /// A lease of equipment.
    Lease,
    /// Services (managed services, support levels).
    Service,
    /// A purchase agreement.
    Purchase,
    /// Software licences.
    License,
}

impl ContractType {
    /// Every type.
    pub const ALL: [ContractType; 5] = [
        Self::Maintenance,
        Self::Lease,
        Self::Service,
        Self::Purchase,
        Self::License,
    ];

    /// The code on the wire, e.g. `MAINTENANCE`.
    pub fn code(self) -> &'static str {
        match self {
            Self::Maintenance => "MAINTENANCE",
            Self::Lease => "LEASE",
            Self::Service => "SERVICE",
            Self::Purchase => "PURCHASE",
            Self::License => "LICENSE",
        }
    }

    /// The type a code names, if any.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.code() == code)
    }
}

/// Which side of a contract someone is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ContractSide {
    /// The customer (its users, through the gateway).
    Customer,
    /// The vendor (its contracts team, in its own tools; the sandbox's admin endpoints).
    Vendor,
}

/// A party to a contract.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ContractParty {
    /// Its registered name.
    pub name: String,
    /// Which side it is on.
    pub side: ContractSide,
}

/// One version of a contract's text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ContractVersion {
    /// Its number, from 1.
    pub number: u32,
    /// When it was issued.
    pub created_at: DateTime<Utc>,
    /// Who issued it.
    pub author: String,
    /// What changed from the previous version.
    pub change_summary: String,
    /// The SHA-256 of its PDF, 64 lower-case hexadecimal digits.
    pub document_sha256: String,
}

/// What happened to a contract, in its dated history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ContractEvent {
    /// When.
    pub at: DateTime<Utc>,
    /// Who (a person's name, or the system for its own steps).
    pub actor: String,
    /// Which side.
    pub side: ContractSide,
    /// The step taken; `None` for a comment.
    pub action: Option<ContractAction>,
    /// The status after it.
    pub status: ContractStatus,
    /// The version it concerns.
    pub version: u32,
    /// What was said with it (a rejection's reason, a revision's summary), if anything.
    pub note: Option<String>,
}

/// A message between the customer and the vendor about a contract.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ContractComment {
    /// Its ID at the contracts system.
    pub id: String,
    /// When it was written.
    pub at: DateTime<Utc>,
    /// Who wrote it.
    pub author: String,
    /// Which side.
    pub side: ContractSide,
    /// The text: 1 to 4,000 characters (`MAX_CONTRACT_TEXT`), not blank, no control characters
    /// other than tab and newline (`FreeText`).
    pub body: String,
}

/// An approver's decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ApprovalDecision {
    /// Approved.
    Approved,
    /// Rejected, with a reason.
    Rejected,
}

/// An internal approval decision at the customer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ContractApproval {
    /// The approver's user ID.
    pub approver_id: String,
    /// The approver's name.
    pub approver_name: String,
    /// The decision.
    pub decision: ApprovalDecision,
    /// When.
    pub at: DateTime<Utc>,
    /// Why, for a rejection.
    pub reason: Option<String>,
    /// The version decided on.
    pub version: u32,
}

/// A signature.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ContractSignature {
    /// The signer's user ID.
    pub signer_id: String,
    /// The name signed with.
    pub signer_name: String,
    /// When.
    pub at: DateTime<Utc>,
    /// The version signed.
    pub version: u32,
}

/// A contract, with its versions, history, comments, approvals and signatures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Contract {
    /// Its number: `CTR-` and 8 digits (a `ContractNumber`).
    pub contract_number: String,
    /// Its title.
    pub title: String,
    /// What kind of agreement it is.
    pub contract_type: ContractType,
    /// The customer number it is with: only users authorised for the contracts tool
    /// (`CONTRACTS`) on it may see it.
    pub customer_number: String,
    /// The customer number's country, ISO 3166-1 alpha-2.
    pub country: String,
    /// The parties (the customer's company and the vendor, at least).
    pub parties: Vec<ContractParty>,
    /// Its total value, a decimal string.
    #[schema(value_type = String)]
    pub value: Decimal,
    /// ISO 4217 currency of `value`.
    pub currency: String,
    /// The first day it is in force.
    pub start_date: NaiveDate,
    /// The last day it is in force.
    pub end_date: NaiveDate,
    /// Where it stands.
    pub status: ContractStatus,
    /// The number of the current version (the last of `versions`).
    pub current_version: u32,
    /// Every version, oldest first.
    pub versions: Vec<ContractVersion>,
    /// What happened, oldest first.
    pub history: Vec<ContractEvent>,
    /// The conversation, oldest first.
    pub comments: Vec<ContractComment>,
    /// The approvers' decisions, oldest first.
    pub approvals: Vec<ContractApproval>,
    /// The signatures, oldest first.
    pub signatures: Vec<ContractSignature>,
    /// Who at the customer the contracts system writes to about it ("action needed", "ending
    /// soon").
    #[schema(value_type = Vec<String>)]
    pub notify: Vec<super::EmailAddress>,
    /// When anything about it last changed.
    pub updated_at: DateTime<Utc>,
}

/// What a customer's user does to a contract through the gateway.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "kind", rename_all = "SCREAMING_SNAKE_CASE")]
pub enum CustomerStep {
    /// Submit the draft for approval.
    SubmitForApproval,
    /// Approve (the gateway has checked the user approves for the customer number).
    Approve,
    /// Reject, with a reason (1 to 4,000 characters, `MAX_CONTRACT_TEXT`).
    Reject {
        /// Why.
        reason: String,
    },
    /// Sign `version` as `signer_name`, the terms accepted.
    Sign {
        /// The version signed: must be the current one.
        version: u32,
        /// The name signed with.
        signer_name: String,
        /// Whether the signer accepted the terms (a signature without is refused).
        accept_terms: bool,
    },
    /// Add a comment to the conversation.
    Comment {
        /// The text.
        body: String,
    },
}

/// Who takes a customer step: the signed-in user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ContractActor {
    /// Their user ID.
    pub user_id: String,
    /// Their name, as history and comments show it.
    pub name: String,
}

/// Why the contracts system refused a step: business refusals, not failures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "error", rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ContractRefusal {
    /// No such contract for that customer number.
    UnknownContract,
    /// The step is not allowed from the contract's status.
    InvalidTransition {
        /// The status it is in.
        status: ContractStatus,
    },
    /// The version to sign is not the current one.
    VersionChanged {
        /// The current version.
        current: u32,
    },
    /// A signature without the terms accepted.
    TermsNotAccepted,
    /// A rejection without a reason, or a text breaking its rule.
    InvalidText,
}
