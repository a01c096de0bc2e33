//! Money as an exact decimal plus its ISO 4217 currency; never a float.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// An exact amount of money in one currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Money {
    /// The amount, exact, in the currency's major unit (e.g. `1234.50`).
    pub amount: Decimal,
    /// ISO 4217 currency code, e.g. `EUR`.
    pub currency: String,
}

impl Money {
    /// Builds an amount in `currency`.
    pub fn new(amount: Decimal, currency: impl Into<String>) -> Self {
        Self {
            amount,
            currency: currency.into(),
        }
    }
}
