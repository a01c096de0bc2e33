//! The contracts simulator and its adapter, over real HTTP: every demo contract passes the
//! adapter's checks in every listing order, page by page, each once; batches; a step taken once
//! per idempotency key, and each refusal; a version's PDF with the SHA-256 its version lists; and
//! the change feed after a step.

use std::collections::BTreeSet;
use std::time::Duration;

use sha2::{Digest, Sha256};
use supportgraph_adapters::AdapterError;
use supportgraph_adapters::client::BackendEndpoint;
use supportgraph_adapters::contracts::sandbox::generate;
use supportgraph_adapters::contracts::{self, HttpContractsBackend};
use supportgraph_adapters::model::{
    Contract, ContractAction, ContractActor, ContractFilter, ContractQuery, ContractRefusal,
    ContractSort, ContractSortKey, ContractStatus, CustomerStep, MAX_CONTRACT_PAGE,
};
use supportgraph_adapters::ports::ContractsBackend;
use supportgraph_adapters::resilience::ResilienceConfig;
use supportgraph_adapters::sandbox::SandboxHandle;
use supportgraph_adapters::sandbox::demo::accounts;

use crate::{SEED, sandbox};

fn adapter(sandbox: &SandboxHandle) -> HttpContractsBackend {
    HttpContractsBackend::new(
        reqwest::Client::new(),
        BackendEndpoint {
            name: contracts::INSTANCE.into(),
            base_url: sandbox.base_url(contracts::INSTANCE),
            timeout: Duration::from_secs(5),
        },
        ResilienceConfig::default(),
    )
}

/// The first demo contract of `customer` in `status`.
fn demo_contract(customer: &str, status: ContractStatus) -> Contract {
    generate(SEED)
        .into_iter()
        .find(|c| c.customer_number == customer && c.status == status)
        .unwrap_or_else(|| panic!("a demo contract of {customer} in {status:?}"))
}

/// An actor of `customer_number`'s company: Avery for Globex, Jordan for Northwind, Lucía for
/// Iberia.
fn actor_of(customer_number: &str) -> ContractActor {
    let (user_id, name) = match customer_number {
        "1000201" | "1000202" => ("northwind-jordan", "Jordan Reed"),
        "4400301" => ("iberia-lucia", "Lucía Fernández"),
        _ => ("globex-avery", "Avery Stone"),
    };
    ContractActor {
        user_id: user_id.into(),
        name: name.into(),
    }
}

#[tokio::test]
async fn every_demo_contract_passes_the_checks_once_in_every_order() {
    let sandbox = sandbox().await;
    let backend = adapter(&sandbox);
    let customers: Vec<String> = accounts()
        .into_iter()
        .map(|a| a.customer_number.to_owned())
        .collect();
    let expected: BTreeSet<String> = generate(SEED)
        .into_iter()
        .map(|c| c.contract_number)
        .collect();
    assert!(!expected.is_empty(), "the demo has contracts");
    for sort in [
        ContractSort::EndDate,
        ContractSort::EndDateDescending,
        ContractSort::RecentlyUpdated,
        ContractSort::Number,
    ] {
        let mut seen = BTreeSet::new();
        let mut after: Option<ContractSortKey> = None;
        loop {
            let query = ContractQuery {
                customer_numbers: customers.clone(),
                filter: ContractFilter::default(),
                sort,
                after: after.clone(),
                limit: 4,
            };
            let page = backend.contracts(&query).await.expect("a page");
            assert_eq!(page.total_count as usize, expected.len(), "{sort:?}");
            let Some(last) = page.contracts.last() else {
                break;
            };
            after = Some(ContractSortKey::of(last, sort));
            for contract in page.contracts {
                assert!(seen.insert(contract.contract_number), "{sort:?}: once");
            }
        }
        assert_eq!(seen, expected, "{sort:?}");
    }

    // One status, one customer number, a page as large as allowed.
    let in_review = ContractQuery {
        customer_numbers: vec!["1000101".into()],
        filter: ContractFilter {
            statuses: vec![ContractStatus::InReview],
            ..ContractFilter::default()
        },
        sort: ContractSort::Number,
        after: None,
        limit: MAX_CONTRACT_PAGE,
    };
    let page = backend.contracts(&in_review).await.expect("a page");
    assert!(!page.contracts.is_empty());
    assert!(
        page.contracts
            .iter()
            .all(|c| c.status == ContractStatus::InReview && c.customer_number == "1000101")
    );
}

#[tokio::test]
async fn a_batch_answers_the_contracts_of_the_customer_numbers_asked() {
    let sandbox = sandbox().await;
    let backend = adapter(&sandbox);
    let demo = generate(SEED);
    let numbers: Vec<String> = demo.iter().map(|c| c.contract_number.clone()).collect();
    let found = backend
        .contracts_by_number(&["1000101".to_owned()], &numbers)
        .await
        .expect("a batch");
    let of_1000101 = demo.iter().filter(|c| c.customer_number == "1000101");
    assert_eq!(found.len(), of_1000101.count());
    assert_eq!(
        backend
            .contracts_by_number(&["1000101".to_owned()], &["CTR-29999999".to_owned()])
            .await,
        Ok(Vec::new())
    );
}

