//! Every identifier a client sends is checked here, once, by its type from
//! `adapters::model::ids`, before any cache or backend is touched: [`identifier`] and
//! [`free_text`] check arguments, input fields and filter values (`BAD_USER_INPUT` naming the
//! field and the rule), and the `customerNumbers` filter every list takes is checked the same way
//! for every tool.

use std::str::FromStr;

use supportgraph_adapters::model::{CustomerNumber, FreeText, InvalidIdentifier};

use crate::error::GatewayError;

/// The field every list's customer-number filter is reported as.
const CUSTOMER_FILTER: &str = "filter.customerNumbers";

/// An identifier argument, input field or filter value parsed by its type `T`
/// ([`OrderNumber`], [`CustomerNumber`], [`SerialNumber`], ...), after trimming surrounding
/// whitespace; `BAD_USER_INPUT` naming `field` and saying the rule when it fails. The message
/// never repeats the value.
pub fn identifier<T>(field: &str, value: &str) -> Result<T, GatewayError>
where
    T: FromStr<Err = InvalidIdentifier>,
{
    value
        .trim()
        .parse()
        .map_err(|error: InvalidIdentifier| GatewayError::bad_input(field, error.to_string()))
}

/// Every value of a list-valued filter parsed by its type `T`, trimmed; `BAD_USER_INPUT` naming
/// `field` for the first that fails.
pub fn identifiers<T>(field: &str, values: &[String]) -> Result<Vec<T>, GatewayError>
where
    T: FromStr<Err = InvalidIdentifier>,
{
    values.iter().map(|v| identifier(field, v)).collect()
}

/// Refuses free text (details, a justification) holding a control character other than tab and
/// newline — see [`FreeText`]; `BAD_USER_INPUT` naming `field`. Its length is the caller's
/// business rule.
pub fn free_text(field: &str, text: &str) -> Result<(), GatewayError> {
    FreeText::check(text).map_err(|error| GatewayError::bad_input(field, error.to_string()))
}

/// Refuses a `customerNumbers` filter naming none: leaving the filter out means all of the
/// caller's customer numbers, naming none would mean nothing.
pub fn customer_filter_not_empty(numbers: Option<&Vec<String>>) -> Result<(), GatewayError> {
    if numbers.is_some_and(Vec::is_empty) {
        return Err(GatewayError::bad_input(
            CUSTOMER_FILTER,
            "name at least one customer number, or leave the filter out for all of yours",
        ));
    }
    Ok(())
}

/// A `customerNumbers` filter's values, each checked by its type and trimmed.
pub fn customer_filter(numbers: Option<&[String]>) -> Result<Option<Vec<String>>, GatewayError> {
    let numbers = numbers
        .map(|numbers| identifiers::<CustomerNumber>(CUSTOMER_FILTER, numbers))
        .transpose()?;
    Ok(numbers.map(|numbers| numbers.into_iter().map(String::from).collect()))
}

#[cfg(test)]
mod tests {
    use supportgraph_adapters::model::OrderNumber;

    use super::*;

    #[test]
    fn identifier_arguments_are_trimmed_then_checked_by_type() {
        let number: OrderNumber = identifier("orderNumber", " 244002010001 ").expect("valid");
        assert_eq!(number.as_str(), "244002010001");
        let refused = identifier::<CustomerNumber>("customerNumber", "1000101,1000102");
        match refused {
            Err(GatewayError::BadUserInput { field, message }) => {
                assert_eq!(field, "customerNumber");
                assert!(message.contains("7 digits"), "{message}");
                assert!(!message.contains("1000102"), "the value is not echoed");
            }
            other => panic!("{other:?}"),
        }
        assert!(free_text("input.details", "moved\nto Dallas").is_ok());
        assert!(free_text("input.details", "a\u{0}b").is_err());
    }
}
