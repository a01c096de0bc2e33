//! The customer's steps on a contract: `submitContractForApproval`, `approveContract`,
//! `rejectContract`, `commentOnContract` and `signContract`.
//!
//! The contract is found among the caller's customer numbers authorised for Contracts first
//! (another company's is `NOT_FOUND`, and nothing is sent). Approving and rejecting need the
//! registration system to name the caller an approver for the customer number
//! (`NOT_APPROVER`); a signature needs the terms accepted (`TERMS_NOT_ACCEPTED`), both checked
//! here before anything is sent. Whether the status allows the step is the contracts system's
//! to decide, by the model's rules; its refusals come back as user errors with their codes.
//! Every step honours `Idempotency-Key`, and the system is given a key derived from it.

use std::sync::Arc;
use std::time::Duration;

use async_graphql::{Context, InputObject, Object, Result, SimpleObject};
use serde::Serialize;
use supportgraph_adapters::model::{
    self, ContractActor, ContractNumber, ContractRefusal, CustomerStep, FreeText,
    MAX_CONTRACT_TEXT, MAX_SIGNER_NAME,
};

use super::scope::{contract_scope, find_contract};
use super::types::Contract;
use crate::app::App;
use crate::auth::Caller;
use crate::error::GatewayError;
use crate::federation::call_budget::CallBudget;
use crate::graphql::common::idempotency::{self, IdempotencyKey, Step};
use crate::graphql::common::input::identifier;
use crate::graphql::common::outcome::{Outcome, UserError, UserErrorCode};

/// A step naming only the contract.
#[derive(InputObject, Serialize)]
pub struct ContractStepInput {
    /// The contract's number.
    pub contract_number: String,
}

/// A rejection.
#[derive(InputObject, Serialize)]
pub struct RejectContractInput {
    /// The contract's number.
    pub contract_number: String,
    /// Why (1 to 4,000 characters): the contract goes back to DRAFT with it.
    pub reason: String,
}

/// A comment to the vendor.
#[derive(InputObject, Serialize)]
pub struct CommentOnContractInput {
    /// The contract's number.
    pub contract_number: String,
    /// The text (1 to 4,000 characters).
    pub body: String,
}

/// A signature.
#[derive(InputObject, Serialize)]
pub struct SignContractInput {
    /// The contract's number.
    pub contract_number: String,
    /// The version you read and sign: it must be the current one (`CONTRACT_VERSION_CHANGED`
    /// otherwise — read the new version first).
    pub version: i32,
    /// The name you sign with (1 to 200 characters).
    pub signer_name: String,
    /// That you accept the contract's terms: a signature without is refused.
    pub accept_terms: bool,
}

/// The result of a step on a contract.
#[derive(SimpleObject)]
pub struct ContractPayload {
    /// The contract afterwards; null when refused.
    pub contract: Option<Contract>,
    /// Why it was refused; empty on success.
    pub user_errors: Vec<UserError>,
}

fn payload(outcome: Outcome<model::Contract>) -> ContractPayload {
    let (contract, user_errors) = outcome.into_parts(Contract);
    ContractPayload {
        contract,
        user_errors,
    }
}

/// A refusal of the contracts system, as a user error.
fn refused(refusal: ContractRefusal, number: &str) -> Outcome<model::Contract> {
    match refusal {
        ContractRefusal::UnknownContract => not_found(number),
        ContractRefusal::InvalidTransition { status } => Outcome::refused(
            "contractNumber",
            UserErrorCode::InvalidTransition,
            format!(
                "contract {number} is {}: that step is not allowed now (see allowedActions)",
                status.code()
            ),
        ),
        ContractRefusal::VersionChanged { current } => Outcome::refused(
            "version",
            UserErrorCode::ContractVersionChanged,
            format!("the current version of {number} is {current}: read it, then sign that one"),
        ),
        ContractRefusal::TermsNotAccepted => terms_not_accepted(),
        ContractRefusal::InvalidText => Outcome::refused(
            "input",
            UserErrorCode::InvalidRequest,
            "the contracts system did not take the text",
        ),
    }
}

fn not_found(number: &str) -> Outcome<model::Contract> {
    Outcome::refused(
        "contractNumber",
        UserErrorCode::NotFound,
        format!(
            "none of the customer numbers you are authorised for with Contracts has a contract {number}"
        ),
    )
}

fn terms_not_accepted() -> Outcome<model::Contract> {
    Outcome::refused(
        "acceptTerms",
        UserErrorCode::TermsNotAccepted,
        "a contract is signed only with its terms accepted",
    )
}

/// Whether `text` is 1 to `max` characters of free text.
fn text_ok(text: &str, max: usize) -> bool {
    !text.trim().is_empty() && text.chars().count() <= max && FreeText::check(text).is_ok()
}

/// What a step needs from the caller before it is sent.
enum Needs {
    /// Any user authorised for Contracts on the customer number.
    Authorised,
    /// An approver for the customer number.
    Approver,
}