#[tokio::test]
async fn a_step_is_taken_once_per_key_and_each_refusal_is_an_answer() {
    let sandbox = sandbox().await;
    let backend = adapter(&sandbox);
    let draft = demo_contract("1000101", ContractStatus::Draft);
    let (customer, number) = (&draft.customer_number, &draft.contract_number);
    let avery = actor_of(customer);
    let submit = CustomerStep::SubmitForApproval;

    let submitted = backend
        .act(customer, number, &avery, &submit, "sandbox-submit-1")
        .await
        .expect("answered")
        .expect("submitted");
    assert_eq!(submitted.status, ContractStatus::InReview);
    let again = backend
        .act(customer, number, &avery, &submit, "sandbox-submit-1")
        .await
        .expect("answered")
        .expect("the same step");
    assert_eq!(again.history.len(), submitted.history.len(), "taken once");
    let comment = CustomerStep::Comment {
        body: "Another step with the same key".into(),
    };
    assert!(matches!(
        backend
            .act(customer, number, &avery, &comment, "sandbox-submit-1")
            .await,
        Err(AdapterError::Status { status: 409, .. })
    ));

    // Submitted again from IN_REVIEW: not allowed there.
    assert_eq!(
        backend
            .act(customer, number, &avery, &submit, "sandbox-submit-2")
            .await,
        Ok(Err(ContractRefusal::InvalidTransition {
            status: ContractStatus::InReview
        }))
    );
    assert_eq!(
        backend
            .act(customer, "CTR-29999999", &avery, &submit, "sandbox-unknown")
            .await,
        Ok(Err(ContractRefusal::UnknownContract))
    );

    let waiting = demo_contract("1000101", ContractStatus::SentForSignature);
    let (customer, number) = (&waiting.customer_number, &waiting.contract_number);
    let sign = |version: u32, accept_terms: bool| CustomerStep::Sign {
        version,
        signer_name: "Avery Stone".into(),
        accept_terms,
    };
    let current = waiting.current_version;
    assert_eq!(
        backend
            .act(
                customer,
                number,
                &avery,
                &sign(current + 1, true),
                "sandbox-sign-1"
            )
            .await,
        Ok(Err(ContractRefusal::VersionChanged { current }))
    );
    assert_eq!(
        backend
            .act(
                customer,
                number,
                &avery,
                &sign(current, false),
                "sandbox-sign-2"
            )
            .await,
        Ok(Err(ContractRefusal::TermsNotAccepted))
    );
    let signed = backend
        .act(
            customer,
            number,
            &avery,
            &sign(current, true),
            "sandbox-sign-3",
        )
        .await
        .expect("answered")
        .expect("signed");
    assert_eq!(signed.status, ContractStatus::Signed);
    assert_eq!(signed.signatures.last().map(|s| s.version), Some(current));
}

#[tokio::test]
async fn a_versions_pdf_has_the_sha256_its_version_lists() {
    let sandbox = sandbox().await;
    let backend = adapter(&sandbox);
    let contract = generate(SEED)
        .into_iter()
        .max_by_key(|c| c.versions.len())
        .expect("a demo contract");
    for version in &contract.versions {
        let pdf = backend
            .document_pdf(
                &contract.customer_number,
                &contract.contract_number,
                version.number,
            )
            .await
            .expect("read")
            .expect("found");
        let sha256: String = Sha256::digest(&pdf)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(
            sha256, version.document_sha256,
            "version {}",
            version.number
        );
    }
    let beyond = contract.current_version + 1;
    assert_eq!(
        backend
            .document_pdf(&contract.customer_number, &contract.contract_number, beyond)
            .await,
        Ok(None)
    );
    let other = if contract.customer_number == "4400301" {
        "1000101"
    } else {
        "4400301"
    };
    assert_eq!(
        backend
            .document_pdf(other, &contract.contract_number, 1)
            .await,
        Ok(None),
        "another customer number's contract"
    );
}

#[tokio::test]
async fn the_change_feed_reports_a_step_after_its_position() {
    let sandbox = sandbox().await;
    let backend = adapter(&sandbox);
    let now = backend.changes(None).await.expect("the position");
    assert!(now.changes.is_empty());
    let draft = demo_contract("1000101", ContractStatus::Draft);
    let avery = actor_of(&draft.customer_number);
    backend
        .act(
            &draft.customer_number,
            &draft.contract_number,
            &avery,
            &CustomerStep::SubmitForApproval,
            "sandbox-feed-1",
        )
        .await
        .expect("answered")
        .expect("submitted");
    let feed = backend.changes(Some(now.next)).await.expect("the feed");
    let change = feed
        .changes
        .iter()
        .find(|c| c.contract_number == draft.contract_number)
        .expect("the submission is in the feed");
    assert_eq!(change.action, Some(ContractAction::SubmitForApproval));
    assert_eq!(change.status, ContractStatus::InReview);
    assert_eq!(change.customer_number, draft.customer_number);
    assert!(feed.next > now.next);
}
