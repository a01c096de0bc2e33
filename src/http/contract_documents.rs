//! `GET /documents/contracts/{contractNumber}/versions/{version}.pdf?customer=…`: the PDF of one
//! version of a contract, from the contracts system, to print or keep.
//!
//! A browser cannot send a bearer token with a download, so the route is authenticated like the
//! billing documents (`http::documents`): by a signed link (`printContract` hands them out) or a
//! bearer token, with the contract's customer number as `customer=`. A link is not an
//! authorisation: either way the user's authorisation for Contracts on that customer number is
//! checked now, against their registration profile as it is now, before the contracts system is
//! asked — one who may not see the customer number's contracts finds nothing (404), as if there
//! were nothing to find. The contract is then looked up among that customer number's (one call)
//! before its PDF is asked for, so naming one's own customer number with another company's
//! contract number finds nothing either, whatever the contracts system does with the path. Each
//! download costs the principal two rate units.
//!
//! The PDF is shown inline (it is the vendor's, not something a user uploaded), never sniffed as
//! anything else and never cached.

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use supportgraph_adapters::model::{ContractNumber, CustomerNumber};

use super::HttpState;
use super::exports::{gateway_refusal, refuse, user_of};
use crate::app::App;
use crate::countries::Tool;
use crate::error::GatewayError;
use crate::federation::call_budget::CallBudget;
use crate::federation::scope::ToolScope;
use crate::graphql::contracts::print::contract_pdf_file_name;
use crate::graphql::contracts::scope::find_contract;

/// The route, as the router mounts it (the last part is `{version}.pdf`).
pub const ROUTE: &str = "/documents/contracts/{contract_number}/versions/{file}";

/// Rate units one download costs (as a billing document's).
const DOWNLOAD_UNITS: u32 = 2;

/// The PDF of the version the path names.
pub async fn pdf(
    State(state): State<HttpState>,
    path: Result<Path<(String, String)>, PathRejection>,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let parts = path.ok().and_then(|Path((number, file))| {
        Some((number.parse::<ContractNumber>().ok()?, version_of(&file)?))
    });
    let Some((number, version)) = parts else {
        return refuse(
            StatusCode::NOT_FOUND,
            "a contract's PDF is /documents/contracts/{contractNumber}/versions/{version}.pdf, \
             with a contract number CTR-dddddddd and a version from 1",
        );
    };
    let app = &state.app;
    let (user_id, params) = match user_of(app, &uri, &headers).await {
        Ok(found) => found,
        Err(response) => return response,
    };
    let customer = params
        .iter()
        .find(|(k, _)| k == "customer")
        .and_then(|(_, v)| v.parse::<CustomerNumber>().ok());
    let Some(customer) = customer else {
        return refuse(
            StatusCode::BAD_REQUEST,
            "name the contract's customer number: customer=NNNNNNN",
        );
    };
    match fetch(app, &user_id, customer.as_str(), number.as_str(), version).await {
        Ok(bytes) => pdf_response(bytes, &contract_pdf_file_name(number.as_str(), version)),
        Err(error) => gateway_refusal(&error),
    }
}

/// The version in `{version}.pdf`: digits without a leading zero, from 1.
fn version_of(file: &str) -> Option<u32> {
    let digits = file.strip_suffix(".pdf")?;
    let canonical = !digits.is_empty()
        && !digits.starts_with('0')
        && digits.bytes().all(|b| b.is_ascii_digit());
    canonical.then(|| digits.parse().ok()).flatten()
}

/// The PDF's bytes, once the user's authorisation on `customer` is checked and the contract
/// found among that customer number's.
async fn fetch(
    app: &App,
    user_id: &str,
    customer: &str,
    contract_number: &str,
    version: u32,
) -> Result<Vec<u8>, GatewayError> {
    app.rate_limits.check(user_id, DOWNLOAD_UNITS).await?;
    let profile = app
        .profiles
        .get(user_id)
        .await
        .map_err(|e| GatewayError::from_adapter(&e, None))?
        .ok_or_else(|| {
            GatewayError::Forbidden("your user ID is not registered for the e-tools".into())
        })?;
    // Not authorised, pending, no Contracts OnLine in the country, or another company's number:
    // all alike, nothing to find — and the contracts system is not asked.
    ToolScope::region_for(
        Tool::Contracts,
        &profile,
        &app.countries.snapshot(),
        customer,
    )
    .ok_or(GatewayError::NotFound)?;
    // The contract must be one of this customer number's, as the gateway sees the answer — not
    // only as the contracts system is trusted to check the numbers in the path.
    let budget = CallBudget::new(1);
    let contract = find_contract(app, &budget, &[customer.to_owned()], contract_number)
        .await?
        .ok_or(GatewayError::NotFound)?;
    if !contract.versions.iter().any(|v| v.number == version) {
        return Err(GatewayError::NotFound);
    }
    app.contracts
        .document_pdf(customer, contract_number, version)
        .await
        .map_err(|e| GatewayError::from_adapter(&e, None))?
        .ok_or(GatewayError::NotFound)
}

/// The `200` with the PDF, shown inline as `file_name`.
fn pdf_response(bytes: Vec<u8>, file_name: &str) -> Response {
    let mut response = (StatusCode::OK, bytes).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/pdf"),
    );
    // The name is a `ContractNumber` (letters, digits and `-`) and a number: always a valid
    // header value.
    if let Ok(value) = HeaderValue::from_str(&format!("inline; filename=\"{file_name}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    headers.insert(
        HeaderName::from_static("x-content-type-options"),
        HeaderValue::from_static("nosniff"),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_version_is_a_canonical_positive_number_before_pdf() {
        assert_eq!(version_of("1.pdf"), Some(1));
        assert_eq!(version_of("12.pdf"), Some(12));
        for refused in [
            "0.pdf",
            "01.pdf",
            "+1.pdf",
            "-1.pdf",
            ".pdf",
            "1",
            "1.PDF",
            "1.pdf.pdf",
            "99999999999.pdf",
        ] {
            assert_eq!(version_of(refused), None, "{refused}");
        }
    }

    #[test]
    fn the_pdf_is_inline_private_and_never_sniffed() {
        let response = pdf_response(b"%PDF-1.7".to_vec(), "CTR-20260001-v2.pdf");
        let headers = response.headers();
        assert_eq!(headers[header::CONTENT_TYPE], "application/pdf");
        assert_eq!(
            headers[header::CONTENT_DISPOSITION],
            "inline; filename=\"CTR-20260001-v2.pdf\""
        );
        assert_eq!(headers[header::CACHE_CONTROL], "private, no-store");
        assert_eq!(headers["x-content-type-options"], "nosniff");
    }
}
