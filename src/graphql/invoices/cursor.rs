//! The cursor of an invoice's position: its listing key (the sort, the invoice's value in it and
//! its number), so it stays valid while data changes and works across every region.

use supportgraph_adapters::model::{
    DocumentNumber, InvoiceSort, InvoiceSortField, InvoiceSortKey, InvoiceSortValue,
};

use crate::error::GatewayError;
use crate::graphql::common::cursor::{invalid, open, seal};

const PREFIX: &str = "invoice:v1:";

/// The cursor of an invoice's position.
pub fn encode_invoice(key: &InvoiceSortKey) -> String {
    let json = serde_json::to_string(key).expect("a sort key always serialises");
    seal(PREFIX, &json)
}

/// The position an invoice cursor stands for in a listing sorted by `sort`; a cursor we did not
/// issue, whose invoice number is not one, or of another sort is `BAD_USER_INPUT`.
pub fn decode_invoice(cursor: &str, sort: InvoiceSort) -> Result<InvoiceSortKey, GatewayError> {
    let json = open(cursor, PREFIX)?;
    let key: InvoiceSortKey = serde_json::from_str(&json).map_err(|_| invalid())?;
    DocumentNumber::check(&key.invoice_number).map_err(|_| invalid())?;
    let value_fits = matches!(
        (&key.value, key.sort.field),
        (InvoiceSortValue::Date(_), InvoiceSortField::InvoiceDate)
            | (InvoiceSortValue::Date(_), InvoiceSortField::DueDate)
            | (InvoiceSortValue::Amount(_), InvoiceSortField::Total)
    );
    if !value_fits {
        return Err(invalid());
    }
    if key.sort != sort {
        return Err(GatewayError::bad_input(
            "after",
            "the cursor belongs to a listing in another sort; start again without it",
        ));
    }
    Ok(key)
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;
    use supportgraph_adapters::model::SortDirection;

    use super::*;

    #[test]
    fn a_cursor_round_trips_and_refuses_another_sort_or_a_forged_number() {
        let sort = InvoiceSort::default();
        let key = InvoiceSortKey {
            sort,
            value: InvoiceSortValue::Date(NaiveDate::from_ymd_opt(2026, 10, 1).expect("a day")),
            invoice_number: "IN110001010001".into(),
        };
        let cursor = encode_invoice(&key);
        assert_eq!(decode_invoice(&cursor, sort).expect("decodes"), key);
        let other = InvoiceSort {
            field: InvoiceSortField::Total,
            direction: SortDirection::Ascending,
        };
        assert!(decode_invoice(&cursor, other).is_err());
        let forged = encode_invoice(&InvoiceSortKey {
            invoice_number: "IN1,IN2".into(),
            ..key
        });
        assert!(decode_invoice(&forged, sort).is_err());
        assert!(decode_invoice("garbage", sort).is_err());
    }
}
