//! The paging contract of both inventory systems: what a page request sends, how the next page is
//! asked for, and the answers that would page forever or elsewhere.

use std::time::Duration;

use axum::http::StatusCode;
use supportgraph_adapters::AdapterError;
use supportgraph_adapters::model::{InventoryPage, PageCursor, PageRequest};
use supportgraph_adapters::ports::InventoryBackend;

use crate::eu_services::eu_services;
use crate::fixture_server::{FixtureServer, fixture, serve, serve_each};
use crate::us_inventory::us_inventory;

fn cursor(text: &str) -> PageCursor {
    text.parse().expect("a valid cursor")
}

async fn two_pages(first: &str, last: &str) -> FixtureServer {
    serve_each(
        vec![
            (StatusCode::OK, fixture(first)),
            (StatusCode::OK, fixture(last)),
        ],
        Duration::ZERO,
    )
    .await
}

/// What one system's two-page fixture listing must give: the query of each page, the cursor of
/// the second page and its one item.
struct TwoPages<'a> {
    customer: &'a str,
    first_query: &'a str,
    cursor: &'a str,
    second_query: &'a str,
    last_serial: &'a str,
}

/// Asks `inventory` (served the two-page fixtures by `server`) for both pages, two items at a
/// time, and checks what it sent and read; returns both pages.
async fn assert_two_pages(
    inventory: &dyn InventoryBackend,
    server: &FixtureServer,
    expected: TwoPages<'_>,
) -> (InventoryPage, InventoryPage) {
    let customers = [expected.customer.to_owned()];
    let first = inventory
        .items_page(&customers, &PageRequest::first(2))
        .await
        .expect("a valid page");
    assert!(
        server.uri(0).ends_with(expected.first_query),
        "{}",
        server.uri(0)
    );
    assert_eq!((first.items.len(), first.total_count), (2, 3));
    let next = first.next.clone().expect("a second page");
    assert_eq!(next.as_str(), expected.cursor);

    let last = inventory
        .items_page(&customers, &PageRequest::after(next, 2))
        .await
        .expect("a valid page");
    assert!(
        server.uri(1).ends_with(expected.second_query),
        "{}",
        server.uri(1)
    );
    assert_eq!(last.items.len(), 1);
    assert_eq!(last.items[0].serial_number, expected.last_serial);
    assert_eq!((&last.next, last.total_count), (&None, 3));
    (first, last)
}

#[tokio::test]
async fn us_inventory_pages_by_token_and_says_where_the_next_page_starts() {
    let server = two_pages(
        "us_inventory/inventory_first_page.json",
        "us_inventory/inventory_last_page.json",
    )
    .await;
    let expected = TwoPages {
        customer: "1000101",
        first_query: "/v1/inventory?customerNumbers=1000101&limit=2",
        cursor: "after.70101002",
        second_query: "/v1/inventory?customerNumbers=1000101&limit=2&pageToken=after.70101002",
        last_serial: "70101003",
    };
    assert_two_pages(&us_inventory(&server), &server, expected).await;
}

#[tokio::test]
async fn the_services_assistant_pages_by_offset_and_a_location_can_span_pages() {
    let server = two_pages(
        "eu_services/installed_base_first_page.xml",
        "eu_services/installed_base_last_page.xml",
    )
    .await;
    let expected = TwoPages {
        customer: "4900301",
        first_query: "/v1/installations?customers=4900301&limit=2",
        cursor: "2",
        second_query: "/v1/installations?customers=4900301&offset=2&limit=2",
        last_serial: "0301-103",
    };
    let (first, last) = assert_two_pages(&eu_services(&server), &server, expected).await;
    let location = |page: &InventoryPage| page.items[0].location.clone().map(|l| l.name);
    assert_eq!(
        location(&last),
        location(&first),
        "one location, split between the pages"
    );
}

#[tokio::test]
async fn every_item_walks_every_page_with_the_systems_own_page_size() {
    let server = two_pages(
        "us_inventory/inventory_first_page.json",
        "us_inventory/inventory_last_page.json",
    )
    .await;
    let items = us_inventory(&server)
        .items(&["1000101".into()])
        .await
        .expect("valid pages");
    let serials: Vec<&str> = items.iter().map(|i| i.serial_number.as_str()).collect();
    assert_eq!(serials, ["70101001", "70101002", "70101003"]);
    assert_eq!(server.requests(), 2, "one call per page");
    assert!(server.uri(0).ends_with("?customerNumbers=1000101"));
    assert!(
        server
            .uri(1)
            .ends_with("?customerNumbers=1000101&pageToken=after.70101002")
    );

    let server = two_pages(
        "eu_services/installed_base_first_page.xml",
        "eu_services/installed_base_last_page.xml",
    )
    .await;
    let items = eu_services(&server)
        .items(&["4900301".into()])
        .await
        .expect("valid pages");
    assert_eq!(items.len(), 3);
    assert!(server.uri(1).ends_with("?customers=4900301&offset=2"));
}

#[tokio::test]
async fn a_page_longer_than_asked_for_breaks_the_contract() {
    let server = serve(
        StatusCode::OK,
        fixture("us_inventory/inventory_first_page.json"),
        Duration::ZERO,
    )
    .await;
    match us_inventory(&server)
        .items_page(&["1000101".into()], &PageRequest::first(1))
        .await
    {
        Err(AdapterError::Decode { detail, .. }) => {
            assert!(detail.contains("at most 1 items, got 2"), "{detail}")
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
}

#[tokio::test]
async fn pages_that_go_on_past_their_own_total_are_refused() {
    let page = |serial: &str, token: &str| {
        let mut page: serde_json::Value =
            serde_json::from_str(&fixture("us_inventory/inventory_last_page.json")).expect("JSON");
        page["records"][0]["serialNo"] = serial.into();
        page["nextPageToken"] = token.into();
        (StatusCode::OK, page.to_string())
    };
    let server = serve_each(
        vec![
            page("70101001", "after.70101001"),
            page("70101002", "after.70101002"),
            page("70101003", "after.70101003"),
            page("70101004", "after.70101004"),
        ],
        Duration::ZERO,
    )
    .await;
    match us_inventory(&server).items(&["1000101".into()]).await {
        Err(AdapterError::Decode { detail, .. }) => {
            assert!(detail.contains("announced 3 items"), "{detail}")
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
    assert_eq!(server.requests(), 3, "no page past the announced total");
}

#[tokio::test]
async fn a_cursor_another_system_issued_or_an_empty_page_is_refused_unsent() {
    let server = serve(StatusCode::OK, "{}".into(), Duration::ZERO).await;
    let us_cursor = PageRequest::after(cursor("after.70101002"), 10);
    assert!(matches!(
        eu_services(&server)
            .items_page(&["4900301".into()], &us_cursor)
            .await,
        Err(AdapterError::InvalidRequest { .. })
    ));
    for inventory in [
        &us_inventory(&server) as &dyn InventoryBackend,
        &eu_services(&server),
    ] {
        assert!(matches!(
            inventory
                .items_page(&["4900301".into()], &PageRequest::first(0))
                .await,
            Err(AdapterError::InvalidRequest { .. })
        ));
    }
    assert_eq!(server.requests(), 0);
}
