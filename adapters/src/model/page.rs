//! Pages of a listing too long to fetch whole: which page to ask for, and what comes back.
//!
//! A customer may have tens of thousands of installed machines; an inventory port answers them a
//! page at a time. A page request says where to continue (the `next` cursor of the page before,
//! or nothing for the first) and how many items at most; the answer carries the items, the cursor
//! of the page after (none on the last page) and how many items all pages hold together.
//!
//! Cursors are opaque (see [`PageCursor`]): each backend pages its own way — a continuation
//! token, an offset — and only the instance that issued a cursor can read it, for the same
//! customer numbers.

use serde::{Deserialize, Serialize};

use super::{InventoryItem, PageCursor};

/// Which page of a listing to fetch.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PageRequest {
    /// Where to continue: the [`next`](InventoryPage::next) cursor of the page before, from the
    /// same instance for the same customer numbers; `None` for the first page.
    pub after: Option<PageCursor>,
    /// The most items wanted, from 1; `None` for the backend's own page size. A backend caps a
    /// page at its own maximum, so a page may hold fewer items than asked even when more follow:
    /// follow `next`, never count.
    pub limit: Option<u32>,
}

impl PageRequest {
    /// The first page, of at most `limit` items.
    pub fn first(limit: u32) -> Self {
        Self {
            after: None,
            limit: Some(limit),
        }
    }

    /// The page after `cursor`, of at most `limit` items.
    pub fn after(cursor: PageCursor, limit: u32) -> Self {
        Self {
            after: Some(cursor),
            limit: Some(limit),
        }
    }
}

/// One page of a customer's installed inventory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InventoryPage {
    /// The page's items, in the backend's listing order (stable from page to page).
    pub items: Vec<InventoryItem>,
    /// Where the next page starts; `None` on the last page.
    pub next: Option<PageCursor>,
    /// How many items of these customer numbers all pages hold together.
    pub total_count: u64,
}

impl InventoryPage {
    /// The only page of an empty listing.
    pub fn empty() -> Self {
        Self {
            items: Vec::new(),
            next: None,
            total_count: 0,
        }
    }
}
