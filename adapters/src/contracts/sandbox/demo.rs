//! The demo contracts: the script's ([`script`]) contracts of the demo companies, their pasts
//! played through the same rules a live step follows (`life`), so every history, approval,
//! signature and version is one the system could have recorded. The days come from the script;
//! the times of day (morning, before the demo's noon) from the seed.
//!
//! The parties are the customer number's company and [`VENDOR`] (and a lessor, for some
//! leases); the value is in the country's currency; `notify` is the company's users. The
//! numbers run from `CTR-20260001` in the script's order, for every seed.

use std::str::FromStr;

use chrono::{DateTime, Duration, NaiveTime, Utc};
use rust_decimal::Decimal;

use super::daily::SYSTEM;
use super::life::{self, Change, Person};
use crate::model::{
    Contract, ContractAction, ContractActor, ContractNumber, ContractParty, ContractSide,
    ContractStatus,
};
use crate::sandbox::SeededRng;
use crate::sandbox::demo::{self, DemoCompany};

mod script;

use script::{Beat, Script};

/// The vendor: the other party to every contract.
pub const VENDOR: &str = "supportgraph Vendor Inc.";

/// The vendor's account manager, who issues the demo versions and writes its comments.
const ACCOUNT_MANAGER: &str = "Dana Whitfield";

/// The sequence number of the first contract: `CTR-20260001`.
const FIRST_NUMBER: u64 = 20_260_001;

/// How many demo contracts there are.
pub const DEMO_CONTRACTS: usize = script::COUNT;

/// The demo contracts of `seed`, in number order.
pub fn generate(seed: u64) -> Vec<Contract> {
    generate_counted(seed).0
}

/// The demo contracts of `seed`, in number order, and how many comment IDs they use.
pub(super) fn generate_counted(seed: u64) -> (Vec<Contract>, u64) {
    let companies = demo::companies();
    let mut comments = 0;
    let contracts = script::all()
        .zip(FIRST_NUMBER..)
        .filter_map(|(script, sequence)| {
            let number = ContractNumber::from_sequence(sequence)?;
            let company = companies.iter().find(|c| {
                c.accounts
                    .iter()
                    .any(|a| a.customer_number == script.customer)
            })?;
            let mut rng = SeededRng::new(seed, &format!("contracts:{number}"));
            Some(contract(script, number, company, &mut rng, &mut comments))
        })
        .collect();
    (contracts, comments)
}

/// The morning of `day` (counted from the demo's today): 08:00 to 11:59 UTC, from `rng`.
fn morning(day: i64, rng: &mut SeededRng) -> DateTime<Utc> {
    let midnight = demo::today().and_time(NaiveTime::MIN).and_utc();
    midnight
        + Duration::days(day)
        + Duration::hours(8)
        + Duration::minutes(rng.range(0, 239) as i64)
}

/// The contract `script` describes, numbered `number`, with `company`.
fn contract(
    script: &Script,
    number: ContractNumber,
    company: &DemoCompany,
    rng: &mut SeededRng,
    comments: &mut u64,
) -> Contract {
    let country = company
        .accounts
        .iter()
        .find(|a| a.customer_number == script.customer)
        .map_or("US", |a| a.country);
    let today = demo::today();
    let mut parties = vec![
        party(company.name, ContractSide::Customer),
        party(VENDOR, ContractSide::Vendor),
    ];
    parties.extend(script.financed_by.map(|f| party(f, ContractSide::Vendor)));
    let issued = morning(script.issued, rng);
    let mut contract = Contract {
        contract_number: number.to_string(),
        title: script.title.to_owned(),
        contract_type: script.kind,
        customer_number: script.customer.to_owned(),
        country: country.to_owned(),
        parties,
        value: Decimal::from_str(script.value).unwrap_or_default(),
        currency: demo::currency_of(country).to_owned(),
        start_date: today + Duration::days(script.term.0),
        end_date: today + Duration::days(script.term.1),
        status: ContractStatus::Draft,
        current_version: 0,
        versions: Vec::new(),
        history: Vec::new(),
        comments: Vec::new(),
        approvals: Vec::new(),
        signatures: Vec::new(),
        notify: company
            .users
            .iter()
            .filter_map(|u| u.email.parse().ok())
            .collect(),
        updated_at: issued,
    };
    life::add_version(
        &mut contract,
        ACCOUNT_MANAGER,
        "First issue.".into(),
        issued,
    );
    let mut last = issued;
    for beat in script.beats {
        let day = match beat {
            Beat::Step(day, ..) | Beat::Said(day, ..) => *day,
        };
        let at = morning(day, rng).max(last + Duration::minutes(7));
        let change = change(beat, company, comments, contract.current_version);
        // The tests replay every script: a beat the rules refuse would be a bug in the script.
        if life::apply(&mut contract, change, at).is_ok() {
            last = at;
            if matches!(beat, Beat::Said(..)) {
                *comments += 1;
            }
        }
    }
    contract
}

fn party(name: &str, side: ContractSide) -> ContractParty {
    ContractParty {
        name: name.to_owned(),
        side,
    }
}

/// What `beat` does, and who does it: the company's first user submits, decides, signs and
/// comments; the account manager takes the vendor's steps and writes its comments; the system
/// activates and expires. A signature is of `current_version`.
fn change(beat: &Beat, company: &DemoCompany, comments: &u64, current_version: u32) -> Change {
    let user = || {
        company.users.first().map_or_else(
            || Person::vendor(company.name),
            |u| {
                Person::customer(&ContractActor {
                    user_id: u.user_id.to_owned(),
                    name: u.name.to_owned(),
                })
            },
        )
    };
    match *beat {
        Beat::Said(_, side, body) => Change::Comment {
            id: format!("CMT-{:08}", comments + 1),
            by: match side {
                ContractSide::Customer => user(),
                ContractSide::Vendor => Person::vendor(ACCOUNT_MANAGER),
            },
            body: body.to_owned(),
        },
        Beat::Step(_, ContractAction::Approve, _) => Change::Decide {
            by: user(),
            reason: None,
        },
        Beat::Step(_, ContractAction::Reject, reason) => Change::Decide {
            by: user(),
            reason: reason.map(str::to_owned),
        },
        Beat::Step(_, ContractAction::Sign, _) => {
            let by = user();
            Change::Sign {
                signer_name: by.name.clone(),
                by,
                version: current_version,
                accept_terms: true,
            }
        }
        Beat::Step(_, action, note) => Change::Step {
            action,
            by: match action {
                ContractAction::SubmitForApproval => user(),
                ContractAction::Activate | ContractAction::Expire => Person::vendor(SYSTEM),
                _ => Person::vendor(ACCOUNT_MANAGER),
            },
            note: note.map(str::to_owned),
        },
    }
}

#[cfg(test)]
mod tests;
