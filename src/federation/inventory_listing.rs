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
//! A system that fails leaves its items out and is reported (partial data, per DESIGN.md §6); a
//! cursor whose page its system refuses is the caller's error, `BAD_USER_INPUT`.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use chrono::NaiveDate;
use futures::future::join_all;
use serde::{Deserialize, Serialize};
use supportgraph_adapters::AdapterError;
use supportgraph_adapters::model::{InventoryItem, InventoryPage, PageCursor, PageRequest};
use supportgraph_adapters::ports::{InventoryBackend, MAX_PAGES_WALKED};

use super::call_budget::CallBudget;
use super::fan_out::{RegionFailure, backend_of, cached_call};
use super::inventory::{InventoryScope, ItemFilter, NOT_CONFIGURED, instance, region_of};
use crate::cache::{Cache, CacheKey, Namespace};
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
    /// Which customer numbers the system was asked for (a digest): a page cursor means nothing
    /// for others.
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
    /// How many items the whole listing holds, when asked for.
    pub total_count: Option<u64>,
    /// The systems that could not answer (each once).
    pub failures: Vec<RegionFailure>,
}

/// The digest of the customer numbers a system is asked for, as positions carry it.
fn listing_digest(customers: &[String]) -> String {
    let mut sorted = customers.to_vec();
    sorted.sort();
    short_sha256_hex(sorted.join(","), 8)
}

/// The error of a cursor that does not fit the listing it is used with.
fn foreign_cursor() -> GatewayError {
    GatewayError::bad_input(
        "after",
        "the cursor belongs to another listing (other customer numbers or filter); start again without it",
    )
}

impl ListingSources<'_> {
    /// One page of `system`'s items for `customers`: a page of the listing, or — with a serial
    /// number in the filter — that serial number's items, as a single page.
    async fn page(
        &self,
        system: InventorySource,
        customers: &[String],
        serial: Option<&str>,
        page: Option<&PageCursor>,
    ) -> Result<InventoryPage, AdapterError> {
        let name = instance(system);
        let backend = backend_of(self.backends, &system, name, NOT_CONFIGURED)?;
        let namespaces = customers
            .iter()
            .map(|c| Namespace::new("inventory", c.clone()))
            .collect();
        if let Some(serial) = serial {
            let key = CacheKey::new(
                name,
                "inventory_by_serial",
                serial,
                customers.to_vec(),
                namespaces,
                self.ttl,
            );
            let serials = [serial.to_owned()];
            let found = cached_call(
                self.cache,
                &key,
                self.budget,
                name,
                backend.items_by_serial(&serials),
            )
            .await?;
            let items: Vec<InventoryItem> = found
                .into_iter()
                .filter(|i| customers.contains(&i.customer_number))
                .collect();
            return Ok(InventoryPage {
                total_count: items.len() as u64,
                items,
                next: None,
            });
        }
        let request = PageRequest {
            after: page.cloned(),
            limit: None,
        };
        let arguments = page.map(PageCursor::to_string).unwrap_or_default();
        let key = CacheKey::new(
            name,
            "inventory_page",
            arguments,
            customers.to_vec(),
            namespaces,
            self.ttl,
        );
        let call = backend.items_page(customers, &request);
        cached_call(self.cache, &key, self.budget, name, call).await
    }
}

/// One system's part of a listing.
struct SystemPart<'a> {
    system: InventorySource,
    customers: &'a [String],
    listing: String,
}

/// What walking one system gave.
#[derive(Default)]
struct Walked {
    items: Vec<(ListingPosition, InventoryItem)>,
    /// Whether the walk stopped with items left unvisited.
    stopped_early: bool,
    /// The total the system announced.
    announced: u64,
}

/// Walks `part`'s pages from `start` (skipping the items before `skip` on the first page),
/// keeping the items `keep` accepts until `wanted` are kept.
async fn walk(
    sources: &ListingSources<'_>,
    part: &SystemPart<'_>,
    serial: Option<&str>,
    start: Option<PageCursor>,
    skip: usize,
    wanted: usize,
    keep: &(dyn Fn(&InventoryItem) -> bool + Sync),
) -> Result<Walked, AdapterError> {
    let mut walked = Walked::default();
    let mut at = start;
    let mut skip = skip;
    for _ in 0..MAX_PAGES_WALKED {
        let page = sources
            .page(part.system, part.customers, serial, at.as_ref())
            .await?;
        walked.announced = page.total_count;
        let count = page.items.len();
        for (index, item) in page.items.into_iter().enumerate().skip(skip) {
            if walked.items.len() == wanted {
                walked.stopped_early = true;
                return Ok(walked);
            }
            if keep(&item) {
                let position = ListingPosition {
                    system: part.system,
                    page: at.clone(),
                    index,
                    listing: part.listing.clone(),
                };
                walked.items.push((position, item));
            }
        }
        let Some(next) = page.next else {
            return Ok(walked);
        };
        if walked.items.len() == wanted {
            walked.stopped_early = true;
            return Ok(walked);
        }
        if at.as_ref() == Some(&next) || count == 0 {
            return Err(AdapterError::Decode {
                backend: instance(part.system).to_owned(),
                detail: format!("the page after {next} announced itself, or no items, as next"),
            });
        }
        at = Some(next);
        skip = 0;
    }
    Err(AdapterError::Decode {
        backend: instance(part.system).to_owned(),
        detail: format!("more than {MAX_PAGES_WALKED} pages"),
    })
}

