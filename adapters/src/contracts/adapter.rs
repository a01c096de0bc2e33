//! [`ContractsBackend`] over HTTP against the contracts system.
//!
//! Every call but a step only reads, and is retried: the batch and the change feed by the
//! client, the search (a POST) and the documents (read with a cap on their size) by
//! [`Reads`](super::reads); a step carries an idempotency key, so it is retried too. Every
//! identifier and text is checked before a request is built, and every answer against the
//! contract (`checks`) and against what was asked: the customer numbers, the contract numbers,
//! the search's filter, order and limit.
//!
//! Here: the adapter, its search, batch and documents; `steps` (a customer's step) and `feed`
//! (the change feed) hold the rest of the port.

use async_trait::async_trait;
use serde::Deserialize;

use super::checks::broken_contract;
use super::reads::{Answer, Reads};
use super::{feed, steps};
use crate::AdapterError;
use crate::client::{BackendClient, BackendEndpoint};
use crate::model::{
    Contract, ContractActor, ContractFeed, ContractNumber, ContractPage, ContractQuery,
    ContractRefusal, ContractSortKey, CustomerNumber, CustomerStep, MAX_CONTRACT_PAGE,
};
use crate::ports::ContractsBackend;
use crate::resilience::{BreakerReport, ResilienceConfig};

/// The largest PDF of a version read; a longer one is refused as soon as the cap is passed.
pub(super) const MAX_CONTRACT_PDF_BYTES: usize = 20 * 1024 * 1024;

/// The largest search answer read: a page of [`MAX_CONTRACT_PAGE`] contracts, each with its
/// history and conversation, stays far below it.
const MAX_SEARCH_ANSWER_BYTES: usize = 32 * 1024 * 1024;

/// The longest search text, in characters (see [`ContractFilter::text`](crate::model::ContractFilter::text)).
const MAX_SEARCH_TEXT: usize = 200;

/// What every PDF starts with.
const PDF_MAGIC: &[u8] = b"%PDF-";

/// The answer to a batch lookup.
#[derive(Deserialize)]
struct ContractBatch {
    contracts: Vec<Contract>,
}

/// The contracts adapter.
#[derive(Debug, Clone)]
pub struct HttpContractsBackend {
    client: BackendClient,
    reads: Reads,
}

impl HttpContractsBackend {
    /// An adapter for the contracts instance at `endpoint`: its calls over `http` with
    /// `resilience` (a breaker per operation, retries of reads and of steps), each within
    /// `endpoint.timeout`.
    pub fn new(
        http: reqwest::Client,
        endpoint: BackendEndpoint,
        resilience: ResilienceConfig,
    ) -> Self {
        let reads = Reads::new(http.clone(), &endpoint, resilience.clone());
        Self {
            client: BackendClient::with_resilience(http, endpoint, resilience),
            reads,
        }
    }

    /// The client of the batch, steps and feed.
    pub(super) fn client(&self) -> &BackendClient {
        &self.client
    }

    /// `contracts`, if every one keeps the contract; the whole answer is refused for one that
    /// does not.
    pub(super) fn checked(&self, contracts: Vec<Contract>) -> Result<Vec<Contract>, AdapterError> {
        match contracts.iter().find_map(broken_contract) {
            None => Ok(contracts),
            Some(detail) => Err(self.client.contract_violation(detail)),
        }
    }

    /// Refuses, unsent, a search the contract cannot carry.
    fn check_query(&self, query: &ContractQuery) -> Result<(), AdapterError> {
        if query.customer_numbers.is_empty() {
            return Err(self
                .client
                .refuse("customer numbers", "at least one is needed"));
        }
        self.client
            .check::<CustomerNumber>("customer number", &query.customer_numbers)?;
        if query.limit == 0 || query.limit > MAX_CONTRACT_PAGE {
            return Err(self.client.refuse(
                "limit",
                format!("{} is not between 1 and {MAX_CONTRACT_PAGE}", query.limit),
            ));
        }
        if let Some(text) = &query.filter.text
            && !steps::line_ok(text, MAX_SEARCH_TEXT)
        {
            return Err(self.client.refuse(
                "search text",
                format!("1 to {MAX_SEARCH_TEXT} characters, not blank, without control characters"),
            ));
        }
        if let Some(after) = &query.after {
            if after.sort != query.sort {
                return Err(self
                    .client
                    .refuse("after", "a key of another sort than the listing's"));
            }
            self.client
                .check::<ContractNumber>("contract number of the key", [&after.contract_number])?;
        }
        Ok(())
    }

    /// The search's answer, once it is one: a 200 within its size. A 400 is the system refusing
    /// a query the adapter had checked.
    fn page_of(&self, answer: Answer) -> Result<ContractPage, AdapterError> {
        match answer.status {
            200..=299 if answer.too_large => Err(self.client.contract_violation(format!(
                "a search answer of more than {MAX_SEARCH_ANSWER_BYTES} bytes"
            ))),
            200..=299 => serde_json::from_slice(&answer.body)
                .map_err(|e| self.client.contract_violation(e.to_string())),
            status => {
                if status == 400 {
                    tracing::warn!(
                        backend = %self.client.name(),
                        "the contracts system refused a search the adapter had checked"
                    );
                }
                Err(self.client.status_error(status))
            }
        }
    }
}

