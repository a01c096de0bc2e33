//! The sandbox's outbox: every e-mail a simulator "sent", kept in memory where tests and demos can
//! read it, since the sandbox sends nothing for real.
//!
//! Shared by every simulator that mails: the mail service's simulator delivers what the gateway
//! asks it to send (once per idempotency key, [`Outbox::deliver_once`]) — inquiry
//! acknowledgments and answers included, which the gateway writes — and a simulator that mails
//! on its own (the order-status system telling watchers of a status change) calls
//! [`Outbox::deliver`]. Tests read it through
//! [`SandboxHandle::outbox`](super::SandboxHandle::outbox); `GET <mail>/admin/outbox` shows it
//! over HTTP.
//!
//! The outbox is bounded, so a sandbox left running for days does not grow without end: past
//! [`OUTBOX_CAPACITY`] messages, or [`OUTBOX_ATTACHMENT_BYTES`] of attachments, the oldest are
//! dropped (with their idempotency keys).

use std::collections::{HashMap, VecDeque};
use std::sync::{Mutex, MutexGuard};

use super::respond::RequestNumbers;
use crate::model::MailMessage;

/// The most messages the outbox keeps.
pub const OUTBOX_CAPACITY: usize = 1000;

/// The most attachment bytes the outbox keeps, all messages together: 256 MiB.
pub const OUTBOX_ATTACHMENT_BYTES: usize = 256 * 1024 * 1024;

/// One message the sandbox "sent".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxMessage {
    /// Its message ID, `MSG-000001` onwards (never reused while the sandbox runs).
    pub message_id: String,
    /// The idempotency key it was sent with, for a message the mail service received.
    pub idempotency_key: Option<String>,
    /// The message.
    pub message: MailMessage,
}

/// The idempotency key was already used for a different message: nothing was sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the idempotency key was already used for another message")]
pub struct KeyReused;

#[derive(Debug, Default)]
struct Sent {
    messages: VecDeque<OutboxMessage>,
    /// Message IDs by idempotency key, for the messages still kept.
    by_key: HashMap<String, String>,
    attachment_bytes: usize,
}

/// Every message the simulators sent, oldest first.
#[derive(Debug)]
pub struct Outbox {
    sent: Mutex<Sent>,
    numbers: RequestNumbers,
    capacity: usize,
    attachment_budget: usize,
}

impl Default for Outbox {
    fn default() -> Self {
        Self::new()
    }
}

impl Outbox {
    /// An empty outbox.
    pub fn new() -> Self {
        Self::with_limits(OUTBOX_CAPACITY, OUTBOX_ATTACHMENT_BYTES)
    }

    /// An empty outbox keeping at most `capacity` messages and `attachment_budget` bytes of
    /// attachments.
    fn with_limits(capacity: usize, attachment_budget: usize) -> Self {
        Self {
            sent: Mutex::new(Sent::default()),
            numbers: RequestNumbers::new("MSG-"),
            capacity,
            attachment_budget,
        }
    }