/// Builds one page of the listing (see the module's docs).
pub async fn list_inventory(
    sources: &ListingSources<'_>,
    request: &ListingRequest<'_>,
) -> Result<Listing, GatewayError> {
    let serial = request.filter.serial_number.as_deref();
    let today = request.today;
    let keep = |item: &InventoryItem| request.filter.keeps(item, today);
    let parts: Vec<SystemPart> = request
        .scope
        .by_system
        .iter()
        .map(|(system, customers)| SystemPart {
            system: *system,
            customers,
            listing: listing_digest(customers),
        })
        .collect();
    let start = match request.after {
        None => 0,
        Some(after) => parts
            .iter()
            .position(|p| p.system == after.system && p.listing == after.listing)
            .ok_or_else(foreign_cursor)?,
    };

    let collect = async {
        let mut listing = Listing::default();
        let mut announced = None;
        let wanted = request.first + 1;
        for (at, part) in parts.iter().enumerate().skip(start) {
            let (page, skip) = match request.after {
                Some(after) if at == start => (after.page.clone(), after.index + 1),
                _ => (None, 0),
            };
            let resumed = page.is_some();
            let left = wanted - listing.items.len();
            match walk(sources, part, serial, page, skip, left, &keep).await {
                Ok(walked) => {
                    if at == start {
                        announced = Some(walked.announced);
                    }
                    listing.items.extend(walked.items);
                    if walked.stopped_early {
                        break;
                    }
                }
                Err(
                    AdapterError::Status { status: 400, .. } | AdapterError::InvalidRequest { .. },
                ) if resumed => {
                    return Err(foreign_cursor());
                }
                Err(error) => listing.failures.push(RegionFailure {
                    region: region_of(part.system),
                    error,
                }),
            }
            if listing.items.len() == wanted {
                break;
            }
        }
        listing.has_next_page = listing.items.len() > request.first;
        listing.items.truncate(request.first);
        Ok((listing, announced))
    };
    let count = async {
        if !request.count {
            return Vec::new();
        }
        // Unfiltered, one page of each system announces its total: the listing's own first
        // system announces it to the listing, every other is asked for its first page (which
        // the listing may ask for too: the cache shares one call between them).
        let filtered = request.filter.is_set();
        let counted_parts = parts
            .iter()
            .enumerate()
            .filter(|(at, _)| filtered || *at != start)
            .map(|(_, part)| part);
        let counts = counted_parts.map(|part| async move {
            let keep_all = |_: &InventoryItem| true;
            let counting: &(dyn Fn(&InventoryItem) -> bool + Sync) =
                if filtered { &keep } else { &keep_all };
            let wanted = if filtered { usize::MAX } else { 0 };
            let walked = walk(sources, part, serial, None, 0, wanted, counting).await;
            let total = walked.map(|w| {
                if filtered {
                    w.items.len() as u64
                } else {
                    w.announced
                }
            });
            (part.system, total)
        });
        join_all(counts).await
    };
    let (collected, counted) = futures::join!(collect, count);
    let (mut listing, announced) = collected?;
    if request.count {
        // Filtered, every system was walked and counted; unfiltered, the first system's total
        // is the one it announced to the listing.
        let mut total = if request.filter.is_set() {
            0
        } else {
            announced.unwrap_or_default()
        };
        for (system, counted) in counted {
            match counted {
                Ok(count) => total += count,
                Err(error)
                    if !listing
                        .failures
                        .iter()
                        .any(|f| f.region == region_of(system)) =>
                {
                    listing.failures.push(RegionFailure {
                        region: region_of(system),
                        error,
                    });
                }
                Err(_) => {}
            }
        }
        listing.total_count = Some(total);
    }
    Ok(listing)
}
