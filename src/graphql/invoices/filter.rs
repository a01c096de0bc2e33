//! The invoice search a client writes — `InvoiceFilter` and `InvoiceSortInput` — and its check
//! into the model's search: every identifier by its type, every range the right way round,
//! amounts as exact decimals, before any cache or backend is touched.

use async_graphql::{Enum, InputObject};
use rust_decimal::Decimal;
use supportgraph_adapters::model::{
    CustomerNumber, DocumentNumber, InvoiceFilters, InvoiceSort, OrderNumber,
};

use super::types::InvoiceStatus;
use crate::error::GatewayError;
use crate::graphql::common::domain::SortDirection;
use crate::graphql::common::input::{customer_filter_not_empty, identifier, identifiers};
use crate::graphql::common::scalars::Date;

/// The longest purchase-order number a filter takes.
const MAX_PO_NUMBER: usize = 35;

/// Which invoices to list: every condition given must hold.
#[derive(InputObject, Clone, Default)]
pub struct InvoiceFilter {
    /// Only these customer numbers (yours, authorised for Invoices); all of them when left out.
    pub customer_numbers: Option<Vec<String>>,
    /// This invoice number exactly.
    pub invoice_number: Option<String>,
    /// Issued on or after this day.
    pub invoice_date_from: Option<Date>,
    /// Issued on or before this day.
    pub invoice_date_to: Option<Date>,
    /// Due on or after this day.
    pub due_date_from: Option<Date>,
    /// Due on or before this day.
    pub due_date_to: Option<Date>,
    /// In one of these statuses.
    pub statuses: Option<Vec<InvoiceStatus>>,
    /// A total of at least this amount (a decimal string, in the invoice's currency).
    pub total_min: Option<String>,
    /// A total of at most this amount.
    pub total_max: Option<String>,
    /// Your purchase-order number, exactly.
    pub purchase_order_number: Option<String>,
    /// For this order number.
    pub order_number: Option<String>,
    /// How the invoice's lines compare with your installed inventory. `UNMATCHED` finds invoices
    /// with at least one line whose serial number is installed nowhere for that customer number;
    /// the gateway checks page by page, so `totalCount` is null with this filter.
    pub reconciliation: Option<ReconciliationFilter>,
}

/// A condition on an invoice's reconciliation with the installed inventory.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Debug)]
pub enum ReconciliationFilter {
    /// At least one line's serial number matches nothing installed.
    Unmatched,
    /// At least one line matches an installed item, and none matches nothing (lines that could
    /// not be checked do not count either way).
    Matched,
}

/// The field invoices are sorted by.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Default, Debug)]
#[graphql(remote = "supportgraph_adapters::model::InvoiceSortField")]
pub enum InvoiceSortField {
    /// Day of issue (the default).
    #[default]
    InvoiceDate,
    /// Day payment is due.
    DueDate,
    /// The total (currencies are not converted: sort within one currency).
    Total,
}

/// How to sort invoices; ties are broken by invoice number in the same direction.
#[derive(InputObject, Clone, Copy, Default)]
pub struct InvoiceSortInput {
    /// The field.
    #[graphql(default)]
    pub field: InvoiceSortField,
    /// The direction (descending unless given).
    #[graphql(default)]
    pub direction: SortDirection,
}

/// A checked invoice search.
#[derive(Debug, Clone, Default)]
pub struct InvoiceSearch {
    /// The customer numbers asked for, if narrowed.
    pub customer_numbers: Option<Vec<String>>,
    /// What the billing systems apply.
    pub filters: InvoiceFilters,
    /// What the gateway applies, page by page.
    pub reconciliation: Option<ReconciliationFilter>,
    /// The order.
    pub sort: InvoiceSort,
}

fn amount(field: &str, text: Option<&str>) -> Result<Option<Decimal>, GatewayError> {
    text.map(|t| {
        t.trim().parse::<Decimal>().map_err(|_| {
            GatewayError::bad_input(field, "an amount is a decimal number, e.g. 1250.00")
        })
    })
    .transpose()
}

fn range<T: PartialOrd>(field: &str, from: Option<T>, to: Option<T>) -> Result<(), GatewayError> {
    if let (Some(from), Some(to)) = (from, to)
        && from > to
    {
        return Err(GatewayError::bad_input(
            field,
            "the range's start is after its end",
        ));
    }
    Ok(())
}

/// The search `filter` and `sort` stand for, or `BAD_USER_INPUT` naming the field at fault.
pub fn check_invoice_search(
    filter: &InvoiceFilter,
    sort: Option<InvoiceSortInput>,
) -> Result<InvoiceSearch, GatewayError> {
    customer_filter_not_empty(filter.customer_numbers.as_ref())?;
    let customer_numbers = filter
        .customer_numbers
        .as_deref()
        .map(|numbers| identifiers::<CustomerNumber>("filter.customerNumbers", numbers))
        .transpose()?
        .map(|numbers| numbers.into_iter().map(String::from).collect());
    let invoice_number = filter
        .invoice_number
        .as_deref()
        .map(|n| identifier::<DocumentNumber>("filter.invoiceNumber", n))
        .transpose()?
        .map(String::from);
    let order_number = filter
        .order_number
        .as_deref()
        .map(|n| identifier::<OrderNumber>("filter.orderNumber", n))
        .transpose()?
        .map(String::from);
    let po_number = match filter.purchase_order_number.as_deref().map(str::trim) {
        Some(po) if po.is_empty() || po.chars().count() > MAX_PO_NUMBER => {
            return Err(GatewayError::bad_input(
                "filter.purchaseOrderNumber",
                format!("a purchase-order number is 1 to {MAX_PO_NUMBER} characters"),
            ));
        }
        Some(po) if po.chars().any(char::is_control) => {
            return Err(GatewayError::bad_input(
                "filter.purchaseOrderNumber",
                "a purchase-order number has no control characters",
            ));
        }
        other => other.map(str::to_owned),
    };
    let date = |d: Option<Date>| d.map(|d| d.0);
    range(
        "filter.invoiceDateFrom",
        date(filter.invoice_date_from),
        date(filter.invoice_date_to),
    )?;
    range(
        "filter.dueDateFrom",
        date(filter.due_date_from),
        date(filter.due_date_to),
    )?;
    let total_min = amount("filter.totalMin", filter.total_min.as_deref())?;
    let total_max = amount("filter.totalMax", filter.total_max.as_deref())?;
    range("filter.totalMin", total_min, total_max)?;
    let sort = sort.unwrap_or_default();
    Ok(InvoiceSearch {
        customer_numbers,
        filters: InvoiceFilters {
            invoice_number,
            invoice_date_from: date(filter.invoice_date_from),
            invoice_date_to: date(filter.invoice_date_to),
            due_date_from: date(filter.due_date_from),
            due_date_to: date(filter.due_date_to),
            statuses: filter
                .statuses
                .iter()
                .flatten()
                .map(|s| (*s).into())
                .collect(),
            total_min,
            total_max,
            po_number,
            order_number,
        },
        reconciliation: filter.reconciliation,
        sort: InvoiceSort {
            field: sort.field.into(),
            direction: sort.direction.into(),
        },
    })
}
