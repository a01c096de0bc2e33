//! The life of a contract as data: its statuses and the steps between them, with who takes
//! each — the module diagram of [`super`], once, for the simulator to enforce, the adapter to
//! check answers against and the gateway to show.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::ContractSide;

/// Where a contract stands (see the module's diagram).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ContractStatus {
    /// Being drafted; the customer submits it for internal approval.
    Draft,
    /// Waiting for one of the customer number's approvers.
    InReview,
    /// Approved inside the customer; the vendor sends it for signature.
    Approved,
    /// Waiting for the customer's signature on the current version.
    SentForSignature,
    /// Signed; active from its start date.
    Signed,
    /// In force.
    Active,
    /// Past its end date.
    Expired,
    /// Ended early.
    Terminated,
}

impl ContractStatus {
    /// Every status, in the order of a contract's life.
    pub const ALL: [ContractStatus; 8] = [
        Self::Draft,
        Self::InReview,
        Self::Approved,
        Self::SentForSignature,
        Self::Signed,
        Self::Active,
        Self::Expired,
        Self::Terminated,
    ];

    /// The code on the wire, e.g. `SENT_FOR_SIGNATURE`.
    pub fn code(self) -> &'static str {
        match self {
            Self::Draft => "DRAFT",
            Self::InReview => "IN_REVIEW",
            Self::Approved => "APPROVED",
            Self::SentForSignature => "SENT_FOR_SIGNATURE",
            Self::Signed => "SIGNED",
            Self::Active => "ACTIVE",
            Self::Expired => "EXPIRED",
            Self::Terminated => "TERMINATED",
        }
    }

    /// The status a code names, if any.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    /// Whether nothing more can happen to a contract in this status.
    pub fn is_final(self) -> bool {
        matches!(self, Self::Expired | Self::Terminated)
    }
}

/// A step of a contract's life (see the module's diagram).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ContractAction {
    /// The customer submits the draft for internal approval: DRAFT → IN_REVIEW.
    SubmitForApproval,
    /// An approver approves: IN_REVIEW → APPROVED.
    Approve,
    /// An approver rejects, with a reason: IN_REVIEW → DRAFT.
    Reject,
    /// The vendor sends the approved contract for signature: APPROVED → SENT_FOR_SIGNATURE.
    SendForSignature,
    /// The customer signs the current version: SENT_FOR_SIGNATURE → SIGNED.
    Sign,
    /// The contract comes into force (its start date): SIGNED → ACTIVE.
    Activate,
    /// The contract reaches its end date: ACTIVE → EXPIRED.
    Expire,
    /// The vendor ends it early: ACTIVE or SIGNED → TERMINATED.
    Terminate,
    /// The vendor issues a new version: DRAFT, IN_REVIEW, APPROVED or SENT_FOR_SIGNATURE →
    /// DRAFT (approval starts again).
    Revise,
}

impl ContractAction {
    /// The statuses this step may be taken from.
    pub fn allowed_from(self) -> &'static [ContractStatus] {
        use ContractStatus as S;
        match self {
            Self::SubmitForApproval => &[S::Draft],
            Self::Approve | Self::Reject => &[S::InReview],
            Self::SendForSignature => &[S::Approved],
            Self::Sign => &[S::SentForSignature],
            Self::Activate => &[S::Signed],
            Self::Expire => &[S::Active],
            Self::Terminate => &[S::Active, S::Signed],
            Self::Revise => &[S::Draft, S::InReview, S::Approved, S::SentForSignature],
        }
    }

    /// The status after this step.
    pub fn leads_to(self) -> ContractStatus {
        use ContractStatus as S;
        match self {
            Self::SubmitForApproval => S::InReview,
            Self::Approve => S::Approved,
            Self::Reject | Self::Revise => S::Draft,
            Self::SendForSignature => S::SentForSignature,
            Self::Sign => S::Signed,
            Self::Activate => S::Active,
            Self::Expire => S::Expired,
            Self::Terminate => S::Terminated,
        }
    }

    /// Which side takes this step.
    pub fn side(self) -> ContractSide {
        match self {
            Self::SubmitForApproval | Self::Approve | Self::Reject | Self::Sign => {
                ContractSide::Customer
            }
            Self::SendForSignature
            | Self::Activate
            | Self::Expire
            | Self::Terminate
            | Self::Revise => ContractSide::Vendor,
        }
    }

    /// The status after taking this step from `status`, or `None` when it is not allowed there.
    pub fn from_status(self, status: ContractStatus) -> Option<ContractStatus> {
        self.allowed_from()
            .contains(&status)
            .then(|| self.leads_to())
    }

    /// The steps the customer may take from `status` (the schema's `allowedActions`).
    pub fn customer_steps_from(status: ContractStatus) -> Vec<ContractAction> {
        [
            Self::SubmitForApproval,
            Self::Approve,
            Self::Reject,
            Self::Sign,
        ]
        .into_iter()
        .filter(|a| a.allowed_from().contains(&status))
        .collect()
    }
}
