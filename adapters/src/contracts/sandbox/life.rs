//! What a step or a comment does to a contract, written once for every way one happens — the
//! customer's steps, the vendor's, the daily check's expiries and the demo data's past — so the
//! contracts the simulator serves always keep [`ContractAction`]'s rules: a step is taken only
//! where [`ContractAction::from_status`] allows it, and leaves the status it names.
//!
//! Every change appends a dated [`ContractEvent`] and moves `updated_at`; a decision adds a
//! [`ContractApproval`], a signature a [`ContractSignature`], a revision a [`ContractVersion`]
//! with the SHA-256 of its PDF. What is refused changes nothing; the checks come in this order:
//! the texts, the version to sign (so a signature of a version a revision replaced is
//! `VERSION_CHANGED`, not `INVALID_TRANSITION`), the status, the terms.

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

use super::pdf::contract_pdf;
use crate::model::{
    ApprovalDecision, Contract, ContractAction, ContractActor, ContractAlertKind, ContractApproval,
    ContractComment, ContractEvent, ContractRefusal, ContractSide, ContractSignature,
    ContractStatus, ContractVersion, FreeText, MAX_CONTRACT_TEXT, MAX_SIGNER_NAME,
};

/// Who takes a step or writes a comment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Person {
    /// Their user ID (the customer's users); empty for the vendor and the system.
    pub id: String,
    /// Their name, as history, approvals and comments show it.
    pub name: String,
    /// Their side.
    pub side: ContractSide,
}

impl Person {
    /// A customer's user.
    pub fn customer(actor: &ContractActor) -> Self {
        Self {
            id: actor.user_id.clone(),
            name: actor.name.clone(),
            side: ContractSide::Customer,
        }
    }

    /// Someone at the vendor.
    pub fn vendor(name: &str) -> Self {
        Self {
            id: String::new(),
            name: name.to_owned(),
            side: ContractSide::Vendor,
        }
    }
}

/// One change to a contract.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Change {
    /// A step with no record of its own (submit, send for signature, activate, expire,
    /// terminate, revise); `note` is the history entry's, and a revision's summary (needed).
    Step {
        action: ContractAction,
        by: Person,
        note: Option<String>,
    },
    /// An approver's decision: approval without a reason, rejection with one.
    Decide { by: Person, reason: Option<String> },
    /// The customer's signature of `version` as `signer_name`.
    Sign {
        by: Person,
        signer_name: String,
        version: u32,
        accept_terms: bool,
    },
    /// A message to the other side, with the ID it gets.
    Comment {
        id: String,
        by: Person,
        body: String,
    },
}

/// Whether `text` may be a comment, a rejection's reason or a revision's summary: 1 to
/// [`MAX_CONTRACT_TEXT`] characters of [`FreeText`], not blank.
pub(super) fn acceptable_text(text: &str) -> bool {
    !text.trim().is_empty()
        && text.chars().count() <= MAX_CONTRACT_TEXT
        && FreeText::check(text).is_ok()
}

/// Whether `name` may be signed with, or name a comment's author: 1 to [`MAX_SIGNER_NAME`]
/// characters, not blank, no control characters.
pub(super) fn acceptable_name(name: &str) -> bool {
    !name.trim().is_empty()
        && name.chars().count() <= MAX_SIGNER_NAME
        && !name.chars().any(char::is_control)
}

fn text(text: &str) -> Result<(), ContractRefusal> {
    acceptable_text(text)
        .then_some(())
        .ok_or(ContractRefusal::InvalidText)
}

/// The status after `action` from `contract`'s, or the refusal.
fn allowed(contract: &Contract, action: ContractAction) -> Result<ContractStatus, ContractRefusal> {
    action
        .from_status(contract.status)
        .ok_or(ContractRefusal::InvalidTransition {
            status: contract.status,
        })
}

