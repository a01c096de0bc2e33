//! What one principal may hold on this gateway instance: open websocket connections, and
//! subscriptions per connection and over all its connections (`[live]` settings).
//!
//! A connection and a subscription each hold a slot while they live and give it back when
//! dropped, so a client that vanishes without a word frees its slots with its socket. The counts
//! are per instance: a subscription lives on the instance holding its socket, and costs that
//! instance, not the others.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use crate::settings::LiveSettings;

/// A connection or subscription refused for a limit; the message names the limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SlotRefused {
    /// The principal holds `live.max_connections_per_principal` connections.
    #[error("you hold {0} live connections already, the most allowed: close one first")]
    Connections(usize),
    /// The connection holds `live.max_subscriptions_per_connection` subscriptions.
    #[error(
        "this connection holds {0} subscriptions already, the most allowed: complete one first"
    )]
    PerConnection(usize),
    /// The principal holds `live.max_subscriptions_per_principal` subscriptions.
    #[error(
        "you hold {0} subscriptions already over your connections, the most allowed: complete one first"
    )]
    PerPrincipal(usize),
}

#[derive(Debug, Default)]
struct Held {
    connections: usize,
    subscriptions: usize,
}

#[derive(Debug)]
struct Inner {
    max_connections: usize,
    max_per_connection: usize,
    max_per_principal: usize,
    /// By principal (user ID); a principal holding nothing is removed.
    held: Mutex<HashMap<String, Held>>,
}

impl Inner {
    fn held(&self) -> MutexGuard<'_, HashMap<String, Held>> {
        // Nothing panics while holding it; a poisoned lock still holds consistent counts.
        self.held.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn release(&self, user_id: &str, connection: bool) {
        let mut held = self.held();
        if let Some(counts) = held.get_mut(user_id) {
            if connection {
                counts.connections = counts.connections.saturating_sub(1);
            } else {
                counts.subscriptions = counts.subscriptions.saturating_sub(1);
            }
            if counts.connections == 0 && counts.subscriptions == 0 {
                held.remove(user_id);
            }
        }
    }
}

/// The slots of every principal on this instance.
#[derive(Debug, Clone)]
pub struct SubscriptionSlots {
    inner: Arc<Inner>,
}

impl SubscriptionSlots {
    /// Slots within the limits of `settings`.
    pub fn new(settings: &LiveSettings) -> Self {
        Self {
            inner: Arc::new(Inner {
                max_connections: settings.max_connections_per_principal,
                max_per_connection: settings.max_subscriptions_per_connection,
                max_per_principal: settings.max_subscriptions_per_principal,
                held: Mutex::new(HashMap::new()),
            }),
        }
    }

    /// A slot for one more connection of `user_id`, or the limit it would pass.
    pub fn open_connection(&self, user_id: &str) -> Result<ConnectionSlot, SlotRefused> {
        let mut held = self.inner.held();
        let counts = held.entry(user_id.to_owned()).or_default();
        if counts.connections >= self.inner.max_connections {
            return Err(SlotRefused::Connections(self.inner.max_connections));
        }
        counts.connections += 1;
        Ok(ConnectionSlot {
            inner: self.inner.clone(),
            user_id: user_id.to_owned(),
            subscriptions: Arc::new(Mutex::new(0)),
        })
    }
}

/// One open connection of a principal; dropped, the connection is given back.
#[derive(Debug)]
pub struct ConnectionSlot {
    inner: Arc<Inner>,
    user_id: String,
    /// Subscriptions this connection holds now.
    subscriptions: Arc<Mutex<usize>>,
}

impl ConnectionSlot {
    /// A slot for one more subscription on this connection, or the limit it would pass.
    pub fn subscribe(&self) -> Result<SubscriptionSlot, SlotRefused> {
        let mut on_connection = self
            .subscriptions
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if *on_connection >= self.inner.max_per_connection {
            return Err(SlotRefused::PerConnection(self.inner.max_per_connection));
        }
        let mut held = self.inner.held();
        let counts = held.entry(self.user_id.clone()).or_default();
        if counts.subscriptions >= self.inner.max_per_principal {
            return Err(SlotRefused::PerPrincipal(self.inner.max_per_principal));
        }
        counts.subscriptions += 1;
        *on_connection += 1;
        Ok(SubscriptionSlot {
            inner: self.inner.clone(),
            user_id: self.user_id.clone(),
            on_connection: self.subscriptions.clone(),
        })
    }
}

impl Drop for ConnectionSlot {
    fn drop(&mut self) {
        self.inner.release(&self.user_id, true);
    }
}

/// One subscription of a principal on one connection; dropped, it is given back.
#[derive(Debug)]
pub struct SubscriptionSlot {
    inner: Arc<Inner>,
    user_id: String,
    on_connection: Arc<Mutex<usize>>,
}

impl Drop for SubscriptionSlot {
    fn drop(&mut self) {
        {
            let mut on_connection = self
                .on_connection
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            *on_connection = on_connection.saturating_sub(1);
        }
        self.inner.release(&self.user_id, false);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slots(per_connection: usize, per_principal: usize, connections: usize) -> SubscriptionSlots {
        let mut settings = crate::settings::Settings::load_without_env(None)
            .expect("the defaults load")
            .live;
        settings.max_subscriptions_per_connection = per_connection;
        settings.max_subscriptions_per_principal = per_principal;
        settings.max_connections_per_principal = connections;
        SubscriptionSlots::new(&settings)
    }

    #[test]
    fn each_limit_holds_and_a_dropped_slot_is_given_back() {
        let slots = slots(2, 3, 2);
        let first = slots.open_connection("avery").expect("a first connection");
        let second = slots.open_connection("avery").expect("a second connection");
        assert_eq!(
            slots.open_connection("avery").err(),
            Some(SlotRefused::Connections(2))
        );
        assert!(slots.open_connection("kenji").is_ok(), "another principal");

        let a = first.subscribe().expect("one");
        let b = first.subscribe().expect("two");
        assert_eq!(first.subscribe().err(), Some(SlotRefused::PerConnection(2)));
        let c = second.subscribe().expect("three over both connections");
        assert_eq!(second.subscribe().err(), Some(SlotRefused::PerPrincipal(3)));
        drop(a);
        let d = second.subscribe().expect("a slot given back");
        drop((b, c, d));
        drop(first);
        let _third = slots
            .open_connection("avery")
            .expect("a connection given back");
        drop(second);
        assert!(
            slots.inner.held().get("kenji").is_none(),
            "kenji's dropped connection left nothing behind"
        );
    }
}
