//! The support system's change feed, read once per gateway instance: answer e-mails and
//! `inquiryUpdated`.
//!
//! Why it exists: the support system sends no e-mail. When the support team answers an inquiry,
//! the only trace the gateway gets is a change in the system's feed, and the customer must still
//! hear of it — in their language, with a link to the inquiry — whether or not anyone has the
//! portal open. So, unlike the order-status hub ([`crate::live`]), which polls only while someone
//! subscribes, this feed is read for as long as the gateway runs, by one task per instance
//! ([`start`], from [`Application::run_until_stopped`](crate::startup::Application::run_until_stopped)),
//! and the same reading serves every `inquiryUpdated` subscriber: the load on the support system
//! does not grow with them.
//!
//! What the task does with each change ([`poller`]):
//! - a change that added a SUPPORT message is e-mailed to the inquiry's contact
//!   ([`crate::inquiry_mail::send_answer`], with an idempotency key per answer, so several
//!   instances reading the same change reach the customer once). A change is passed only when
//!   its e-mail went out, or can never go (the inquiry is gone: logged). A failed lookup or send
//!   keeps the position before that change, and the next round (after a back-off) asks again
//!   from there — a passing failure of the mail service or the support system loses no e-mail;
//! - every change goes to the subscribers ([`InquiryEvent`]) with the inquiry as fetched once
//!   for all of them, and only once, even when a held e-mail makes the feed be read again.
//!
//! The position is kept in memory and, when the cache has a shared tier, in Redis
//! (`{prefix}:inquiry-feed:position`, [`position`]): a restarted instance goes on from where the
//! instances sharing the Redis got to, so answers given while it was down still get their e-mail.
//! Without a stored position the feed is read "from now". Redis failing never stops the feed:
//! it goes on in memory.
//!
//! Who may see a change is not the feed's business: each subscription checks its caller's
//! authorisation when the change arrives (`graphql::inquiries::subscription`).

mod poller;
mod position;

use std::sync::Arc;
use std::time::Duration;

use supportgraph_adapters::model::{Inquiry, InquiryChange};
use tokio::sync::{broadcast, watch};
use tokio::task::JoinHandle;

use crate::app::App;

/// How many changes wait for a slow subscriber before it misses the oldest (logged).
const CHANNEL_CAPACITY: usize = 1024;

/// One change of an inquiry, as every subscriber receives it.
#[derive(Debug, Clone)]
pub struct InquiryEvent {
    /// The change the support system recorded.
    pub change: InquiryChange,
    /// The inquiry as it was when the change was passed on, fetched once for every subscriber
    /// (and for the answer e-mail); `None` when that lookup failed or was not needed because
    /// nobody subscribed.
    pub inquiry: Option<Inquiry>,
}

struct Shared {
    events: broadcast::Sender<Arc<InquiryEvent>>,
    rounds: watch::Sender<u64>,
}

/// Where the feed's changes go out, held by [`App`]: subscribe to hear of them.
#[derive(Clone)]
pub struct InquiryFeedHub {
    shared: Arc<Shared>,
}

impl Default for InquiryFeedHub {
    fn default() -> Self {
        Self::new()
    }
}

impl InquiryFeedHub {
    /// A hub nobody listens to yet; the feed is read once [`start`] runs.
    pub fn new() -> Self {
        let (events, _) = broadcast::channel(CHANNEL_CAPACITY);
        Self {
            shared: Arc::new(Shared {
                events,
                rounds: watch::channel(0).0,
            }),
        }
    }

    /// Every change read from now on, until the receiver is dropped. A receiver too slow to keep
    /// up misses the oldest changes (`RecvError::Lagged`) and goes on with the next.
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<InquiryEvent>> {
        self.shared.events.subscribe()
    }

    /// How many receivers there are now.
    pub fn subscribers(&self) -> usize {
        self.shared.events.receiver_count()
    }

    /// The rounds the feed's task has finished (failed ones included), as they finish: for
    /// tests that wait for the feed to hold its position, or count calls per round.
    pub fn watch_rounds(&self) -> watch::Receiver<u64> {
        self.shared.rounds.subscribe()
    }

    fn publish(&self, event: InquiryEvent) {
        // Nobody listening is not an error.
        let _ = self.shared.events.send(Arc::new(event));
    }

    fn round_finished(&self) {
        self.shared.rounds.send_modify(|rounds| *rounds += 1);
    }
}

/// The feed's task; dropped, the task stops.
pub struct FeedTask(JoinHandle<()>);

impl Drop for FeedTask {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Starts reading the feed every `inquiries.feed_poll_ms`, the first time one interval from
/// now. The task holds the [`App`] weakly: it ends when the returned [`FeedTask`] is dropped
/// (the server stopped) or when the `App` is gone, whichever comes first. Call within a Tokio
/// runtime.
pub fn start(app: &Arc<App>) -> FeedTask {
    let interval = Duration::from_millis(app.settings.inquiries.feed_poll_ms);
    let stored = position::StoredPosition::new(app.cache.prefix(), app.cache.shared_tier());
    let poller = poller::Poller::new(Arc::downgrade(app), interval, stored);
    FeedTask(tokio::spawn(poller.run()))
}
