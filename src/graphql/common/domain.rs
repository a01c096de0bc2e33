//! The model's enums that more than one tool shows, mirrored once for the schema (a tool's own
//! enums live in its folder).

use async_graphql::Enum;

/// Hardware or software.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "supportgraph_adapters::model::ProductKind")]
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
