//! `GET /documents/invoices/{number}.pdf` and `GET /documents/credit-notes/{number}.pdf`: a
//! billing document's PDF copy, from the billing system of its customer number's region.
//!
//! Authenticated like the exports (`http::exports`): by a signed link (`Invoice.imageUrl`,
//! `CreditNote.imageUrl`, e-mails) or a bearer token, with the customer number as `customer=`.
//! Either way the user's authorisation for Invoices or Statements on that customer number is
//! checked now, against their registration profile as it is now; the document is looked up among
//! that customer number's (one call) before its PDF is asked for, so another company's number
//! finds nothing, whatever the billing system does with the path. Each download costs the
//! principal two rate units.

use std::sync::Arc;

use async_graphql::dataloader::Loader;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use supportgraph_adapters::model::{CustomerNumber, DocumentNumber, Region};
use supportgraph_adapters::ports::BillingDocument;

use super::HttpState;
use super::exports::{gateway_refusal, refuse, user_of};
use crate::app::App;
use crate::countries::Tool;
use crate::error::GatewayError;
use crate::federation::billing::{CreditNoteLoader, CreditNoteRef, InvoiceLoader, InvoiceRef};
use crate::federation::call_budget::CallBudget;
use crate::federation::scope::ToolScope;

/// An invoice's PDF.
pub async fn invoice_pdf(
    State(state): State<HttpState>,
    Path(file): Path<String>,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    document(&state, &file, &uri, &headers, BillingDocument::Invoice).await
}

/// A credit note's PDF.
pub async fn credit_note_pdf(
    State(state): State<HttpState>,
    Path(file): Path<String>,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    document(&state, &file, &uri, &headers, BillingDocument::CreditNote).await
}

async fn document(
    state: &HttpState,
    file: &str,
    uri: &Uri,
    headers: &HeaderMap,
    kind: fn(String) -> BillingDocument,
) -> Response {
    let Some(number) = file
        .strip_suffix(".pdf")
        .and_then(|n| n.parse::<DocumentNumber>().ok())
    else {
        return refuse(
            StatusCode::NOT_FOUND,
            "a document is /documents/invoices/{number}.pdf or /documents/credit-notes/{number}.pdf",
        );
    };
    let app = &state.app;
    let (user_id, params) = match user_of(app, uri, headers).await {
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
            "name the document's customer number: customer=NNNNNNN",
        );
    };
    let document = kind(number.as_str().to_owned());
    match fetch(app, &user_id, customer.as_str(), &document).await {
        Ok(bytes) => pdf_response(bytes, number.as_str()),
        Err(error) => gateway_refusal(&error),
    }
}

/// The document's bytes, once the user's authorisation on `customer` is checked.
async fn fetch(
    app: &App,
    user_id: &str,
    customer: &str,
    document: &BillingDocument,
) -> Result<Vec<u8>, GatewayError> {
    app.rate_limits.check(user_id, 2).await?;
    let profile = app
        .profiles
        .get(user_id)
        .await
        .map_err(|e| GatewayError::from_adapter(&e, None))?
        .ok_or_else(|| {
            GatewayError::Forbidden("your user ID is not registered for the e-tools".into())
        })?;
    let region = [Tool::Invoices, Tool::Statements]
        .into_iter()
        .find_map(|tool| ToolScope::region_for(tool, &profile, &app.countries.snapshot(), customer))
        .ok_or(GatewayError::NotFound)?;
    let backend = app
        .billing_backends
        .get(&region)
        .ok_or_else(|| GatewayError::internal("a region in scope has no billing instance"))?;
    // The document must be one of this customer number's, as the gateway sees the answer — not
    // only as the billing system is trusted to check the number in the path.
    if !belongs_to(app, region, customer, document).await? {
        return Err(GatewayError::NotFound);
    }
    backend
        .document_pdf(customer, document)
        .await
        .map_err(|e| GatewayError::from_adapter(&e, Some(region)))?
        .ok_or(GatewayError::NotFound)
}

/// Whether `document` is one of `customer`'s, by its billing instance's lookup (one call).
async fn belongs_to(
    app: &App,
    region: Region,
    customer: &str,
    document: &BillingDocument,
) -> Result<bool, GatewayError> {
    let budget = Arc::new(CallBudget::new(1));
    let customers: Arc<[String]> = vec![customer.to_owned()].into();
    let found = match document {
        BillingDocument::Invoice(number) => {
            let key = InvoiceRef {
                region,
                customers,
                invoice_number: number.clone(),
            };
            let loader = InvoiceLoader::new(app.billing_backends.clone(), budget);
            let mut answers = match loader.load(std::slice::from_ref(&key)).await {
                Ok(answers) => answers,
                Err(never) => match never {},
            };
            answers.remove(&key).map(|answer| answer.map(|_| ()))
        }
        BillingDocument::CreditNote(number) => {
            let key = CreditNoteRef {
                region,
                customers,
                credit_note_number: number.clone(),
            };
            let loader = CreditNoteLoader::new(app.billing_backends.clone(), budget);
            let mut answers = match loader.load(std::slice::from_ref(&key)).await {
                Ok(answers) => answers,
                Err(never) => match never {},
            };
            answers.remove(&key).map(|answer| answer.map(|_| ()))
        }
    };
    match found {
        Some(Ok(())) => Ok(true),
        Some(Err(error)) => Err(GatewayError::from_adapter(&error, Some(region))),
        None => Ok(false),
    }
}

fn pdf_response(bytes: Vec<u8>, number: &str) -> Response {
    let mut response = (StatusCode::OK, bytes).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/pdf"),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    // The number is a `DocumentNumber` (letters and digits): always a valid header value.
    if let Ok(value) = HeaderValue::from_str(&format!("inline; filename=\"{number}.pdf\"")) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    response
}
