//! A customer's step on a contract — submit, approve, reject, sign, comment — for
//! [`HttpContractsBackend`]'s [`ContractsBackend`](crate::ports::ContractsBackend)
//! implementation.
//!
//! Kept apart from the reads because it is the one call that changes state: it carries an
//! `Idempotency-Key`, which the system honours (one step per key), so it is retried like a read;
//! its texts are checked before anything is sent; and its refusals are answers, each with the
//! HTTP status the contract gives it.

use serde::{Deserialize, Serialize};

use super::adapter::HttpContractsBackend;
use crate::AdapterError;
use crate::model::ids::clip;
use crate::model::{
    Contract, ContractActor, ContractNumber, ContractRefusal, CustomerNumber, CustomerStep,
    FreeText, MAX_CONTRACT_TEXT, MAX_SIGNER_NAME, check_idempotency_key, check_user_id,
};

/// The refusal code of a key already used for another step.
const KEY_REUSED: &str = "IDEMPOTENCY_KEY_REUSED";

/// What a step is asked for: on whose contract, by whom, what.
pub(super) struct Asked<'a> {
    /// The customer number the contract is with.
    pub customer_number: &'a str,
    /// The contract.
    pub contract_number: &'a str,
    /// Who takes the step.
    pub actor: &'a ContractActor,
    /// The step.
    pub step: &'a CustomerStep,
}

/// The body of `POST …/steps`.
#[derive(Serialize)]
struct StepRequest<'a> {
    actor: &'a ContractActor,
    step: &'a CustomerStep,
}

/// A 4xx answer's code.
#[derive(Deserialize)]
struct RefusalCode {
    error: String,
}

/// `POST v1/customers/{custNo}/contracts/{contractNo}/steps` with `Idempotency-Key`.
pub(super) async fn act(
    backend: &HttpContractsBackend,
    asked: Asked<'_>,
    key: &str,
) -> Result<Result<Contract, ContractRefusal>, AdapterError> {
    let client = backend.client();
    client.check::<CustomerNumber>("customer number", [asked.customer_number])?;
    client.check::<ContractNumber>("contract number", [asked.contract_number])?;
    check_user_id(&asked.actor.user_id).map_err(|e| client.refuse("actor's user ID", e))?;
    if !line_ok(&asked.actor.name, MAX_SIGNER_NAME) {
        return Err(client.refuse("actor's name", name_rule()));
    }
    check_step(asked.step).map_err(|e| client.refuse("step", e))?;
    check_idempotency_key(key).map_err(|e| client.refuse("idempotency key", e))?;
    let body = StepRequest {
        actor: asked.actor,
        step: asked.step,
    };
    let path = format!(
        "v1/customers/{}/contracts/{}/steps",
        asked.customer_number, asked.contract_number
    );
    let (status, answer) = client.post_json_keyed("act", &path, key, &body).await?;
    match status {
        200..=299 => {
            let contract: Contract = serde_json::from_slice(&answer)
                .map_err(|e| client.contract_violation(e.to_string()))?;
            let contract = backend
                .checked(vec![contract])?
                .pop()
                .ok_or_else(|| client.contract_violation("no contract in the answer to a step"))?;
            if contract.contract_number != asked.contract_number
                || contract.customer_number != asked.customer_number
            {
                return Err(client.contract_violation(format!(
                    "the contract answered, {}, is not the one acted on",
                    contract.contract_number
                )));
            }
            Ok(Ok(contract))
        }
        400..=499 => refused(backend, status, &answer).map(Err),
        _ => Err(client.status_error(status)),
    }
}

