//! The answer e-mails waiting to go: a bounded queue, each e-mail retried on its own back-off,
//! apart from the reading of the feed.
//!
//! An e-mail is named by what it is about (tracking number, customer number, the answer's message
//! ID) — the queue holds no inquiry: each attempt looks it up afresh, so the queue stays small at
//! its fullest. It also remembers the change that asked for it (its `seq`), so the stored
//! position can stay before the oldest e-mail still waiting ([`PendingMails::oldest_seq`]).
//!
//! After a failed attempt an e-mail waits [`PendingMails::new`]'s `first_pause`, doubled after
//! each further failure, up to [`MAX_PAUSE`]; one still not sent [`GIVE_UP_AFTER`] after its
//! change was read is dropped ([`PendingMails::expire`], logged by the caller as an error). The
//! queue holds at most its capacity: [`PendingMails::push`] refuses more, and the caller stops
//! reading the feed further rather than drop an e-mail.

use std::collections::HashMap;
use std::time::Duration;

use tokio::time::Instant;

/// The longest pause between two attempts of one e-mail.
pub(super) const MAX_PAUSE: Duration = Duration::from_secs(5 * 60);

/// How long after its change was read an e-mail is given up (about 300 attempts at
/// [`MAX_PAUSE`]).
pub(super) const GIVE_UP_AFTER: Duration = Duration::from_secs(24 * 3600);

/// One answer e-mail: what it is about.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(super) struct AnswerMail {
    /// The answered inquiry.
    pub tracking_number: String,
    /// Its customer number, as the change gave it (the lookup names it).
    pub customer_number: String,
    /// The answer's message ID in the inquiry's thread.
    pub message_id: String,
}

/// How an e-mail waits.
#[derive(Debug)]
struct Waiting {
    /// The change that asked for it, in the feed as it is now; `None` once the support system's
    /// feed started again (the change's `seq` means nothing in the new one).
    seq: Option<u64>,
    /// The order it was queued in: e-mails due together are tried oldest first.
    order: u64,
    /// Failed attempts so far.
    attempts: u32,
    /// When it may be tried (again).
    due: Instant,
    /// When its change was read.
    since: Instant,
}

/// An e-mail given up on: what it was about, and how often it was tried.
pub(super) struct GivenUp {
    /// The e-mail.
    pub mail: AnswerMail,
    /// Its failed attempts.
    pub attempts: u32,
}

/// The answer e-mails waiting to go.
#[derive(Debug)]
pub(super) struct PendingMails {
    waiting: HashMap<AnswerMail, Waiting>,
    queued: u64,
    capacity: usize,
    first_pause: Duration,
}

impl PendingMails {
    /// An empty queue of at most `capacity` e-mails, retried `first_pause` after their first
    /// failure.
    pub(super) fn new(capacity: usize, first_pause: Duration) -> Self {
        Self {
            waiting: HashMap::new(),
            queued: 0,
            capacity,
            first_pause,
        }
    }

    /// How many e-mails wait.
    pub(super) fn len(&self) -> usize {
        self.waiting.len()
    }

    /// Queues `mail`, asked for by change `seq`, to be tried at once. An e-mail already waiting
    /// (its change read again) keeps its place and back-off and takes the new `seq`. `false`
    /// when the queue is full: nothing was queued.
    pub(super) fn push(&mut self, mail: AnswerMail, seq: u64, now: Instant) -> bool {
        if let Some(waiting) = self.waiting.get_mut(&mail) {
            waiting.seq = Some(seq);
            return true;
        }
        if self.waiting.len() >= self.capacity {
            return false;
        }
        self.queued += 1;
        self.waiting.insert(
            mail,
            Waiting {
                seq: Some(seq),
                order: self.queued,
                attempts: 0,
                due: now,
                since: now,
            },
        );
        true
    }

    /// The oldest change whose e-mail still waits (in the feed as it is now).
    pub(super) fn oldest_seq(&self) -> Option<u64> {
        self.waiting.values().filter_map(|w| w.seq).min()
    }

    /// The support system's feed started again: the e-mails still wait, but their changes no
    /// longer hold the position (they are not in the new feed).
    pub(super) fn forget_positions(&mut self) {
        for waiting in self.waiting.values_mut() {
            waiting.seq = None;
        }
    }

    /// Drops the e-mails read [`GIVE_UP_AFTER`] ago or longer, answering them.
    pub(super) fn expire(&mut self, now: Instant) -> Vec<GivenUp> {
        let expired: Vec<AnswerMail> = self
            .waiting
            .iter()
            .filter(|(_, w)| now.saturating_duration_since(w.since) >= GIVE_UP_AFTER)
            .map(|(mail, _)| mail.clone())
            .collect();
        expired
            .into_iter()
            .filter_map(|mail| {
                let waiting = self.waiting.remove(&mail)?;
                Some(GivenUp {
                    mail,
                    attempts: waiting.attempts,
                })
            })
            .collect()
    }

    /// Up to `max` e-mails that may be tried at `now`, queued first first.
    pub(super) fn due(&self, now: Instant, max: usize) -> Vec<AnswerMail> {
        let mut due: Vec<(&AnswerMail, u64)> = self
            .waiting
            .iter()
            .filter(|(_, w)| w.due <= now)
            .map(|(mail, w)| (mail, w.order))
            .collect();
        due.sort_unstable_by_key(|(_, order)| *order);
        due.into_iter()
            .take(max)
            .map(|(mail, _)| mail.clone())
            .collect()
    }

