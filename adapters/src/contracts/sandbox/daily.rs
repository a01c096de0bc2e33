//! The contracts system's daily run, which Contracts OnLine promises its customers: an e-mail
//! when an action is needed, an e-mail (and an alert in the feed) when a contract is about to
//! end, and the expiry of what ended. The sandbox runs it when asked
//! (`POST admin/daily-check {"date"}`), for the date asked, so demos and tests choose the day.
//!
//! For that date, for every contract:
//! - IN_REVIEW or SENT_FOR_SIGNATURE: an "action needed" e-mail to its `notify` addresses;
//! - ACTIVE or SIGNED, ending exactly [`HORIZONS`] days after it: an "ending soon" e-mail and a
//!   change with the alert `ENDING_SOON {days}`;
//! - ACTIVE and ended before it: expired, a step of the system's.
//!
//! Each notice is given once per contract, kind and date — the books remember it, and the
//! e-mail carries the idempotency key `contracts:{number}:{kind}:{date}` — so a second run for a
//! date sends nothing and records nothing.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::life::{Change, Person};
use super::store::{Notice, Store};
use crate::model::{
    Contract, ContractAction, ContractAlertKind, ContractStatus, MAX_RECIPIENTS, MailMessage,
};

/// How many days before its end a contract is announced as ending soon.
pub const HORIZONS: [u32; 3] = [90, 60, 30];

/// The name the system's own steps carry in a contract's history.
pub(super) const SYSTEM: &str = "Contracts OnLine";

/// What one daily run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CheckSummary {
    /// Contracts whose "action needed" e-mail this run sent.
    pub action_needed: u32,
    /// Contracts this run announced as ending soon.
    pub ending_soon: u32,
    /// Contracts this run expired.
    pub expired: u32,
}

/// An e-mail to send, with its idempotency key.
pub(super) type Keyed = (String, MailMessage);

impl Store {
    /// Runs the daily check for `date`: what it did, and the e-mails to send.
    pub fn daily_check(&mut self, date: NaiveDate) -> (CheckSummary, Vec<Keyed>) {
        let mut summary = CheckSummary::default();
        let mut mail = Vec::new();
        for at in 0..self.contracts.len() {
            let Some(contract) = self.contracts.get(at).cloned() else {
                continue;
            };
            let number = contract.contract_number.as_str();
            let waiting = matches!(
                contract.status,
                ContractStatus::InReview | ContractStatus::SentForSignature
            );
            let in_force = matches!(
                contract.status,
                ContractStatus::Active | ContractStatus::Signed
            );
            let horizon = HORIZONS
                .into_iter()
                .find(|h| i64::from(*h) == (contract.end_date - date).num_days());
            if contract.status == ContractStatus::Active && contract.end_date < date {
                let expiry = Change::Step {
                    action: ContractAction::Expire,
                    by: Person::vendor(SYSTEM),
                    note: Some(format!("Ended on {}.", contract.end_date)),
                };
                if self.apply(at, expiry).is_ok() {
                    summary.expired += 1;
                }
            } else if waiting && self.first_notice(date, number, Notice::ActionNeeded) {
                summary.action_needed += 1;
                let key = format!("contracts:{number}:action-needed:{date}");
                mail.extend(action_needed(&contract).map(|m| (key, m)));
            } else if in_force
                && let Some(days) = horizon
                && self.first_notice(date, number, Notice::EndingSoon)
            {
                summary.ending_soon += 1;
                let now = self.now();
                let alert = ContractAlertKind::EndingSoon { days };
                self.record(&contract, None, Some(alert), now);
                let key = format!("contracts:{number}:ending-soon:{date}");
                mail.extend(ending_soon(&contract, days).map(|m| (key, m)));
            }
        }
        (summary, mail)
    }
}

/// `contract`'s title as a subject may show it.
fn short_title(contract: &Contract) -> String {
    const LONGEST: usize = 120;
    match contract.title.char_indices().nth(LONGEST) {
        Some((cut, _)) => format!("{}...", &contract.title[..cut]),
        None => contract.title.clone(),
    }
}

/// A message to `contract`'s `notify` addresses, if it has any and the message is one the mail
/// service would send.
fn to_notify(contract: &Contract, subject: String, text_body: String) -> Option<MailMessage> {
    let message = MailMessage {
        to: contract
            .notify
            .iter()
            .take(MAX_RECIPIENTS)
            .cloned()
            .collect(),
        subject,
        text_body,
        attachments: Vec::new(),
    };
    message.check().is_ok().then_some(message)
}

/// The "action needed" e-mail of a contract waiting for an approver or a signature.
fn action_needed(contract: &Contract) -> Option<MailMessage> {
    let needed = match contract.status {
        ContractStatus::InReview => "an approver's decision",
        _ => "your signature",
    };
    to_notify(
        contract,
        format!(
            "Action needed: contract {} ({})",
            contract.contract_number,
            short_title(contract)
        ),
        format!(
            "Hello,\n\ncontract {} \"{}\" of customer number {} is waiting for {needed} \
             (version {}).\nOpen it in Contracts OnLine to review it.\n\n\
             You receive this message because you are named to be told about this contract.",
            contract.contract_number,
            short_title(contract),
            contract.customer_number,
            contract.current_version,
        ),
    )
}

/// The "ending soon" e-mail of a contract ending in `days` days.
fn ending_soon(contract: &Contract, days: u32) -> Option<MailMessage> {
    to_notify(
        contract,
        format!(
            "Contract {} ends in {days} days ({})",
            contract.contract_number,
            short_title(contract)
        ),
        format!(
            "Hello,\n\ncontract {} \"{}\" of customer number {} ends on {} — in {days} days.\n\
             Contact your account team or reply in Contracts OnLine to renew it.\n\n\
             You receive this message because you are named to be told about this contract.",
            contract.contract_number,
            short_title(contract),
            contract.customer_number,
            contract.end_date,
        ),
    )
}
