//! Walking one inventory system's pages for the listing ([`super::inventory_listing`]): each page
//! asked through the cache within the request's budget, the items a filter keeps collected (or
//! only counted) with their positions, until enough matched or the pages end; a walk that fails
//! stops with what it had and says whether it failed on its very first page.

use supportgraph_adapters::AdapterError;
use supportgraph_adapters::model::{InventoryItem, InventoryPage, PageCursor, PageRequest};
use supportgraph_adapters::ports::MAX_PAGES_WALKED;

use super::fan_out::{backend_of, cached_call};
use super::inventory::{NOT_CONFIGURED, instance};
use super::inventory_listing::{ListingPosition, ListingSources};
use crate::cache::{CacheKey, Namespace};
use crate::countries::InventorySource;

impl ListingSources<'_> {
    /// One page of `system`'s items for `customers`: a page of the listing, or — with a serial
    /// number in the filter — that serial number's items, as a single page.
    pub(super) async fn page(
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
pub(super) struct SystemPart<'a> {
    pub(super) system: InventorySource,
    pub(super) customers: &'a [String],
    pub(super) listing: String,
}

/// Where a walk over one system starts.
#[derive(Default)]
pub(super) struct Start {
    /// The page to start on (`None`: the first).
    pub(super) page: Option<PageCursor>,
    /// The position continued after, on that page: the walk starts after it.
    pub(super) after: Option<(usize, String)>,
}

impl Start {
    /// The first index to visit on the start page: after the item continued after — found by
    /// its serial number if items moved on the page since, or right at its old index if it is
    /// gone (the next item moved into its place).
    fn first_index(&self, items: &[InventoryItem]) -> usize {
        let Some((index, serial)) = &self.after else {
            return 0;
        };
        if items
            .get(*index)
            .is_some_and(|i| &i.serial_number == serial)
        {
            return index + 1;
        }
        items
            .iter()
            .position(|i| &i.serial_number == serial)
            .map_or(*index, |found| found + 1)
    }
}

/// What walking one system gave.
#[derive(Default)]
pub(super) struct Walked {
    /// The items kept, with their positions (when collecting).
    pub(super) items: Vec<(ListingPosition, InventoryItem)>,
    /// How many items matched.
    pub(super) matched: u64,
    /// Whether the walk stopped with items left unvisited.
    pub(super) stopped_early: bool,
    /// The total the system announced, once a page answered.
    pub(super) announced: Option<u64>,
    /// What stopped the walk short, and whether it was the very first page asked.
    pub(super) error: Option<(AdapterError, bool)>,
}

/// One walk's rules: which system, which items to keep, how many.
pub(super) struct Walk<'a> {
    pub(super) sources: &'a ListingSources<'a>,
    pub(super) part: &'a SystemPart<'a>,
    pub(super) serial: Option<&'a str>,
    pub(super) keep: &'a (dyn Fn(&InventoryItem) -> bool + Sync),
    /// Stop once this many items matched.
    pub(super) wanted: u64,
    /// Keep the matching items (else only count them).
    pub(super) collect: bool,
}

impl Walk<'_> {
    /// Walks the system's pages from `start` until `wanted` items matched or the pages end; a
    /// failure ends the walk with what it had.
    pub(super) async fn run(&self, start: Start) -> Walked {
        let mut walked = Walked::default();
        let mut at = start.page.clone();
        for page_number in 0..MAX_PAGES_WALKED {
            let first_page = page_number == 0;
            let page = match (self.sources)
                .page(
                    self.part.system,
                    self.part.customers,
                    self.serial,
                    at.as_ref(),
                )
                .await
            {
                Ok(page) => page,
                Err(error) => {
                    walked.error = Some((error, first_page));
                    return walked;
                }
            };
            walked.announced = Some(page.total_count);
            let skip = if first_page {
                start.first_index(&page.items)
            } else {
                0
            };
            let count = page.items.len();
            for (index, item) in page.items.into_iter().enumerate().skip(skip) {
                if walked.matched == self.wanted {
                    walked.stopped_early = true;
                    return walked;
                }
                if (self.keep)(&item) {
                    walked.matched += 1;
                    if self.collect {
                        let position = ListingPosition {
                            system: self.part.system,
                            page: at.clone(),
                            index,
                            serial: item.serial_number.clone(),
                            listing: self.part.listing.clone(),
                        };
                        walked.items.push((position, item));
                    }
                }
            }
            let Some(next) = page.next else {
                return walked;
            };
            if walked.matched == self.wanted {
                walked.stopped_early = true;
                return walked;
            }
            if at.as_ref() == Some(&next) || count == 0 {
                let detail =
                    format!("the page after {next} announced itself, or no items, as next");
                walked.error = Some((self.broken(detail), false));
                return walked;
            }
            at = Some(next);
        }
        let detail = format!("more than {MAX_PAGES_WALKED} pages");
        walked.error = Some((self.broken(detail), false));
        walked
    }

    fn broken(&self, detail: String) -> AdapterError {
        AdapterError::Decode {
            backend: instance(self.part.system).to_owned(),
            detail,
        }
    }
}
