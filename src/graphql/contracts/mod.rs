//! Contracts OnLine: the contracts of the caller's customer numbers, their life (approval,
//! comments, signature), printing, and alerts.

pub(crate) mod alerts;
pub(crate) mod print;
pub(crate) mod query;
pub(crate) mod scope;
pub(crate) mod steps;
pub(crate) mod subscription;
pub(crate) mod types;
