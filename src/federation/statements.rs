//! Account statements: one customer number's statement of one month from the billing instance of
//! its region, through the cache; and the statements of several customer numbers at once, every
//! call concurrent, each failure kept apart so one region down leaves the others' statements.
//!
//! A statement is cached in its customer number's billing namespace
//! ([`super::billing::namespace`]): an action on one of its invoices bumps it, so no statement
//! shows an invoice as it was.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use futures::future::join_all;
use supportgraph_adapters::AdapterError;
use supportgraph_adapters::model::{Region, Statement, StatementPeriod};
use supportgraph_adapters::ports::BillingBackend;

use super::billing::{instance, namespace};
use super::call_budget::CallBudget;
use super::fan_out::{RegionFailure, backend_of, cached_call};
use crate::cache::{Cache, CacheKey};

/// What a region without a configured billing instance fails with.
const NOT_CONFIGURED: &str = "no billing instance is configured for this region";

/// Where statements come from, and how long they are cached.
#[derive(Clone, Copy)]
pub struct StatementSource<'a> {
    /// The billing instances, by region.
    pub backends: &'a BTreeMap<Region, Arc<dyn BillingBackend>>,
    /// The cache statements go through.
    pub cache: &'a Cache,
    /// How long a statement is cached.
    pub ttl: Duration,
}

/// The cache key of one statement: the instance, the month, and the customer number (the scope
/// and the namespace an invoice action bumps).
fn statement_key(
    region: Region,
    customer_number: &str,
    period: StatementPeriod,
    ttl: Duration,
) -> CacheKey {
    CacheKey::new(
        instance(region),
        "statement",
        format!("period={period}"),
        vec![customer_number.to_owned()],
        vec![namespace(customer_number)],
        ttl,
    )
}

/// `customer_number`'s statement for `period` from `region`'s billing instance, through the
/// cache, paid from `budget` when the cache cannot answer; `None` when the instance does not
/// bill that customer number.
#[tracing::instrument(name = "federation", skip_all, fields(otel.kind = "internal", otel.name = "statements.fetch"))]
pub async fn fetch_statement(
    source: StatementSource<'_>,
    region: Region,
    customer_number: &str,
    period: StatementPeriod,
    budget: &CallBudget,
) -> Result<Option<Statement>, AdapterError> {
    let name = instance(region);
    let backend = backend_of(source.backends, &region, &name, NOT_CONFIGURED)?;
    let key = statement_key(region, customer_number, period, source.ttl);
    cached_call(
        source.cache,
        &key,
        budget,
        &name,
        backend.statement(customer_number, period),
    )
    .await
}

/// The statements of several customer numbers.
#[derive(Debug, Default)]
pub struct Statements {
    /// The statements found, by customer number.
    pub statements: Vec<Statement>,
    /// One failure per customer number whose region could not answer.
    pub failures: Vec<RegionFailure>,
}

/// The statement for `period` of every customer number in `scope` (customer numbers by
/// region), all asked concurrently; the statements come back by customer number.
#[tracing::instrument(name = "federation", skip_all, fields(otel.kind = "internal", otel.name = "statements.fetch_many"))]
pub async fn fetch_statements(
    source: StatementSource<'_>,
    scope: &BTreeMap<Region, Vec<String>>,
    period: StatementPeriod,
    budget: &CallBudget,
) -> Statements {
    let calls = scope.iter().flat_map(|(region, customers)| {
        customers.iter().map(move |customer| async move {
            let answer = fetch_statement(source, *region, customer, period, budget).await;
            (*region, answer)
        })
    });
    let mut found = Statements::default();
    for (region, answer) in join_all(calls).await {
        match answer {
            Ok(Some(statement)) => found.statements.push(statement),
            Ok(None) => {}
            Err(error) => found.failures.push(RegionFailure { region, error }),
        }
    }
    found
        .statements
        .sort_by(|a, b| a.customer_number.cmp(&b.customer_number));
    found
}
