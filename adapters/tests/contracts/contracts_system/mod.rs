//! The contracts system: the search's body and the checks of its page, the batches, a step's body,
//! key, retries and refusals, the documents and the change feed, and the answers that break the
//! contract. The helpers shared by [`reads`] and [`steps`] are here.

use std::time::Duration;

use axum::http::StatusCode;
use chrono::{DateTime, NaiveDate, Utc};
use supportgraph_adapters::AdapterError;
use supportgraph_adapters::client::BackendEndpoint;
use supportgraph_adapters::contracts::{self, HttpContractsBackend};
use supportgraph_adapters::model::{
    ContractActor, ContractFilter, ContractQuery, ContractSort, CustomerStep,
};
use supportgraph_adapters::resilience::{BreakerConfig, ResilienceConfig};

use crate::fixture_server::{FixtureServer, fixture, serve};

pub(super) const KEY: &str = "contract-step-7d41e9";

pub(super) fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .expect("a time")
        .with_timezone(&Utc)
}

pub(super) fn day(text: &str) -> NaiveDate {
    text.parse().expect("a day")
}

/// An adapter of the server at `addr`, retrying reads and steps from the first call.
pub(super) fn backend_at(addr: std::net::SocketAddr) -> HttpContractsBackend {
    HttpContractsBackend::new(
        reqwest::Client::new(),
        BackendEndpoint {
            name: contracts::INSTANCE.into(),
            base_url: format!("http://{addr}/contracts").parse().expect("a URL"),
            timeout: Duration::from_secs(2),
        },
        ResilienceConfig {
            breaker: BreakerConfig::default(),
            max_retries: 2,
            retry_ratio: 1.0,
            retry_backoff: Duration::from_millis(1),
        },
    )
}

pub(super) async fn answering(
    status: StatusCode,
    file: &str,
) -> (HttpContractsBackend, FixtureServer) {
    let server = serve(status, fixture(file), Duration::ZERO).await;
    (backend_at(server.addr), server)
}

/// The search `fixtures/contracts/search.json` answers: Globex's US and Munich contracts, by end
/// date, two at a time.
pub(super) fn search() -> ContractQuery {
    ContractQuery {
        customer_numbers: vec!["1000101".into(), "4900301".into()],
        filter: ContractFilter::default(),
        sort: ContractSort::EndDate,
        after: None,
        limit: 2,
    }
}

pub(super) fn avery() -> ContractActor {
    ContractActor {
        user_id: "globex-avery".into(),
        name: "Avery Stone".into(),
    }
}

/// The signature `fixtures/contracts/step_request.json` documents.
pub(super) fn signature() -> CustomerStep {
    CustomerStep::Sign {
        version: 2,
        signer_name: "Avery Stone".into(),
        accept_terms: true,
    }
}

pub(super) fn is_decode(result: &Result<impl std::fmt::Debug, AdapterError>, says: &str) -> bool {
    matches!(result, Err(AdapterError::Decode { backend, detail })
        if backend == "contracts" && detail.contains(says))
}

pub(super) fn is_unsent<T>(result: &Result<T, AdapterError>) -> bool {
    matches!(result, Err(AdapterError::InvalidRequest { backend, .. }) if backend == "contracts")
}

mod reads;
mod steps;
