//! The feed's loop: every interval, the changes after the read mark (again at once while the
//! answers come full, up to [`MAX_CALLS_PER_ROUND`]), the changed inquiries fetched once for the
//! subscribers, every change handed to them, and every support answer queued for its e-mail
//! ([`super::mailer`] sends it).
//!
//! Three marks. The *read* mark is where the feed is asked from: every change up to it was told
//! to the subscribers and its e-mail, if it has one, queued. It moves on through every page
//! whatever becomes of the e-mails — except when the queue is full (see below). The *announced*
//! mark is the last change told to the subscribers, so a change read twice is told once. The
//! *stored* position, written to Redis, is the change before the oldest one whose e-mail still
//! waits, or the read mark when none does: a restarted instance reads again from there and
//! queues those e-mails again (the ones that went meanwhile are dropped by their keys).
//!
//! When the queue of e-mails is full (a mail service down for long, with many answers), an answer
//! whose e-mail cannot be queued stops the read mark just before it: the feed is asked from there
//! again each round, the changes up to the end of that page are still told to the subscribers,
//! but later ones wait, like the e-mails, until the queue has room. Nothing is dropped.
//!
//! A failed feed call waits twice as long before the next round, up to [`MAX_BACKOFF`]; the
//! support system's own breaker and retries (in the adapter) protect it meanwhile. An e-mail
//! failing never slows the feed. Nothing here panics: every failure is logged.

use std::sync::{Arc, Weak};
use std::time::Duration;

use supportgraph_adapters::model::{InquiryChange, MessageAuthor};
use tokio::time::Instant;

use super::InquiryEvent;
use super::lookup::{Lookup, fetch};
use super::mailer::MailQueue;
use super::pending::AnswerMail;
use super::position::StoredPosition;
use crate::app::App;

/// The most feed calls one round makes while answers come full.
const MAX_CALLS_PER_ROUND: usize = 10;

/// The longest pause after failures (or the interval, when that is longer).
const MAX_BACKOFF: Duration = Duration::from_secs(30);

/// The feed's reader of one gateway instance.
pub(super) struct Poller {
    app: Weak<App>,
    interval: Duration,
    stored: StoredPosition,
    /// Whether the stored position was read (once, before the first call).
    started: bool,
    /// Every change up to here was told and its e-mail queued; `None` until the first answer
    /// (then "from now").
    read: Option<u64>,
    /// The last change told to subscribers.
    announced: Option<u64>,
    /// The position last stored (or read from the store).
    saved: Option<u64>,
    /// The answer e-mails waiting, shared with the e-mails' loop.
    mails: Arc<MailQueue>,
    /// Whether the queue was full at the last answer (so it is logged once, when it fills).
    full: bool,
}

/// The ID of the support answer `change` added, if it added one.
fn answer_of(change: &InquiryChange) -> Option<&str> {
    change
        .message
        .as_ref()
        .filter(|m| m.author == MessageAuthor::Support)
        .map(|m| m.id.as_str())
}

impl Poller {
    /// A reader of `app`'s support system every `interval`, storing its position in `stored` and
    /// queueing answer e-mails in `mails`.
    pub(super) fn new(
        app: Weak<App>,
        interval: Duration,
        stored: StoredPosition,
        mails: Arc<MailQueue>,
    ) -> Self {
        Self {
            app,
            interval,
            stored,
            started: false,
            read: None,
            announced: None,
            saved: None,
            mails,
            full: false,
        }
    }

    /// Reads the feed until the task is aborted or the `App` is gone.
    pub(super) async fn run(mut self) {
        let longest = MAX_BACKOFF.max(self.interval);
        let mut pause = self.interval;
        loop {
            tokio::time::sleep(pause).await;
            let Some(app) = self.app.upgrade() else {
                tracing::debug!("inquiry feed: the gateway is gone; stopping");
                return;
            };
            let ok = self.round(&app).await;
            app.inquiry_feed.round_finished(self.mails.lock().len());
            pause = if ok {
                self.interval
            } else {
                (pause * 2).min(longest)
            };
        }
    }

    /// One round; `false` when the feed could not be read and the next should wait longer.
    async fn round(&mut self, app: &App) -> bool {
        if !self.started {
            self.read = self.stored.load().await;
            self.saved = self.read;
            self.started = true;
        }
        let ok = self.read_pages(app).await;
        self.store().await;
        ok
    }

