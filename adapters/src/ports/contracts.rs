//! The contracts system's port (Contracts OnLine): one global instance, as the support system.

use async_trait::async_trait;

use crate::AdapterError;
use crate::model::{
    Contract, ContractActor, ContractFeed, ContractPage, ContractQuery, ContractRefusal,
    CustomerStep,
};
use crate::resilience::BreakerReport;

/// The vendor's contracts system.
#[async_trait]
pub trait ContractsBackend: Send + Sync {
    /// The instance's name, e.g. `contracts`.
    fn instance(&self) -> &str;

    /// One page of the contracts of these customer numbers matching `query`, in its order, with
    /// the total number of matches. Retried: it only reads.
    async fn contracts(&self, query: &ContractQuery) -> Result<ContractPage, AdapterError>;

    /// The contracts with these numbers (at most [`LOOKUP_BATCH`](super::LOOKUP_BATCH)) among
    /// those of `customer_numbers`, in one call; unknown numbers, and contracts of other
    /// customer numbers, are simply absent.
    async fn contracts_by_number(
        &self,
        customer_numbers: &[String],
        contract_numbers: &[String],
    ) -> Result<Vec<Contract>, AdapterError>;

    /// Takes the customer's `step` on `customer_number`'s contract `contract_number` as `actor`,
    /// answering the contract as it is afterwards, or the system's refusal (an unknown contract,
    /// a step its status does not allow — [`ContractAction::allowed_from`](crate::model::ContractAction::allowed_from) —,
    /// a stale version to sign, terms not accepted). Who may approve is not the system's
    /// business: the gateway asks the registration system first.
    ///
    /// Changes state, made safe to repeat by `idempotency_key` (one step per key; a repeat with
    /// the same step answers the contract as it is; another step with the key is 409, an
    /// [`AdapterError::Status`]), so it is retried like a read.
    async fn act(
        &self,
        customer_number: &str,
        contract_number: &str,
        actor: &ContractActor,
        step: &CustomerStep,
        idempotency_key: &str,
    ) -> Result<Result<Contract, ContractRefusal>, AdapterError>;

    /// The PDF of `version` of `customer_number`'s contract `contract_number`; `None` when
    /// there is no such contract or version for that customer number. Retried: it only reads.
    async fn document_pdf(
        &self,
        customer_number: &str,
        contract_number: &str,
        version: u32,
    ) -> Result<Option<Vec<u8>>, AdapterError>;

    /// The system's contract changes after position `since`, oldest first; with `since` absent,
    /// none and the current position ("from now"). Retried: it only reads.
    async fn changes(&self, since: Option<u64>) -> Result<ContractFeed, AdapterError>;

    /// Where this system's circuit breakers stand, one per operation called so far.
    fn breakers(&self) -> Vec<BreakerReport> {
        Vec::new()
    }
}
