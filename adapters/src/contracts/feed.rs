//! The contracts system's change feed over HTTP, for [`HttpContractsBackend`]'s
//! [`ContractsBackend`](crate::ports::ContractsBackend) implementation: the rules of the
//! order-status feed (positions only move on, every change after the position asked for), since
//! the gateway polls every feed the same way, and each change checked as a contract is.

use super::adapter::HttpContractsBackend;
use super::checks::broken_change;
use crate::AdapterError;
use crate::model::{ContractFeed, MAX_FEED_CHANGES};

/// `GET v1/contracts/changes?since=&limit=`, checked against the contract.
pub(super) async fn changes(
    backend: &HttpContractsBackend,
    since: Option<u64>,
) -> Result<ContractFeed, AdapterError> {
    let client = backend.client();
    let mut params = vec![("limit", MAX_FEED_CHANGES.to_string())];
    if let Some(since) = since {
        params.push(("since", since.to_string()));
    }
    let feed: ContractFeed = client
        .get_json("changes", "v1/contracts/changes", &params)
        .await?;
    if let Some(detail) =
        broken_feed(&feed, since).or_else(|| feed.changes.iter().find_map(broken_change))
    {
        return Err(client.contract_violation(detail));
    }
    let more = feed.more || feed.changes.len() >= MAX_FEED_CHANGES as usize;
    Ok(ContractFeed { more, ..feed })
}

/// What is wrong with a feed answer to a call from `since`, if anything: more changes than asked
/// for, any change "from now", a change not after `since` or the one before it, a `next` that is
/// not the last change's, or more announced after an answer without changes (followed, it would
/// be asked for again at once, forever).
fn broken_feed(feed: &ContractFeed, since: Option<u64>) -> Option<String> {
    if feed.changes.len() > MAX_FEED_CHANGES as usize {
        return Some(format!(
            "asked for at most {MAX_FEED_CHANGES} changes, got {}",
            feed.changes.len()
        ));
    }
    if feed.more && feed.changes.is_empty() {
        return Some("more changes announced after none".to_owned());
    }
    let Some(since) = since else {
        return (!feed.changes.is_empty())
            .then(|| "changes in an answer \"from now\" (without since)".to_owned());
    };
    let mut previous = since;
    for change in &feed.changes {
        if change.seq <= previous {
            return Some(format!(
                "change {} does not come after {previous}",
                change.seq
            ));
        }
        previous = change.seq;
    }
    if !feed.changes.is_empty() && feed.next != previous {
        return Some(format!(
            "next is {} but the last change is {previous}",
            feed.next
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use chrono::Utc;

    use super::*;
    use crate::model::{ContractChange, ContractStatus};

    fn feed(seqs: &[u64], next: u64, more: bool) -> ContractFeed {
        ContractFeed {
            changes: seqs
                .iter()
                .map(|seq| ContractChange {
                    seq: *seq,
                    contract_number: "CTR-20260001".into(),
                    customer_number: "1000101".into(),
                    action: None,
                    status: ContractStatus::Draft,
                    alert: None,
                    at: Utc::now(),
                })
                .collect(),
            next,
            more,
        }
    }

    #[test]
    fn a_feed_only_moves_on() {
        assert_eq!(broken_feed(&feed(&[], 7, false), None), None);
        assert_eq!(broken_feed(&feed(&[], 7, false), Some(7)), None);
        assert_eq!(broken_feed(&feed(&[8, 9], 9, true), Some(7)), None);
        assert_eq!(
            broken_feed(&feed(&[], 2, false), Some(7)),
            None,
            "restarted"
        );
        assert!(
            broken_feed(&feed(&[8], 8, false), None).is_some(),
            "from now"
        );
        assert!(
            broken_feed(&feed(&[7], 7, false), Some(7)).is_some(),
            "not after"
        );
        assert!(
            broken_feed(&feed(&[9, 8], 9, false), Some(7)).is_some(),
            "order"
        );
        assert!(
            broken_feed(&feed(&[8, 9], 12, false), Some(7)).is_some(),
            "next"
        );
        assert!(
            broken_feed(&feed(&[], 7, true), Some(7)).is_some(),
            "more of none"
        );
    }
}
