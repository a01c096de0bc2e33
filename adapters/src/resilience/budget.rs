//! A retry budget: every call earns a fraction of a retry, every retry spends a whole one, so
//! retries can never add more than that fraction of extra load to a struggling backend.

use std::sync::Mutex;

/// Retries available to one backend instance.
#[derive(Debug)]
pub struct RetryBudget {
    ratio: f64,
    cap: f64,
    balance: Mutex<f64>,
}

impl RetryBudget {
    /// A budget of `ratio` retries per call (0.2 = at most 20 % extra calls), starting empty.
    pub fn new(ratio: f64) -> Self {
        Self {
            ratio,
            cap: (ratio * 100.0).max(1.0),
            balance: Mutex::new(0.0),
        }
    }

    fn balance(&self) -> std::sync::MutexGuard<'_, f64> {
        self.balance
            .lock()
            .expect("the retry budget is never poisoned: no code panics holding it")
    }

    /// Records a first attempt, earning `ratio` of a retry.
    pub fn deposit(&self) {
        let mut balance = self.balance();
        *balance = (*balance + self.ratio).min(self.cap);
    }

    /// Spends one retry if the budget has one.
    pub fn try_withdraw(&self) -> bool {
        let mut balance = self.balance();
        if *balance >= 1.0 {
            *balance -= 1.0;
            true
        } else {
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_never_exceed_the_ratio_of_calls() {
        let budget = RetryBudget::new(0.2);
        let mut retries = 0;
        for _ in 0..1000 {
            budget.deposit();
            while budget.try_withdraw() {
                retries += 1;
            }
        }
        assert!(retries <= 200, "{retries}");
        assert!(retries >= 199, "the budget is usable: {retries}");
    }
}
