//! How a download link carries an invoice search: the filter and sort exactly as a client writes
//! them for `invoices` (GraphQL input values as JSON, `{"filter": {...}, "sort": {...}}`), in
//! base64url — so a hand-written `search=` with a bearer token reads like a query's variables,
//! and the route checks it with the same [`check_invoice_search`] as the field did.

use async_graphql::{InputType, Value};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};

use crate::error::GatewayError;
use crate::graphql::invoices::filter::{
    InvoiceFilter, InvoiceSearch, InvoiceSortInput, check_invoice_search,
};

/// The parameter's name, for errors.
const FIELD: &str = "search";

/// The search as JSON.
#[derive(Serialize, Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
struct Encoded {
    filter: Option<serde_json::Value>,
    sort: Option<serde_json::Value>,
}

/// The checked search `filter` and `sort` stand for, as a download runs it: `BAD_USER_INPUT`
/// for what `invoices` refuses, and for the `reconciliation` filter (a download does not check
/// every invoice against the inventory).
pub fn check(
    filter: &InvoiceFilter,
    sort: Option<InvoiceSortInput>,
) -> Result<InvoiceSearch, GatewayError> {
    let search = check_invoice_search(filter, sort)?;
    if search.reconciliation.is_some() {
        return Err(GatewayError::bad_input(
            "filter.reconciliation",
            "downloads do not filter on reconciliation: leave it out, or list those invoices with the invoices query",
        ));
    }
    Ok(search)
}

/// `filter` and `sort` as a link's `search` parameter.
pub fn encode(
    filter: &InvoiceFilter,
    sort: Option<InvoiceSortInput>,
) -> Result<String, GatewayError> {
    let json = |value: Value| value.into_json().map_err(GatewayError::internal);
    let encoded = Encoded {
        filter: Some(json(filter.to_value())?),
        sort: sort.map(|s| json(s.to_value())).transpose()?,
    };
    let bytes = serde_json::to_vec(&encoded).map_err(GatewayError::internal)?;
    Ok(URL_SAFE_NO_PAD.encode(bytes))
}

fn not_a_search() -> GatewayError {
    GatewayError::bad_input(
        FIELD,
        "not an invoice search: base64url of {\"filter\": ..., \"sort\": ...} as the invoices query takes them",
    )
}

/// Reads one GraphQL input value of type `T` from its JSON, if given.
fn input<T: InputType>(json: Option<serde_json::Value>) -> Result<Option<T>, GatewayError> {
    let Some(json) = json.filter(|j| !j.is_null()) else {
        return Ok(None);
    };
    let value = Value::from_json(json).map_err(|_| not_a_search())?;
    T::parse(Some(value)).map(Some).map_err(|_| not_a_search())
}

/// The checked search a link's `search` parameter carries.
pub fn decode(text: &str) -> Result<InvoiceSearch, GatewayError> {
    let bytes = URL_SAFE_NO_PAD.decode(text).map_err(|_| not_a_search())?;
    let encoded: Encoded = serde_json::from_slice(&bytes).map_err(|_| not_a_search())?;
    let filter: InvoiceFilter = input(encoded.filter)?.unwrap_or_default();
    let sort: Option<InvoiceSortInput> = input(encoded.sort)?;
    check(&filter, sort)
}
