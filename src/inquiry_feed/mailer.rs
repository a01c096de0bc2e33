//! The answer e-mails' loop, beside the feed's: whenever the feed queues e-mails, and every
//! interval, the e-mails due ([`PendingMails::due`], up to [`LOOKUP_BATCH`] at a time) are looked
//! up in one batch call and sent, oldest first.
//!
//! An e-mail that went, or never can (the inquiry is gone, the answer is not in its thread, the
//! mail service refuses the message for good: logged), leaves the queue. One that failed (the
//! lookup, or a passing failure of the mail service) waits its back-off; after a failed send the
//! others due wait for the next time too, so a mail service that is down sees about one attempt
//! per interval, not one per e-mail. As each e-mail has its own back-off, one that keeps failing
//! does not keep the others from their turn.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError, Weak};
use std::time::Duration;

use supportgraph_adapters::ports::LOOKUP_BATCH;
use tokio::sync::Notify;
use tokio::time::Instant;

use super::lookup::{Lookup, fetch};
use super::pending::{AnswerMail, PendingMails};
use crate::app::App;
use crate::error::GatewayError;

/// The e-mails waiting, shared by the feed's loop (which queues them) and the e-mails' loop.
pub(super) struct MailQueue {
    pending: Mutex<PendingMails>,
    wake: Notify,
}

impl MailQueue {
    /// An empty queue of at most `capacity` e-mails, retried `first_pause` after a first failure.
    pub(super) fn new(capacity: usize, first_pause: Duration) -> Self {
        Self {
            pending: Mutex::new(PendingMails::new(capacity, first_pause)),
            wake: Notify::new(),
        }
    }

    /// The queue, to change it (never across an `.await`).
    pub(super) fn lock(&self) -> MutexGuard<'_, PendingMails> {
        // Nothing panics holding it; if something did, the queue is still whole.
        self.pending.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Tells the e-mails' loop that e-mails were queued.
    pub(super) fn wake(&self) {
        self.wake.notify_one();
    }
}

/// The e-mails' loop of one gateway instance.
pub(super) struct Mailer {
    app: Weak<App>,
    interval: Duration,
    queue: Arc<MailQueue>,
}

/// What became of one e-mail's attempt.
enum Outcome {
    /// It left the queue.
    Done,
    /// Its lookup failed: it waits, the others go on.
    LookupFailed,
    /// The mail service failed: it waits, and so do the others.
    SendFailed,
}

impl Mailer {
    /// The loop sending `queue`'s e-mails, looking for due ones every `interval`.
    pub(super) fn new(app: Weak<App>, interval: Duration, queue: Arc<MailQueue>) -> Self {
        Self {
            app,
            interval,
            queue,
        }
    }

    /// Sends e-mails until the task is aborted or the `App` is gone.
    pub(super) async fn run(self) {
        loop {
            tokio::select! {
                () = self.queue.wake.notified() => {}
                () = tokio::time::sleep(self.interval) => {}
            }
            let Some(app) = self.app.upgrade() else {
                return;
            };
            while self.send_due(&app).await {}
            app.inquiry_feed.pending_mails(self.queue.lock().len());
        }
    }

    /// Tries the e-mails due now; `true` when a whole batch went without a failure, so more may
    /// be due at once.
    async fn send_due(&self, app: &App) -> bool {
        let now = Instant::now();
        let (given_up, due) = {
            let mut pending = self.queue.lock();
            (pending.expire(now), pending.due(now, LOOKUP_BATCH))
        };
        for given_up in given_up {
            let mail = &given_up.mail;
            tracing::error!(
                tracking_number = mail.tracking_number,
                message_id = mail.message_id,
                attempts = given_up.attempts,
                "inquiry feed: the answer e-mail could not be sent for a day; giving it up"
            );
        }
        if due.is_empty() {
            return false;
        }
        let wanted: Vec<(&str, &str)> = due
            .iter()
            .map(|m| (m.tracking_number.as_str(), m.customer_number.as_str()))
            .collect();
        let fetched = fetch(app, &wanted).await;
        let mut failed = false;
        for mail in &due {
            let outcome = match fetched.lookup(&mail.tracking_number, &mail.customer_number) {
                Lookup::Found(inquiry) => send(app, inquiry, mail).await,
                Lookup::Failed => Outcome::LookupFailed,
                Lookup::Missing => {
                    tracing::warn!(
                        tracking_number = mail.tracking_number,
                        message_id = mail.message_id,
                        "inquiry feed: the answered inquiry is gone; no answer e-mail"
                    );
                    Outcome::Done
                }
            };
            let mut pending = self.queue.lock();
            match outcome {
                Outcome::Done => pending.done(mail),
                Outcome::LookupFailed | Outcome::SendFailed => {
                    failed = true;
                    let attempts = pending.failed(mail, Instant::now());
                    tracing::warn!(
                        tracking_number = mail.tracking_number,
                        message_id = mail.message_id,
                        attempts,
                        waiting = pending.len(),
                        "inquiry feed: the answer e-mail was not sent; trying it again later"
                    );
                    if matches!(outcome, Outcome::SendFailed) {
                        // The others would most likely fail the same way now.
                        break;
                    }
                }
            }
        }
        !failed && due.len() == LOOKUP_BATCH
    }
}

/// Sends the e-mail of support's answer `mail` to `inquiry`'s contact.
async fn send(
    app: &App,
    inquiry: &supportgraph_adapters::model::Inquiry,
    mail: &AnswerMail,
) -> Outcome {
    let tracking_number = mail.tracking_number.as_str();
    let message_id = mail.message_id.as_str();
    let Some(message) = inquiry.messages.iter().find(|m| m.id == message_id) else {
        tracing::warn!(
            tracking_number,
            message_id,
            "inquiry feed: the answer is not in the inquiry's thread; no answer e-mail"
        );
        return Outcome::Done;
    };
    match crate::inquiry_mail::send_answer(app, inquiry, message).await {
        Ok(receipt) => {
            tracing::info!(
                tracking_number,
                message_id,
                mail_id = %receipt.message_id,
                "inquiry feed: answer e-mail sent"
            );
            Outcome::Done
        }
        Err(GatewayError::Internal) => {
            // Logged in full where it arose: a template or the message itself is broken, and
            // trying again cannot help.
            tracing::error!(
                tracking_number,
                message_id,
                "inquiry feed: the answer e-mail cannot be sent; giving it up"
            );
            Outcome::Done
        }
        Err(error) => {
            tracing::debug!(
                tracking_number,
                message_id,
                ?error,
                "inquiry feed: send failed"
            );
            Outcome::SendFailed
        }
    }
}