/// Makes `change` at `at`: the action it took (`None` for a comment), or why it was refused
/// (then nothing changed).
pub(super) fn apply(
    contract: &mut Contract,
    change: Change,
    at: DateTime<Utc>,
) -> Result<Option<ContractAction>, ContractRefusal> {
    match change {
        Change::Step { action, by, note } => {
            if let Some(note) = &note {
                text(note)?;
            } else if action == ContractAction::Revise {
                return Err(ContractRefusal::InvalidText);
            }
            let status = allowed(contract, action)?;
            if action == ContractAction::Revise {
                let summary = note.clone().unwrap_or_default();
                add_version(contract, &by.name, summary, at);
            }
            record(contract, at, &by, Some(action), status, note);
            Ok(Some(action))
        }
        Change::Decide { by, reason } => {
            let (action, decision) = match &reason {
                Some(reason) => {
                    text(reason)?;
                    (ContractAction::Reject, ApprovalDecision::Rejected)
                }
                None => (ContractAction::Approve, ApprovalDecision::Approved),
            };
            let status = allowed(contract, action)?;
            contract.approvals.push(ContractApproval {
                approver_id: by.id.clone(),
                approver_name: by.name.clone(),
                decision,
                at,
                reason: reason.clone(),
                version: contract.current_version,
            });
            record(contract, at, &by, Some(action), status, reason);
            Ok(Some(action))
        }
        Change::Sign {
            by,
            signer_name,
            version,
            accept_terms,
        } => {
            if !acceptable_name(&signer_name) {
                return Err(ContractRefusal::InvalidText);
            }
            if version != contract.current_version {
                return Err(ContractRefusal::VersionChanged {
                    current: contract.current_version,
                });
            }
            let status = allowed(contract, ContractAction::Sign)?;
            if !accept_terms {
                return Err(ContractRefusal::TermsNotAccepted);
            }
            contract.signatures.push(ContractSignature {
                signer_id: by.id.clone(),
                signer_name,
                at,
                version,
            });
            record(contract, at, &by, Some(ContractAction::Sign), status, None);
            Ok(Some(ContractAction::Sign))
        }
        Change::Comment { id, by, body } => {
            text(&body)?;
            if contract.status.is_final() {
                return Err(ContractRefusal::InvalidTransition {
                    status: contract.status,
                });
            }
            contract.comments.push(ContractComment {
                id,
                at,
                author: by.name.clone(),
                side: by.side,
                body,
            });
            let status = contract.status;
            record(contract, at, &by, None, status, None);
            Ok(None)
        }
    }
}

/// The alert a change raises: a step entering IN_REVIEW needs an approver, one entering
/// SENT_FOR_SIGNATURE the customer's signature.
pub(super) fn alert_of(
    action: Option<ContractAction>,
    status: ContractStatus,
) -> Option<ContractAlertKind> {
    match (action, status) {
        (Some(_), ContractStatus::InReview) => Some(ContractAlertKind::ApprovalNeeded),
        (Some(_), ContractStatus::SentForSignature) => Some(ContractAlertKind::SignatureNeeded),
        _ => None,
    }
}

/// Appends the history entry and moves the contract to `status`.
fn record(
    contract: &mut Contract,
    at: DateTime<Utc>,
    by: &Person,
    action: Option<ContractAction>,
    status: ContractStatus,
    note: Option<String>,
) {
    contract.history.push(ContractEvent {
        at,
        actor: by.name.clone(),
        side: by.side,
        action,
        status,
        version: contract.current_version,
        note,
    });
    contract.status = status;
    contract.updated_at = at;
}

/// Issues the next version of `contract`, with the hash of its PDF.
pub(super) fn add_version(
    contract: &mut Contract,
    author: &str,
    change_summary: String,
    at: DateTime<Utc>,
) {
    let mut version = ContractVersion {
        number: contract.current_version + 1,
        created_at: at,
        author: author.to_owned(),
        change_summary,
        document_sha256: String::new(),
    };
    version.document_sha256 = sha256_hex(&contract_pdf(contract, &version));
    contract.current_version = version.number;
    contract.versions.push(version);
}

/// The SHA-256 of `bytes`, 64 lower-case hexadecimal digits.
pub(super) fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}
