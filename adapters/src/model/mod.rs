//! The normalised domain model: what every backend's wire format is translated into.
//!
//! Types here are plain data with no knowledge of HTTP, GraphQL or any backend's vocabulary.
//! [`ids`] holds the identifiers a client may send, each a type that only holds a valid value.

pub mod ids;
mod inventory;
mod money;
mod order;
mod region;
mod tool;
mod user;

pub use ids::{
    CustomerNumber, FreeText, InvalidIdentifier, InvalidText, OrderNumber, SerialNumber,
    TrackingNumber,
};
pub use inventory::{
    ConfigurationFeature, InventoryChange, InventoryItem, InventoryLocation, InventoryRefusal,
    InventoryRequest, InventorySource, Lease, Maintenance, ServiceLevel,
};
pub use money::Money;
pub use order::{
    Order, OrderLine, OrderPage, OrderQuery, OrderSortKey, OrderStatus, ProductKind, Shipment,
    StatusChange,
};
pub use region::Region;
pub use tool::{AuthorizationRefusal, AuthorizationStatus, Tool, ToolAuthorization, UnknownTool};
pub use user::{Address, CustomerAccount, UserProfile};
