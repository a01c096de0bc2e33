//! The normalised domain model: what every backend's wire format is translated into.
//!
//! Types here are plain data with no knowledge of HTTP, GraphQL or any backend's vocabulary.
//! [`ids`] holds the identifiers a client may send, each a type that only holds a valid value;
//! [`FreeText`] the rule for what people write. The limits both sides of a port keep — the
//! longest justification or change details — are defined here, once.

pub mod ids;
mod inventory;
mod money;
mod order;
mod page;
mod region;
mod text;
mod tool;
mod user;

pub use ids::{
    CustomerNumber, InvalidIdentifier, OrderNumber, PageCursor, SerialNumber, TrackingNumber,
};
pub use inventory::{
    ConfigurationFeature, InventoryChange, InventoryItem, InventoryLocation, InventoryRefusal,
    InventoryRequest, InventorySource, Lease, MAX_CHANGE_DETAILS, Maintenance, ServiceLevel,
};
pub use money::Money;
pub use order::{
    Order, OrderLine, OrderPage, OrderQuery, OrderSortKey, OrderStatus, ProductKind, Shipment,
    StatusChange,
};
pub use page::{InventoryPage, PageRequest};
pub use region::Region;
pub use text::{FreeText, InvalidText};
pub use tool::{
    AuthorizationRefusal, AuthorizationStatus, MAX_JUSTIFICATION, Tool, ToolAuthorization,
    UnknownTool,
};
pub use user::{Address, CustomerAccount, UserProfile};
