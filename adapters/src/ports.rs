//! One trait per backend capability. The gateway holds them as `Arc<dyn ...>` and never learns
//! which implementation (HTTP adapter, sandbox, test double) is behind them.
//!
//! Identifiers cross the ports as text, but every implementation over HTTP checks each one
//! against its type in [`crate::model::ids`] (and free text against
//! [`FreeText`](crate::model::FreeText)) before it builds a request, refusing with
//! [`AdapterError::InvalidRequest`] — which no breaker counts. The gateway checks them first, at
//! its edge; this is the second line.

use async_trait::async_trait;

use crate::AdapterError;
use crate::model::{
    AuthorizationRefusal, InventoryChange, InventoryItem, InventoryRefusal, InventoryRequest,
    Order, OrderPage, OrderQuery, Region, Tool, ToolAuthorization, UserProfile,
};
use crate::resilience::BreakerReport;

/// One regional instance of the order-status system.
#[async_trait]
pub trait OrderBackend: Send + Sync {
    /// The region this instance serves.
    fn region(&self) -> Region;

    /// Lists orders matching `query`, in listing order, with the total number of matches.
    async fn list_orders(&self, query: &OrderQuery) -> Result<OrderPage, AdapterError>;

    /// Fetches orders by order number in one call; unknown numbers are simply absent.
    async fn orders_by_number(&self, order_numbers: &[String]) -> Result<Vec<Order>, AdapterError>;

    /// Where this instance's circuit breakers stand, one per operation called so far (none for
    /// an implementation without breakers).
    fn breakers(&self) -> Vec<BreakerReport> {
        Vec::new()
    }
}

/// The registration system: profiles, the company's customer numbers, tool authorisations.
#[async_trait]
pub trait RegistrationBackend: Send + Sync {
    /// The profile of the user with this identity-provider subject, if registered.
    async fn user_profile(&self, user_id: &str) -> Result<Option<UserProfile>, AdapterError>;

    /// Asks for the user's first-time authorisation for `tool` on `customer_number`. A business
    /// refusal is `Ok(Err(..))`; this call changes state and is never retried.
    async fn request_tool_authorization(
        &self,
        user_id: &str,
        tool: Tool,
        customer_number: &str,
        justification: &str,
    ) -> Result<Result<ToolAuthorization, AuthorizationRefusal>, AdapterError>;

    /// Where this backend's circuit breakers stand, one per operation called so far.
    fn breakers(&self) -> Vec<BreakerReport> {
        Vec::new()
    }
}

/// A regional inventory system (US Inventory OnLine, the EU Services Assistant).
#[async_trait]
pub trait InventoryBackend: Send + Sync {
    /// Every item installed under these customer numbers.
    async fn items(&self, customer_numbers: &[String]) -> Result<Vec<InventoryItem>, AdapterError>;

    /// Items by serial number in one call; unknown serial numbers are simply absent.
    async fn items_by_serial(
        &self,
        serial_numbers: &[String],
    ) -> Result<Vec<InventoryItem>, AdapterError>;

    /// Asks for a change to one item's record; a business refusal is `Ok(Err(..))`. Changes
    /// state: never retried.
    async fn request_change(
        &self,
        customer_number: &str,
        serial_number: &str,
        change: InventoryChange,
        details: &str,
    ) -> Result<Result<InventoryRequest, InventoryRefusal>, AdapterError>;

    /// Where this system's circuit breakers stand, one per operation called so far.
    fn breakers(&self) -> Vec<BreakerReport> {
        Vec::new()
    }
}
