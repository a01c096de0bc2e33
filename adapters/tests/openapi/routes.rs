//! Every route a simulator serves is in its document, with exactly the documented methods.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use serde_json::Value;
use supportgraph_adapters::model::Region;
use supportgraph_adapters::registration::sandbox::RegistrationState;
use supportgraph_adapters::sandbox::Outbox;
use supportgraph_adapters::sandbox::openapi::contracts;
use supportgraph_adapters::{billing, contracts as contracts_system, eu_services, mail};
use supportgraph_adapters::{order_status, registration, support, us_inventory};

use super::{SEED, start_sandbox};

/// The paths an axum router serves. axum has no public listing of its routes, so this reads its
/// `Debug` output, whose path router lists them (`node: Node { paths: {RouteId(3): "/v1/x", ..`)
/// before the fallback router; a change of that output fails the non-empty check below rather
/// than passing silently.
fn router_paths<S>(router: &axum::Router<S>) -> BTreeSet<String> {
    let debug = format!("{router:?}");
    let (routes, _) = debug
        .split_once("fallback_router:")
        .expect("the router's Debug output names its fallback router");
    let paths: BTreeSet<String> = routes
        .split("RouteId(")
        .filter_map(|entry| {
            let (_, rest) = entry.split_once("): \"")?;
            rest.split_once('"').map(|(path, _)| path.to_owned())
        })
        .collect();
    assert!(
        !paths.is_empty() && paths.iter().all(|p| p.starts_with('/')),
        "no paths read from the router's Debug output: {debug}"
    );
    paths
}

/// The paths of every backend instance's router as the sandbox builds it, by instance name: the
/// regional instances of a kind are built apart, so each is compared with the kind's document.
fn routers() -> BTreeMap<&'static str, BTreeSet<String>> {
    let outbox = Arc::new(Outbox::new());
    let mut routers = BTreeMap::new();
    for region in Region::ALL {
        let orders = order_status::sandbox::router(SEED, region, 0, outbox.clone());
        routers.insert(order_status::instance_name(region), router_paths(&orders));
        let billing = billing::sandbox::router(SEED, region);
        routers.insert(billing::instance_name(region), router_paths(&billing));
    }
    let registration = registration::sandbox::router(Arc::new(RegistrationState::new(None)));
    routers.insert(registration::INSTANCE, router_paths(&registration));
    let inventory = us_inventory::sandbox::router(SEED);
    routers.insert(us_inventory::INSTANCE, router_paths(&inventory));
    let assistant = eu_services::sandbox::router(SEED);
    routers.insert(eu_services::INSTANCE, router_paths(&assistant));
    let mail = mail::sandbox::router(outbox.clone());
    routers.insert(mail::INSTANCE, router_paths(&mail));
    routers.insert(
        support::INSTANCE,
        router_paths(&support::sandbox::router(SEED)),
    );
    let contracts = contracts_system::sandbox::router(SEED, outbox);
    routers.insert(contracts_system::INSTANCE, router_paths(&contracts));
    routers
}

/// The methods of each path of `document`.
pub(super) fn documented(document: &Value) -> BTreeMap<String, BTreeSet<String>> {
    document["paths"]
        .as_object()
        .expect("paths")
        .iter()
        .map(|(path, item)| {
            let methods = item
                .as_object()
                .expect("a path item")
                .keys()
                .filter(|k| METHODS.contains(&k.as_str()))
                .cloned()
                .collect();
            (path.clone(), methods)
        })
        .collect()
}

/// The methods checked, as OpenAPI names them.
pub(super) const METHODS: [&str; 5] = ["get", "post", "put", "delete", "patch"];

#[tokio::test]
async fn every_route_each_backend_instance_serves_is_in_its_contract_with_its_methods() {
    let routers = routers();
    let contracts = contracts();
    assert_eq!(
        routers.keys().copied().collect::<BTreeSet<_>>(),
        contracts
            .iter()
            .flat_map(|c| c.instances.iter().copied())
            .collect::<BTreeSet<_>>(),
        "a router for every instance of every contract"
    );
    let sandbox = start_sandbox().await;
    let http = reqwest::Client::new();
    for contract in &contracts {
        let document = serde_json::to_value(&contract.document).expect("JSON");
        let documented = documented(&document);
        for &instance in &contract.instances {
            assert_eq!(
                &documented.keys().cloned().collect::<BTreeSet<_>>(),
                &routers[instance],
                "{instance}: the paths served are the paths of {}'s document",
                contract.name
            );
            probe_methods(&http, &sandbox.base_url(instance), instance, &documented).await;
        }
    }
}

/// Calls every path of `documented` on `base` (an instance's URL) with each method: a documented
/// method is routed (anything but 405), any other is 405.
async fn probe_methods(
    http: &reqwest::Client,
    base: &reqwest::Url,
    instance: &str,
    documented: &BTreeMap<String, BTreeSet<String>>,
) {
    for (path, methods) in documented {
        let concrete = path
            .split('/')
            .map(|s| if s.starts_with('{') { "x" } else { s })
            .collect::<Vec<_>>()
            .join("/");
        let url = base.join(concrete.trim_start_matches('/')).expect("a URL");
        for method in METHODS {
            let verb = method.to_uppercase().parse().expect("a method");
            let status = http
                .request(verb, url.clone())
                .send()
                .await
                .expect("the sandbox answers")
                .status();
            assert_eq!(
                status == 405,
                !methods.contains(method),
                "{instance}: {method} {path} answered {status}, documented {methods:?}"
            );
        }
    }
}
