//! What makes a contract the contracts system answers one the gateway may show: identifiers of
//! their types, versions numbered 1 to n with the current one the last, every dated list in time
//! order, and a history that follows [`ContractAction`]'s rules, ending in the contract's status.
//!
//! Each check answers what is wrong, for an [`AdapterError::Decode`](crate::AdapterError::Decode)
//! detail, naming the contract by its number only once that number passed its type: a payload
//! may quote anything, and nothing of it is repeated before it is known to be harmless.

use chrono::{DateTime, Utc};

use crate::model::{
    Contract, ContractAction, ContractAlertKind, ContractChange, ContractEvent, ContractNumber,
    ContractStatus, CustomerNumber,
};

/// What is wrong with `contract`, if anything.
pub(super) fn broken_contract(contract: &Contract) -> Option<String> {
    if let Err(error) = ContractNumber::check(&contract.contract_number) {
        return Some(format!("contract_number: {error}"));
    }
    let number = &contract.contract_number;
    if let Err(error) = CustomerNumber::check(&contract.customer_number) {
        return Some(format!("customer_number of {number}: {error}"));
    }
    broken_versions(contract)
        .or_else(|| broken_history(contract))
        .or_else(|| {
            let comments = contract.comments.iter().map(|c| c.at);
            out_of_time_order(number, "comment", comments)
        })
        .or_else(|| {
            let approvals = contract.approvals.iter().map(|a| a.at);
            out_of_time_order(number, "approval", approvals)
        })
        .or_else(|| {
            let signatures = contract.signatures.iter().map(|s| s.at);
            out_of_time_order(number, "signature", signatures)
        })
        .or_else(|| {
            let versions = contract
                .approvals
                .iter()
                .map(|a| ("approval", a.version))
                .chain(contract.signatures.iter().map(|s| ("signature", s.version)));
            unknown_version(contract, versions)
        })
}

/// Versions numbered 1 to n, in time order, each with its PDF's SHA-256 as the contract writes
/// it; the current version their last.
fn broken_versions(contract: &Contract) -> Option<String> {
    let number = &contract.contract_number;
    for (index, version) in contract.versions.iter().enumerate() {
        if version.number as usize != index + 1 {
            return Some(format!(
                "the versions of {number} are not numbered 1 to n: version {} is number {} in the list",
                version.number,
                index + 1
            ));
        }
        if !is_sha256(&version.document_sha256) {
            return Some(format!(
                "document_sha256 of version {} of {number} is not 64 lower-case hexadecimal digits",
                version.number
            ));
        }
    }
    let times = contract.versions.iter().map(|v| v.created_at);
    if let Some(detail) = out_of_time_order(number, "version", times) {
        return Some(detail);
    }
    let Some(last) = contract.versions.last() else {
        return Some(format!("{number} has no version"));
    };
    (contract.current_version != last.number).then(|| {
        format!(
            "current_version {} of {number} is not its last version, {}",
            contract.current_version, last.number
        )
    })
}

/// A history in time order, of versions the contract has, whose every step is taken by its side
/// from a status it is allowed from and leads where [`ContractAction::leads_to`] says, whose
/// comments change no status, and which ends in the contract's status.
fn broken_history(contract: &Contract) -> Option<String> {
    let number = &contract.contract_number;
    let times = contract.history.iter().map(|e| e.at);
    if let Some(detail) = out_of_time_order(number, "history event", times) {
        return Some(detail);
    }
    let versions = contract
        .history
        .iter()
        .map(|e| ("history event", e.version));
    if let Some(detail) = unknown_version(contract, versions) {
        return Some(detail);
    }
    let mut before: Option<ContractStatus> = None;
    for (index, event) in contract.history.iter().enumerate() {
        if let Some(detail) = broken_event(event, before) {
            return Some(format!("history event {} of {number}: {detail}", index + 1));
        }
        before = Some(event.status);
    }
    match before {
        Some(last) if last != contract.status => Some(format!(
            "{number} is {} but its history ends in {}",
            contract.status.code(),
            last.code()
        )),
        _ => None,
    }
}

