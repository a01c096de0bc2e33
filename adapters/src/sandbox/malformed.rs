//! The documented malformed payloads (`fixtures/<backend>/malformed_*`), compiled in so that a
//! fault can make any instance send one by name instead of its real answer.
//!
//! A fault with `malformed = "overflowing-amounts"` for `order-status/emea` makes that instance
//! answer every call with `fixtures/order_status/malformed_overflowing_amounts.json`, and so on:
//! the name is the file's, without `malformed_` and the extension, hyphens for underscores. The
//! fixtures document what each backend must never be trusted to send; serving them through the
//! real stack shows the gateway turns each into a clean error for that one instance.

/// One malformed payload of one backend.
struct Malformed {
    /// The backend: an instance name, or its part before `/` (`order-status`).
    backend: &'static str,
    /// Its name in fault settings.
    name: &'static str,
    /// The media type it is served with.
    content_type: &'static str,
    /// The fixture's text.
    body: &'static str,
}

const JSON: &str = "application/json";
const XML: &str = "application/xml";

macro_rules! malformed {
    ($backend:literal, $name:literal, $content_type:expr, $file:literal) => {
        Malformed {
            backend: $backend,
            name: $name,
            content_type: $content_type,
            body: include_str!(concat!("../../fixtures/", $file)),
        }
    };
}

/// Every `malformed_*` fixture (a test checks none is missing).
const ALL: &[Malformed] = &[
    malformed!(
        "order-status",
        "bad-currency",
        JSON,
        "order_status/malformed_bad_currency.json"
    ),
    malformed!(
        "order-status",
        "bad-date",
        JSON,
        "order_status/malformed_bad_date.json"
    ),
    malformed!(
        "order-status",
        "overflowing-amounts",
        JSON,
        "order_status/malformed_overflowing_amounts.json"
    ),
    malformed!(
        "order-status",
        "unknown-status",
        JSON,
        "order_status/malformed_unknown_status.json"
    ),
    malformed!(
        "billing",
        "closing-balance",
        JSON,
        "billing/malformed_closing_balance.json"
    ),
    malformed!(
        "billing",
        "document-number",
        JSON,
        "billing/malformed_document_number.json"
    ),
    malformed!(
        "billing",
        "invoice-total",
        JSON,
        "billing/malformed_invoice_total.json"
    ),
    malformed!(
        "billing",
        "line-total",
        JSON,
        "billing/malformed_line_total.json"
    ),
    malformed!(
        "billing",
        "running-balance",
        JSON,
        "billing/malformed_running_balance.json"
    ),
    malformed!(
        "billing",
        "unknown-status",
        JSON,
        "billing/malformed_unknown_status.json"
    ),
    malformed!(
        "billing",
        "yen-decimals",
        JSON,
        "billing/malformed_yen_decimals.json"
    ),
    malformed!(
        "registration",
        "unknown-status",
        JSON,
        "registration/malformed_unknown_status.json"
    ),
    malformed!(
        "us-inventory-online",
        "endless-pages",
        JSON,
        "us_inventory/malformed_endless_pages.json"
    ),
    malformed!(
        "us-inventory-online",
        "half-a-site",
        JSON,
        "us_inventory/malformed_half_a_site.json"
    ),
    malformed!(
        "us-inventory-online",
        "iso-date",
        JSON,
        "us_inventory/malformed_iso_date.json"
    ),
    malformed!(
        "us-inventory-online",
        "missing-serial",
        JSON,
        "us_inventory/malformed_missing_serial.json"
    ),
    malformed!(
        "us-inventory-online",
        "negative-amount",
        JSON,
        "us_inventory/malformed_negative_amount.json"
    ),
    malformed!(
        "us-inventory-online",
        "unknown-category",
        JSON,
        "us_inventory/malformed_unknown_category.json"
    ),
    malformed!(
        "eu-services-assistant",
        "bad-country",
        XML,
        "eu_services/malformed_bad_country.xml"
    ),
    malformed!(
        "eu-services-assistant",
        "missing-serial",
        XML,
        "eu_services/malformed_missing_serial.xml"
    ),
    malformed!(
        "eu-services-assistant",
        "not-xml",
        XML,
        "eu_services/malformed_not_xml.xml"
    ),
    malformed!(
        "eu-services-assistant",
        "page-elsewhere",
        XML,
        "eu_services/malformed_page_elsewhere.xml"
    ),
    malformed!(
        "eu-services-assistant",
        "unknown-kind",
        XML,
        "eu_services/malformed_unknown_kind.xml"
    ),
    malformed!(
        "eu-services-assistant",
        "us-date",
        XML,
        "eu_services/malformed_us_date.xml"
    ),
    malformed!(
        "eu-services-assistant",
        "wrong-root",
        XML,
        "eu_services/malformed_wrong_root.xml"
    ),
    malformed!(
        "mail",
        "blank-message-id",
        JSON,
        "mail/malformed_blank_message_id.json"
    ),
    malformed!("support", "sha256", JSON, "support/malformed_sha256.json"),
    malformed!(
        "support",
        "thread-order",
        JSON,
        "support/malformed_thread_order.json"
    ),
    malformed!(
        "support",
        "tracking-number",
        JSON,
        "support/malformed_tracking_number.json"
    ),
    malformed!(
        "support",
        "unknown-status",
        JSON,
        "support/malformed_unknown_status.json"
    ),
    malformed!(
        "contracts",
        "contract-number",
        JSON,
        "contracts/malformed_contract_number.json"
    ),
    malformed!(
        "contracts",
        "current-version",
        JSON,
        "contracts/malformed_current_version.json"
    ),
    malformed!(
        "contracts",
        "history-action",
        JSON,
        "contracts/malformed_history_action.json"
    ),
    malformed!(
        "contracts",
        "other-customer",
        JSON,
        "contracts/malformed_other_customer.json"
    ),
    malformed!(
        "contracts",
        "status-history",
        JSON,
        "contracts/malformed_status_history.json"
    ),
    malformed!(
        "contracts",
        "version-order",
        JSON,
        "contracts/malformed_version_order.json"
    ),
];

