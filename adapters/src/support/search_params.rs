//! The listing half of the support contract: how an [`InquiryQuery`] travels as the query
//! parameters of `GET v1/inquiries`, written by the adapter and read by the simulator from this
//! one definition, so the two cannot drift apart.
//!
//! `customers=A,B&limit=N` always; then, when set: `status=SUBMITTED,ANSWERED`,
//! `category=ORDERS,OTHER`, `submittedFrom`/`submittedTo` (`YYYY-MM-DD`, inclusive, UTC), `q`
//! (the search text) and the keyset: `afterSubmitted` (the previous page's last inquiry's
//! submission time, RFC 3339) with `afterNumber` (its tracking number).

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};

use crate::model::{
    InquiryCategory, InquiryFilter, InquiryKey, InquiryQuery, InquiryStatus, MAX_INQUIRY_PAGE,
};
use crate::sandbox::respond::split;

/// The query parameters of `query`.
pub fn to_params(query: &InquiryQuery) -> Vec<(&'static str, String)> {
    let f = &query.filter;
    let mut params = vec![
        ("customers", query.customer_numbers.join(",")),
        ("limit", query.limit.to_string()),
    ];
    let mut put = |name: &'static str, value: Option<String>| {
        if let Some(value) = value {
            params.push((name, value));
        }
    };
    let codes = |codes: Vec<&str>| (!codes.is_empty()).then(|| codes.join(","));
    put(
        "status",
        codes(f.statuses.iter().map(|s| s.code()).collect()),
    );
    put(
        "category",
        codes(f.categories.iter().map(|c| c.code()).collect()),
    );
    put("submittedFrom", f.submitted_from.map(|d| d.to_string()));
    put("submittedTo", f.submitted_to.map(|d| d.to_string()));
    put("q", f.text.clone());
    if let Some(after) = &query.after {
        put("afterSubmitted", Some(timestamp(after.submitted_at)));
        put("afterNumber", Some(after.tracking_number.clone()));
    }
    params
}

/// A time as the contract writes it: RFC 3339 in UTC, with as many decimals as it has (so it
/// reads back exactly).
pub fn timestamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

/// The query `params` describe; what is wrong with them, if anything (for a 400). The customer
/// numbers and tracking number are not checked here: an unknown one simply matches nothing.
pub fn from_params(params: &HashMap<String, String>) -> Result<InquiryQuery, String> {
    let get = |name: &str| params.get(name).map(String::as_str);
    let customer_numbers: Vec<String> = split(get("customers").unwrap_or_default())
        .map(str::to_owned)
        .collect();
    if customer_numbers.is_empty() {
        return Err("customers must name at least one customer number".into());
    }
    let limit = match get("limit") {
        None => MAX_INQUIRY_PAGE,
        Some(limit) => limit
            .parse::<u32>()
            .ok()
            .filter(|l| (1..=MAX_INQUIRY_PAGE).contains(l))
            .ok_or(format!("limit must be between 1 and {MAX_INQUIRY_PAGE}"))?,
    };
    let statuses = codes(get("status"), InquiryStatus::from_code, "status")?;
    let categories = codes(get("category"), InquiryCategory::from_code, "category")?;
    let day = |name: &str| {
        get(name)
            .map(|d| {
                d.parse::<NaiveDate>()
                    .map_err(|_| format!("{name} must be a day, YYYY-MM-DD"))
            })
            .transpose()
    };
    let filter = InquiryFilter {
        statuses,
        categories,
        submitted_from: day("submittedFrom")?,
        submitted_to: day("submittedTo")?,
        text: get("q").map(str::to_owned),
    };
    filter.check().map_err(|e| e.to_string())?;
    let after = match (get("afterSubmitted"), get("afterNumber")) {
        (None, None) => None,
        (Some(at), Some(number)) => Some(InquiryKey {
            submitted_at: DateTime::parse_from_rfc3339(at)
                .map_err(|_| "afterSubmitted must be an RFC 3339 time".to_owned())?
                .with_timezone(&Utc),
            tracking_number: number.to_owned(),
        }),
        _ => return Err("afterSubmitted and afterNumber go together".into()),
    };
    Ok(InquiryQuery {
        customer_numbers,
        filter,
        after,
        limit,
    })
}

/// The codes of a comma-separated parameter, each read by `parse`.
fn codes<T>(
    list: Option<&str>,
    parse: fn(&str) -> Option<T>,
    name: &str,
) -> Result<Vec<T>, String> {
    split(list.unwrap_or_default())
        .map(|code| parse(code).ok_or(format!("{name} has an unknown code")))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_query_reads_back_as_written() {
        let at = DateTime::parse_from_rfc3339("2026-11-18T09:41:07.125Z")
            .expect("a time")
            .with_timezone(&Utc);
        let query = InquiryQuery {
            customer_numbers: vec!["1000101".into(), "4400201".into()],
            filter: InquiryFilter {
                statuses: vec![InquiryStatus::Answered, InquiryStatus::InProgress],
                categories: vec![InquiryCategory::Invoices],
                submitted_from: NaiveDate::from_ymd_opt(2026, 10, 1),
                submitted_to: NaiveDate::from_ymd_opt(2026, 11, 30),
                text: Some("IVA, 21 %".into()),
            },
            after: Some(InquiryKey {
                submitted_at: at,
                tracking_number: "INQ-10000007".into(),
            }),
            limit: 20,
        };
        let params: HashMap<String, String> = to_params(&query)
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect();
        assert_eq!(params["afterSubmitted"], "2026-11-18T09:41:07.125Z");
        assert_eq!(from_params(&params), Ok(query));
    }

    #[test]
    fn a_bad_parameter_is_named() {
        let with = |pairs: &[(&str, &str)]| {
            let mut params: HashMap<String, String> =
                HashMap::from([("customers".to_owned(), "1000101".to_owned())]);
            for (k, v) in pairs {
                params.insert((*k).to_owned(), (*v).to_owned());
            }
            from_params(&params)
        };
        assert!(with(&[]).is_ok());
        for (pairs, says) in [
            (vec![("customers", " ,")], "customers"),
            (vec![("limit", "0")], "limit"),
            (vec![("limit", "51")], "limit"),
            (vec![("status", "OPEN")], "status"),
            (vec![("category", "orders")], "category"),
            (vec![("submittedFrom", "11/20/2026")], "submittedFrom"),
            (vec![("q", " ")], "search text"),
            (vec![("afterNumber", "INQ-10000001")], "go together"),
            (
                vec![("afterSubmitted", "yesterday"), ("afterNumber", "INQ-1")],
                "RFC 3339",
            ),
        ] {
            let error = with(&pairs).expect_err(says);
            assert!(error.contains(says), "{error}");
        }
    }
}
