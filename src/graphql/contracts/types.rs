//! The `Contract` type with its versions, history, comments, approvals and signatures, the
//! enums of its life, and the connection that lists contracts. The steps a contract allows are
//! decided by the model's [`model::ContractAction`] (`allowedActions` reads it); the enums'
//! descriptions say the same for the schema's readers.

use async_graphql::{Enum, ID, Object, SimpleObject};
use supportgraph_adapters::model;

use crate::graphql::common::connection::PageInfo;
use crate::graphql::common::exclusions::ExcludedCustomer;
use crate::graphql::common::global_id::GlobalId;
use crate::graphql::common::scalars::{Date, DateTime, Money};

/// Where a contract stands. The steps: DRAFT → IN_REVIEW (`submitContractForApproval`) →
/// APPROVED (`approveContract`, an approver) or back to DRAFT (`rejectContract`, with a reason);
/// APPROVED → SENT_FOR_SIGNATURE (the vendor) → SIGNED (`signContract`, the current version) →
/// ACTIVE (the vendor, when it comes into force) → EXPIRED (after its end date); ACTIVE or SIGNED
/// → TERMINATED (the vendor).
/// A new version from the vendor takes DRAFT, IN_REVIEW, APPROVED or SENT_FOR_SIGNATURE back to
/// DRAFT.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Debug)]
#[graphql(remote = "supportgraph_adapters::model::ContractStatus")]
pub enum ContractStatus {
    /// Being drafted; submit it for internal approval.
    Draft,
    /// Waiting for one of the customer number's approvers.
    InReview,
    /// Approved inside your company; the vendor sends it for signature.
    Approved,
    /// Waiting for your signature on the current version.
    SentForSignature,
    /// Signed; in force from its start date.
    Signed,
    /// In force.
    Active,
    /// Past its end date.
    Expired,
    /// Ended early.
    Terminated,
}

/// What kind of agreement a contract is.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Debug)]
#[graphql(remote = "supportgraph_adapters::model::ContractType")]
pub enum ContractType {
    /// Maintenance of installed equipment.
    Maintenance,
    /// A lease of equipment.
    Lease,
    /// Services.
    Service,
    /// A purchase agreement.
    Purchase,
    /// Software licences.
    License,
}

/// Which side of a contract someone is on.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Debug)]
#[graphql(remote = "supportgraph_adapters::model::ContractSide")]
pub enum ContractSide {
    /// Your company.
    Customer,
    /// The vendor.
    Vendor,
}

/// A step of a contract's life.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Debug)]
#[graphql(remote = "supportgraph_adapters::model::ContractAction")]
pub enum ContractAction {
    /// DRAFT → IN_REVIEW (you).
    SubmitForApproval,
    /// IN_REVIEW → APPROVED (an approver).
    Approve,
    /// IN_REVIEW → DRAFT, with a reason (an approver).
    Reject,
    /// APPROVED → SENT_FOR_SIGNATURE (the vendor).
    SendForSignature,
    /// SENT_FOR_SIGNATURE → SIGNED (you, the current version).
    Sign,
    /// SIGNED → ACTIVE (the vendor, when it comes into force).
    Activate,
    /// ACTIVE → EXPIRED (after its end date).
    Expire,
    /// ACTIVE or SIGNED → TERMINATED (the vendor).
    Terminate,
    /// A new version (the vendor): back to DRAFT.
    Revise,
}

/// An approver's decision.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Debug)]
#[graphql(remote = "supportgraph_adapters::model::ApprovalDecision")]
pub enum ApprovalDecision {
    /// Approved.
    Approved,
    /// Rejected, with a reason.
    Rejected,
}

/// A party to a contract.
#[derive(SimpleObject)]
pub struct ContractParty {
    /// Its registered name.
    pub name: String,
    /// Which side it is on.
    pub side: ContractSide,
}

/// One version of a contract's text.
#[derive(SimpleObject)]
pub struct ContractVersion {
    /// Its number, from 1.
    pub number: u32,
    /// When it was issued (UTC).
    pub created_at: DateTime,
    /// Who issued it.
    pub author: String,
    /// What changed from the previous version.
    pub change_summary: String,
    /// The SHA-256 of its PDF (hexadecimal), to check a printed copy.
    pub document_sha256: String,
}

impl From<model::ContractVersion> for ContractVersion {
    fn from(v: model::ContractVersion) -> Self {
        Self {
            number: v.number,
            created_at: DateTime(v.created_at),
            author: v.author,
            change_summary: v.change_summary,
            document_sha256: v.document_sha256,
        }
    }
}

/// What happened to a contract.
#[derive(SimpleObject)]
pub struct ContractEvent {
    /// When (UTC).
    pub at: DateTime,
    /// Who.
    pub actor: String,
    /// Which side.
    pub side: ContractSide,
    /// The step taken; null for a comment.
    pub action: Option<ContractAction>,
    /// The status after it.
    pub status: ContractStatus,
    /// The version it concerns.
    pub version: u32,
    /// What was said with it (a rejection's reason, a revision's summary).
    pub note: Option<String>,
}

/// A message between your company and the vendor about a contract.
#[derive(SimpleObject)]
pub struct ContractComment {
    /// Its ID.
    pub id: String,
    /// When it was written (UTC).
    pub at: DateTime,
    /// Who wrote it.
    pub author: String,
    /// Which side.
    pub side: ContractSide,
    /// The text.
    pub body: String,
}

