//! Identity and access, the seed's e-tools registration: who the caller is (`me`), their
//! company's customer numbers, and their first-time authorisation per tool and customer number
//! (`requestToolAuthorization`) — what every other tool checks before showing company data.
//!
//! [`types`] are the schema's user, customer and authorisation types; [`query`] holds `me`;
//! [`mutation`] `requestToolAuthorization`.

mod mutation;
mod query;
mod types;

pub use mutation::AuthorizationMutation;
pub use query::MeQuery;
pub use types::{Customer, Me, ToolAccess};