    /// Reads up to [`MAX_CALLS_PER_ROUND`] pages from the read mark.
    async fn read_pages(&mut self, app: &App) -> bool {
        for _ in 0..MAX_CALLS_PER_ROUND {
            let asked = self.read;
            let feed = match app.support.changes(asked).await {
                Ok(feed) => feed,
                Err(error) => {
                    tracing::warn!(
                        %error,
                        "inquiry feed: reading the support system's changes failed; asking again after a pause"
                    );
                    return false;
                }
            };
            let Some(asked) = asked else {
                // "From now": no changes.
                self.read = Some(feed.next);
                return true;
            };
            if feed.next < asked {
                // Read the new feed from its start: answers given since it started again get
                // their e-mail (a repeat of one already sent is dropped by its key).
                tracing::warn!(
                    asked,
                    next = feed.next,
                    "inquiry feed: the support system's feed started again; reading it from its start"
                );
                self.announced = None;
                self.read = Some(0);
                self.mails.lock().forget_positions();
                return true;
            }
            if let Some(stopped) = self.pass_on(app, asked, feed.changes).await {
                self.read = Some(stopped);
                return true;
            }
            self.read = Some(feed.next);
            if !feed.more {
                break;
            }
        }
        true
    }

    /// Writes the position to keep (see the module) when it changed.
    async fn store(&mut self) {
        let Some(read) = self.read else {
            return;
        };
        let oldest = self.mails.lock().oldest_seq();
        let position = oldest.map_or(read, |seq| read.min(seq.saturating_sub(1)));
        if self.saved != Some(position) {
            self.saved = Some(position);
            self.stored.save(position).await;
        }
    }

    fn unannounced(&self, seq: u64) -> bool {
        self.announced.is_none_or(|announced| seq > announced)
    }

    /// Handles one page of changes read from `asked`: tells the subscribers of every change not
    /// told before, with its inquiry as fetched once for all of them, and queues every answer's
    /// e-mail. Answers where the read mark stops when the queue is full; `None` when every change
    /// was handled.
    async fn pass_on(&mut self, app: &App, asked: u64, changes: Vec<InquiryChange>) -> Option<u64> {
        let wanted: Vec<(&str, &str)> = if app.inquiry_feed.subscribers() > 0 {
            changes
                .iter()
                .filter(|c| self.unannounced(c.seq))
                .map(|c| (c.tracking_number.as_str(), c.customer_number.as_str()))
                .collect()
        } else {
            Vec::new()
        };
        let fetched = fetch(app, &wanted).await;
        let now = Instant::now();
        let mut handled = asked;
        let mut stopped = None;
        let mut queued = false;
        for change in changes {
            if stopped.is_none() {
                if let Some(answer) = answer_of(&change) {
                    let mail = AnswerMail {
                        tracking_number: change.tracking_number.clone(),
                        customer_number: change.customer_number.clone(),
                        message_id: answer.to_owned(),
                    };
                    let mut pending = self.mails.lock();
                    let room = pending.push(mail, change.seq, now);
                    if room == self.full {
                        if room {
                            tracing::info!(
                                "inquiry feed: the queue of answer e-mails has room again; reading on"
                            );
                        } else {
                            tracing::error!(
                                at = handled,
                                waiting = pending.len(),
                                "inquiry feed: the queue of answer e-mails is full; the feed waits here until it has room"
                            );
                        }
                        self.full = !room;
                    }
                    drop(pending);
                    if room {
                        queued = true;
                    } else {
                        stopped = Some(handled);
                    }
                }
                if stopped.is_none() {
                    handled = change.seq;
                }
            }
            if self.unannounced(change.seq) {
                self.announced = Some(change.seq);
                let inquiry = match fetched.lookup(&change.tracking_number, &change.customer_number)
                {
                    Lookup::Found(inquiry) => Some(inquiry.clone()),
                    Lookup::Missing | Lookup::Failed => None,
                };
                app.inquiry_feed.publish(InquiryEvent { change, inquiry });
            }
        }
        if queued {
            self.mails.wake();
        }
        stopped
    }
}
