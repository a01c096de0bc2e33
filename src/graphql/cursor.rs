//! Opaque, stable connection cursors.
//!
//! An order cursor is the order's listing key (date, order number), so it stays valid while data
//! changes and works across every region. It is base64url so callers treat it as opaque.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::NaiveDate;
use supportgraph_adapters::model::OrderSortKey;

use crate::error::GatewayError;

const ORDER_PREFIX: &str = "order:v1:";

/// The cursor of an order's position.
pub fn encode_order(key: &OrderSortKey) -> String {
    URL_SAFE_NO_PAD.encode(format!(
        "{ORDER_PREFIX}{}:{}",
        key.order_date, key.order_number
    ))
}

/// The position an order cursor stands for; a cursor we did not issue is `BAD_USER_INPUT`.
pub fn decode_order(cursor: &str) -> Result<OrderSortKey, GatewayError> {
    let invalid = || GatewayError::bad_input("after", "the cursor is not one this API issued");
    let bytes = URL_SAFE_NO_PAD.decode(cursor).map_err(|_| invalid())?;
    let text = String::from_utf8(bytes).map_err(|_| invalid())?;
    let rest = text.strip_prefix(ORDER_PREFIX).ok_or_else(invalid)?;
    let (date, number) = rest.split_once(':').ok_or_else(invalid)?;
    let order_date = NaiveDate::parse_from_str(date, "%Y-%m-%d").map_err(|_| invalid())?;
    if number.is_empty()
        || !number
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
    {
        return Err(invalid());
    }
    Ok(OrderSortKey {
        order_date,
        order_number: number.to_owned(),
    })
}

#[cfg(test)]
mod tests {
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
