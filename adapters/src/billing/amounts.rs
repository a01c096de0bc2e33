//! Money on billing documents, written once for the translation (which checks every sum an answer
//! carries) and the simulator (which computes them): how many decimals a currency has, rounding a
//! computed amount to them, and the sums of an invoice.
//!
//! Every operation is checked: an answer with absurd amounts is refused rather than overflowing a
//! [`Decimal`] (which would panic) wherever it is added up.

use rust_decimal::{Decimal, RoundingStrategy};

/// How many minor digits `currency` has (ISO 4217): 0 for the yen and the few other currencies
/// without minor units, 3 for the dinars that have thousandths, 2 for every other.
pub fn minor_digits(currency: &str) -> u32 {
    match currency {
        "JPY" | "KRW" | "CLP" | "ISK" | "VND" | "PYG" | "UGX" => 0,
        "BHD" | "IQD" | "JOD" | "KWD" | "LYD" | "OMR" | "TND" => 3,
        _ => 2,
    }
}

/// Whether `text` looks like an ISO 4217 code: three upper-case letters.
pub fn is_currency(text: &str) -> bool {
    text.len() == 3 && text.bytes().all(|b| b.is_ascii_uppercase())
}

/// Whether `text` looks like an ISO 3166-1 alpha-2 country: two upper-case letters.
pub fn is_country(text: &str) -> bool {
    text.len() == 2 && text.bytes().all(|b| b.is_ascii_uppercase())
}

/// Whether `amount` needs no more decimals than `currency` has (`12.50` and `12.5` are both fine
/// in USD, `12.505` is not; trailing zeros do not count).
pub fn fits_currency(amount: Decimal, currency: &str) -> bool {
    amount.normalize().scale() <= minor_digits(currency)
}

/// `amount` rounded half away from zero to `currency`'s minor unit, written with exactly its
/// number of decimals (`12.5` USD becomes `12.50`).
pub fn round_to_currency(amount: Decimal, currency: &str) -> Decimal {
    let digits = minor_digits(currency);
    let mut rounded = amount.round_dp_with_strategy(digits, RoundingStrategy::MidpointAwayFromZero);
    rounded.rescale(digits);
    rounded
}

/// `quantity × unit_price`, or `None` when it does not fit in a decimal.
pub fn net(quantity: u32, unit_price: Decimal) -> Option<Decimal> {
    unit_price.checked_mul(Decimal::from(quantity))
}

/// `quantity × unit_price + tax`, or `None` when it does not fit in a decimal.
pub fn line_total(quantity: u32, unit_price: Decimal, tax: Decimal) -> Option<Decimal> {
    net(quantity, unit_price)?.checked_add(tax)
}

/// The sum of `amounts`, or `None` when it does not fit in a decimal.
pub fn sum(amounts: impl IntoIterator<Item = Decimal>) -> Option<Decimal> {
    amounts
        .into_iter()
        .try_fold(Decimal::ZERO, |total, amount| total.checked_add(amount))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounding_goes_half_away_from_zero_to_the_minor_unit() {
        assert_eq!(
            round_to_currency(Decimal::new(12_345, 3), "USD").to_string(),
            "12.35"
        );
        assert_eq!(
            round_to_currency(Decimal::new(-12_345, 3), "EUR").to_string(),
            "-12.35"
        );
        assert_eq!(
            round_to_currency(Decimal::new(125, 1), "JPY").to_string(),
            "13"
        );
        assert_eq!(
            round_to_currency(Decimal::new(5, 0), "USD").to_string(),
            "5.00"
        );
    }

    #[test]
    fn an_amount_fits_its_currency_whatever_its_trailing_zeros() {
        assert!(fits_currency(Decimal::new(1_250, 2), "USD"));
        assert!(fits_currency(Decimal::new(12_500, 3), "EUR"));
        assert!(!fits_currency(Decimal::new(12_505, 3), "USD"));
        assert!(fits_currency(Decimal::new(1_500, 2), "JPY"));
        assert!(!fits_currency(Decimal::new(1_550, 2), "JPY"));
    }

    #[test]
    fn sums_that_do_not_fit_are_none() {
        assert_eq!(net(2, Decimal::MAX), None);
        assert_eq!(sum([Decimal::MAX, Decimal::ONE]), None);
        assert_eq!(
            line_total(3, Decimal::new(1_000, 2), Decimal::new(210, 2)),
            Some(Decimal::new(3_210, 2))
        );
    }
}
