//! The registration system: one user ID for every tool, the user's profile and the customer
//! numbers of their company. JSON over HTTP, one global instance.
//!
//! Contract (see `fixtures/registration/`): `GET v1/users/{userId}` answers the profile, or 404
//! for an unknown user.

mod client;
pub mod sandbox;
mod wire;

pub use client::HttpRegistrationBackend;
