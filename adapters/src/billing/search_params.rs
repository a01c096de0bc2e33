//! The search half of the billing contract: how an [`InvoiceQuery`] travels as the query
//! parameters of `GET v1/invoices`, written by the adapter and read by the simulator from this
//! one definition, so the two cannot drift apart.
//!
//! `customers=A,B&limit=N&sort=INVOICE_DATE|DUE_DATE|TOTAL&direction=ASC|DESC` always (a request
//! without `sort` or `direction` means `INVOICE_DATE`, `DESC`); then, when set: `number`,
//! `issuedFrom`/`issuedTo`, `dueFrom`/`dueTo` (`YYYY-MM-DD`, inclusive), `status=OPEN,PAID`,
//! `totalMin`/`totalMax` (decimal strings), `po`, `order`, and the keyset: `afterValue` (the
//! previous page's last invoice's value in the sorted field, a day or a decimal amount) with
//! `afterNumber` (its invoice number).

use std::collections::HashMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::wire::WireStatus;
use crate::model::{
    InvoiceFilters, InvoiceQuery, InvoiceSort, InvoiceSortField, InvoiceSortKey, InvoiceSortValue,
    SortDirection,
};

fn field_name(field: InvoiceSortField) -> &'static str {
    match field {
        InvoiceSortField::InvoiceDate => "INVOICE_DATE",
        InvoiceSortField::DueDate => "DUE_DATE",
        InvoiceSortField::Total => "TOTAL",
    }
}

fn value_text(value: &InvoiceSortValue) -> String {
    match value {
        InvoiceSortValue::Date(day) => day.to_string(),
        InvoiceSortValue::Amount(amount) => amount.to_string(),
    }
}

/// Whether `value` is the kind of value `field` sorts by (a day, or an amount).
pub fn value_fits(field: InvoiceSortField, value: &InvoiceSortValue) -> bool {
    matches!(
        (field, value),
        (
            InvoiceSortField::InvoiceDate | InvoiceSortField::DueDate,
            InvoiceSortValue::Date(_)
        ) | (InvoiceSortField::Total, InvoiceSortValue::Amount(_))
    )
}

/// The query parameters of `query`.
pub fn to_params(query: &InvoiceQuery) -> Vec<(&'static str, String)> {
    let f = &query.filters;
    let direction = match query.sort.direction {
        SortDirection::Ascending => "ASC",
        SortDirection::Descending => "DESC",
    };
    let mut params = vec![
        ("customers", query.customer_numbers.join(",")),
        ("limit", query.limit.to_string()),
        ("sort", field_name(query.sort.field).to_owned()),
        ("direction", direction.to_owned()),
    ];
    let mut put = |name: &'static str, value: Option<String>| {
        if let Some(value) = value {
            params.push((name, value));
        }
    };
    let day = |d: Option<NaiveDate>| d.map(|d| d.to_string());
    put("number", f.invoice_number.clone());
    put("issuedFrom", day(f.invoice_date_from));
    put("issuedTo", day(f.invoice_date_to));
    put("dueFrom", day(f.due_date_from));
    put("dueTo", day(f.due_date_to));
    put(
        "status",
        (!f.statuses.is_empty()).then(|| {
            f.statuses
                .iter()
                .map(|s| WireStatus::from(*s).code())
                .collect::<Vec<_>>()
                .join(",")
        }),
    );
    put("totalMin", f.total_min.map(|a| a.to_string()));
    put("totalMax", f.total_max.map(|a| a.to_string()));
    put("po", f.po_number.clone());
    put("order", f.order_number.clone());
    if let Some(after) = &query.after {
        put("afterValue", Some(value_text(&after.value)));
        put("afterNumber", Some(after.invoice_number.clone()));
    }
    params
}

