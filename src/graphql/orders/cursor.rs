//! The cursor of an order's position: its listing key (the sort, the order's value in it and its
//! order number), so it stays valid while data changes and works across every region.
//!
//! `order:v2:` cursors hold the key as JSON; `order:v1:` cursors, issued before orders could be
//! sorted other ways, hold a date and an order number and still continue a newest-first listing.

use chrono::NaiveDate;
use supportgraph_adapters::model::{OrderNumber, OrderSort, OrderSortKey, SortValue};

use crate::error::GatewayError;
use crate::graphql::common::cursor::{invalid, open, seal};

const ORDER_PREFIX: &str = "order:v2:";
const ORDER_PREFIX_V1: &str = "order:v1:";

/// The cursor of an order's position.
pub fn encode_order(key: &OrderSortKey) -> String {
    let json = serde_json::to_string(key).expect("a sort key always serialises");
    seal(ORDER_PREFIX, &json)
}

fn decode_v1(cursor: &str) -> Result<OrderSortKey, GatewayError> {
    let rest = open(cursor, ORDER_PREFIX_V1)?;
    let (date, number) = rest.split_once(':').ok_or_else(invalid)?;
    let order_date = NaiveDate::parse_from_str(date, "%Y-%m-%d").map_err(|_| invalid())?;
    Ok(OrderSortKey {
        sort: OrderSort::default(),
        value: SortValue::OrderDate(order_date),
        order_number: number.to_owned(),
    })
}

/// The position an order cursor stands for in a listing sorted by `sort`; a cursor we did not
/// issue, whose order number is not one, or of another sort is `BAD_USER_INPUT`.
pub fn decode_order(cursor: &str, sort: OrderSort) -> Result<OrderSortKey, GatewayError> {
    let key = match open(cursor, ORDER_PREFIX) {
        Ok(json) => serde_json::from_str::<OrderSortKey>(&json).map_err(|_| invalid())?,
        Err(_) => decode_v1(cursor)?,
    };
    // The cursor's order number goes to the backends in `afterKey`: a cursor we issued carries
    // a backend's order number and passes; a forged one is refused here.
    OrderNumber::check(&key.order_number).map_err(|_| invalid())?;
    let value_fits = matches!(
        (&key.value, key.sort.field),
        (
            SortValue::OrderDate(_),
            supportgraph_adapters::model::OrderSortField::OrderDate
        ) | (
            SortValue::ShipDate(_),
            supportgraph_adapters::model::OrderSortField::ShipDate
        ) | (
            SortValue::Status(_),
            supportgraph_adapters::model::OrderSortField::Status
        ) | (
            SortValue::Total(_),
            supportgraph_adapters::model::OrderSortField::Total
        )
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
    use base64::Engine;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use supportgraph_adapters::model::{OrderSortField, SortDirection};

    use super::*;

    fn key(sort: OrderSort) -> OrderSortKey {
        OrderSortKey {
            sort,
            value: SortValue::OrderDate(NaiveDate::from_ymd_opt(2026, 3, 1).expect("date")),
            order_number: "210001010001".into(),
        }
    }

    #[test]
    fn an_order_cursor_round_trips_and_v1_cursors_still_work() {
        let k = key(OrderSort::default());
        assert_eq!(
            decode_order(&encode_order(&k), OrderSort::default()).expect("decodes"),
            k
        );
        let v1 = URL_SAFE_NO_PAD.encode("order:v1:2026-03-01:210001010001");
        assert_eq!(decode_order(&v1, OrderSort::default()).expect("v1"), k);
    }

    #[test]
    fn foreign_tampered_or_other_sort_cursors_are_bad_input() {
        let ascending = OrderSort {
            field: OrderSortField::OrderDate,
            direction: SortDirection::Ascending,
        };
        let other_sort = encode_order(&key(ascending));
        let mismatched = encode_order(&OrderSortKey {
            sort: OrderSort {
                field: OrderSortField::Total,
                direction: SortDirection::Descending,
            },
            ..key(OrderSort::default())
        });
        for bad in [
            "",
            "!!!",
            "b3JkZXI6djE6",
            &URL_SAFE_NO_PAD.encode("order:v1:2026-13-01:1"),
            &other_sort,
            &mismatched,
        ] {
            assert!(matches!(
                decode_order(bad, OrderSort::default()),
                Err(GatewayError::BadUserInput { .. })
            ));
        }
    }
}
