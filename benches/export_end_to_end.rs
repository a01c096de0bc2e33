//! A 50,000-order export through the whole gateway: the sandbox holds 50,000 more orders for the
//! colocation provider's US customer number (`sandbox.extra_orders`), and its user downloads
//! every order they may see from `GET /exports/orders.{csv,xlsx,html}` over real HTTP.
//!
//! For each format it reports the rows and bytes received, the heap's peak growth during the
//! download (the whole process: the gateway, the sandbox answering its pages and the client
//! reading the body), and the time next to the floor — the same pages asked from the sandbox
//! directly, through the order-status adapter. Absolute times drift on this machine; the ratio
//! and the memory are what to compare. The export module's own memory test
//! (`tests/export_memory.rs`) asserts the bound; this shows it holds end to end.
//!
//! Run: `cargo bench --bench export_end_to_end`.

// Benches drive the sandbox and real HTTP clients directly; the boundary lint is for the gateway.
#![allow(clippy::disallowed_types, clippy::disallowed_methods)]

use std::time::{Duration, Instant};

use futures::StreamExt;
use peak_alloc::PeakAlloc;
use supportgraph::settings::Settings;
use supportgraph::startup::Application;
use supportgraph_adapters::client::{BackendClient, BackendEndpoint};
use supportgraph_adapters::model::{OrderQuery, Region};
use supportgraph_adapters::order_status::HttpOrderBackend;
use supportgraph_adapters::ports::OrderBackend;
use supportgraph_adapters::sandbox::demo::{LARGE_EU_CUSTOMER, LARGE_US_CUSTOMER};

#[global_allocator]
static ALLOCATOR: PeakAlloc = PeakAlloc;

const EXTRA_ORDERS: u32 = 50_000;
const USER: &str = "atlas-morgan";
/// Every order the user may see: an empty search, base64url of `{}`.
const EVERYTHING: &str = "e30";
/// The page size the gateway's export walk asks for (the backends' largest).
const PAGE: u32 = 500;

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    runtime.block_on(run());
}

async fn run() {
    let mut settings = Settings::load_without_env(None).expect("the shipped settings load");
    settings.server.port = 0;
    settings.sandbox.extra_orders = EXTRA_ORDERS;
    // Three downloads of about 100 pages each, well within one principal's rate.
    settings.limits.rate_burst = 10_000;
    settings.limits.rate_per_second = 1_000;
    let application = Application::build(settings)
        .await
        .expect("the gateway builds");
    let address = format!("http://127.0.0.1:{}", application.port());
    let sandbox = application.sandbox().expect("the embedded sandbox");
    let token = sandbox.identity().mint(USER).expect("a token");
    tokio::spawn(application.run_until_stopped());
    let http = reqwest::Client::new();

    let americas = supportgraph_adapters::order_status::instance_name(Region::Americas);
    let floor = floor_pages(&sandbox.base_url(americas)).await;
    println!(
        "floor: {} orders in {} pages straight from the sandbox in {:.0} ms",
        floor.orders,
        floor.pages,
        floor.elapsed.as_secs_f64() * 1e3
    );

    // Warm up: connections, JWKS, lazily built statics.
    let _ = download(&http, &address, &token, "csv").await;
    for format in ["csv", "xlsx", "html"] {
        ALLOCATOR.reset_peak_usage();
        let before = ALLOCATOR.current_usage();
        let result = download(&http, &address, &token, format).await;
        let growth = ALLOCATOR.peak_usage().saturating_sub(before);
        println!(
            "{format:>4}: status {}, {} bytes, {} lines, heap peak +{:.1} MB, {:.0} ms ({:.2}x the floor)",
            result.status,
            result.bytes,
            result.lines,
            growth as f64 / 1e6,
            result.elapsed.as_secs_f64() * 1e3,
            result.elapsed.as_secs_f64() / floor.elapsed.as_secs_f64(),
        );
        assert_eq!(result.status, 200, "the export answers");
    }
}

struct Download {
    status: u16,
    bytes: usize,
    lines: usize,
    elapsed: Duration,
}

/// Streams one export, counting what arrives without keeping it.
async fn download(http: &reqwest::Client, address: &str, token: &str, format: &str) -> Download {
    let started = Instant::now();
    let response = http
        .get(format!(
            "{address}/exports/orders.{format}?search={EVERYTHING}"
        ))
        .bearer_auth(token)
        .send()
        .await
        .expect("the export answers");
    let status = response.status().as_u16();
    let mut body = response.bytes_stream();
    let (mut bytes, mut lines) = (0, 0);
    while let Some(chunk) = body.next().await {
        let chunk = chunk.expect("the body arrives");
        bytes += chunk.len();
        lines += chunk.iter().filter(|b| **b == b'\n').count();
    }
    Download {
        status,
        bytes,
        lines,
        elapsed: started.elapsed(),
    }
}

struct Floor {
    orders: usize,
    pages: usize,
    elapsed: Duration,
}

/// The same walk without the gateway: every page of the user's orders in the Americas (where the
/// 50,000 are), at the backend's largest page, through the adapter.
async fn floor_pages(base_url: &url::Url) -> Floor {
    let endpoint = BackendEndpoint {
        name: "order-status/americas".into(),
        base_url: base_url.clone(),
        timeout: Duration::from_secs(30),
    };
    let backend = HttpOrderBackend::new(
        BackendClient::new(reqwest::Client::new(), endpoint),
        Region::Americas,
    );
    let started = Instant::now();
    let mut query = OrderQuery {
        customer_numbers: vec![LARGE_US_CUSTOMER.into(), LARGE_EU_CUSTOMER.into()],
        limit: PAGE,
        ..OrderQuery::default()
    };
    let (mut orders, mut pages) = (0, 0);
    loop {
        let page = backend.list_orders(&query).await.expect("a page");
        orders += page.orders.len();
        pages += 1;
        match page.orders.last() {
            Some(last) if page.orders.len() == PAGE as usize => {
                query.after = Some(last.sort_key(query.sort));
            }
            _ => break,
        }
    }
    Floor {
        orders,
        pages,
        elapsed: started.elapsed(),
    }
}
