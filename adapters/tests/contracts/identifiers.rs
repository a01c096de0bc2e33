//! The fixtures are where the identifier rules come from.

use crate::fixture_server::fixture;

/// Every identifier in the well-formed fixtures passes its type in `model::ids`: the fixtures are
/// where those rules come from.
#[test]
fn every_identifier_in_the_fixtures_passes_its_type() {
    use supportgraph_adapters::model::{CustomerNumber, OrderNumber, SerialNumber, TrackingNumber};

    fn walk(value: &serde_json::Value, found: &mut Vec<(String, String)>) {
        match value {
            serde_json::Value::Object(map) => {
                for (key, value) in map {
                    if let Some(text) = value.as_str() {
                        found.push((key.clone(), text.to_owned()));
                    }
                    walk(value, found);
                }
            }
            serde_json::Value::Array(items) => items.iter().for_each(|v| walk(v, found)),
            _ => {}
        }
    }

    let mut checked = 0;
    for folder in ["order_status", "registration", "us_inventory"] {
        for entry in std::fs::read_dir(format!("fixtures/{folder}")).expect("the folder exists") {
            let path = entry.expect("an entry").path();
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default();
            if name.starts_with("malformed_") || !name.ends_with(".json") {
                continue;
            }
            let json: serde_json::Value =
                serde_json::from_str(&std::fs::read_to_string(&path).expect("readable"))
                    .expect("JSON");
            let mut found = Vec::new();
            walk(&json, &mut found);
            for (key, value) in found {
                let result = match key.as_str() {
                    "custNo" | "customerNumber" | "number" => CustomerNumber::check(&value),
                    "orderNo" => OrderNumber::check(&value),
                    "serialNo" => SerialNumber::check(&value),
                    "trackingNo" => TrackingNumber::check(&value),
                    _ => continue,
                };
                assert!(result.is_ok(), "{name}: {key} {value:?}: {result:?}");
                checked += 1;
            }
        }
    }
    for entry in std::fs::read_dir("fixtures/eu_services").expect("the folder exists") {
        let path = entry.expect("an entry").path();
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_owned();
        if name.starts_with("malformed_") || !name.ends_with(".xml") {
            continue;
        }
        let xml = fixture(&format!("eu_services/{name}"));
        let mut reader = quick_xml::Reader::from_str(&xml);
        loop {
            match reader.read_event().expect("well-formed") {
                quick_xml::events::Event::Start(e) | quick_xml::events::Event::Empty(e) => {
                    for attribute in e.attributes() {
                        let attribute = attribute.expect("an attribute");
                        let value = attribute.value.to_string();
                        let result = match attribute.key.as_ref() {
                            "customer" => CustomerNumber::check(&value),
                            "serial" => SerialNumber::check(&value),
                            _ => continue,
                        };
                        assert!(result.is_ok(), "{name}: {value:?}: {result:?}");
                        checked += 1;
                    }
                }
                quick_xml::events::Event::Eof => break,
                _ => {}
            }
        }
    }
    assert!(
        checked >= 20,
        "the fixtures were read: {checked} identifiers"
    );
}