/// What is wrong with one event after a history that left the contract in `before` (`None` for
/// the first event: what came before it is not known).
fn broken_event(event: &ContractEvent, before: Option<ContractStatus>) -> Option<String> {
    let Some(action) = event.action else {
        // A comment: the status stays what it was.
        return before.filter(|b| *b != event.status).map(|b| {
            format!(
                "a comment moves it from {} to {}",
                b.code(),
                event.status.code()
            )
        });
    };
    if event.status != action.leads_to() {
        return Some(format!(
            "{} leads to {}, not {}",
            code(action),
            action.leads_to().code(),
            event.status.code()
        ));
    }
    if event.side != action.side() {
        return Some(format!("{} taken by the wrong side", code(action)));
    }
    before
        .filter(|b| !action.allowed_from().contains(b))
        .map(|b| {
            format!(
                "{} from {}, which it is not allowed from",
                code(action),
                b.code()
            )
        })
}

/// The first of `versions` (a list's name and the version one of its entries concerns) that the
/// contract does not have.
fn unknown_version<'a>(
    contract: &Contract,
    versions: impl IntoIterator<Item = (&'a str, u32)>,
) -> Option<String> {
    let count = contract.versions.len();
    versions
        .into_iter()
        .find(|(_, version)| *version == 0 || *version as usize > count)
        .map(|(what, version)| {
            format!(
                "{} has no version {version}, yet one of its {what}s concerns it",
                contract.contract_number
            )
        })
}

/// Whether `times` (of `what`s of contract `number`) never go back; what is wrong if they do.
fn out_of_time_order(
    number: &str,
    what: &str,
    times: impl IntoIterator<Item = DateTime<Utc>>,
) -> Option<String> {
    let mut previous: Option<DateTime<Utc>> = None;
    for (index, at) in times.into_iter().enumerate() {
        if previous.is_some_and(|p| at < p) {
            return Some(format!(
                "{what} {} of {number} comes before what precedes it",
                index + 1
            ));
        }
        previous = Some(at);
    }
    None
}

/// What is wrong with one change of the feed, if anything: identifiers that fail their types, a
/// step that does not lead to the status it reports, an alert the status cannot raise.
pub(super) fn broken_change(change: &ContractChange) -> Option<String> {
    let seq = change.seq;
    if let Err(error) = ContractNumber::check(&change.contract_number) {
        return Some(format!("contract_number of change {seq}: {error}"));
    }
    if let Err(error) = CustomerNumber::check(&change.customer_number) {
        return Some(format!("customer_number of change {seq}: {error}"));
    }
    if let Some(action) = change.action
        && change.status != action.leads_to()
    {
        return Some(format!(
            "change {seq}: {} leads to {}, not {}",
            code(action),
            action.leads_to().code(),
            change.status.code()
        ));
    }
    let needs = match change.alert {
        Some(ContractAlertKind::ApprovalNeeded) => {
            Some(("APPROVAL_NEEDED", ContractStatus::InReview))
        }
        Some(ContractAlertKind::SignatureNeeded) => {
            Some(("SIGNATURE_NEEDED", ContractStatus::SentForSignature))
        }
        None | Some(ContractAlertKind::EndingSoon { .. }) => None,
    };
    needs
        .filter(|(_, status)| *status != change.status)
        .map(|(alert, status)| {
            format!(
                "change {seq}: an {alert} alert for a contract {}, not {}",
                change.status.code(),
                status.code()
            )
        })
}

/// An action's code on the wire, e.g. `SEND_FOR_SIGNATURE`.
fn code(action: ContractAction) -> String {
    serde_json::to_value(action)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_else(|| format!("{action:?}"))
}

