//! The large demo customers, page by page: every item exactly once, and the backend asked for no
//! page it did not need (the sandbox counts every call).

use std::collections::HashSet;

use supportgraph_adapters::model::{InventoryItem, PageRequest};
use supportgraph_adapters::ports::InventoryBackend;
use supportgraph_adapters::sandbox::SandboxHandle;
use supportgraph_adapters::sandbox::demo::{LARGE_EU_CUSTOMER, LARGE_US_CUSTOMER};
use supportgraph_adapters::{eu_services, us_inventory};

use crate::{inventory_online, sandbox, services_assistant};

/// Every page of `customers`, `limit` items at a time: the items in order, the total every page
/// announced, and how many pages there were.
async fn walk(
    inventory: &dyn InventoryBackend,
    customers: &[String],
    limit: u32,
) -> (Vec<InventoryItem>, HashSet<u64>, usize) {
    let mut items = Vec::new();
    let mut totals = HashSet::new();
    let mut pages = 0;
    let mut request = PageRequest::first(limit);
    loop {
        let page = inventory
            .items_page(customers, &request)
            .await
            .expect("a valid page");
        pages += 1;
        assert!(
            page.items.len() <= limit as usize,
            "page {pages} is too long"
        );
        totals.insert(page.total_count);
        items.extend(page.items);
        match page.next {
            Some(next) => request = PageRequest::after(next, limit),
            None => return (items, totals, pages),
        }
    }
}

/// Asserts that `items` are `expected` distinct serial numbers, none twice.
fn assert_each_once(items: &[InventoryItem], expected: usize) {
    let serials: HashSet<&str> = items.iter().map(|i| i.serial_number.as_str()).collect();
    assert_eq!(serials.len(), items.len(), "no item twice");
    assert_eq!(items.len(), expected, "every item");
}

fn calls(sandbox: &SandboxHandle, instance: &str) -> u64 {
    sandbox.stats().instances[instance].calls
}

#[tokio::test]
async fn paging_over_the_large_us_customer_returns_every_record_once_in_five_calls() {
    let sandbox = sandbox().await;
    let inventory = inventory_online(&sandbox);
    let customers = [LARGE_US_CUSTOMER.to_owned()];
    let (items, totals, pages) = walk(&inventory, &customers, 500).await;
    assert_each_once(&items, 2_400);
    assert!(items.iter().all(|i| i.customer_number == LARGE_US_CUSTOMER));
    assert_eq!(totals, HashSet::from([2_400]));
    assert_eq!(pages, 5, "2,400 records in pages of 500");
    assert_eq!(
        calls(&sandbox, us_inventory::INSTANCE),
        5,
        "one call a page"
    );
}

#[tokio::test]
async fn paging_over_the_large_eu_customer_returns_every_machine_once_in_seven_calls() {
    let sandbox = sandbox().await;
    let assistant = services_assistant(&sandbox);
    let customers = [LARGE_EU_CUSTOMER.to_owned()];
    let (items, totals, pages) = walk(&assistant, &customers, 300).await;
    assert_each_once(&items, 2_048);
    assert_eq!(totals, HashSet::from([2_048]));
    assert_eq!(pages, 7, "2,048 machines in pages of 300");
    assert_eq!(calls(&sandbox, eu_services::INSTANCE), 7, "one call a page");
    let locations: HashSet<&str> = items
        .iter()
        .filter_map(|i| i.location.as_ref().map(|l| l.name.as_str()))
        .collect();
    assert_eq!(locations.len(), 2, "two locations, split over the pages");
}

#[tokio::test]
async fn the_first_page_alone_is_one_call_whatever_the_inventorys_size() {
    let sandbox = sandbox().await;
    let inventory = inventory_online(&sandbox);
    let page = inventory
        .items_page(&[LARGE_US_CUSTOMER.to_owned()], &PageRequest::first(20))
        .await
        .expect("a valid page");
    assert_eq!((page.items.len(), page.total_count), (20, 2_400));
    assert!(page.next.is_some());
    assert_eq!(calls(&sandbox, us_inventory::INSTANCE), 1);
}

#[tokio::test]
async fn every_item_comes_in_the_systems_own_page_size() {
    let sandbox = sandbox().await;
    let both = [LARGE_US_CUSTOMER.to_owned(), "1000101".to_owned()];
    let items = inventory_online(&sandbox)
        .items(&both)
        .await
        .expect("valid pages");
    assert_each_once(&items, 2_424);
    assert_eq!(
        calls(&sandbox, us_inventory::INSTANCE),
        3,
        "2,424 records in pages of at most 1,000"
    );

    let items = services_assistant(&sandbox)
        .items(&[LARGE_EU_CUSTOMER.to_owned()])
        .await
        .expect("valid pages");
    assert_each_once(&items, 2_048);
    assert_eq!(
        calls(&sandbox, eu_services::INSTANCE),
        5,
        "2,048 machines in pages of at most 500"
    );
}

#[tokio::test]
async fn the_large_customers_leave_the_other_companies_inventories_as_they_were() {
    let sandbox = sandbox().await;
    let globex = inventory_online(&sandbox)
        .items_page(&["1000101".to_owned()], &PageRequest::default())
        .await
        .expect("a valid page");
    assert_eq!((globex.items.len(), globex.total_count), (24, 24));
    assert_eq!(globex.next, None);
    let german = services_assistant(&sandbox)
        .items_page(&["4900301".to_owned()], &PageRequest::default())
        .await
        .expect("a valid page");
    assert_eq!((german.items.len(), german.total_count), (16, 16));
    assert_eq!(german.next, None);
}
