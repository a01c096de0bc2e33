//! The feed's loop: every interval, the changes after the position (again at once while the
//! answers come full, up to [`MAX_CALLS_PER_ROUND`]), the changed inquiries fetched once, answer
//! e-mails sent, and every change handed to the subscribers.
//!
//! Two marks move through the feed. The *position* is where every change up to is handled — its
//! e-mail sent, when it has one — and is what the feed is asked from and what is stored; a change
//! whose e-mail could not go holds it there. The *announced* mark is the last change told to the
//! subscribers: changes read again because the position was held are not told twice, and a held
//! e-mail does not hold back what subscribers hear.
//!
//! A failed round (the feed, a lookup or an e-mail failed) waits twice as long before the next,
//! up to [`MAX_BACKOFF`]; the support system's and the mail service's own breakers and retries
//! (in the adapters) protect them meanwhile. Nothing here panics: every failure is logged.

use std::collections::{HashMap, HashSet};
use std::sync::Weak;
use std::time::Duration;

use supportgraph_adapters::AdapterError;
use supportgraph_adapters::model::{Inquiry, InquiryChange, MessageAuthor};
use supportgraph_adapters::ports::LOOKUP_BATCH;

use super::InquiryEvent;
use super::position::StoredPosition;
use crate::app::App;
use crate::error::GatewayError;

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
    /// Every change up to here is handled; `None` until the first answer (then "from now").
    position: Option<u64>,
    /// The last change told to subscribers.
    announced: Option<u64>,
}

/// The changed inquiries one page of changes needs, fetched once.
#[derive(Default)]
struct Fetched {
    /// By tracking number.
    found: HashMap<String, Inquiry>,
    /// Tracking numbers whose lookup failed (and may work next time).
    failed: HashSet<String>,
}

/// What a lookup of one change's inquiry came to.
enum Lookup<'a> {
    Found(&'a Inquiry),
    /// The support system answered without it: the inquiry is gone (or never was its customer
    /// number's).
    Missing,
    Failed,
}

impl Fetched {
    fn lookup(&self, change: &InquiryChange) -> Lookup<'_> {
        if self.failed.contains(&change.tracking_number) {
            return Lookup::Failed;
        }
        match self.found.get(&change.tracking_number) {
            // An inquiry answered for another customer number than the change's is not this one.
            Some(inquiry) if inquiry.customer_number == change.customer_number => {
                Lookup::Found(inquiry)
            }
            _ => Lookup::Missing,
        }
    }
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
    /// A reader of `app`'s support system every `interval`, storing its position in `stored`.
    pub(super) fn new(app: Weak<App>, interval: Duration, stored: StoredPosition) -> Self {
        Self {
            app,
            interval,
            stored,
            started: false,
            position: None,
            announced: None,
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
            app.inquiry_feed.round_finished();
            pause = if ok {
                self.interval
            } else {
                (pause * 2).min(longest)
            };
        }
    }

    /// One round; `false` when something failed and the next should wait longer.
    async fn round(&mut self, app: &App) -> bool {
        if !self.started {
            self.position = self.stored.load().await;
            self.started = true;
        }
        for _ in 0..MAX_CALLS_PER_ROUND {
            let asked = self.position;
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
            if let Some(asked) = asked
                && feed.next < asked
            {
                // Read the new feed from its start: answers given since it started again get
                // their e-mail (a repeat of one already sent is dropped by its key).
                tracing::warn!(
                    asked,
                    next = feed.next,
                    "inquiry feed: the support system's feed started again; reading it from its start"
                );
                self.announced = None;
                self.move_to(0).await;
                return true;
            }
            let held = match asked {
                Some(asked) => self.pass_on(app, asked, feed.changes).await,
                // "From now": no changes.
                None => None,
            };
            if let Some(held) = held {
                self.move_to(held).await;
                return false;
            }
            self.move_to(feed.next).await;
            if !feed.more {
                break;
            }
        }
        true
    }

    async fn move_to(&mut self, position: u64) {
        if self.position != Some(position) {
            self.position = Some(position);
            self.stored.save(position).await;
        }
    }

    fn unannounced(&self, seq: u64) -> bool {
        self.announced.is_none_or(|announced| seq > announced)
    }

    /// Handles one page of changes read from position `asked`: e-mails the answers, in order,
    /// until one cannot go, and tells the subscribers of every change not told before. Answers
    /// the position to hold at when an e-mail could not go; `None` when every change passed.
    async fn pass_on(&mut self, app: &App, asked: u64, changes: Vec<InquiryChange>) -> Option<u64> {
        let subscribed = app.inquiry_feed.subscribers() > 0;
        let wanted: Vec<&InquiryChange> = changes
            .iter()
            .filter(|c| answer_of(c).is_some() || (subscribed && self.unannounced(c.seq)))
            .collect();
        let fetched = fetch(app, &wanted).await;
        let mut handled = asked;
        let mut held = false;
        for change in changes {
            if !held {
                if let Some(answer) = answer_of(&change) {
                    held = !mail(app, &change, answer, &fetched).await;
                }
                if !held {
                    handled = change.seq;
                }
            }
            if self.unannounced(change.seq) {
                self.announced = Some(change.seq);
                let inquiry = match fetched.lookup(&change) {
                    Lookup::Found(inquiry) => Some(inquiry.clone()),
                    Lookup::Missing | Lookup::Failed => None,
                };
                app.inquiry_feed.publish(InquiryEvent { change, inquiry });
            }
        }
        held.then_some(handled)
    }
}

