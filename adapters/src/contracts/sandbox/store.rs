//! The simulator's books: the contracts, the idempotency keys of the customer's steps, the change
//! feed and what the daily check already did — and how a change is made and recorded, so the
//! handlers only translate HTTP.
//!
//! Bounded, so a sandbox left running does not grow without end: a contract takes at most
//! [`MAX_HISTORY`] steps and comments (then 507), the last [`RETAINED_KEYS`] idempotency keys
//! and [`RETAINED_CHANGES`] changes are kept, and the daily check remembers its last
//! [`RETAINED_CHECK_DAYS`] dates.

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};

use chrono::{DateTime, Duration, NaiveDate, SubsecRound, Utc};
use serde::{Deserialize, Serialize};

use super::life::{self, Change, Person};
use crate::model::{
    Contract, ContractAction, ContractActor, ContractAlertKind, ContractChange, ContractRefusal,
    CustomerStep,
};

/// How many changes the feed keeps; a position older than that reads on from the oldest kept.
pub const RETAINED_CHANGES: usize = 10_000;

/// How many idempotency keys of steps are kept; an older key is free again.
pub const RETAINED_KEYS: usize = 10_000;

/// The most history entries (steps and comments) one contract takes.
pub const MAX_HISTORY: usize = 1_000;

/// How many dates the daily check remembers having run for.
pub(super) const RETAINED_CHECK_DAYS: usize = 400;

/// The body of a customer's step: who, and what.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StepRequest {
    /// The signed-in user taking the step.
    pub actor: ContractActor,
    /// The step.
    pub step: CustomerStep,
}

/// Why a change was not made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum NotTaken {
    /// A business refusal of the contract.
    Refused(ContractRefusal),
    /// The idempotency key was used for another step (409 `IDEMPOTENCY_KEY_REUSED`).
    KeyReused,
    /// The contract's history is full (507 `FULL`).
    Full,
}

impl From<ContractRefusal> for NotTaken {
    fn from(refusal: ContractRefusal) -> Self {
        Self::Refused(refusal)
    }
}

/// A step taken once per key: where, and with which body.
#[derive(Debug)]
struct Keyed {
    customer_number: String,
    contract_number: String,
    request: StepRequest,
}

/// What the daily check tells about a contract, once per date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum Notice {
    /// It waits for an approver or a signature.
    ActionNeeded,
    /// It ends within a horizon.
    EndingSoon,
}

/// The simulator's state.
#[derive(Debug, Default)]
pub(super) struct Store {
    /// Every contract, in order of number.
    pub contracts: Vec<Contract>,
    /// Positions in `contracts` by number.
    index: HashMap<String, usize>,
    /// The steps taken, by idempotency key.
    keys: HashMap<String, Keyed>,
    /// The keys kept, oldest first.
    key_order: VecDeque<String>,
    /// The changes kept, oldest first.
    pub changes: VecDeque<ContractChange>,
    /// The last change's position (0 before any).
    pub last_seq: u64,
    /// The number of the last comment ID issued.
    last_comment: u64,
    /// The latest time the books know of: the clock never goes back past it.
    last_at: DateTime<Utc>,
    /// What the daily check told, by date.
    noticed: BTreeMap<NaiveDate, HashSet<(String, Notice)>>,
}

impl Store {
    /// The books over `contracts` (in order of number), `comments` comment IDs already used.
    pub fn new(contracts: Vec<Contract>, comments: u64) -> Self {
        let last_at = contracts
            .iter()
            .map(|c| c.updated_at)
            .max()
            .unwrap_or_default();
        let index = contracts
            .iter()
            .enumerate()
            .map(|(at, c)| (c.contract_number.clone(), at))
            .collect();
        Self {
            contracts,
            index,
            last_comment: comments,
            last_at,
            ..Self::default()
        }
    }

    /// Now, to the millisecond, and never before anything the books hold (the demo data lies
    /// in the demo's present, which may be ahead of the machine's clock).
    pub fn now(&mut self) -> DateTime<Utc> {
        let now = Utc::now()
            .trunc_subsecs(3)
            .max(self.last_at + Duration::milliseconds(1));
        self.last_at = now;
        now
    }

    /// The position of contract `number`, when it is `customer_number`'s (the customer's calls)
    /// or whoever's (`None`, the vendor's).
    pub fn find(&self, number: &str, customer_number: Option<&str>) -> Option<usize> {
        let at = *self.index.get(number)?;
        let contract = self.contracts.get(at)?;
        customer_number
            .is_none_or(|c| contract.customer_number == c)
            .then_some(at)
    }

