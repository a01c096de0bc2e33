//! A count-based circuit breaker: open when the share of failures among the last calls reaches a
//! threshold, fail fast while open, let one probe through after a pause, and close again when the
//! probe succeeds.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// When a breaker opens and for how long.
#[derive(Debug, Clone)]
pub struct BreakerConfig {
    /// How many recent calls the failure rate is computed over.
    pub window: usize,
    /// Fewest calls in the window before the breaker may open.
    pub min_calls: usize,
    /// Share of failed calls (0..=1) that opens the breaker.
    pub failure_rate: f64,
    /// How long the breaker stays open before letting a probe through.
    pub open_for: Duration,
}

impl Default for BreakerConfig {
    fn default() -> Self {
        Self {
            window: 20,
            min_calls: 10,
            failure_rate: 0.5,
            open_for: Duration::from_secs(5),
        }
    }
}

/// Where a breaker stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BreakerState {
    /// Calls flow.
    Closed,
    /// Calls fail fast.
    Open,
    /// One probe is allowed to test the backend.
    HalfOpen,
}

#[derive(Debug)]
enum State {
    Closed { recent: VecDeque<bool> },
    Open { until: Instant },
    HalfOpen { probing: bool },
}

/// One backend instance's breaker.
#[derive(Debug)]
pub struct CircuitBreaker {
    config: BreakerConfig,
    state: Mutex<State>,
}

/// Permission to make one call; report how it went with [`CircuitBreaker::record`]. Dropping it
/// unreported — the caller gave up, or the call said nothing about the backend's health — judges
/// nothing: a closed breaker's window is unchanged, and a half-open probe is released for the
/// next call.
#[derive(Debug)]
pub struct Permit {
    breaker: Arc<CircuitBreaker>,
    probe: bool,
    recorded: bool,
}

impl Drop for Permit {
    fn drop(&mut self) {
        if self.probe && !self.recorded {
            let mut state = self.breaker.lock();
            if let State::HalfOpen { probing } = &mut *state {
                *probing = false;
            }
        }
    }
}

impl CircuitBreaker {
    /// A closed breaker.
    pub fn new(config: BreakerConfig) -> Arc<Self> {
        Arc::new(Self {
            state: Mutex::new(State::Closed {
                recent: VecDeque::with_capacity(config.window),
            }),
            config,
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state
            .lock()
            .expect("the breaker state is never poisoned: no code panics holding it")
    }

    /// Where the breaker stands now.
    pub fn state(&self) -> BreakerState {
        match &*self.lock() {
            State::Closed { .. } => BreakerState::Closed,
            State::Open { until } if Instant::now() >= *until => BreakerState::HalfOpen,
            State::Open { .. } => BreakerState::Open,
            State::HalfOpen { .. } => BreakerState::HalfOpen,
        }
    }

    /// A permit for one call, or `None` to fail fast.
    pub fn acquire(self: &Arc<Self>) -> Option<Permit> {
        let mut state = self.lock();
        let probe = match &mut *state {
            State::Closed { .. } => false,
            State::Open { until } => {
                if Instant::now() < *until {
                    return None;
                }
                *state = State::HalfOpen { probing: true };
                true
            }
            State::HalfOpen { probing } => {
                if *probing {
                    return None;
                }
                *probing = true;
                true
            }
        };
        Some(Permit {
            breaker: self.clone(),
            probe,
            recorded: false,
        })
    }

    /// Records how a permitted call went.
    pub fn record(&self, mut permit: Permit, success: bool) {
        permit.recorded = true;
        let mut state = self.lock();
        let config = &self.config;
        match &mut *state {
            State::HalfOpen { .. } if permit.probe => {
                *state = if success {
                    tracing::info!("circuit breaker closed: the probe succeeded");
                    State::Closed {
                        recent: VecDeque::with_capacity(config.window),
                    }
                } else {
                    State::Open {
                        until: Instant::now() + config.open_for,
                    }
                };
            }
            State::Closed { recent } => {
                if recent.len() == config.window {
                    recent.pop_front();
                }
                recent.push_back(success);
                let failures = recent.iter().filter(|ok| !**ok).count();
                let calls = recent.len();
                if calls >= config.min_calls
                    && failures as f64 >= config.failure_rate * calls as f64
                {
                    tracing::warn!(failures, calls, "circuit breaker opened");
                    *state = State::Open {
                        until: Instant::now() + config.open_for,
                    };
                }
            }
            // A call permitted before the breaker opened: its outcome no longer matters.
            State::Open { .. } | State::HalfOpen { .. } => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn breaker(open_for: Duration) -> Arc<CircuitBreaker> {
        CircuitBreaker::new(BreakerConfig {
            window: 4,
            min_calls: 4,
            failure_rate: 0.5,
            open_for,
        })
    }

    fn call(b: &Arc<CircuitBreaker>, ok: bool) -> bool {
        match b.acquire() {
            Some(permit) => {
                b.record(permit, ok);
                true
            }
            None => false,
        }
    }

    #[test]
    fn opens_on_the_failure_rate_and_fails_fast() {
        let b = breaker(Duration::from_secs(60));
        assert!(call(&b, true) && call(&b, true) && call(&b, false));
        assert_eq!(b.state(), BreakerState::Closed, "too few calls to judge");
        assert!(call(&b, false));
        assert_eq!(b.state(), BreakerState::Open);
        assert!(!call(&b, true), "fails fast while open");
    }

    #[test]
    fn one_probe_after_the_pause_closes_or_reopens_it() {
        let b = breaker(Duration::ZERO);
        for _ in 0..4 {
            call(&b, false);
        }
        let probe = b.acquire().expect("a probe after the pause");
        assert!(b.acquire().is_none(), "only one probe at a time");
        b.record(probe, false);
        let probe = b.acquire().expect("another probe");
        b.record(probe, true);
        assert_eq!(b.state(), BreakerState::Closed);
        assert!(call(&b, true));
    }

    #[test]
    fn abandoned_calls_never_count_against_a_closed_breaker() {
        let b = breaker(Duration::from_secs(60));
        for _ in 0..100 {
            drop(b.acquire().expect("closed"));
        }
        assert_eq!(b.state(), BreakerState::Closed);
        assert!(call(&b, false) && call(&b, true) && call(&b, true) && call(&b, true));
        assert_eq!(
            b.state(),
            BreakerState::Closed,
            "one failure in four judged calls"
        );
    }

    #[test]
    fn an_abandoned_probe_lets_the_next_one_through() {
        let b = breaker(Duration::ZERO);
        for _ in 0..4 {
            call(&b, false);
        }
        drop(b.acquire().expect("a probe"));
        assert!(b.acquire().is_some());
    }
}
