//! The poll loop: ask the contracts system's change feed once per interval, fetch the contracts
//! whose changes raised an alert (one batch call per [`LOOKUP_BATCH`] contracts, however many
//! subscribers), and hand each alert to the hub's channel.
//!
//! The position in the feed lives here, in the loop: the first poll asks "from now", each answer's
//! `next` is the next poll's `since`, and a failed poll leaves it where it was, so the next poll
//! asks again for what the failed one would have brought. A full answer is followed at once by
//! another (up to [`MAX_CALLS_PER_ROUND`]), so a burst of changes (a daily check) does not wait an
//! interval per page.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use supportgraph_adapters::model::{Contract, ContractChange};
use supportgraph_adapters::ports::{ContractsBackend, LOOKUP_BATCH};
use tokio::sync::{broadcast, watch};
use tokio::time::MissedTickBehavior;

use super::hub::AlertEvent;

/// The most feed calls one round makes while answers come full.
const MAX_CALLS_PER_ROUND: usize = 10;

/// The hub's poller.
pub(super) struct Poller {
    /// The contracts system.
    pub backend: Arc<dyn ContractsBackend>,
    /// Where alerts go.
    pub events: broadcast::Sender<Arc<AlertEvent>>,
    /// How long between rounds.
    pub interval: Duration,
    /// Rounds finished.
    pub rounds: watch::Sender<u64>,
}

impl Poller {
    /// Polls until aborted (when the last subscriber leaves).
    pub(super) async fn run(self) {
        let mut since: Option<u64> = None;
        let mut ticker = tokio::time::interval(self.interval);
        ticker.set_missed_tick_behavior(MissedTickBehavior::Delay);
        loop {
            ticker.tick().await;
            since = self.round(since).await;
            self.rounds.send_modify(|rounds| *rounds += 1);
        }
    }

    /// One round: the feed from `since` (again at once while answers are full), each alert
    /// passed on. Answers the position to ask from next.
    async fn round(&self, mut since: Option<u64>) -> Option<u64> {
        for _ in 0..MAX_CALLS_PER_ROUND {
            match self.backend.changes(since).await {
                Ok(feed) => {
                    since = Some(feed.next);
                    self.publish(feed.changes).await;
                    if !feed.more {
                        break;
                    }
                }
                Err(error) => {
                    tracing::warn!(
                        %error,
                        "contract feed: reading the contracts system's changes failed; asking again next interval"
                    );
                    break;
                }
            }
        }
        since
    }

    /// Fetches the contracts that raised an alert and sends each alert, in the feed's order;
    /// changes that raise none go to nobody.
    async fn publish(&self, changes: Vec<ContractChange>) {
        let alerts: Vec<ContractChange> = changes
            .into_iter()
            .filter(|change| change.alert.is_some())
            .collect();
        if alerts.is_empty() {
            return;
        }
        let contracts = self.current_contracts(&alerts).await;
        for change in alerts {
            // A contract answered for another customer number than the change's is not this one.
            let contract = contracts
                .get(&change.contract_number)
                .filter(|contract| contract.customer_number == change.customer_number)
                .cloned();
            // Nobody listening is not an error: the last subscriber may just have left.
            let _ = self.events.send(Arc::new(AlertEvent { change, contract }));
        }
    }

    /// The contracts of `alerts` as they are now, by contract number: one batch call per
    /// [`LOOKUP_BATCH`] contracts, naming those contracts' customer numbers; a failed call leaves
    /// its contracts out (the alerts still go).
    async fn current_contracts(&self, alerts: &[ContractChange]) -> HashMap<String, Contract> {
        let mut numbers: Vec<&str> = alerts.iter().map(|c| c.contract_number.as_str()).collect();
        numbers.sort_unstable();
        numbers.dedup();
        let mut found = HashMap::new();
        for batch in numbers.chunks(LOOKUP_BATCH) {
            let mut customers: Vec<String> = alerts
                .iter()
                .filter(|c| batch.contains(&c.contract_number.as_str()))
                .map(|c| c.customer_number.clone())
                .collect();
            customers.sort_unstable();
            customers.dedup();
            let contract_numbers: Vec<String> = batch.iter().map(|n| (*n).to_owned()).collect();
            match self
                .backend
                .contracts_by_number(&customers, &contract_numbers)
                .await
            {
                Ok(contracts) => found.extend(
                    contracts
                        .into_iter()
                        .map(|contract| (contract.contract_number.clone(), contract)),
                ),
                Err(error) => tracing::warn!(
                    %error,
                    "contract feed: fetching the contracts that raised alerts failed; their alerts go without them"
                ),
            }
        }
        found
    }
}