/// Finds the contract, checks the caller, and takes `step` once per `Idempotency-Key`.
async fn take(
    ctx: &Context<'_>,
    operation: &'static str,
    contract_number: &str,
    needs: Needs,
    step: CustomerStep,
) -> Result<ContractPayload> {
    let app = ctx.data::<Arc<App>>()?;
    let caller = ctx.data::<Caller>()?;
    let user_id = caller.principal()?.user_id.clone();
    let number: ContractNumber = identifier("input.contractNumber", contract_number)?;
    let profile = caller.profile(&app.profiles).await?;
    let scope = contract_scope(ctx, None).await?;
    let budget = ctx.data::<Arc<CallBudget>>()?;
    let Some(contract) = find_contract(app, budget, &scope.customers, number.as_str()).await?
    else {
        return Ok(payload(not_found(number.as_str())));
    };
    if matches!(needs, Needs::Approver)
        && !profile.approves_contracts_for(&contract.customer_number)
    {
        return Ok(payload(Outcome::refused(
            "contractNumber",
            UserErrorCode::NotApprover,
            format!(
                "you do not approve contracts for customer number {}: your customer administrator names the approvers",
                contract.customer_number
            ),
        )));
    }
    let key = ctx.data_opt::<IdempotencyKey>();
    // One key per (user, step, contract, request key): the same request key used for another
    // step or contract is another step at the contracts system too.
    let step_key =
        idempotency::backend_key("contract", &[&user_id, operation, number.as_str()], key)?;
    let actor = ContractActor {
        user_id: user_id.clone(),
        name: profile.name.clone(),
    };
    let fingerprint =
        serde_json::to_string(&(&number.as_str(), &step)).map_err(GatewayError::internal)?;
    let write_app = Arc::clone(app);
    let wait = Duration::from_millis(app.settings.backends.contracts.timeout_ms);
    let outcome = idempotency::once(
        app,
        key,
        &user_id,
        operation,
        &fingerprint,
        wait,
        async move {
            Ok(Step::write(async move {
                let answer = write_app
                    .contracts
                    .act(
                        &contract.customer_number,
                        &contract.contract_number,
                        &actor,
                        &step,
                        &step_key,
                    )
                    .await
                    .map_err(|e| GatewayError::from_adapter(&e, None))?;
                Ok(match answer {
                    Ok(contract) => Outcome::Done(contract),
                    Err(refusal) => refused(refusal, &contract.contract_number),
                })
            }))
        },
    )
    .await?;
    Ok(payload(outcome))
}

/// The customer's steps on contracts.
#[derive(Default)]
pub struct ContractStepsMutation;

#[Object]
impl ContractStepsMutation {
    /// Submits a DRAFT contract for your company's internal approval: DRAFT → IN_REVIEW; the
    /// customer number's approvers are alerted. Honours `Idempotency-Key`.
    async fn submit_contract_for_approval(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The contract to submit.")] input: ContractStepInput,
    ) -> Result<ContractPayload> {
        take(
            ctx,
            "submitContractForApproval",
            &input.contract_number,
            Needs::Authorised,
            CustomerStep::SubmitForApproval,
        )
        .await
    }

    /// Approves a contract IN_REVIEW: IN_REVIEW → APPROVED. Only the customer number's
    /// approvers (`NOT_APPROVER` otherwise). Honours `Idempotency-Key`.
    async fn approve_contract(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The contract to approve.")] input: ContractStepInput,
    ) -> Result<ContractPayload> {
        take(
            ctx,
            "approveContract",
            &input.contract_number,
            Needs::Approver,
            CustomerStep::Approve,
        )
        .await
    }

    /// Rejects a contract IN_REVIEW, with a reason: IN_REVIEW → DRAFT. Only the customer
    /// number's approvers. Honours `Idempotency-Key`.
    async fn reject_contract(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The contract to reject, and why.")] input: RejectContractInput,
    ) -> Result<ContractPayload> {
        let reason = input.reason.trim().to_owned();
        if !text_ok(&reason, MAX_CONTRACT_TEXT) {
            return Ok(payload(Outcome::refused(
                "reason",
                UserErrorCode::ReasonRequired,
                format!("a rejection needs a reason of 1 to {MAX_CONTRACT_TEXT} characters"),
            )));
        }
        take(
            ctx,
            "rejectContract",
            &input.contract_number,
            Needs::Approver,
            CustomerStep::Reject { reason },
        )
        .await
    }

    /// Writes to the vendor about a contract (in any status but EXPIRED and TERMINATED).
    /// Honours `Idempotency-Key`.
    async fn comment_on_contract(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The contract and your comment.")] input: CommentOnContractInput,
    ) -> Result<ContractPayload> {
        let body = input.body.trim().to_owned();
        if !text_ok(&body, MAX_CONTRACT_TEXT) {
            return Ok(payload(Outcome::refused(
                "body",
                UserErrorCode::InvalidRequest,
                format!(
                    "a comment is 1 to {MAX_CONTRACT_TEXT} characters, without control characters"
                ),
            )));
        }
        take(
            ctx,
            "commentOnContract",
            &input.contract_number,
            Needs::Authorised,
            CustomerStep::Comment { body },
        )
        .await
    }

    /// Signs the current version of a contract SENT_FOR_SIGNATURE: → SIGNED. A version that is
    /// no longer the current one is `CONTRACT_VERSION_CHANGED`; `acceptTerms: false` is
    /// `TERMS_NOT_ACCEPTED`. Honours `Idempotency-Key`.
    async fn sign_contract(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The contract and version to sign, your name, and your acceptance of its terms."
        )]
        input: SignContractInput,
    ) -> Result<ContractPayload> {
        if !input.accept_terms {
            return Ok(payload(terms_not_accepted()));
        }
        let signer_name = input.signer_name.trim().to_owned();
        let name_ok = model::check_signer_name(&signer_name);
        if !name_ok {
            return Ok(payload(Outcome::refused(
                "signerName",
                UserErrorCode::InvalidName,
                format!("a signer's name is 1 to {MAX_SIGNER_NAME} characters on one line"),
            )));
        }
        let Ok(version) = u32::try_from(input.version) else {
            return Err(GatewayError::bad_input("input.version", "a version is 1 or more").into());
        };
        take(
            ctx,
            "signContract",
            &input.contract_number,
            Needs::Authorised,
            CustomerStep::Sign {
                version,
                signer_name,
                accept_terms: true,
            },
        )
        .await
    }
}
