//! The support system's change feed over HTTP, for [`HttpSupportBackend`]'s
//! [`SupportBackend`](crate::ports::SupportBackend) implementation: the same rules as the
//! order-status feed (positions only move on, every change after the position asked for), since
//! the gateway polls both the same way.

use super::adapter::HttpSupportBackend;
use super::wire::WireChangeFeed;
use crate::AdapterError;
use crate::model::{InquiryFeed, MAX_FEED_CHANGES};

/// `GET v1/inquiries/changes?since=&limit=`, checked against the contract.
pub(super) async fn changes(
    backend: &HttpSupportBackend,
    since: Option<u64>,
) -> Result<InquiryFeed, AdapterError> {
    let client = backend.client();
    let mut params = vec![("limit", MAX_FEED_CHANGES.to_string())];
    if let Some(since) = since {
        params.push(("since", since.to_string()));
    }
    let feed: WireChangeFeed = client
        .get_json("changes", "v1/inquiries/changes", &params)
        .await?;
    if let Some(detail) = broken_feed(&feed, since) {
        return Err(client.contract_violation(detail));
    }
    let more = feed.changes.len() >= MAX_FEED_CHANGES as usize;
    let changes = feed
        .changes
        .into_iter()
        .map(|c| c.into_model())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|detail| client.contract_violation(detail))?;
    Ok(InquiryFeed {
        changes,
        next: feed.next,
        more,
    })
}

/// What is wrong with a feed answer to a call from `since`, if anything: more changes than asked
/// for, any change "from now", a change not after `since` or the one before it, or a `next` that
/// is not the last change's.
fn broken_feed(feed: &WireChangeFeed, since: Option<u64>) -> Option<String> {
    if feed.changes.len() > MAX_FEED_CHANGES as usize {
        return Some(format!(
            "asked for at most {MAX_FEED_CHANGES} changes, got {}",
            feed.changes.len()
        ));
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

    use super::super::wire::WireChange;
    use super::*;
    use crate::model::InquiryStatus;

    fn feed(seqs: &[u64], next: u64) -> WireChangeFeed {
        WireChangeFeed {
            changes: seqs
                .iter()
                .map(|seq| WireChange {
                    seq: *seq,
                    tracking_no: "INQ-10000001".into(),
                    cust_no: "1000101".into(),
                    message_id: None,
                    author: None,
                    status: InquiryStatus::Closed,
                    at: Utc::now(),
                })
                .collect(),
            next,
        }
    }

    #[test]
    fn a_feed_only_moves_on() {
        assert_eq!(broken_feed(&feed(&[], 7), None), None);
        assert_eq!(broken_feed(&feed(&[], 7), Some(7)), None);
        assert_eq!(broken_feed(&feed(&[8, 9], 9), Some(7)), None);
        assert_eq!(
            broken_feed(&feed(&[], 2), Some(7)),
            None,
            "a restarted feed"
        );
        assert!(broken_feed(&feed(&[8], 8), None).is_some(), "from now");
        assert!(broken_feed(&feed(&[7], 7), Some(7)).is_some(), "not after");
        assert!(broken_feed(&feed(&[9, 8], 9), Some(7)).is_some(), "order");
        assert!(broken_feed(&feed(&[8, 9], 12), Some(7)).is_some(), "next");
    }
}