/// An internal approval decision.
#[derive(SimpleObject)]
pub struct ContractApproval {
    /// The approver's user ID.
    pub approver_id: String,
    /// The approver's name.
    pub approver_name: String,
    /// The decision.
    pub decision: ApprovalDecision,
    /// When (UTC).
    pub at: DateTime,
    /// Why, for a rejection.
    pub reason: Option<String>,
    /// The version decided on.
    pub version: u32,
}

/// A signature.
#[derive(SimpleObject)]
pub struct ContractSignature {
    /// The signer's user ID.
    pub signer_id: String,
    /// The name signed with.
    pub signer_name: String,
    /// When (UTC).
    pub at: DateTime,
    /// The version signed.
    pub version: u32,
}

/// A contract with your company.
#[derive(Clone)]
pub struct Contract(pub model::Contract);

/// A contract with your company: its current version and the dated history of the others.
#[Object]
impl Contract {
    /// Opaque global ID (for `node`).
    pub async fn id(&self) -> ID {
        ID(GlobalId::Contract {
            customer_number: self.0.customer_number.clone(),
            contract_number: self.0.contract_number.clone(),
        }
        .encode())
    }

    /// Its number (`CTR-20260001`).
    async fn contract_number(&self) -> &str {
        &self.0.contract_number
    }

    /// Its title.
    async fn title(&self) -> &str {
        &self.0.title
    }

    /// What kind of agreement it is.
    async fn contract_type(&self) -> ContractType {
        self.0.contract_type.into()
    }

    /// The customer number it is with.
    async fn customer_number(&self) -> &str {
        &self.0.customer_number
    }

    /// The customer number's country (ISO 3166-1 alpha-2).
    async fn country(&self) -> &str {
        &self.0.country
    }

    /// The parties.
    async fn parties(&self) -> Vec<ContractParty> {
        self.0
            .parties
            .iter()
            .map(|p| ContractParty {
                name: p.name.clone(),
                side: p.side.into(),
            })
            .collect()
    }

    /// Its total value.
    async fn value(&self) -> Money {
        model::Money::new(self.0.value, self.0.currency.clone()).into()
    }

    /// The first day it is in force.
    async fn start_date(&self) -> Date {
        Date(self.0.start_date)
    }

    /// The last day it is in force.
    async fn end_date(&self) -> Date {
        Date(self.0.end_date)
    }

    /// Where it stands.
    async fn status(&self) -> ContractStatus {
        self.0.status.into()
    }

    /// The steps your company may take now (whether you may is another matter: approving
    /// needs an approver, see `me { customers { approvesContracts } }`).
    async fn allowed_actions(&self) -> Vec<ContractAction> {
        model::ContractAction::customer_steps_from(self.0.status)
            .into_iter()
            .map(Into::into)
            .collect()
    }

    /// The current version (the one to sign).
    async fn current_version(&self) -> Option<ContractVersion> {
        self.0
            .versions
            .iter()
            .find(|v| v.number == self.0.current_version)
            .cloned()
            .map(Into::into)
    }

    /// Every version, oldest first.
    async fn versions(&self) -> Vec<ContractVersion> {
        self.0.versions.iter().cloned().map(Into::into).collect()
    }

    /// What happened, oldest first.
    async fn history(&self) -> Vec<ContractEvent> {
        self.0
            .history
            .iter()
            .map(|e| ContractEvent {
                at: DateTime(e.at),
                actor: e.actor.clone(),
                side: e.side.into(),
                action: e.action.map(Into::into),
                status: e.status.into(),
                version: e.version,
                note: e.note.clone(),
            })
            .collect()
    }

    /// The conversation with the vendor, oldest first.
    async fn comments(&self) -> Vec<ContractComment> {
        self.0
            .comments
            .iter()
            .map(|c| ContractComment {
                id: c.id.clone(),
                at: DateTime(c.at),
                author: c.author.clone(),
                side: c.side.into(),
                body: c.body.clone(),
            })
            .collect()
    }

    /// The approvers' decisions, oldest first.
    async fn approvals(&self) -> Vec<ContractApproval> {
        self.0
            .approvals
            .iter()
            .map(|a| ContractApproval {
                approver_id: a.approver_id.clone(),
                approver_name: a.approver_name.clone(),
                decision: a.decision.into(),
                at: DateTime(a.at),
                reason: a.reason.clone(),
                version: a.version,
            })
            .collect()
    }

    /// The signatures, oldest first.
    async fn signatures(&self) -> Vec<ContractSignature> {
        self.0
            .signatures
            .iter()
            .map(|s| ContractSignature {
                signer_id: s.signer_id.clone(),
                signer_name: s.signer_name.clone(),
                at: DateTime(s.at),
                version: s.version,
            })
            .collect()
    }

    /// When anything about it last changed (UTC).
    async fn updated_at(&self) -> DateTime {
        DateTime(self.0.updated_at)
    }
}

/// A contract in a connection.
#[derive(SimpleObject)]
pub struct ContractEdge {
    /// Where this contract is, for `after`.
    pub cursor: String,
    /// The contract.
    pub node: Contract,
}

/// A page of contracts.
#[derive(SimpleObject)]
pub struct ContractConnection {
    /// The contracts of this page.
    pub edges: Vec<ContractEdge>,
    /// Where the page is in the listing.
    pub page_info: PageInfo,
    /// How many contracts match, over every page.
    pub total_count: u64,
    /// Customer numbers of your company left out (no Contracts OnLine in their country, or no
    /// authorisation).
    pub excluded_customers: Vec<ExcludedCustomer>,
}