/// The backend an instance belongs to: `order-status/emea` → `order-status`.
fn backend_of(instance: &str) -> &str {
    instance
        .split_once('/')
        .map_or(instance, |(backend, _)| backend)
}

/// The malformed payload `name` of `instance`'s backend: its media type and body.
pub(crate) fn payload(instance: &str, name: &str) -> Option<(&'static str, &'static str)> {
    let backend = backend_of(instance);
    ALL.iter()
        .find(|m| m.backend == backend && m.name == name)
        .map(|m| (m.content_type, m.body))
}

/// The names of the malformed payloads `instance` can send, for error messages.
pub(crate) fn names(instance: &str) -> Vec<&'static str> {
    let backend = backend_of(instance);
    ALL.iter()
        .filter(|m| m.backend == backend)
        .map(|m| m.name)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_malformed_fixture_can_be_served_by_name() {
        let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
        let mut on_disk = Vec::new();
        for dir in std::fs::read_dir(&fixtures).expect("the fixtures folder") {
            let dir = dir.expect("an entry").path();
            if !dir.is_dir() {
                continue;
            }
            for file in std::fs::read_dir(&dir).expect("a backend's folder") {
                let file = file.expect("an entry").path();
                let name = file
                    .file_name()
                    .expect("a file name")
                    .to_string_lossy()
                    .into_owned();
                if name.starts_with("malformed_") {
                    let body = std::fs::read_to_string(&file).expect("readable");
                    on_disk.push(body);
                }
            }
        }
        assert_eq!(on_disk.len(), ALL.len(), "one entry per malformed fixture");
        for body in on_disk {
            assert!(ALL.iter().any(|m| m.body == body), "listed:\n{body}");
        }
    }

    #[test]
    fn names_are_per_backend() {
        assert_eq!(
            payload("order-status/emea", "overflowing-amounts").map(|(t, _)| t),
            Some(JSON)
        );
        assert!(payload("order-status/emea", "not-xml").is_none());
        assert!(payload("eu-services-assistant", "not-xml").is_some());
        assert!(names("registration").contains(&"unknown-status"));
        assert!(names("identity").is_empty());
    }
}
