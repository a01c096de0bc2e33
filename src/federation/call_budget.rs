//! The backstop behind the estimate: each request may make at most `limits.max_backend_calls`
//! backend calls, counted as they are made.
//!
//! The estimate ([`crate::graphql::limits::budget`]) refuses an operation before it runs; this counter
//! holds the same line while it runs, should a resolver ever call more than its field declared.
//! A call past the budget is not made: the region or system it was for fails with an error that
//! the gateway reports as `INTERNAL_ERROR` (the estimate was wrong, which is our bug) and logs.
//! Calls answered from the cache cost nothing: a call that may be served from a cache shared
//! with other requests takes its unit first ([`CallBudget::reserve`]) and gives it back if the
//! cache answered, so one request's spent budget never becomes another's error.

use std::future::Future;
use std::sync::atomic::{AtomicU32, Ordering};

use supportgraph_adapters::AdapterError;

/// One request's remaining backend calls.
#[derive(Debug)]
pub struct CallBudget {
    left: AtomicU32,
}

impl CallBudget {
    /// A budget of `calls` backend calls.
    pub fn new(calls: u32) -> Self {
        Self {
            left: AtomicU32::new(calls),
        }
    }

    /// Takes one call's unit, or refuses when the budget is spent.
    pub fn take(&self, backend: &str) -> Result<(), AdapterError> {
        self.left
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |left| {
                left.checked_sub(1)
            })
            .map(|_| ())
            .map_err(|_| {
                crate::telemetry::metrics::budget_refused("call_budget");
                spent(backend)
            })
    }

    /// Makes `call` to `backend` if the budget allows one more call, else refuses it unmade.
    pub async fn spend<T>(
        &self,
        backend: &str,
        call: impl Future<Output = Result<T, AdapterError>>,
    ) -> Result<T, AdapterError> {
        self.take(backend)?;
        call.await
    }

    /// Takes one call's unit before a call that a shared cache may answer instead: refused
    /// here, for this request alone, when the budget is spent; given back if the call is never
    /// made.
    pub fn reserve(&self, backend: &str) -> Result<Reservation<'_>, AdapterError> {
        self.take(backend)?;
        Ok(Reservation {
            budget: self,
            used: false,
        })
    }

    /// Calls left (the request's calls made so far are the budget less this).
    pub fn left(&self) -> u32 {
        self.left.load(Ordering::Acquire)
    }
}

/// One call's unit, taken; given back unless [`Reservation::run`] makes the call.
#[derive(Debug)]
pub struct Reservation<'a> {
    budget: &'a CallBudget,
    used: bool,
}

impl Reservation<'_> {
    /// Makes the call the unit was taken for (when polled: a cache that answers instead never
    /// polls it, and the unit goes back).
    pub async fn run<T>(
        mut self,
        call: impl Future<Output = Result<T, AdapterError>>,
    ) -> Result<T, AdapterError> {
        self.used = true;
        call.await
    }
}

impl Drop for Reservation<'_> {
    fn drop(&mut self) {
        if !self.used {
            self.budget.left.fetch_add(1, Ordering::AcqRel);
        }
    }
}

/// What a call refused for a spent budget says.
const SPENT: &str = "the request's backend-call budget is spent";

fn spent(backend: &str) -> AdapterError {
    AdapterError::InvalidRequest {
        backend: backend.to_owned(),
        detail: SPENT.to_owned(),
    }
}

/// Whether `error` is a call refused because the request's budget was spent (not made, not
/// the backend's fault): a walk over pages stops there with what it has.
pub fn is_spent(error: &AdapterError) -> bool {
    matches!(error, AdapterError::InvalidRequest { detail, .. } if detail == SPENT)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn calls_past_the_budget_are_not_made() {
        let budget = CallBudget::new(2);
        let made = std::sync::atomic::AtomicU32::new(0);
        let call = || async {
            made.fetch_add(1, Ordering::SeqCst);
            Ok::<_, AdapterError>(())
        };
        assert!(budget.spend("b", call()).await.is_ok());
        assert!(budget.spend("b", call()).await.is_ok());
        let refused = budget.spend("b", call()).await;
        assert!(matches!(refused, Err(AdapterError::InvalidRequest { .. })));
        assert_eq!(made.load(Ordering::SeqCst), 2);
        assert_eq!(budget.left(), 0);
    }

    #[tokio::test]
    async fn a_reservation_the_cache_made_unnecessary_is_given_back() {
        let budget = CallBudget::new(1);
        let unused = budget.reserve("b").expect("one left");
        assert!(budget.reserve("b").is_err(), "taken");
        drop(unused);
        assert_eq!(budget.left(), 1, "given back");
        let used = budget.reserve("b").expect("one left");
        assert_eq!(
            used.run(async { Ok::<_, AdapterError>(7) }).await.ok(),
            Some(7)
        );
        assert_eq!(budget.left(), 0);
    }
}
