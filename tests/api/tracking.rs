//! Carrier tracking links on shipments, built from `config/carriers.toml`.

use std::collections::BTreeMap;

use serde_json::{Value, json};
use supportgraph::carriers::{CarrierDirectory, PLACEHOLDER};

use crate::helpers::{GLOBEX_USER, spawn_app};

const SHIPMENTS: &str = r#"
query($after: String) {
  orders(first: 100, after: $after) {
    pageInfo { hasNextPage endCursor }
    edges { node { shipments { carrierCode carrierName trackingNumber trackingUrl } } }
  }
}"#;

/// The carriers' templates, read independently of the gateway's code path.
fn templates() -> BTreeMap<String, Option<String>> {
    let text = std::fs::read_to_string("config/carriers.toml").expect("carriers.toml");
    let value: toml::Value = toml::from_str(&text).expect("valid TOML");
    value["carriers"]
        .as_table()
        .expect("a carriers table")
        .iter()
        .map(|(code, c)| {
            let template = c
                .get("tracking_url")
                .and_then(|t| t.as_str())
                .map(str::to_owned);
            (code.clone(), template)
        })
        .collect()
}

#[tokio::test]
async fn every_configured_carrier_gets_its_tracking_link_with_the_number_encoded() {
    let app = spawn_app().await;
    let mut shipments = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let answer = app
            .graphql_as(GLOBEX_USER, SHIPMENTS, json!({ "after": after }))
            .await;
        let orders = &answer.assert_ok()["orders"];
        for edge in orders["edges"].as_array().expect("edges") {
            shipments.extend(
                edge["node"]["shipments"]
                    .as_array()
                    .expect("shipments")
                    .clone(),
            );
        }
        if orders["pageInfo"]["hasNextPage"] != json!(true) {
            break;
        }
        after = orders["pageInfo"]["endCursor"].as_str().map(str::to_owned);
    }

    let templates = templates();
    assert!(
        templates.len() >= 5,
        "UPS, FedEx, DHL, TNT and one without tracking"
    );
    for (code, template) in &templates {
        let of_carrier: Vec<&Value> = shipments
            .iter()
            .filter(|s| s["carrierCode"] == code.as_str())
            .collect();
        assert!(!of_carrier.is_empty(), "the demo data ships with {code}");
        for shipment in of_carrier {
            let number = shipment["trackingNumber"].as_str().expect("number");
            let url = &shipment["trackingUrl"];
            match template {
                None => assert_eq!(url, &Value::Null, "{code} has no online tracking"),
                Some(template) => {
                    let encoded: String = number
                        .bytes()
                        .map(|b| {
                            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                                (b as char).to_string()
                            } else {
                                format!("%{b:02X}")
                            }
                        })
                        .collect();
                    assert_eq!(url, &json!(template.replace(PLACEHOLDER, &encoded)));
                }
            }
        }
    }

    let needs_encoding = shipments
        .iter()
        .find(|s| {
            s["trackingNumber"]
                .as_str()
                .is_some_and(|n| n.contains(' ') && n.contains('/'))
        })
        .expect("TNT consignment numbers contain spaces and a slash");
    let url = needs_encoding["trackingUrl"]
        .as_str()
        .expect("TNT tracks online");
    assert!(url.contains("%20") && url.contains("%2F"), "{url}");
    assert!(!url.contains(' '));
    let parsed = url::Url::parse(url).expect("a valid URL");
    let cons = parsed
        .query_pairs()
        .find(|(k, _)| k == "cons")
        .map(|(_, v)| v.into_owned());
    assert_eq!(cons.as_deref(), needs_encoding["trackingNumber"].as_str());
}

#[test]
fn the_shipped_carrier_directory_loads() {
    let carriers =
        CarrierDirectory::load(std::path::Path::new("config/carriers.toml")).expect("loads");
    for code in ["UPS", "FEDEX", "DHL", "TNT", "OWNFLEET"] {
        assert!(carriers.get(code).is_some(), "{code}");
    }
}