    /// `mail` went, or never can: it waits no more.
    pub(super) fn done(&mut self, mail: &AnswerMail) {
        self.waiting.remove(mail);
    }

    /// An attempt of `mail` failed at `now`: it waits longer before the next. Answers its failed
    /// attempts so far (0 when it no longer waits).
    pub(super) fn failed(&mut self, mail: &AnswerMail, now: Instant) -> u32 {
        let Some(waiting) = self.waiting.get_mut(mail) else {
            return 0;
        };
        waiting.attempts = waiting.attempts.saturating_add(1);
        waiting.due = now + pause_after(self.first_pause, waiting.attempts);
        waiting.attempts
    }
}

/// The pause after `attempts` failed attempts: `first` doubled for each after the first, at
/// most [`MAX_PAUSE`].
fn pause_after(first: Duration, attempts: u32) -> Duration {
    let doublings = attempts.saturating_sub(1).min(20);
    first.saturating_mul(1 << doublings).min(MAX_PAUSE)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mail(tracking: &str) -> AnswerMail {
        AnswerMail {
            tracking_number: tracking.to_owned(),
            customer_number: "1000101".to_owned(),
            message_id: "M-1".to_owned(),
        }
    }

    const SECOND: Duration = Duration::from_secs(1);

    #[test]
    fn e_mails_are_due_at_once_and_oldest_first() {
        let now = Instant::now();
        let mut pending = PendingMails::new(10, SECOND);
        assert!(pending.push(mail("INQ-10000002"), 7, now));
        assert!(pending.push(mail("INQ-10000001"), 9, now));
        assert_eq!(
            pending.due(now, 10),
            [mail("INQ-10000002"), mail("INQ-10000001")]
        );
        assert_eq!(pending.due(now, 1), [mail("INQ-10000002")]);
        assert_eq!(pending.oldest_seq(), Some(7));
        pending.done(&mail("INQ-10000002"));
        assert_eq!(pending.oldest_seq(), Some(9));
        assert_eq!(pending.len(), 1);
    }

    #[test]
    fn a_failed_e_mail_waits_longer_each_time_up_to_the_longest_pause() {
        let now = Instant::now();
        let mut pending = PendingMails::new(10, SECOND);
        let first = mail("INQ-10000001");
        pending.push(first.clone(), 3, now);
        pending.push(mail("INQ-10000002"), 4, now);
        assert_eq!(pending.failed(&first, now), 1);
        assert_eq!(
            pending.due(now, 10),
            [mail("INQ-10000002")],
            "the others go on"
        );
        assert_eq!(pending.due(now + SECOND, 10).len(), 2);
        assert_eq!(pending.failed(&first, now), 2);
        assert_eq!(pending.due(now + SECOND, 10).len(), 1);
        assert_eq!(pending.due(now + 2 * SECOND, 10).len(), 2);
        assert_eq!(pause_after(SECOND, 3), 4 * SECOND);
        assert_eq!(pause_after(SECOND, 100), MAX_PAUSE);
        assert_eq!(pending.oldest_seq(), Some(3), "it still holds the position");
        assert_eq!(pending.failed(&mail("INQ-10000003"), now), 0, "not queued");
    }

    #[test]
    fn a_full_queue_refuses_new_e_mails_but_not_one_read_again() {
        let now = Instant::now();
        let mut pending = PendingMails::new(1, SECOND);
        assert!(pending.push(mail("INQ-10000001"), 3, now));
        assert!(!pending.push(mail("INQ-10000002"), 4, now));
        assert!(pending.push(mail("INQ-10000001"), 5, now), "read again");
        assert_eq!(pending.len(), 1);
        assert_eq!(pending.oldest_seq(), Some(5));
    }

    #[test]
    fn e_mails_of_a_feed_that_started_again_still_wait_but_hold_no_position() {
        let now = Instant::now();
        let mut pending = PendingMails::new(10, SECOND);
        pending.push(mail("INQ-10000001"), 300, now);
        pending.forget_positions();
        assert_eq!(pending.oldest_seq(), None);
        assert_eq!(pending.due(now, 10).len(), 1);
        pending.push(mail("INQ-10000002"), 2, now);
        assert_eq!(pending.oldest_seq(), Some(2));
    }

    #[test]
    fn an_e_mail_is_given_up_a_day_after_its_change_was_read() {
        let now = Instant::now();
        let mut pending = PendingMails::new(10, SECOND);
        let old = mail("INQ-10000001");
        pending.push(old.clone(), 3, now);
        pending.failed(&old, now);
        pending.push(mail("INQ-10000002"), 4, now + SECOND);
        assert!(pending.expire(now + GIVE_UP_AFTER - SECOND).is_empty());
        let given_up = pending.expire(now + GIVE_UP_AFTER);
        assert_eq!(given_up.len(), 1);
        assert_eq!(given_up[0].mail, old);
        assert_eq!(given_up[0].attempts, 1);
        assert_eq!(pending.oldest_seq(), Some(4));
    }
}
