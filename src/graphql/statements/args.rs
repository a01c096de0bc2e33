//! The checks a statement request passes before any cache or backend is touched — the customer
//! number by its type, the period a month that exists and has begun, the caller authorised for
//! Statements on that customer number — shared by the query fields, `statementExport` and the
//! download route, so a link refuses later exactly what the field refuses now.

use chrono::NaiveDate;
use supportgraph_adapters::model::{CustomerNumber, Region, StatementPeriod, Tool, UserProfile};

use crate::countries::CountryDirectory;
use crate::error::GatewayError;
use crate::federation::scope::ToolScope;
use crate::graphql::common::input::identifier;

/// `text` as a statement period (`YYYY-MM`) that has begun by `today`; `BAD_USER_INPUT` naming
/// `field` otherwise.
pub fn check_period(
    field: &str,
    text: &str,
    today: NaiveDate,
) -> Result<StatementPeriod, GatewayError> {
    let period = StatementPeriod::parse(text.trim()).ok_or_else(|| {
        GatewayError::bad_input(field, "a period is a month written YYYY-MM, e.g. 2026-10")
    })?;
    if period > StatementPeriod::of(today) {
        return Err(GatewayError::bad_input(
            field,
            "the period is a future month: statements exist from the current month back",
        ));
    }
    Ok(period)
}

/// `text` as a customer number, trimmed; `BAD_USER_INPUT` naming `field` otherwise.
pub fn check_customer(field: &str, text: &str) -> Result<String, GatewayError> {
    identifier::<CustomerNumber>(field, text).map(String::from)
}

/// The region holding `customer_number`'s statements, if `profile`'s user may use Statements on
/// it: another company's number is `FORBIDDEN` (with the same message whether or not it exists),
/// one of theirs without the authorisation `FORBIDDEN` saying how to get it.
pub fn statement_region(
    profile: &UserProfile,
    countries: &CountryDirectory,
    customer_number: &str,
) -> Result<Region, GatewayError> {
    let requested = [customer_number.to_owned()];
    let scope = ToolScope::for_tool(Tool::Statements, profile, countries, Some(&requested))?;
    match scope.by_region.into_keys().next() {
        Some(region) => Ok(region),
        None => Err(GatewayError::Forbidden(format!(
            "you are not authorised for Statements on customer number {customer_number}"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("a day")
    }

    #[test]
    fn a_period_is_an_existing_month_that_has_begun() {
        let today = day(2026, 11, 20);
        assert_eq!(
            check_period("period", " 2026-11 ", today).ok(),
            Some(StatementPeriod {
                year: 2026,
                month: 11
            })
        );
        assert!(check_period("period", "2026-10", today).is_ok());
        for bad in [
            "2026-12", "2027-01", "2026-13", "2026-1", "26-10", "", "2026/10",
        ] {
            let error = check_period("period", bad, today).expect_err(bad);
            assert!(matches!(error, GatewayError::BadUserInput { .. }), "{bad}");
        }
    }
}
