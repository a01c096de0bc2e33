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
//! The task runs two loops, so that neither waits on the other:
//! - the feed's ([`poller`]) reads every change, page after page, and hands each to the
//!   subscribers ([`InquiryEvent`]) with the inquiry as fetched once for all of them (one lookup
//!   per changed inquiry per page), once each. A change that added a SUPPORT message also queues
//!   its answer e-mail (`pending`). An e-mail that cannot go does not hold the feed back: later
//!   changes, on this page or the next, are told and their e-mails queued all the same;
//! - the e-mails' (`mailer`) sends the queued e-mails to each inquiry's contact
//!   ([`crate::inquiry_mail::send_answer`], with an idempotency key per answer, so several
//!   instances reading the same change reach the customer once). An e-mail leaves the queue when
//!   it went, or can never go (the inquiry is gone, the mail service refuses it for good:
//!   logged). One that failed is tried again on its own back-off (the poll interval, doubled per
//!   failure up to 5 minutes), so a passing failure of the mail service or the support system
//!   loses no e-mail; one still not sent a day after its change was read is given up (logged as
//!   an error).
//!
//! The queue is bounded (`MAX_PENDING_MAILS`, 10,000 e-mails). Past that — the mail service down
//! for long while many answers come — nothing is dropped: the feed stops at the first answer
//! whose e-mail does not fit and reads on from there each round, so subscribers still hear of
//! the changes up to the end of that page, but of later ones only once e-mails have gone and
//! made room (logged when it happens, as an error, and when it is over).
//!
//! The position is kept in memory and, when the cache has a shared tier, in Redis
//! (`{prefix}:inquiry-feed:position`, [`position`]): the change before the oldest one whose
//! e-mail still waits, or where the feed was read to when none does. A restarted instance goes on
//! from where the instances sharing the Redis got to, so answers given while it was down, and
//! e-mails still waiting when it stopped, get their e-mail (provided the support system still
//! keeps those changes). Without a stored position the feed is read "from now". Redis failing
//! never stops the feed: it goes on in memory.
//!
//! Who may see a change is not the feed's business: each subscription checks its caller's
//! authorisation when the change arrives (`graphql::inquiries::subscription`).

mod lookup;
mod mailer;
mod pending;
mod poller;
mod position;

use std::sync::Arc;
use std::time::Duration;

use supportgraph_adapters::model::{Inquiry, InquiryChange};
use tokio::sync::{broadcast, watch};
use tokio::task::JoinHandle;

use crate::app::App;

/// How many changes wait for a slow subscriber; one that falls further behind misses changes,
/// and its subscription ends with an error.
const CHANNEL_CAPACITY: usize = 1024;

/// The most answer e-mails waiting to go (see the module).
const MAX_PENDING_MAILS: usize = 10_000;

/// One change of an inquiry, as every subscriber receives it.
#[derive(Debug, Clone)]
pub struct InquiryEvent {
    /// The change the support system recorded.
    pub change: InquiryChange,
    /// The inquiry as it was when the change was passed on, fetched once for every subscriber;
    /// `None` when that lookup failed or was not needed because nobody subscribed.
    pub inquiry: Option<Inquiry>,
}

/// How far the feed's task has got: what an operator (or a test) watches to see that the feed is
/// read and the answer e-mails go.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FeedProgress {
    /// The rounds of reading the feed finished so far, failed ones included: a count that stops
    /// moving means the task stopped.
    pub rounds: u64,
    /// The answer e-mails waiting to go (after a failure, or just read): a count that keeps
    /// growing means the mail service (or the support system's lookups) keeps failing.
    pub pending_mails: usize,
}

struct Shared {
    events: broadcast::Sender<Arc<InquiryEvent>>,
    progress: watch::Sender<FeedProgress>,
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
                progress: watch::channel(FeedProgress::default()).0,
            }),
        }
    }

    /// Every change read from now on, until the receiver is dropped. A receiver more than
    /// 1,024 changes behind misses the oldest (`RecvError::Lagged`): it should tell its
    /// subscriber so, who must read again what it missed.
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<InquiryEvent>> {
        self.shared.events.subscribe()
    }

    /// How many receivers there are now.
    pub fn subscribers(&self) -> usize {
        self.shared.events.receiver_count()
    }

    /// The feed's [`FeedProgress`], as it changes (after each round, and after each batch of
    /// e-mails). Public for what watches the feed from outside this module: the API tests,
    /// which wait for rounds rather than for a time and check the e-mails waiting, and the
    /// readiness or metrics reports that may show a stopped feed or a growing queue.
    pub fn watch_progress(&self) -> watch::Receiver<FeedProgress> {
        self.shared.progress.subscribe()
    }

    fn publish(&self, event: InquiryEvent) {
        // Nobody listening is not an error.
        let _ = self.shared.events.send(Arc::new(event));
    }

    fn round_finished(&self, pending_mails: usize) {
        self.shared.progress.send_modify(|progress| {
            progress.rounds += 1;
            progress.pending_mails = pending_mails;
        });
    }

    fn pending_mails(&self, pending_mails: usize) {
        self.shared.progress.send_if_modified(|progress| {
            let changed = progress.pending_mails != pending_mails;
            progress.pending_mails = pending_mails;
            changed
        });
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
/// now, and sending the answer e-mails it finds. The task holds the [`App`] weakly: it ends when
/// the returned [`FeedTask`] is dropped (the server stopped) or when the `App` is gone,
/// whichever comes first. Call within a Tokio runtime.
pub fn start(app: &Arc<App>) -> FeedTask {
    let interval = Duration::from_millis(app.settings.inquiries.feed_poll_ms);
    let stored = position::StoredPosition::new(app.cache.prefix(), app.cache.shared_tier());
    let mails = Arc::new(mailer::MailQueue::new(MAX_PENDING_MAILS, interval));
    let poller = poller::Poller::new(Arc::downgrade(app), interval, stored, mails.clone());
    let mailer = mailer::Mailer::new(Arc::downgrade(app), interval, mails);
    FeedTask(tokio::spawn(async move {
        tokio::join!(poller.run(), mailer.run());
    }))
}