    /// `customer_number`'s contract `number`, if it is theirs.
    pub fn contract_of(&self, customer_number: &str, number: &str) -> Option<&Contract> {
        self.find(number, Some(customer_number))
            .and_then(|at| self.contracts.get(at))
    }

    /// The ID the next comment gets.
    pub fn next_comment_id(&self) -> String {
        format!("CMT-{:08}", self.last_comment + 1)
    }

    /// Makes `change` to the contract at `at` now and records it in the feed.
    pub fn apply(&mut self, at: usize, change: Change) -> Result<Contract, NotTaken> {
        let full = self
            .contracts
            .get(at)
            .ok_or(ContractRefusal::UnknownContract)?
            .history
            .len()
            >= MAX_HISTORY;
        if full {
            return Err(NotTaken::Full);
        }
        let comment = matches!(change, Change::Comment { .. });
        let now = self.now();
        let contract = self
            .contracts
            .get_mut(at)
            .ok_or(ContractRefusal::UnknownContract)?;
        let action = life::apply(contract, change, now)?;
        let answer = contract.clone();
        if comment {
            self.last_comment += 1;
        }
        self.record(&answer, action, life::alert_of(action, answer.status), now);
        Ok(answer)
    }

    /// Records a change of `contract` in the feed.
    pub fn record(
        &mut self,
        contract: &Contract,
        action: Option<ContractAction>,
        alert: Option<ContractAlertKind>,
        at: DateTime<Utc>,
    ) {
        self.last_seq += 1;
        self.changes.push_back(ContractChange {
            seq: self.last_seq,
            contract_number: contract.contract_number.clone(),
            customer_number: contract.customer_number.clone(),
            action,
            status: contract.status,
            alert,
            at,
        });
        while self.changes.len() > RETAINED_CHANGES {
            self.changes.pop_front();
        }
    }

    /// Takes a customer's step once per `key`: the contract afterwards — or, for a repeat with
    /// the same body, as it is now.
    pub fn customer_step(
        &mut self,
        key: &str,
        customer_number: &str,
        contract_number: &str,
        request: StepRequest,
    ) -> Result<Contract, NotTaken> {
        if let Some(first) = self.keys.get(key) {
            let same = first.customer_number == customer_number
                && first.contract_number == contract_number
                && first.request == request;
            if !same {
                return Err(NotTaken::KeyReused);
            }
            let now = self.contract_of(customer_number, contract_number);
            return now.cloned().ok_or(ContractRefusal::UnknownContract.into());
        }
        let at = self
            .find(contract_number, Some(customer_number))
            .ok_or(ContractRefusal::UnknownContract)?;
        let by = Person::customer(&request.actor);
        let change = match request.step.clone() {
            CustomerStep::SubmitForApproval => Change::Step {
                action: ContractAction::SubmitForApproval,
                by,
                note: None,
            },
            CustomerStep::Approve => Change::Decide { by, reason: None },
            CustomerStep::Reject { reason } => Change::Decide {
                by,
                reason: Some(reason),
            },
            CustomerStep::Sign {
                version,
                signer_name,
                accept_terms,
            } => Change::Sign {
                by,
                signer_name,
                version,
                accept_terms,
            },
            CustomerStep::Comment { body } => Change::Comment {
                id: self.next_comment_id(),
                by,
                body,
            },
        };
        let answer = self.apply(at, change)?;
        self.remember(
            key,
            Keyed {
                customer_number: customer_number.to_owned(),
                contract_number: contract_number.to_owned(),
                request,
            },
        );
        Ok(answer)
    }

    fn remember(&mut self, key: &str, keyed: Keyed) {
        self.keys.insert(key.to_owned(), keyed);
        self.key_order.push_back(key.to_owned());
        while self.key_order.len() > RETAINED_KEYS {
            if let Some(oldest) = self.key_order.pop_front() {
                self.keys.remove(&oldest);
            }
        }
    }

    /// Whether the daily check of `date` tells `notice` about `contract_number` for the first
    /// time (remembering that it now has).
    pub fn first_notice(&mut self, date: NaiveDate, contract_number: &str, notice: Notice) -> bool {
        let fresh = self
            .noticed
            .entry(date)
            .or_default()
            .insert((contract_number.to_owned(), notice));
        while self.noticed.len() > RETAINED_CHECK_DAYS {
            self.noticed.pop_first();
        }
        fresh
    }
}
