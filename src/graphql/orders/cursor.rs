//! The cursor of an order's position: its listing key (date, order number), so it stays valid
//! while data changes and works across every region.

use chrono::NaiveDate;
use supportgraph_adapters::model::{OrderNumber, OrderSortKey};

use crate::error::GatewayError;
use crate::graphql::common::cursor::{invalid, open, seal};

const ORDER_PREFIX: &str = "order:v1:";

/// The cursor of an order's position.
pub fn encode_order(key: &OrderSortKey) -> String {
    seal(
        ORDER_PREFIX,
        &format!("{}:{}", key.order_date, key.order_number),
    )
}

/// The position an order cursor stands for; a cursor we did not issue, or whose order number
/// is not one, is `BAD_USER_INPUT`.
pub fn decode_order(cursor: &str) -> Result<OrderSortKey, GatewayError> {
    let rest = open(cursor, ORDER_PREFIX)?;
    let (date, number) = rest.split_once(':').ok_or_else(invalid)?;
    let order_date = NaiveDate::parse_from_str(date, "%Y-%m-%d").map_err(|_| invalid())?;
    // The cursor's order number goes to the backends as `afterKey`: a cursor we issued carries
    // a backend's order number and passes; a forged one is refused here.
    OrderNumber::check(number).map_err(|_| invalid())?;
    Ok(OrderSortKey {
        order_date,
        order_number: number.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use base64::Engine;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;

    use super::*;

    #[test]
    fn an_order_cursor_round_trips() {
        let key = OrderSortKey {
            order_date: NaiveDate::from_ymd_opt(2026, 3, 1).expect("date"),
            order_number: "210001010001".into(),
        };
        assert_eq!(decode_order(&encode_order(&key)).expect("decodes"), key);
    }

    #[test]
    fn foreign_or_tampered_cursors_are_bad_input() {
        for bad in [
            "",
            "!!!",
            "b3JkZXI6djE6",
            &URL_SAFE_NO_PAD.encode("order:v1:2026-13-01:1"),
        ] {
            assert!(matches!(
                decode_order(bad),
                Err(GatewayError::BadUserInput { .. })
            ));
        }
    }
}