/// The inquiries of `changes`, one batch call per [`LOOKUP_BATCH`] tracking numbers (naming the
/// customer numbers of those changes only). A failed call marks its tracking numbers failed; a
/// call that could never be made (a number the adapter refuses) leaves them missing.
async fn fetch(app: &App, changes: &[&InquiryChange]) -> Fetched {
    let mut numbers: Vec<&str> = changes.iter().map(|c| c.tracking_number.as_str()).collect();
    numbers.sort_unstable();
    numbers.dedup();
    let mut fetched = Fetched::default();
    for batch in numbers.chunks(LOOKUP_BATCH) {
        let tracking: Vec<String> = batch.iter().map(|t| (*t).to_owned()).collect();
        let mut customers: Vec<String> = changes
            .iter()
            .filter(|c| batch.contains(&c.tracking_number.as_str()))
            .map(|c| c.customer_number.clone())
            .collect();
        customers.sort_unstable();
        customers.dedup();
        match app.support.inquiries_by_number(&customers, &tracking).await {
            Ok(inquiries) => fetched.found.extend(
                inquiries
                    .into_iter()
                    .map(|inquiry| (inquiry.tracking_number.clone(), inquiry)),
            ),
            Err(error @ AdapterError::InvalidRequest { .. }) => tracing::error!(
                %error,
                "inquiry feed: the changed inquiries cannot be looked up; passing their changes without them"
            ),
            Err(error) => {
                tracing::warn!(
                    %error,
                    "inquiry feed: looking up the changed inquiries failed; their answer e-mails wait for the next round"
                );
                fetched.failed.extend(tracking);
            }
        }
    }
    fetched
}

/// Sends the e-mail of support's answer `answer` to `change`'s inquiry; `true` when the change
/// may be passed (sent, or it never can be: logged), `false` to try again next round.
async fn mail(app: &App, change: &InquiryChange, answer: &str, fetched: &Fetched) -> bool {
    let tracking_number = change.tracking_number.as_str();
    let inquiry = match fetched.lookup(change) {
        Lookup::Found(inquiry) => inquiry,
        Lookup::Failed => return false,
        Lookup::Missing => {
            tracing::warn!(
                tracking_number,
                message_id = answer,
                "inquiry feed: the answered inquiry is gone; no answer e-mail"
            );
            return true;
        }
    };
    let Some(message) = inquiry.messages.iter().find(|m| m.id == answer) else {
        tracing::warn!(
            tracking_number,
            message_id = answer,
            "inquiry feed: the answer is not in the inquiry's thread; no answer e-mail"
        );
        return true;
    };
    match crate::inquiry_mail::send_answer(app, inquiry, message).await {
        Ok(receipt) => {
            tracing::info!(
                tracking_number,
                message_id = answer,
                mail_id = %receipt.message_id,
                "inquiry feed: answer e-mail sent"
            );
            true
        }
        Err(GatewayError::Internal) => {
            // Logged in full where it arose: a template or the message itself is broken, and
            // trying again would only block the e-mails after it.
            tracing::error!(
                tracking_number,
                message_id = answer,
                "inquiry feed: the answer e-mail cannot be sent; passing it"
            );
            true
        }
        Err(error) => {
            tracing::warn!(
                tracking_number,
                message_id = answer,
                ?error,
                "inquiry feed: the answer e-mail was not sent; trying again next round"
            );
            false
        }
    }
}
