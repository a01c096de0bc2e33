//! The registration system: one user ID for every tool, the user's profile and the customer
//! numbers of their company. JSON over HTTP, one global instance.
//!
//! Contract (see `fixtures/registration/`):
//! - `GET v1/users/{userId}` answers the profile, or 404 for an unknown user;
//! - `POST v1/users/{userId}/tool-authorizations` `{tool, customerNumber, justification}` (at
//!   most [`MAX_JUSTIFICATION`](crate::model::MAX_JUSTIFICATION) characters) — 201 (or 200 when
//!   already pending) with the authorisation, or 409/422 `{"error": NOT_COMPANY_CUSTOMER |
//!   ALREADY_AUTHORIZED | INVALID_JUSTIFICATION}`.
//!
//! Here: `wire` (the format), `adapter` (the
//! [`RegistrationBackend`](crate::ports::RegistrationBackend) over HTTP), [`sandbox`] (the
//! simulator).

mod adapter;
pub mod sandbox;
mod wire;

pub use adapter::HttpRegistrationBackend;

/// The instance's name: in errors, cache keys, fault settings and the sandbox's paths.
pub const INSTANCE: &str = "registration";
