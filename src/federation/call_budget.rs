//! The backstop behind the estimate: each request may make at most `limits.max_backend_calls`
//! backend calls, counted as they are made.
//!
//! The estimate ([`crate::graphql::budget`]) refuses an operation before it runs; this counter
//! holds the same line while it runs, should a resolver ever call more than its field declared.
//! A call past the budget is not made: the region or system it was for fails with an error that
//! the gateway reports as `INTERNAL_ERROR` (the estimate was wrong, which is our bug) and logs.
//! Calls answered from the cache cost nothing.

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

    /// Makes `call` to `backend` if the budget allows one more call, else refuses it unmade.
    pub async fn spend<T>(
        &self,
        backend: &str,
        call: impl Future<Output = Result<T, AdapterError>>,
    ) -> Result<T, AdapterError> {
        let taken = self
            .left
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |left| {
                left.checked_sub(1)
            });
        if taken.is_err() {
            return Err(AdapterError::InvalidRequest {
                backend: backend.to_owned(),
                detail: "the request's backend-call budget is spent: the estimate missed a call"
                    .to_owned(),
            });
        }
        call.await
    }

    /// Calls left.
    pub fn left(&self) -> u32 {
        self.left.load(Ordering::Acquire)
    }
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
}