#[async_trait]
impl ContractsBackend for HttpContractsBackend {
    fn instance(&self) -> &str {
        self.client.name()
    }

    fn breakers(&self) -> Vec<BreakerReport> {
        let mut reports = self.client.breakers();
        reports.extend(self.reads.breakers());
        reports
    }

    async fn contracts(&self, query: &ContractQuery) -> Result<ContractPage, AdapterError> {
        self.check_query(query)?;
        let answer = self
            .reads
            .post_json(
                &self.client,
                "contracts",
                "v1/contracts/search",
                query,
                MAX_SEARCH_ANSWER_BYTES,
            )
            .await?;
        let page = self.page_of(answer)?;
        let contracts = self.client.only_asked(
            self.checked(page.contracts)?,
            &query.customer_numbers,
            |c| &c.customer_number,
        )?;
        if contracts.len() > query.limit as usize {
            return Err(self.client.contract_violation(format!(
                "asked for at most {} contracts, got {}",
                query.limit,
                contracts.len()
            )));
        }
        if contracts.len() as u64 > page.total_count {
            return Err(self.client.contract_violation(format!(
                "{} contracts out of a total of {}",
                contracts.len(),
                page.total_count
            )));
        }
        // Each a match, each after the one before (the key first) in the listing's order: an
        // answer that is not would make the gateway's pages skip or repeat contracts.
        let mut previous = query.after.clone();
        for contract in &contracts {
            if !query.filter.matches(contract) {
                return Err(self.client.contract_violation(format!(
                    "contract {} does not match the search",
                    contract.contract_number
                )));
            }
            let key = ContractSortKey::of(contract, query.sort);
            if previous
                .as_ref()
                .is_some_and(|p| p.listing_cmp(&key).is_ge())
            {
                return Err(self.client.contract_violation(format!(
                    "contract {} is out of the listing's order",
                    contract.contract_number
                )));
            }
            previous = Some(key);
        }
        Ok(ContractPage {
            contracts,
            total_count: page.total_count,
        })
    }

    async fn contracts_by_number(
        &self,
        customer_numbers: &[String],
        contract_numbers: &[String],
    ) -> Result<Vec<Contract>, AdapterError> {
        if customer_numbers.is_empty() || contract_numbers.is_empty() {
            return Ok(Vec::new());
        }
        self.client
            .check::<CustomerNumber>("customer number", customer_numbers)?;
        self.client
            .check_batch::<ContractNumber>("contract number", contract_numbers)?;
        let params = [
            ("customers", customer_numbers.join(",")),
            ("ids", contract_numbers.join(",")),
        ];
        let batch: ContractBatch = self
            .client
            .get_json("contracts_by_number", "v1/contracts/batch", &params)
            .await?;
        let contracts =
            self.client
                .only_asked(self.checked(batch.contracts)?, customer_numbers, |c| {
                    &c.customer_number
                })?;
        match contracts
            .iter()
            .find(|c| !contract_numbers.contains(&c.contract_number))
        {
            None => Ok(contracts),
            Some(stray) => Err(self.client.contract_violation(format!(
                "answered contract {}, which was not asked for",
                stray.contract_number
            ))),
        }
    }

    async fn act(
        &self,
        customer_number: &str,
        contract_number: &str,
        actor: &ContractActor,
        step: &CustomerStep,
        idempotency_key: &str,
    ) -> Result<Result<Contract, ContractRefusal>, AdapterError> {
        let asked = steps::Asked {
            customer_number,
            contract_number,
            actor,
            step,
        };
        steps::act(self, asked, idempotency_key).await
    }

    async fn document_pdf(
        &self,
        customer_number: &str,
        contract_number: &str,
        version: u32,
    ) -> Result<Option<Vec<u8>>, AdapterError> {
        self.client
            .check::<CustomerNumber>("customer number", [customer_number])?;
        self.client
            .check::<ContractNumber>("contract number", [contract_number])?;
        if version == 0 {
            return Err(self
                .client
                .refuse("version", "versions are numbered from 1"));
        }
        let path = format!(
            "v1/customers/{customer_number}/contracts/{contract_number}/versions/{version}/document"
        );
        let answer = self
            .reads
            .get(
                &self.client,
                "document_pdf",
                &path,
                "application/pdf",
                MAX_CONTRACT_PDF_BYTES,
            )
            .await?;
        match answer.status {
            404 => Ok(None),
            200..=299 if answer.too_large => Err(self.client.contract_violation(format!(
                "a PDF of more than the {MAX_CONTRACT_PDF_BYTES} bytes allowed"
            ))),
            200..=299 if !answer.body.starts_with(PDF_MAGIC) => Err(self
                .client
                .contract_violation("the document is not a PDF (no %PDF- header)")),
            200..=299 => Ok(Some(answer.body.to_vec())),
            status => Err(self.client.status_error(status)),
        }
    }

    async fn changes(&self, since: Option<u64>) -> Result<ContractFeed, AdapterError> {
        feed::changes(self, since).await
    }
}
