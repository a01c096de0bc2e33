//! The orders search as clients write it: `OrderFilter` and `OrderSort`, checked at the edge into
//! the model's [`OrderFilters`] and [`OrderSort`] before any cache or backend is touched. Saved
//! reports and exports take the same input — stored and carried in links as the client wrote it
//! (serde), so relative conditions such as `delayed` mean "today" whenever the search runs — and
//! one check serves every way of searching.

use async_graphql::{Enum, InputObject};
use chrono::Utc;
use serde::{Deserialize, Serialize};
use supportgraph_adapters::model::{
    self, DelayCondition, FreeText, OrderFilters, OrderSort, OrderStatus as ModelStatus,
    ProductFilter,
};

use super::types::OrderStatus;
use crate::error::GatewayError;
use crate::graphql::common::domain::{ProductKind, SortDirection};
use crate::graphql::common::input::{customer_filter, customer_filter_not_empty};
use crate::graphql::common::scalars::Date;

/// The most values accepted in one list-valued filter.
const MAX_FILTER_VALUES: usize = 50;

/// The longest text a text condition may hold.
const MAX_TEXT: usize = 100;

/// Which orders to list. Every condition set must hold.
#[derive(InputObject, Default, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
pub struct OrderFilter {
    /// Only orders in one of these statuses.
    pub statuses: Option<Vec<OrderStatus>>,
    /// Only orders of these customer numbers (each must be your company's).
    pub customer_numbers: Option<Vec<String>>,
    /// Only orders placed on or after this day.
    pub ordered_from: Option<Date>,
    /// Only orders placed on or before this day.
    pub ordered_to: Option<Date>,
    /// Only orders whose first shipment left on or after this day (orders not shipped yet are
    /// left out).
    pub shipped_from: Option<Date>,
    /// Only orders whose first shipment left on or before this day (orders not shipped yet are
    /// left out).
    pub shipped_to: Option<Date>,
    /// Only orders of customer numbers registered in these countries (ISO 3166-1 alpha-2).
    pub countries: Option<Vec<String>>,
    /// Only orders with a product line meeting every condition given here.
    pub product: Option<ProductCondition>,
    /// Only orders with this purchase-order reference (any case).
    pub purchase_order_number: Option<String>,
    /// Only orders whose order number, purchase-order reference or a product description
    /// contains this text (any case; 2 to 100 characters).
    pub text: Option<String>,
    /// Only orders that are late today (`true`), or only those that are not (`false`): see
    /// `Order.isDelayed`.
    pub delayed: Option<bool>,
}

/// Conditions one product line of an order must meet together.
#[derive(InputObject, Default, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
pub struct ProductCondition {
    /// Hardware or software.
    pub kind: Option<ProductKind>,
    /// The machine type: the product code before its dash (`9105` of `9105-22A`).
    pub machine_type: Option<String>,
    /// The model: the product code after its dash (`22A` of `9105-22A`).
    pub model: Option<String>,
    /// Text the product description contains (any case).
    pub description: Option<String>,
}

/// What orders can be sorted by.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[graphql(remote = "supportgraph_adapters::model::OrderSortField")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum OrderSortField {
    /// The day the order was placed.
    #[default]
    OrderDate,
    /// The day its first shipment left; orders not shipped yet come last in either direction.
    ShipDate,
    /// Its status, in the order of an order's life (received first, cancelled last).
    Status,
    /// Its value, in its own currency (amounts in different currencies are compared as
    /// numbers, not converted).
    Total,
}

/// How to sort orders; ties are broken by order number in the same direction.
#[derive(InputObject, Clone, Copy, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
pub struct OrderSortInput {
    /// The field.
    pub field: OrderSortField,
    /// The direction (descending unless given).
    #[graphql(default)]
    pub direction: SortDirection,
}

impl From<OrderSortInput> for OrderSort {
    fn from(sort: OrderSortInput) -> Self {
        Self {
            field: sort.field.into(),
            direction: sort.direction.into(),
        }
    }
}

/// A checked search: the customer numbers named (if any), the conditions and the sort.
#[derive(Debug, Clone, Default)]
pub struct OrderSearch {
    /// Only these customer numbers, each checked by its type.
    pub customer_numbers: Option<Vec<String>>,
    /// The conditions.
    pub filters: OrderFilters,
    /// The order.
    pub sort: OrderSort,
}

