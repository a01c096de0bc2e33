//! Live order status: the status changes an order-status instance records, read as a feed, and
//! the watchers it e-mails when an order moves.
//!
//! Written once here because both sides of the [`OrderBackend`](crate::ports::OrderBackend) port
//! use them: the adapter checks each feed answer against these rules (positions only move on,
//! every change after the position asked for), the gateway's live hub keeps its place in the feed
//! with [`ChangeFeed::next`], and the simulator records changes and watchers with the same limits.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{EmailAddress, OrderStatus, Region};

/// The most changes one feed call answers (`limit`); more wait for the next call.
pub const MAX_FEED_CHANGES: u32 = 500;

/// The most watchers one order may have; past it the instance refuses another
/// ([`WatchRefusal::TooManyWatchers`]).
pub const MAX_WATCHERS_PER_ORDER: usize = 20;

/// One status change an order-status instance recorded: an order entered a status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderChange {
    /// The change's position in its instance's feed: increasing, never reused.
    pub seq: u64,
    /// The region whose instance recorded it.
    pub region: Region,
    /// The order that changed.
    pub order_number: String,
    /// The customer number that placed the order: whoever is told of the change must be
    /// authorised for it.
    pub customer_number: String,
    /// The status the order entered.
    pub status: OrderStatus,
    /// When it entered it.
    pub at: DateTime<Utc>,
}

/// One answer of an instance's change feed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeFeed {
    /// The changes after the position asked for, oldest first, at most [`MAX_FEED_CHANGES`];
    /// none when asked "from now" (no position).
    pub changes: Vec<OrderChange>,
    /// The position to ask from next time: the last change's `seq`, or — when there is none —
    /// the instance's current position. Below the position asked for only when the instance's
    /// feed started again (a restarted system): then it is the new one's current position.
    pub next: u64,
    /// Whether the answer was full ([`MAX_FEED_CHANGES`] changes), so more may be waiting: ask
    /// again from `next` at once instead of waiting.
    pub more: bool,
}

/// A watcher an order-status instance recorded for one order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderWatch {
    /// The order watched.
    pub order_number: String,
    /// Who is e-mailed when its status changes.
    pub email: EmailAddress,
    /// Whether this call added the watcher (`false`: it was already watching).
    pub created: bool,
}

/// Why an order-status instance refused a watcher: business refusals, not failures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum WatchRefusal {
    /// The instance has no order with that number.
    UnknownOrder,
    /// The order is delivered or cancelled: nothing more will happen to it.
    OrderClosed,
    /// The order has [`MAX_WATCHERS_PER_ORDER`] watchers already.
    TooManyWatchers,
    /// The instance does not take the address.
    InvalidEmail,
}

impl WatchRefusal {
    /// The backend's code for this refusal (`{"error": CODE}`).
    pub fn code(self) -> &'static str {
        match self {
            Self::UnknownOrder => "UNKNOWN_ORDER",
            Self::OrderClosed => "ORDER_CLOSED",
            Self::TooManyWatchers => "TOO_MANY_WATCHERS",
            Self::InvalidEmail => "INVALID_EMAIL",
        }
    }

    /// The refusal a backend's code names, if any.
    pub fn from_code(code: &str) -> Option<Self> {
        [
            Self::UnknownOrder,
            Self::OrderClosed,
            Self::TooManyWatchers,
            Self::InvalidEmail,
        ]
        .into_iter()
        .find(|refusal| refusal.code() == code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_refusal_round_trips_through_its_code() {
        for refusal in [
            WatchRefusal::UnknownOrder,
            WatchRefusal::OrderClosed,
            WatchRefusal::TooManyWatchers,
            WatchRefusal::InvalidEmail,
        ] {
            assert_eq!(WatchRefusal::from_code(refusal.code()), Some(refusal));
        }
        assert_eq!(WatchRefusal::from_code("unknown_order"), None);
    }
}