/// Reads a listing's query parameters back into a query; the message says what is wrong.
pub fn from_params(params: &HashMap<String, String>) -> Result<InvoiceQuery, String> {
    let get = |name: &str| {
        params
            .get(name)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    };
    let list = |name: &str| -> Vec<String> {
        get(name)
            .map(|v| {
                v.split(',')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default()
    };
    let date = |name: &str| -> Result<Option<NaiveDate>, String> {
        get(name)
            .map(|v| NaiveDate::parse_from_str(v, "%Y-%m-%d"))
            .transpose()
            .map_err(|_| format!("{name} must be YYYY-MM-DD"))
    };
    let decimal = |name: &str| -> Result<Option<Decimal>, String> {
        get(name)
            .map(str::parse::<Decimal>)
            .transpose()
            .map_err(|_| format!("{name} must be a decimal number"))
    };
    let limit = get("limit")
        .and_then(|v| v.parse::<u32>().ok())
        .ok_or("limit is required: a number")?;
    let mut statuses = Vec::new();
    for code in list("status") {
        let status = WireStatus::from_code(&code).ok_or(format!("unknown status {code}"))?;
        statuses.push(status.into());
    }
    let field = match get("sort") {
        None | Some("INVOICE_DATE") => InvoiceSortField::InvoiceDate,
        Some("DUE_DATE") => InvoiceSortField::DueDate,
        Some("TOTAL") => InvoiceSortField::Total,
        Some(other) => return Err(format!("unknown sort {other}")),
    };
    let direction = match get("direction") {
        None | Some("DESC") => SortDirection::Descending,
        Some("ASC") => SortDirection::Ascending,
        Some(other) => return Err(format!("unknown direction {other}")),
    };
    let sort = InvoiceSort { field, direction };
    let after = match (get("afterValue"), get("afterNumber")) {
        (None, None) => None,
        (Some(value), Some(number)) => {
            let value = match field {
                InvoiceSortField::Total => InvoiceSortValue::Amount(
                    decimal("afterValue")?.ok_or("afterValue is required")?,
                ),
                _ => InvoiceSortValue::Date(
                    NaiveDate::parse_from_str(value, "%Y-%m-%d")
                        .map_err(|_| "afterValue must be YYYY-MM-DD for a sort by date")?,
                ),
            };
            Some(InvoiceSortKey {
                sort,
                value,
                invoice_number: number.to_owned(),
            })
        }
        _ => return Err("afterValue and afterNumber go together".to_owned()),
    };
    let text = |name: &str| get(name).map(str::to_owned);
    Ok(InvoiceQuery {
        customer_numbers: list("customers"),
        filters: InvoiceFilters {
            invoice_number: text("number"),
            invoice_date_from: date("issuedFrom")?,
            invoice_date_to: date("issuedTo")?,
            due_date_from: date("dueFrom")?,
            due_date_to: date("dueTo")?,
            statuses,
            total_min: decimal("totalMin")?,
            total_max: decimal("totalMax")?,
            po_number: text("po"),
            order_number: text("order"),
        },
        sort,
        after,
        limit,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::InvoiceStatus;

    fn through_parameters(query: &InvoiceQuery) -> Result<InvoiceQuery, String> {
        let params: HashMap<String, String> = to_params(query)
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect();
        from_params(&params)
    }

    #[test]
    fn every_query_survives_the_trip_through_parameters() {
        let day = NaiveDate::from_ymd_opt(2026, 10, 3).expect("a date");
        for (field, value) in [
            (InvoiceSortField::InvoiceDate, InvoiceSortValue::Date(day)),
            (InvoiceSortField::DueDate, InvoiceSortValue::Date(day)),
            (
                InvoiceSortField::Total,
                InvoiceSortValue::Amount(Decimal::new(-123_456, 2)),
            ),
        ] {
            for direction in [SortDirection::Ascending, SortDirection::Descending] {
                let sort = InvoiceSort { field, direction };
                let query = InvoiceQuery {
                    customer_numbers: vec!["4400201".into(), "4900301".into()],
                    filters: InvoiceFilters {
                        invoice_number: Some("IN244002010001".into()),
                        invoice_date_from: Some(day),
                        invoice_date_to: Some(day),
                        due_date_from: Some(day),
                        due_date_to: Some(day),
                        statuses: vec![InvoiceStatus::InReview, InvoiceStatus::Paid],
                        total_min: Some(Decimal::new(1_000, 2)),
                        total_max: Some(Decimal::new(99_999_999, 2)),
                        po_number: Some("PO-448120".into()),
                        order_number: Some("244002010017".into()),
                    },
                    sort,
                    after: Some(InvoiceSortKey {
                        sort,
                        value: value.clone(),
                        invoice_number: "IN244002010017".into(),
                    }),
                    limit: 21,
                };
                assert_eq!(through_parameters(&query), Ok(query));
            }
        }
    }

    #[test]
    fn a_bare_listing_is_newest_first() {
        let query = InvoiceQuery {
            customer_numbers: vec!["1000101".into()],
            limit: 5,
            ..InvoiceQuery::default()
        };
        let read = through_parameters(&query).expect("valid");
        assert_eq!(read.sort, InvoiceSort::default());
        assert_eq!(read, query);
    }

    #[test]
    fn half_a_keyset_or_an_unknown_status_is_refused() {
        let mut params = HashMap::from([
            ("customers".to_owned(), "1000101".to_owned()),
            ("limit".to_owned(), "5".to_owned()),
            ("afterNumber".to_owned(), "IN110001010001".to_owned()),
        ]);
        assert!(from_params(&params).is_err());
        params.remove("afterNumber");
        params.insert("status".into(), "LOST".into());
        assert!(from_params(&params).is_err());
    }
}
