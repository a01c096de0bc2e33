//! The `inventory` listing, paged at the systems: one connection over every online inventory
//! system in the caller's scope, asking each system only for the pages a connection page needs.
//!
//! **Order.** Items are listed system by system, in [`InventorySource::ALL`] order, and within a
//! system in that system's own listing order — the only order a system can page in. A position
//! in the listing is therefore a system, the page of it an item is on (the system's own page
//! cursor, `None` for the first) and the item's index on that page ([`ListingPosition`]); the
//! connection's cursors carry it, and continuing asks that page again (usually from the cache)
//! and the pages after it.
//!
//! **Pages.** Every page is asked for at the system's own page size (its maximum), through the
//! cache, one cache entry per page, each paid from the request's budget unless the cache answers.
//! A page of the connection collects `first + 1` matching items (the extra one says whether a
//! next page exists) and stops asking.
//!
//! **Filters.** The systems page by customer number only; the other conditions are applied to
//! each page as it arrives, so a filter that matches few items may walk several pages. A serial
//! number is looked up directly instead (one batch call per system), never walked for.
//!
//! **Counting.** `totalCount` is asked only when selected. Unfiltered, it is the sum of the totals
//! the systems announce (one page of each); filtered, every page of every system is walked and
//! counted — bounded, like everything else, by the request's budget of backend calls.
//!
//! **Failures.** A system that fails before yielding anything leaves its items out and is
//! reported (partial data, per DESIGN.md §6); one that fails part-way stops the page there, so
//! the next page continues with it instead of skipping its items. A count that fails leaves the
//! items and makes the total unknown. A cursor whose own page its system refuses is the caller's
//! error, `BAD_USER_INPUT`; so is a cursor whose listing digest (customer numbers and filter)
//! does not match. A position also carries its item's serial number, so items that moved on a
//! page since are found again.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use chrono::NaiveDate;
use futures::future::join_all;
use serde::{Deserialize, Serialize};
use supportgraph_adapters::AdapterError;
use supportgraph_adapters::model::{InventoryItem, PageCursor};
use supportgraph_adapters::ports::InventoryBackend;

use super::call_budget::{CallBudget, is_spent};
use super::fan_out::RegionFailure;
use super::inventory::{InventoryScope, ItemFilter, region_of};
use super::inventory_walk::{Start, SystemPart, Walk};
use crate::cache::Cache;
use crate::countries::InventorySource;
use crate::error::GatewayError;
use crate::hashing::short_sha256_hex;

/// Where an item stands in the listing (see the module's docs).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListingPosition {
    /// The system the item comes from.
    pub system: InventorySource,
    /// The system's cursor of the page the item is on; `None` for its first page.
    pub page: Option<PageCursor>,
    /// The item's index on that page.
    pub index: usize,
    /// The item's serial number: where to continue if items moved on the page since.
    pub serial: String,
    /// Which customer numbers the system was asked for, and the filter (a digest): a page
    /// cursor means nothing for others.
    pub listing: String,
}

/// What the systems are asked with, for one request.
pub struct ListingSources<'a> {
    /// The inventory backends, by system.
    pub backends: &'a BTreeMap<InventorySource, Arc<dyn InventoryBackend>>,
    /// The cache pages go through.
    pub cache: &'a Cache,
    /// How long a page is cached.
    pub ttl: Duration,
    /// The request's backend-call budget.
    pub budget: &'a CallBudget,
}

/// Which page of the listing to build.
pub struct ListingRequest<'a> {
    /// The caller's scope, by system.
    pub scope: &'a InventoryScope,
    /// Which items to keep.
    pub filter: &'a ItemFilter,
    /// The position to continue after; `None` for the start.
    pub after: Option<&'a ListingPosition>,
    /// How many items the page holds at most.
    pub first: usize,
    /// Whether `total_count` is wanted.
    pub count: bool,
    /// The day the filter's "ending within" conditions count from.
    pub today: NaiveDate,
}

/// One page of the listing.
#[derive(Debug, Default)]
pub struct Listing {
    /// At most `first` items, each with its position.
    pub items: Vec<(ListingPosition, InventoryItem)>,
    /// Whether more items follow the last one.
    pub has_next_page: bool,
    /// How many items the whole listing holds: `None` when not asked for, or when a system
    /// could not be counted.
    pub total_count: Option<u64>,
    /// The systems that could not answer the listing (each once).
    pub failures: Vec<RegionFailure>,
    /// The systems that answered the listing but could not be counted (each once).
    pub count_failures: Vec<RegionFailure>,
}

/// The digest of the customer numbers a system is asked for and the filter, as positions carry
/// it.
fn listing_digest(customers: &[String], filter: &str) -> String {
    let mut sorted = customers.to_vec();
    sorted.sort();
    short_sha256_hex(format!("{}|{filter}", sorted.join(",")), 8)
}

/// The error of a cursor that does not fit the listing it is used with.
fn foreign_cursor() -> GatewayError {
    GatewayError::bad_input(
        "after",
        "the cursor belongs to another listing (other customer numbers or filter); start again without it",
    )
}

/// The refusal of a listing that could read no matching item within the request's budget.
fn nothing_within_budget() -> GatewayError {
    GatewayError::bad_input(
        "filter",
        "no item matched within the pages one request may read; narrow the filter (for example by customerNumbers)",
    )
}

/// The parts of the scope, in listing order, each with its digest.
fn parts<'a>(request: &'a ListingRequest<'a>) -> Vec<SystemPart<'a>> {
    let filter = format!("{:?}", request.filter);
    request
        .scope
        .by_system
        .iter()
        .map(|(system, customers)| SystemPart {
            system: *system,
            customers,
            listing: listing_digest(customers, &filter),
        })
        .collect()
}