/// Whether `text` is a SHA-256 as the contract writes it: 64 lower-case hexadecimal digits.
fn is_sha256(text: &str) -> bool {
    text.len() == 64 && text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;
    use rust_decimal::Decimal;

    use super::*;
    use crate::model::{ContractSide, ContractType, ContractVersion};

    fn at(hour: u32) -> DateTime<Utc> {
        NaiveDate::from_ymd_opt(2026, 3, 2)
            .and_then(|d| d.and_hms_opt(hour, 0, 0))
            .expect("a time")
            .and_utc()
    }

    fn event(hour: u32, action: Option<ContractAction>, status: ContractStatus) -> ContractEvent {
        ContractEvent {
            at: at(hour),
            actor: "Avery Stone".into(),
            side: action.map_or(ContractSide::Customer, ContractAction::side),
            action,
            status,
            version: 1,
            note: None,
        }
    }

    /// A contract submitted for approval, commented on, then approved.
    fn approved() -> Contract {
        use ContractAction as A;
        use ContractStatus as S;
        Contract {
            contract_number: "CTR-20260001".into(),
            title: "Maintenance".into(),
            contract_type: ContractType::Maintenance,
            customer_number: "1000101".into(),
            country: "US".into(),
            parties: Vec::new(),
            value: Decimal::new(1_000, 0),
            currency: "USD".into(),
            start_date: NaiveDate::from_ymd_opt(2026, 4, 1).expect("a day"),
            end_date: NaiveDate::from_ymd_opt(2027, 3, 31).expect("a day"),
            status: S::Approved,
            current_version: 1,
            versions: vec![ContractVersion {
                number: 1,
                created_at: at(8),
                author: "Contracts team".into(),
                change_summary: "First issue".into(),
                document_sha256: "a".repeat(64),
            }],
            history: vec![
                event(8, None, S::Draft),
                event(9, Some(A::SubmitForApproval), S::InReview),
                event(10, None, S::InReview),
                event(11, Some(A::Approve), S::Approved),
            ],
            comments: Vec::new(),
            approvals: Vec::new(),
            signatures: Vec::new(),
            notify: Vec::new(),
            updated_at: at(11),
        }
    }

    fn broken(change: impl FnOnce(&mut Contract)) -> String {
        let mut contract = approved();
        change(&mut contract);
        broken_contract(&contract).expect("refused")
    }

    #[test]
    fn a_contract_that_follows_the_rules_passes() {
        assert_eq!(broken_contract(&approved()), None);
    }

    #[test]
    fn a_history_that_breaks_the_rules_is_refused() {
        use ContractAction as A;
        use ContractStatus as S;
        assert!(broken(|c| c.history[3].status = S::Signed).contains("APPROVE leads to APPROVED"));
        assert!(broken(|c| c.history[3].side = ContractSide::Vendor).contains("wrong side"));
        assert!(
            broken(|c| c.history[3] = event(11, Some(A::Sign), S::Signed))
                .contains("SIGN from IN_REVIEW")
        );
        assert!(broken(|c| c.history[2].status = S::Draft).contains("a comment moves it"));
        assert!(broken(|c| c.status = S::Signed).contains("its history ends in APPROVED"));
        assert!(broken(|c| c.history[1].at = at(7)).contains("history event 2 of CTR-20260001"));
        assert!(broken(|c| c.history[1].version = 2).contains("version 2"));
    }

    #[test]
    fn versions_out_of_their_rules_are_refused() {
        assert!(broken(|c| c.current_version = 2).contains("is not its last version, 1"));
        assert!(broken(|c| c.versions[0].number = 2).contains("numbered 1 to n"));
        assert!(broken(|c| c.versions.clear()).contains("no version"));
        assert!(broken(|c| c.versions[0].document_sha256 = "A".repeat(64)).contains("sha256"));
        assert!(broken(|c| c.contract_number = "CTR-2026-001".into()).contains("contract_number"));
        assert!(broken(|c| c.customer_number = "10001".into()).contains("customer_number"));
    }
}