    fn lock(&self) -> MutexGuard<'_, Sent> {
        self.sent
            .lock()
            .expect("the outbox is never poisoned: no code panics holding it")
    }

    /// Sends `message` (keeps it), answering its new message ID. For simulators that mail on
    /// their own account; they check the message ([`MailMessage::check`]) as the mail service
    /// would.
    pub fn deliver(&self, message: MailMessage) -> String {
        let mut sent = self.lock();
        self.keep(&mut sent, None, message)
    }

    /// Sends `message` once per `idempotency_key`: the first time, keeps it and answers its new
    /// message ID; again with the same message, answers the same ID and keeps nothing more; with
    /// another message, refuses it.
    pub fn deliver_once(
        &self,
        idempotency_key: &str,
        message: MailMessage,
    ) -> Result<String, KeyReused> {
        let mut sent = self.lock();
        if let Some(id) = sent.by_key.get(idempotency_key) {
            let first = sent.messages.iter().find(|m| &m.message_id == id);
            return match first {
                Some(first) if first.message == message => Ok(first.message_id.clone()),
                _ => Err(KeyReused),
            };
        }
        Ok(self.keep(&mut sent, Some(idempotency_key.to_owned()), message))
    }

    fn keep(&self, sent: &mut Sent, key: Option<String>, message: MailMessage) -> String {
        let message_id = self.numbers.next();
        if let Some(key) = &key {
            sent.by_key.insert(key.clone(), message_id.clone());
        }
        sent.attachment_bytes += message.attachment_bytes();
        sent.messages.push_back(OutboxMessage {
            message_id: message_id.clone(),
            idempotency_key: key,
            message,
        });
        while sent.messages.len() > self.capacity
            || (sent.attachment_bytes > self.attachment_budget && sent.messages.len() > 1)
        {
            let Some(oldest) = sent.messages.pop_front() else {
                break;
            };
            sent.attachment_bytes -= oldest.message.attachment_bytes();
            if let Some(key) = oldest.idempotency_key {
                sent.by_key.remove(&key);
            }
        }
        message_id
    }

    /// Every message kept, oldest first.
    pub fn messages(&self) -> Vec<OutboxMessage> {
        self.lock().messages.iter().cloned().collect()
    }

    /// Forgets every message and idempotency key (message IDs keep counting up).
    pub fn clear(&self) {
        *self.lock() = Sent::default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::MailAttachment;

    fn message(subject: &str, attachment_bytes: usize) -> MailMessage {
        MailMessage {
            to: vec!["avery@globex.example".parse().expect("valid")],
            subject: subject.into(),
            text_body: String::new(),
            attachments: vec![MailAttachment {
                filename: "a.bin".into(),
                content_type: "application/octet-stream".into(),
                bytes: vec![0; attachment_bytes],
            }],
        }
    }

    #[test]
    fn one_key_sends_one_message_and_refuses_another() {
        let outbox = Outbox::new();
        let first = outbox.deliver_once("k1", message("a", 1)).expect("first");
        assert_eq!(
            outbox.deliver_once("k1", message("a", 1)),
            Ok(first.clone())
        );
        assert_eq!(outbox.deliver_once("k1", message("b", 1)), Err(KeyReused));
        let other = outbox.deliver_once("k2", message("a", 1)).expect("new key");
        assert_ne!(other, first);
        let own = outbox.deliver(message("a", 1));
        let kept = outbox.messages();
        assert_eq!(kept.len(), 3);
        assert_eq!(kept[0].message_id, first);
        assert_eq!(kept[0].idempotency_key.as_deref(), Some("k1"));
        assert_eq!(kept[2].message_id, own);
        assert_eq!(kept[2].idempotency_key, None);
    }

    #[test]
    fn clearing_forgets_messages_and_keys_but_not_the_numbering() {
        let outbox = Outbox::new();
        let first = outbox.deliver_once("k", message("a", 1)).expect("first");
        outbox.clear();
        assert!(outbox.messages().is_empty());
        let again = outbox
            .deliver_once("k", message("b", 1))
            .expect("a new send");
        assert_ne!(again, first);
    }

    #[test]
    fn the_oldest_messages_go_past_the_limits_with_their_keys() {
        let outbox = Outbox::with_limits(3, 100);
        let first = outbox.deliver_once("old", message("a", 0)).expect("first");
        for n in 0..3 {
            outbox.deliver(message(&n.to_string(), 0));
        }
        let kept = outbox.messages();
        assert_eq!(kept.len(), 3);
        assert!(kept.iter().all(|m| m.message_id != first));
        let resent = outbox.deliver_once("old", message("b", 0));
        assert!(resent.is_ok_and(|id| id != first), "the key is free again");

        let outbox = Outbox::with_limits(10, 100);
        for _ in 0..5 {
            outbox.deliver(message("big", 40));
        }
        assert_eq!(
            outbox.messages().len(),
            2,
            "100 bytes of 40-byte attachments"
        );
        outbox.deliver(message("huge", 500));
        assert_eq!(
            outbox.messages().len(),
            1,
            "the newest message is always kept"
        );
    }
}
