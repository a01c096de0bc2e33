//! The contracts system's change feed, read once per gateway instance while anyone subscribes to
//! `contractAlerts`, and the alerts it raises fanned out to every subscriber.
//!
//! Why a hub rather than a poll per subscriber: the feed is system-wide (every customer number
//! together), so one reading per interval serves every subscriber on this gateway, and the load on
//! the contracts system does not grow with them — 100 browser tabs watching cost what one does.
//! Why only while anyone subscribes (like [`crate::live`], unlike [`crate::inquiry_feed`]): the
//! gateway sends no e-mail about contracts (the contracts system mails its own notices), so an
//! alert nobody listens for is nobody's news, and an idle gateway makes no calls at all. The
//! first subscriber starts the poller, which asks "from now"; the last to leave stops it.
//!
//! Each round reads the feed from where the last one got to (again at once while answers come
//! full), keeps the changes that raise an alert (approval needed, signature needed, ending soon),
//! fetches those contracts once for every subscriber (one batch call per
//! [`LOOKUP_BATCH`](supportgraph_adapters::ports::LOOKUP_BATCH) contracts) and hands each alert
//! to the channel. A failed read is logged and asked again next interval from the same position,
//! so no alert is lost to a passing failure. The calls go through the adapter (timeouts, retries,
//! breaker) and never through a request's budget: no request is paying.
//!
//! Who may see an alert is not the hub's business: each subscription checks, when the alert
//! arrives, that its caller is authorised for the contract's customer number at that moment (and
//! approves contracts for it, for an approval), in `graphql::contracts::subscription`.
//!
//! - [`hub`]: subscribers, the broadcast channel, starting and stopping the poller;
//! - `poller`: the poll loop, which also fetches the contracts that raised an alert.
//!
//! Across gateway instances nothing is shared: each polls for its own subscribers.

pub mod hub;
mod poller;

pub use hub::{AlertEvent, ContractFeedHub, ContractFeedSubscription, Missed};
