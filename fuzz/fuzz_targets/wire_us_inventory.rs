//! US Inventory OnLine's answers (JSON in US conventions, paged by token): a listing walked page
//! by page, one page, a lookup by serial number, a change request's receipt and refusals,
//! decoded and checked by the real adapter ([`HttpUsInventory`]) from a stub answering the input.
//!
//! Input: `CALL STATUS`, header lines, a blank line, the body. CALL is one of `items` (every
//! page: the stub answers each the same), `first_page`, `next_page` (after the token of
//! `inventory_first_page.json`), `items_by_serial`, `request_change`.
//!
//! Checked: no panic, and a walk over pages always ends.

#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use supportgraph_adapters::model::{InventoryChange, PageRequest};
use supportgraph_adapters::ports::InventoryBackend;
use supportgraph_adapters::us_inventory::{self, HttpUsInventory};
use supportgraph_fuzz::stub::{Exchange, Stub};

const CALLS: [&str; 5] = [
    "items",
    "first_page",
    "next_page",
    "items_by_serial",
    "request_change",
];

static STUB: LazyLock<Stub> = LazyLock::new(Stub::start);

fuzz_target!(|data: &[u8]| {
    let stub = &*STUB;
    let exchange = Exchange::parse(data, &CALLS, "application/json");
    let backend = HttpUsInventory::new(stub.client(us_inventory::INSTANCE));
    let answer = &exchange.answer;
    let customers = ["1000101".to_owned(), "1000102".to_owned()];
    match CALLS[exchange.call] {
        "items" => {
            let _ = stub.run(answer, backend.items(&customers));
        }
        "first_page" => {
            let _ = stub.run(
                answer,
                backend.items_page(&customers, &PageRequest::first(2)),
            );
        }
        "next_page" => {
            let cursor = "after.70101002".parse().expect("a cursor");
            let page = PageRequest::after(cursor, 2);
            let _ = stub.run(answer, backend.items_page(&customers, &page));
        }
        "items_by_serial" => {
            let serials = ["70101001".to_owned(), "0301-102".to_owned()];
            let _ = stub.run(answer, backend.items_by_serial(&serials));
        }
        _ => {
            let change = backend.request_change(
                "1000101",
                "70101001",
                InventoryChange::Moved,
                "to the Dallas DR site",
            );
            let _ = stub.run(answer, change);
        }
    }
});
