//! The registration simulator: the demo users and their companies' customer numbers.

use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};

use super::wire::{WireCompany, WireCustomerNumber, WireUser};
use crate::sandbox::demo;

/// The instance's routes.
pub fn router() -> Router {
    Router::new().route("/v1/users/{user_id}", get(user))
}

async fn user(Path(user_id): Path<String>) -> Response {
    let Some((user, company)) = demo::users()
        .into_iter()
        .find(|(u, _)| u.user_id == user_id)
    else {
        let body = Json(serde_json::json!({ "error": "NOT_FOUND", "message": "no such user" }));
        return (StatusCode::NOT_FOUND, body).into_response();
    };
    Json(WireUser {
        user_id: user.user_id.to_owned(),
        display_name: user.name.to_owned(),
        email: user.email.to_owned(),
        country: user.country.to_owned(),
        company: WireCompany {
            company_id: company.company_id.to_owned(),
            name: company.name.to_owned(),
        },
        customer_numbers: company
            .accounts
            .iter()
            .map(|a| WireCustomerNumber {
                number: a.customer_number.to_owned(),
                country: a.country.to_owned(),
            })
            .collect(),
    })
    .into_response()
}
