//! Installed inventory: US Inventory OnLine and the European Services Assistant behind one
//! schema — the items, their lookup by serial number, and the change requests each system takes.
//! Countries without an online inventory ask through an inquiry.
//!
//! [`types`] are the schema's item types; [`query`] holds `inventory` and `inventoryItem`;
//! [`mutation`] `requestInventoryUpdate` and `requestServiceChange`. Asking the systems, merging,
//! filtering and paging their items is `federation::inventory`.

mod mutation;
mod query;
mod types;

pub use mutation::InventoryMutation;
pub use query::{InventoryQuery, item_by_id};
pub use types::InventoryItem;
