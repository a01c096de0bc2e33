//! Keeping one slow or failing backend from taking the gateway down with it.
//!
//! Every (backend instance, operation) gets one [`CircuitBreaker`] (stop calling a backend that
//! keeps failing, probe it again after a pause; why per operation: [`by_operation`]) and every
//! instance one [`RetryBudget`] (retry idempotent calls, but never more than a fixed share of
//! extra calls). The HTTP client wrapper applies both to every call, so each adapter gets them
//! without knowing they exist.
//!
//! A breaker judges the backend, never the caller: only timeouts, connection failures and 5xx
//! answers count as failures. A request that could not be built (it never left the gateway), a
//! 4xx (the backend answered, about a bad request) and a call its caller abandoned never count
//! against it, so no company's malformed or cancelled requests can open a breaker that every
//! company shares.

mod breaker;
mod budget;
pub mod by_operation;

pub use breaker::{BreakerConfig, BreakerState, CircuitBreaker, Permit};
pub use budget::RetryBudget;
pub use by_operation::{BreakerReport, BreakersByOperation};

use std::time::Duration;

/// How calls to one backend instance are protected.
#[derive(Debug, Clone)]
pub struct ResilienceConfig {
    /// When to stop calling a failing backend, and for how long.
    pub breaker: BreakerConfig,
    /// Most retries of one idempotent call.
    pub max_retries: u32,
    /// Retries allowed as a share of calls, e.g. 0.2 for at most 20 % extra calls.
    pub retry_ratio: f64,
    /// First backoff before a retry; doubled each time, with full jitter.
    pub retry_backoff: Duration,
}

impl Default for ResilienceConfig {
    fn default() -> Self {
        Self {
            breaker: BreakerConfig::default(),
            max_retries: 2,
            retry_ratio: 0.2,
            retry_backoff: Duration::from_millis(20),
        }
    }
}
