//! The model's enums and shapes that more than one tool shows (product kinds, regions, sort
//! directions, postal addresses), mirrored once for the schema; a tool's own live in its folder.

use async_graphql::{Enum, SimpleObject};
use supportgraph_adapters::model;

/// Hardware or software.
#[derive(Enum, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[graphql(remote = "supportgraph_adapters::model::ProductKind")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ProductKind {
    /// A machine, part or feature.
    Hardware,
    /// A licence, subscription or software support.
    Software,
}

/// A region of the vendor's systems.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "supportgraph_adapters::model::Region")]
pub enum Region {
    /// North, Central and South America.
    Americas,
    /// Europe, the Middle East and Africa.
    Emea,
    /// Asia Pacific.
    Ap,
}

/// Which way a list is sorted.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[graphql(remote = "supportgraph_adapters::model::SortDirection")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum SortDirection {
    /// Smallest (earliest) first.
    Ascending,
    /// Largest (latest) first.
    #[default]
    Descending,
}

/// A postal address.
#[derive(SimpleObject)]
pub struct Address {
    /// Street and number.
    pub street: String,
    /// City.
    pub city: String,
    /// Postal code.
    pub postal_code: String,
    /// ISO 3166-1 alpha-2 country.
    pub country: String,
}

impl From<&model::Address> for Address {
    fn from(a: &model::Address) -> Self {
        Self {
            street: a.street.clone(),
            city: a.city.clone(),
            postal_code: a.postal_code.clone(),
            country: a.country.clone(),
        }
    }
}
