//! The contracts system's answers: a search page, a batch, a step's answer and refusals, a
//! version's PDF and the change feed, decoded and checked by the real adapter
//! ([`HttpContractsBackend`]) from a stub answering the input.
//!
//! Input: `CALL STATUS [STEP]`, header lines, a blank line, the body. CALL is one of `contracts`
//! (the contract test's search: customers 1000101 and 4900301, by end date, two at a time),
//! `contracts_by_number`, `act` (on CTR-20260002 of 4900301; STEP `sign` — version 2, as
//! `step_request.json` — `approve`, `reject`, `comment` or `submit`), `document_pdf`, `changes`.
//!
//! Checked: no panic; a step's answer is the contract acted on.

#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use supportgraph_adapters::contracts::{self, HttpContractsBackend};
use supportgraph_adapters::model::{
    ContractActor, ContractFilter, ContractQuery, ContractSort, CustomerStep,
};
use supportgraph_adapters::ports::ContractsBackend;
use supportgraph_fuzz::stub::{Exchange, Stub, no_retries};

const CALLS: [&str; 5] = [
    "contracts",
    "contracts_by_number",
    "act",
    "document_pdf",
    "changes",
];

const KEY: &str = "contract-step-7d41e9";

static STUB: LazyLock<Stub> = LazyLock::new(Stub::start);

fn search() -> ContractQuery {
    ContractQuery {
        customer_numbers: vec!["1000101".into(), "4900301".into()],
        filter: ContractFilter::default(),
        sort: ContractSort::EndDate,
        after: None,
        limit: 2,
    }
}

fn step(word: &str) -> CustomerStep {
    match word {
        "approve" => CustomerStep::Approve,
        "submit" => CustomerStep::SubmitForApproval,
        "reject" => CustomerStep::Reject {
            reason: "The response time for the press line must be 4 hours.".into(),
        },
        "comment" => CustomerStep::Comment {
            body: "Could the on-site response for the press line be 4 hours instead of 8?".into(),
        },
        _ => CustomerStep::Sign {
            version: 2,
            signer_name: "Avery Stone".into(),
            accept_terms: true,
        },
    }
}

fuzz_target!(|data: &[u8]| {
    let stub = &*STUB;
    let exchange = Exchange::parse(data, &CALLS, "application/json");
    let backend = HttpContractsBackend::new(
        stub.http(),
        stub.endpoint(contracts::INSTANCE),
        no_retries(),
    );
    let answer = &exchange.answer;
    let customers = ["1000101".to_owned(), "4900301".to_owned()];
    match CALLS[exchange.call] {
        "contracts" => {
            let _ = stub.run(answer, backend.contracts(&search()));
        }
        "contracts_by_number" => {
            let numbers = [
                "CTR-20260002".to_owned(),
                "CTR-20260003".to_owned(),
                "CTR-20250014".to_owned(),
            ];
            let _ = stub.run(answer, backend.contracts_by_number(&customers, &numbers));
        }
        "act" => {
            let actor = ContractActor {
                user_id: "globex-avery".into(),
                name: "Avery Stone".into(),
            };
            let step = step(&exchange.word(2));
            let act = backend.act("4900301", "CTR-20260002", &actor, &step, KEY);
            if let Ok(Ok(contract)) = stub.run(answer, act) {
                assert_eq!(
                    (
                        contract.customer_number.as_str(),
                        contract.contract_number.as_str()
                    ),
                    ("4900301", "CTR-20260002"),
                    "a step answered with another contract than the one acted on"
                );
            }
        }
        "document_pdf" => {
            let _ = stub.run(answer, backend.document_pdf("4900301", "CTR-20260002", 2));
        }
        _ => {
            let _ = stub.run(answer, backend.changes(Some(41)));
            let _ = stub.run(answer, backend.changes(None));
        }
    }
});