/// The refusal a 4xx answer carries, if it is one the contract gives a step, with the status it
/// gives it. A 400 (a request the system could not read) and a reused key are failures, not
/// refusals.
fn refused(
    backend: &HttpContractsBackend,
    status: u16,
    answer: &[u8],
) -> Result<ContractRefusal, AdapterError> {
    let client = backend.client();
    let code = serde_json::from_slice::<RefusalCode>(answer).map(|r| r.error);
    if status == 400 || code.as_deref().is_ok_and(|c| c == KEY_REUSED) {
        tracing::warn!(
            backend = %client.name(),
            status,
            code = %clip(code.as_deref().unwrap_or_default()),
            "the contracts system refused a step the adapter had checked"
        );
        return Err(client.status_error(status));
    }
    let code =
        code.map_err(|e| client.contract_violation(format!("a refusal without a code: {e}")))?;
    let refusal: ContractRefusal = serde_json::from_slice(answer).map_err(|e| {
        client.contract_violation(format!("refusal {:?}: {e}", clip(&code).to_string()))
    })?;
    let documented = documented_status(&refusal);
    if status != documented {
        return Err(client.contract_violation(format!(
            "refusal {code} came with HTTP {status}, not {documented}"
        )));
    }
    Ok(refusal)
}

/// The HTTP status the contract gives each refusal.
fn documented_status(refusal: &ContractRefusal) -> u16 {
    match refusal {
        ContractRefusal::UnknownContract => 404,
        ContractRefusal::InvalidTransition { .. } | ContractRefusal::VersionChanged { .. } => 409,
        ContractRefusal::TermsNotAccepted | ContractRefusal::InvalidText => 422,
    }
}

/// Refuses a step whose texts break their rules: a reason or a comment of 1 to
/// [`MAX_CONTRACT_TEXT`] characters of [`FreeText`], not blank; a signer's name of one line. A
/// signature without the terms accepted, or of another version than the current one, is the
/// system's to refuse.
fn check_step(step: &CustomerStep) -> Result<(), String> {
    match step {
        CustomerStep::SubmitForApproval | CustomerStep::Approve => Ok(()),
        CustomerStep::Reject { reason } => check_text("reason", reason),
        CustomerStep::Comment { body } => check_text("comment", body),
        CustomerStep::Sign { signer_name, .. } => line_ok(signer_name, MAX_SIGNER_NAME)
            .then_some(())
            .ok_or_else(|| format!("the signer's {}", name_rule())),
    }
}

fn check_text(what: &str, text: &str) -> Result<(), String> {
    if text.trim().is_empty() {
        return Err(format!("the {what} is blank"));
    }
    let chars = text.chars().count();
    if chars > MAX_CONTRACT_TEXT {
        return Err(format!(
            "the {what} has {chars} characters; at most {MAX_CONTRACT_TEXT} are sent"
        ));
    }
    FreeText::check(text).map_err(|e| format!("the {what}: {e}"))
}

fn name_rule() -> String {
    format!("name is 1 to {MAX_SIGNER_NAME} characters, not blank, without control characters")
}

/// A one-line text: 1 to `max` characters, not blank, no control characters or non-characters.
pub(super) fn line_ok(text: &str, max: usize) -> bool {
    !text.trim().is_empty()
        && text.chars().count() <= max
        && !text
            .chars()
            .any(|c| c.is_control() || matches!(c, '\u{FFFE}' | '\u{FFFF}'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_out_of_their_rules_are_not_sent() {
        let reject = |reason: &str| CustomerStep::Reject {
            reason: reason.into(),
        };
        assert!(check_step(&reject("Liability cap is too low")).is_ok());
        assert!(check_step(&reject("  ")).is_err());
        assert!(check_step(&reject(&"x".repeat(MAX_CONTRACT_TEXT + 1))).is_err());
        assert!(check_step(&reject("bell\u{7}")).is_err());
        let comment = CustomerStep::Comment {
            body: "Line one\nline two".into(),
        };
        assert!(check_step(&comment).is_ok());
        let sign = |name: &str| CustomerStep::Sign {
            version: 2,
            signer_name: name.into(),
            accept_terms: false,
        };
        assert!(
            check_step(&sign("Avery Stone")).is_ok(),
            "terms are the system's"
        );
        assert!(check_step(&sign("Avery\nStone")).is_err());
    }
}
