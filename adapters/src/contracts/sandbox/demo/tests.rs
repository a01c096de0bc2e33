//! The demo contracts keep the script's promises: the same numbers for every seed, every status
//! for Globex, only countries with Contracts OnLine, pasts the rules allow and that lie before
//! the demo's present, a document hash per version, and the daily check's horizons to show.

use std::collections::{HashMap, HashSet};

use super::super::pdf::contract_pdf;
use super::*;
use crate::support::sandbox::present;

const SEED: u64 = 20261120;

#[test]
fn the_numbers_are_the_same_for_every_seed_and_the_data_for_one_seed() {
    let first = generate(1);
    let second = generate(SEED);
    assert_eq!(first.len(), DEMO_CONTRACTS);
    const { assert!(DEMO_CONTRACTS >= 20) };
    let numbers = |contracts: &[Contract]| {
        contracts
            .iter()
            .map(|c| (c.contract_number.clone(), c.status))
            .collect::<Vec<_>>()
    };
    assert_eq!(numbers(&first), numbers(&second));
    assert_eq!(first[0].contract_number, "CTR-20260001");
    assert_eq!(generate(7), generate(7));
    assert_ne!(generate(7), generate(8), "the times come from the seed");
}

#[test]
fn globex_has_every_status_on_the_customer_number_its_user_sees() {
    let contracts = generate(SEED);
    let on = |customer: &str| -> HashSet<ContractStatus> {
        contracts
            .iter()
            .filter(|c| c.customer_number == customer)
            .map(|c| c.status)
            .collect()
    };
    assert_eq!(on("1000101"), ContractStatus::ALL.into_iter().collect());
}

/// The countries of `config/countries.toml` whose tools include Contracts OnLine, with their
/// currency; read line by line.
fn countries_with_contracts() -> HashMap<String, String> {
    let file = include_str!("../../../../../config/countries.toml");
    let mut country = None;
    let mut contracts = false;
    let mut with = HashMap::new();
    for line in file.lines() {
        if let Some(code) = line.strip_prefix("[countries.") {
            country = code.strip_suffix(']').map(str::to_owned);
            contracts = false;
        } else if line.starts_with("tools") {
            contracts = line.contains("\"CONTRACTS\"");
        } else if let Some(currency) = line.strip_prefix("currency = ")
            && contracts
            && let Some(country) = &country
        {
            with.insert(country.clone(), currency.trim_matches('"').to_owned());
        }
    }
    with
}

#[test]
fn every_contract_is_in_a_country_with_contracts_online_and_its_currency() {
    let countries = countries_with_contracts();
    assert_eq!(countries.get("US").map(String::as_str), Some("USD"));
    assert!(!countries.contains_key("BR"));
    let companies = demo::companies();
    for contract in generate(SEED) {
        let at = &contract.contract_number;
        let currency = countries.get(&contract.country);
        assert_eq!(
            currency,
            Some(&contract.currency),
            "{at}: no Contracts OnLine there"
        );
        let company = companies
            .iter()
            .find(|c| {
                c.accounts
                    .iter()
                    .any(|a| a.customer_number == contract.customer_number)
            })
            .expect("a demo company's customer number");
        assert_eq!(contract.parties[0].name, company.name);
        assert_eq!(contract.parties[1].name, VENDOR);
        let emails: Vec<&str> = company.users.iter().map(|u| u.email).collect();
        let notify: Vec<&str> = contract.notify.iter().map(|e| e.as_str()).collect();
        assert_eq!(notify, emails, "{at}");
        assert!(contract.value > Decimal::ZERO);
        assert!(contract.start_date < contract.end_date, "{at}");
    }
}

#[test]
fn every_past_keeps_the_rules_and_lies_before_the_demos_present() {
    let contracts = generate(SEED);
    for (contract, script) in contracts.iter().zip(script::all()) {
        let at = &contract.contract_number;
        assert_eq!(
            contract.history.len(),
            script.beats.len(),
            "{at}: a beat was refused"
        );
        let mut status = ContractStatus::Draft;
        let mut last = contract.versions[0].created_at;
        for event in &contract.history {
            assert!(event.at > last && event.at < present(), "{at}");
            last = event.at;
            match event.action {
                Some(action) => {
                    assert_eq!(action.from_status(status), Some(event.status), "{at}");
                    if action == ContractAction::Activate {
                        assert_eq!(event.at.date_naive(), contract.start_date, "{at}");
                    }
                }
                None => assert_eq!(event.status, status, "{at}"),
            }
            status = event.status;
        }
        assert_eq!(status, contract.status, "{at}");
        assert_eq!(contract.updated_at, last, "{at}");
        assert_eq!(contract.current_version as usize, contract.versions.len());
        for version in &contract.versions {
            let bytes = contract_pdf(contract, version);
            assert!(bytes.starts_with(b"%PDF-"));
            assert_eq!(life::sha256_hex(&bytes), version.document_sha256, "{at}");
        }
        let signed = matches!(
            contract.status,
            ContractStatus::Signed | ContractStatus::Active | ContractStatus::Expired
        );
        if signed {
            let signature = contract.signatures.last().expect("a signature");
            assert_eq!(signature.version, contract.current_version, "{at}");
            assert!(
                contract
                    .approvals
                    .iter()
                    .any(|a| a.decision == crate::model::ApprovalDecision::Approved)
            );
        }
    }
}

#[test]
fn active_contracts_end_at_each_horizon_and_just_past_one() {
    let contracts = generate(SEED);
    let today = demo::today();
    let active_ending_in: HashSet<i64> = contracts
        .iter()
        .filter(|c| c.status == ContractStatus::Active)
        .map(|c| (c.end_date - today).num_days())
        .collect();
    for days in [30, 31, 60, 90] {
        assert!(active_ending_in.contains(&days), "{days}");
    }
    assert!(
        active_ending_in.iter().any(|d| *d > 365),
        "and some far away"
    );
    let several_versions = contracts.iter().filter(|c| c.versions.len() > 1).count();
    assert!(several_versions >= 3);
    let sides: HashSet<ContractSide> = contracts
        .iter()
        .flat_map(|c| c.comments.iter().map(|m| m.side))
        .collect();
    assert_eq!(sides.len(), 2, "comments from both sides");
}