fn too_many(field: &str, len: usize) -> Result<(), GatewayError> {
    if len > MAX_FILTER_VALUES {
        return Err(GatewayError::bad_input(
            field,
            format!("at most {MAX_FILTER_VALUES} values"),
        ));
    }
    Ok(())
}

/// A text condition, trimmed: free text of `min` to [`MAX_TEXT`] characters.
fn text(field: &str, value: Option<&String>, min: usize) -> Result<Option<String>, GatewayError> {
    let Some(value) = value.map(|v| v.trim()) else {
        return Ok(None);
    };
    let length = value.chars().count();
    if length < min || length > MAX_TEXT {
        return Err(GatewayError::bad_input(
            field,
            format!("must be {min} to {MAX_TEXT} characters"),
        ));
    }
    FreeText::check(value).map_err(|e| GatewayError::bad_input(field, e.to_string()))?;
    Ok(Some(value.to_owned()))
}

fn range(field: &str, from: Option<Date>, to: Option<Date>) -> Result<(), GatewayError> {
    if let (Some(from), Some(to)) = (from, to)
        && from.0 > to.0
    {
        return Err(GatewayError::bad_input(
            field,
            "the range's start must not be after its end",
        ));
    }
    Ok(())
}

fn country(code: &str) -> Result<String, GatewayError> {
    let code = code.trim();
    if code.len() == 2 && code.bytes().all(|b| b.is_ascii_uppercase()) {
        Ok(code.to_owned())
    } else {
        Err(GatewayError::bad_input(
            "filter.countries",
            "each must be an ISO 3166-1 alpha-2 code, e.g. DE",
        ))
    }
}

/// Checks a filter and a sort into a search; `BAD_USER_INPUT` naming the field for the first
/// problem.
pub fn check_search(
    filter: &OrderFilter,
    sort: Option<OrderSortInput>,
) -> Result<OrderSearch, GatewayError> {
    range("filter.orderedFrom", filter.ordered_from, filter.ordered_to)?;
    range("filter.shippedFrom", filter.shipped_from, filter.shipped_to)?;
    customer_filter_not_empty(filter.customer_numbers.as_ref())?;
    too_many(
        "filter.statuses",
        filter.statuses.as_ref().map_or(0, Vec::len),
    )?;
    too_many(
        "filter.customerNumbers",
        filter.customer_numbers.as_ref().map_or(0, Vec::len),
    )?;
    too_many(
        "filter.countries",
        filter.countries.as_ref().map_or(0, Vec::len),
    )?;
    let product = filter.product.clone().unwrap_or_default();
    let code_part = |field: &str, value: Option<&String>| -> Result<_, GatewayError> {
        let value = text(field, value, 1)?;
        match value {
            Some(v) if !v.bytes().all(|b| b.is_ascii_alphanumeric()) => {
                Err(GatewayError::bad_input(field, "letters and digits only"))
            }
            other => Ok(other),
        }
    };
    let filters = OrderFilters {
        statuses: filter
            .statuses
            .clone()
            .unwrap_or_default()
            .into_iter()
            .map(ModelStatus::from)
            .collect(),
        ordered_from: filter.ordered_from.map(|d| d.0),
        ordered_to: filter.ordered_to.map(|d| d.0),
        shipped_from: filter.shipped_from.map(|d| d.0),
        shipped_to: filter.shipped_to.map(|d| d.0),
        countries: filter
            .countries
            .iter()
            .flatten()
            .map(|c| country(c))
            .collect::<Result<_, _>>()?,
        product: ProductFilter {
            kind: product.kind.map(model::ProductKind::from),
            machine_type: code_part("filter.product.machineType", product.machine_type.as_ref())?,
            model: code_part("filter.product.model", product.model.as_ref())?,
            description: text(
                "filter.product.description",
                product.description.as_ref(),
                2,
            )?,
        },
        purchase_order_number: text(
            "filter.purchaseOrderNumber",
            filter.purchase_order_number.as_ref(),
            1,
        )?,
        text: text("filter.text", filter.text.as_ref(), 2)?,
        delay: filter.delayed.map(|delayed| DelayCondition {
            delayed,
            on: Utc::now().date_naive(),
        }),
    };
    Ok(OrderSearch {
        customer_numbers: customer_filter(filter.customer_numbers.as_deref())?,
        filters,
        sort: sort.map(OrderSort::from).unwrap_or_default(),
    })
}
