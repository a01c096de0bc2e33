//! The live half of the order-status contract over HTTP: reading the change feed and registering
//! watchers, for [`HttpOrderBackend`]'s [`OrderBackend`] implementation.
//!
//! Kept apart from `adapter.rs` because its checks are of another kind: a feed answer must move
//! the position on and hold only changes after it (a gateway that trusted a feed going backwards
//! would tell subscribers of the same change twice, or skip some), and every identifier in it is
//! checked by its type, since the gateway decides from the customer number who may be told.

use super::adapter::HttpOrderBackend;
use super::wire::{WireChangeFeed, WireWatch, WireWatchRequest};
use crate::AdapterError;
use crate::client::Posted;
use crate::model::{
    ChangeFeed, CustomerNumber, EmailAddress, MAX_FEED_CHANGES, OrderNumber, OrderWatch,
    WatchRefusal,
};
use crate::ports::OrderBackend;

/// `GET v1/orders/changes?since=&limit=`, checked against the contract.
pub(super) async fn status_changes(
    backend: &HttpOrderBackend,
    since: Option<u64>,
) -> Result<ChangeFeed, AdapterError> {
    let client = backend.client();
    let mut params = vec![("limit", MAX_FEED_CHANGES.to_string())];
    if let Some(since) = since {
        params.push(("since", since.to_string()));
    }
    let feed: WireChangeFeed = client
        .get_json("status_changes", "v1/orders/changes", &params)
        .await?;
    if let Some(detail) = broken_feed(&feed, since) {
        return Err(client.contract_violation(detail));
    }
    for change in &feed.changes {
        client
            .check::<OrderNumber>("order number in the change feed", [&change.order_no])
            .and_then(|()| {
                client.check::<CustomerNumber>(
                    "customer number in the change feed",
                    [&change.cust_no],
                )
            })
            .map_err(|error| client.contract_violation(error.to_string()))?;
    }
    let more = feed.changes.len() >= MAX_FEED_CHANGES as usize;
    let region = backend.region();
    Ok(ChangeFeed {
        changes: feed
            .changes
            .into_iter()
            .map(|c| c.into_model(region))
            .collect(),
        next: feed.next,
        more,
    })
}

/// What is wrong with a feed answer to a call from `since`, if anything: more changes than asked
/// for, any change "from now", a change not after `since` or after `next`, changes out of order,
/// or a `next` that goes back while changes came.
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

/// `POST v1/orders/{orderNo}/watchers {"email"}`: 201 added, 200 already watching, a 4xx with
/// `{"error": CODE}` a refusal.
pub(super) async fn watch_order(
    backend: &HttpOrderBackend,
    order_number: &str,
    email: &EmailAddress,
) -> Result<Result<OrderWatch, WatchRefusal>, AdapterError> {
    let client = backend.client();
    client.check::<OrderNumber>("order number", [order_number])?;
    client.check::<EmailAddress>("e-mail address", [email.as_str()])?;
    let body = WireWatchRequest {
        email: email.as_str().to_owned(),
    };
    let path = format!("v1/orders/{order_number}/watchers");
    match client.post_json("watch_order", &path, &body).await? {
        Posted::Accepted(WireWatch {
            order_no,
            email: watched,
            created,
        }) => {
            if order_no != order_number || !watched.eq_ignore_ascii_case(email.as_str()) {
                return Err(
                    client.contract_violation("the watch answered is not the one asked for")
                );
            }
            Ok(Ok(OrderWatch {
                order_number: order_no,
                email: email.clone(),
                created,
            }))
        }
        Posted::Refused(code) => WatchRefusal::from_code(&code)
            .map(Err)
            .ok_or_else(|| client.contract_violation(format!("unknown refusal code {code:?}"))),
    }
}

#[cfg(test)]
mod tests {
    use chrono::Utc;

    use super::super::wire::{WireChange, WireStatus};
    use super::*;

    fn feed(seqs: &[u64], next: u64) -> WireChangeFeed {
        WireChangeFeed {
            changes: seqs
                .iter()
                .map(|seq| WireChange {
                    seq: *seq,
                    order_no: "244002010017".into(),
                    cust_no: "4400201".into(),
                    status_code: WireStatus::Shipped,
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