/// Collects the page's items from `start` on, system by system. A system that fails on the
/// first page of a walk from its beginning is left out and reported (the rest of the listing
/// still arrives, as DESIGN.md §6 wants); a system that fails where a cursor continues it, or
/// after its first page, stops the listing there with a next page, so its remaining items are
/// never skipped. A spent budget stops the listing where it is, without an error, once it has
/// items.
async fn collect(
    sources: &ListingSources<'_>,
    request: &ListingRequest<'_>,
    parts: &[SystemPart<'_>],
    start: usize,
    keep: &(dyn Fn(&InventoryItem) -> bool + Sync),
) -> Result<(Listing, Option<u64>), GatewayError> {
    let mut listing = Listing::default();
    let mut announced = None;
    let wanted = request.first + 1;
    for (at, part) in parts.iter().enumerate().skip(start) {
        let from = match request.after {
            Some(after) if at == start => Start {
                page: after.page.clone(),
                after: Some((after.index, after.serial.clone())),
            },
            _ => Start::default(),
        };
        let resumed = from.after.is_some();
        let walk = Walk {
            sources,
            part,
            serial: request.filter.serial_number.as_deref(),
            keep,
            wanted: (wanted - listing.items.len()) as u64,
            collect: true,
        };
        let walked = walk.run(from).await;
        if at == start {
            announced = walked.announced;
        }
        listing.items.extend(walked.items);
        match walked.error {
            None if walked.stopped_early => break,
            None => {}
            // The cursor's own page, refused by its system: the cursor is not one it issued.
            Some((AdapterError::Status { status: 400, .. }, true)) if resumed => {
                return Err(foreign_cursor());
            }
            Some((error, _)) if is_spent(&error) => {
                if listing.items.is_empty() {
                    return Err(nothing_within_budget());
                }
                listing.has_next_page = true;
                return Ok((listing, announced));
            }
            Some((error, first_page)) => {
                listing.failures.push(RegionFailure {
                    region: region_of(part.system),
                    error,
                });
                if resumed || !first_page {
                    // Items of this system follow: the next page continues here (the same
                    // cursor, when this page has no items), never past them.
                    listing.has_next_page = true;
                    return Ok((listing, announced));
                }
            }
        }
        if listing.items.len() == wanted {
            break;
        }
    }
    listing.has_next_page = listing.items.len() > request.first;
    listing.items.truncate(request.first);
    Ok((listing, announced))
}

/// The number of items of `parts` that match, each system counted apart; a system that cannot
/// be counted fails the count (it is reported, the listing's items stay).
async fn count(
    sources: &ListingSources<'_>,
    request: &ListingRequest<'_>,
    parts: &[&SystemPart<'_>],
    keep: &(dyn Fn(&InventoryItem) -> bool + Sync),
) -> Vec<(InventorySource, Result<u64, AdapterError>)> {
    let filtered = request.filter.is_set();
    let keep_all = |_: &InventoryItem| true;
    let counting: &(dyn Fn(&InventoryItem) -> bool + Sync) =
        if filtered { keep } else { &keep_all };
    let counts = parts.iter().map(|part| async move {
        let walk = Walk {
            sources,
            part,
            serial: request.filter.serial_number.as_deref(),
            keep: counting,
            // Unfiltered, the first page's announced total is the count.
            wanted: if filtered { u64::MAX } else { 0 },
            collect: false,
        };
        let walked = walk.run(Start::default()).await;
        let total = match (walked.error, filtered) {
            (Some((error, _)), _) => Err(error),
            (None, true) => Ok(walked.matched),
            (None, false) => Ok(walked.announced.unwrap_or_default()),
        };
        (part.system, total)
    });
    join_all(counts).await
}

/// Builds one page of the listing (see the module's docs).
#[tracing::instrument(name = "federation", skip_all, fields(otel.kind = "internal", otel.name = "inventory.list"))]
pub async fn list_inventory(
    sources: &ListingSources<'_>,
    request: &ListingRequest<'_>,
) -> Result<Listing, GatewayError> {
    let today = request.today;
    let keep = |item: &InventoryItem| request.filter.keeps(item, today);
    let parts = parts(request);
    let start = match request.after {
        None => 0,
        Some(after) => parts
            .iter()
            .position(|p| p.system == after.system && p.listing == after.listing)
            .ok_or_else(foreign_cursor)?,
    };
    let filtered = request.filter.is_set();
    // Unfiltered, the other systems' totals are one page each and asked for alongside the
    // listing; filtered, every page is read, after the listing took what it needs of the budget.
    let others: Vec<&SystemPart> = parts
        .iter()
        .enumerate()
        .filter(|(at, _)| request.count && !filtered && *at != start)
        .map(|(_, part)| part)
        .collect();
    let (collected, mut counted) = futures::join!(
        collect(sources, request, &parts, start, &keep),
        count(sources, request, &others, &keep),
    );
    let (mut listing, announced) = collected?;
    if !request.count {
        return Ok(listing);
    }
    if filtered {
        let all: Vec<&SystemPart> = parts.iter().collect();
        counted = count(sources, request, &all, &keep).await;
    }
    // Unfiltered, the listing's first system announced its own total (if it answered: if not,
    // its failure is reported already, and there is no total).
    let mut total = if filtered { Some(0) } else { announced };
    for (system, counted) in counted {
        match counted {
            Ok(n) => total = total.map(|t| t.saturating_add(n)),
            Err(error) => {
                total = None;
                let region = region_of(system);
                let known = listing.failures.iter().chain(&listing.count_failures);
                if !known.into_iter().any(|f| f.region == region) {
                    listing.count_failures.push(RegionFailure { region, error });
                }
            }
        }
    }
    listing.total_count = total;
    Ok(listing)
}
