//! One circuit breaker per (backend instance, operation).
//!
//! # Why per operation, not per instance
//!
//! One base URL often fronts several services: the order-status instance lists orders and
//! answers batch lookups; the inventory systems serve reads and take change requests (writes,
//! usually a separate service with its own database). With one breaker per instance, a failing
//! write path opened the breaker for every read as well, and a fault in one operation stopped
//! every company's use of the others. With one breaker per operation, an operation that fails
//! stops only itself.
//!
//! The cost: when a whole instance goes down, each of its operations must see its own
//! `min_calls` failures before its breaker opens — at most a few more calls to a dead backend
//! (an instance has two or three operations), each bounded by the backend's timeout. The retry
//! budget stays per instance, so retries across operations still add at most its share of load.
//!
//! Breakers are created on an operation's first call, so [`BreakersByOperation::states`] lists
//! the operations used so far.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use super::{BreakerConfig, BreakerState, CircuitBreaker};

/// Where one operation's breaker stands, for readiness reports and tests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BreakerReport {
    /// The backend instance, e.g. `order-status/emea`.
    pub backend: String,
    /// The operation, e.g. `orders_by_number`.
    pub operation: &'static str,
    /// Where its breaker stands.
    pub state: BreakerState,
}

/// The breakers of one backend instance, one per operation.
#[derive(Debug)]
pub struct BreakersByOperation {
    config: BreakerConfig,
    breakers: Mutex<BTreeMap<&'static str, Arc<CircuitBreaker>>>,
}

impl BreakersByOperation {
    /// No breaker yet; each operation gets a closed one on its first call.
    pub fn new(config: BreakerConfig) -> Self {
        Self {
            config,
            breakers: Mutex::new(BTreeMap::new()),
        }
    }

    /// The breaker of `operation`.
    pub fn of(&self, operation: &'static str) -> Arc<CircuitBreaker> {
        self.lock()
            .entry(operation)
            .or_insert_with(|| CircuitBreaker::new(self.config.clone()))
            .clone()
    }

    /// Every operation's breaker state, by operation name.
    pub fn states(&self) -> Vec<(&'static str, BreakerState)> {
        self.lock()
            .iter()
            .map(|(operation, breaker)| (*operation, breaker.state()))
            .collect()
    }

    /// The worst state of any operation's breaker: open, else half-open, else closed.
    pub fn worst(&self) -> BreakerState {
        let states = self.states();
        let any = |wanted| states.iter().any(|(_, state)| *state == wanted);
        if any(BreakerState::Open) {
            BreakerState::Open
        } else if any(BreakerState::HalfOpen) {
            BreakerState::HalfOpen
        } else {
            BreakerState::Closed
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<&'static str, Arc<CircuitBreaker>>> {
        self.breakers
            .lock()
            .expect("the breaker map is never poisoned: no code panics holding it")
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn one_operation_failing_leaves_the_others_closed() {
        let breakers = BreakersByOperation::new(BreakerConfig {
            window: 2,
            min_calls: 2,
            failure_rate: 0.5,
            open_for: Duration::from_secs(60),
        });
        let writes = breakers.of("change_request");
        for _ in 0..2 {
            let permit = writes.acquire().expect("closed");
            writes.record(permit, false);
        }
        assert_eq!(writes.state(), BreakerState::Open);
        assert!(breakers.of("installations").acquire().is_some());
        assert_eq!(
            breakers.states(),
            [
                ("change_request", BreakerState::Open),
                ("installations", BreakerState::Closed)
            ]
        );
        assert_eq!(breakers.worst(), BreakerState::Open);
    }
}
