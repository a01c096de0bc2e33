//! `printContract`: a link to the PDF of one version of a contract, to print or keep.
//!
//! The link is signed and short-lived, on the gateway
//! (`/documents/contracts/{contractNumber}/versions/{version}.pdf?customer=…`), and works without
//! a token for the user it was made for — a browser cannot send a bearer token with a download.
//! The field only looks the contract up (among the caller's, like `contract`) and checks the
//! version; the route (`http::contract_documents`) checks the user's authorisation again when
//! the link is used and pays for the download, so a link outlives nothing its user was not still
//! allowed.

use std::sync::Arc;

use async_graphql::{Context, Object, Result, SimpleObject};
use supportgraph_adapters::model::ContractNumber;

use super::scope::{contract_scope, find_contract};
use crate::app::App;
use crate::auth::Caller;
use crate::error::GatewayError;
use crate::federation::call_budget::CallBudget;
use crate::graphql::common::input::identifier;
use crate::graphql::common::links::signed_url;
use crate::graphql::common::scalars::DateTime;

/// The route's path of version `version` of contract `contract_number` (a checked
/// `ContractNumber`, so nothing in it needs escaping).
pub fn contract_pdf_path(contract_number: &str, version: u32) -> String {
    format!("/documents/contracts/{contract_number}/versions/{version}.pdf")
}

/// The name the PDF of version `version` of contract `contract_number` is saved under:
/// `CTR-20260001-v2.pdf`.
pub fn contract_pdf_file_name(contract_number: &str, version: u32) -> String {
    format!("{contract_number}-v{version}.pdf")
}

/// A link to the PDF of one version of a contract.
#[derive(SimpleObject)]
pub struct ContractPrint {
    /// The link: it works without a token, for you only, until `expiresAt`, and while you are
    /// still authorised for Contracts on the contract's customer number.
    pub url: String,
    /// When the link stops working (UTC); ask again for a new one.
    pub expires_at: DateTime,
    /// The version the PDF is of.
    pub version: u32,
    /// The name the PDF is saved under, e.g. `CTR-20260001-v2.pdf`.
    pub file_name: String,
}

/// The contract printing query field.
#[derive(Default)]
pub struct ContractPrintQuery;

#[Object]
impl ContractPrintQuery {
    /// A short-lived link to the PDF of a version of one of your company's contracts (the
    /// current version unless another is named), to print or keep. `NOT_FOUND` when none of your
    /// customer numbers authorised for Contracts has the contract; `BAD_USER_INPUT` for a
    /// version it does not have.
    async fn print_contract(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The contract's number, e.g. CTR-20260001.")] contract_number: String,
        #[graphql(desc = "The version to print, from 1 (the current version when left out).")]
        version: Option<i32>,
    ) -> Result<ContractPrint> {
        ctx.data::<Caller>()?.principal()?;
        let number: ContractNumber = identifier("contractNumber", &contract_number)?;
        let requested = version
            .map(|v| {
                u32::try_from(v)
                    .ok()
                    .filter(|v| *v >= 1)
                    .ok_or_else(|| GatewayError::bad_input("version", "a version is 1 or more"))
            })
            .transpose()?;
        let app = ctx.data::<Arc<App>>()?;
        let scope = contract_scope(ctx, None).await?;
        let budget = ctx.data::<Arc<CallBudget>>()?;
        let contract = find_contract(app, budget, &scope.customers, number.as_str())
            .await?
            .ok_or(GatewayError::NotFound)?;
        let version = requested.unwrap_or(contract.current_version);
        if !contract.versions.iter().any(|v| v.number == version) {
            return Err(GatewayError::bad_input("version", no_such_version(&contract)).into());
        }
        let path = contract_pdf_path(&contract.contract_number, version);
        let link = signed_url(ctx, &path, &[("customer", &contract.customer_number)])?;
        Ok(ContractPrint {
            url: link.url,
            expires_at: DateTime(link.expires_at),
            version,
            file_name: contract_pdf_file_name(&contract.contract_number, version),
        })
    }
}

/// The refusal of a version `contract` does not have, naming those it has.
fn no_such_version(contract: &supportgraph_adapters::model::Contract) -> String {
    let versions: Vec<String> = contract
        .versions
        .iter()
        .map(|v| v.number.to_string())
        .collect();
    format!(
        "{} has no such version; its versions are {}",
        contract.contract_number,
        versions.join(", ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_path_and_file_name_name_the_contract_and_version() {
        assert_eq!(
            contract_pdf_path("CTR-20260003", 2),
            "/documents/contracts/CTR-20260003/versions/2.pdf"
        );
        assert_eq!(
            contract_pdf_file_name("CTR-20260003", 2),
            "CTR-20260003-v2.pdf"
        );
    }
}
