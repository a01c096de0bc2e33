//! Payloads against the documents' schemas: every JSON fixture (what the adapters read and send)
//! and what the sandbox answers must match the schema of what it is an example of, checked by
//! `examples.py` with the validator's Python. The XML backend's payloads are in `xml_examples`.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::Value;
use supportgraph_adapters::model::{ContractFilter, ContractQuery, ContractSort, Region};
use supportgraph_adapters::sandbox::openapi::contracts;
use supportgraph_adapters::sandbox::{SandboxHandle, demo};

use super::{root, start_sandbox, validator};

/// Every JSON fixture but the malformed ones (`adapters/fixtures/README.md` says what each is),
/// with the contract, method and path it belongs to, and which body it is: `request`, or the
/// answer's status.
const FIXTURES: &str = "
order_status/batch.json                   order-status  get   /v1/orders/batch  200
order_status/changes.json                 order-status  get   /v1/orders/changes  200
order_status/list_orders.json             order-status  get   /v1/orders  200
order_status/watch_request.json           order-status  post  /v1/orders/{order_no}/watchers  request
order_status/watch.json                   order-status  post  /v1/orders/{order_no}/watchers  201
order_status/refusal_order_closed.json    order-status  post  /v1/orders/{order_no}/watchers  409
registration/user.json                    registration  get   /v1/users/{user_id}  200
registration/authorization_request.json   registration  post  /v1/users/{user_id}/tool-authorizations  request
registration/authorization_pending.json   registration  post  /v1/users/{user_id}/tool-authorizations  201
registration/refusal_not_company_customer.json registration post /v1/users/{user_id}/tool-authorizations 422
registration/preferences.json             registration  get   /v1/users/{user_id}/preferences  200
registration/preference_request.json      registration  put   /v1/users/{user_id}/preferences/{id}  request
registration/preference.json              registration  put   /v1/users/{user_id}/preferences/{id}  200
registration/refusal_not_found.json       registration  put   /v1/users/{user_id}/preferences/{id}  404
registration/refusal_name_taken.json      registration  put   /v1/users/{user_id}/preferences/{id}  409
registration/refusal_version_conflict.json registration put   /v1/users/{user_id}/preferences/{id}  409
registration/refusal_too_many.json        registration  put   /v1/users/{user_id}/preferences/{id}  422
us_inventory/inventory.json               us-inventory-online  get   /v1/inventory  200
us_inventory/inventory_first_page.json    us-inventory-online  get   /v1/inventory  200
us_inventory/inventory_last_page.json     us-inventory-online  get   /v1/inventory  200
us_inventory/update_request.json          us-inventory-online  post  /v1/inventory/update-requests  request
us_inventory/receipt.json                 us-inventory-online  post  /v1/inventory/update-requests  201
billing/list_invoices.json                billing  get   /v1/invoices  200
billing/invoices_batch.json               billing  get   /v1/invoices/batch  200
billing/credit_notes_batch.json           billing  get   /v1/credit-notes/batch  200
billing/statement.json                    billing  get   /v1/customers/{cust_no}/statements/{period}  200
billing/refusal_unknown_customer.json     billing  get   /v1/customers/{cust_no}/statements/{period}  404
billing/action_request.json               billing  post  /v1/customers/{cust_no}/invoices/{invoice_no}/actions  request
billing/invoice_disputed.json             billing  post  /v1/customers/{cust_no}/invoices/{invoice_no}/actions  200
billing/refusal_unknown_invoice.json      billing  post  /v1/customers/{cust_no}/invoices/{invoice_no}/actions  404
billing/refusal_invalid_transition.json   billing  post  /v1/customers/{cust_no}/invoices/{invoice_no}/actions  409
billing/refusal_reason_required.json      billing  post  /v1/customers/{cust_no}/invoices/{invoice_no}/actions  422
mail/message_request.json                 mail  post  /v1/messages  request
mail/receipt.json                         mail  post  /v1/messages  202
mail/refusal_key_reused.json              mail  post  /v1/messages  409
support/inquiries.json                    support  get   /v1/inquiries  200
support/inquiries_batch.json              support  get   /v1/inquiries/batch  200
support/changes.json                      support  get   /v1/inquiries/changes  200
support/new_inquiry_request.json          support  post  /v1/inquiries  request
support/inquiry_submitted.json            support  post  /v1/inquiries  201
support/refusal_key_reused.json           support  post  /v1/inquiries  409
support/refusal_unknown_attachment.json   support  post  /v1/inquiries  422
support/upload.json                       support  post  /v1/customers/{cust_no}/attachments  201
support/reply_request.json                support  post  /v1/customers/{cust_no}/inquiries/{tracking_no}/messages  request
support/inquiry_replied.json              support  post  /v1/customers/{cust_no}/inquiries/{tracking_no}/messages  201
support/refusal_unknown_inquiry.json      support  post  /v1/customers/{cust_no}/inquiries/{tracking_no}/messages  404
support/refusal_inquiry_closed.json       support  post  /v1/customers/{cust_no}/inquiries/{tracking_no}/messages  409
support/inquiry_closed.json               support  post  /v1/customers/{cust_no}/inquiries/{tracking_no}/close  200
contracts/search.json                     contracts  post  /v1/contracts/search  200
contracts/batch.json                      contracts  get   /v1/contracts/batch  200
contracts/changes.json                    contracts  get   /v1/contracts/changes  200
contracts/step_request.json               contracts  post  /v1/customers/{cust_no}/contracts/{contract_no}/steps  request
contracts/contract_signed.json            contracts  post  /v1/customers/{cust_no}/contracts/{contract_no}/steps  200
contracts/contract_active.json            contracts  post  /v1/customers/{cust_no}/contracts/{contract_no}/steps  200
contracts/contract_in_review.json         contracts  post  /v1/customers/{cust_no}/contracts/{contract_no}/steps  200
contracts/contract_sent_for_signature.json contracts post  /v1/customers/{cust_no}/contracts/{contract_no}/steps  200
contracts/refusal_unknown_contract.json   contracts  post  /v1/customers/{cust_no}/contracts/{contract_no}/steps  404
contracts/refusal_invalid_transition.json contracts  post  /v1/customers/{cust_no}/contracts/{contract_no}/steps  409
contracts/refusal_version_changed.json    contracts  post  /v1/customers/{cust_no}/contracts/{contract_no}/steps  409
contracts/refusal_key_reused.json         contracts  post  /v1/customers/{cust_no}/contracts/{contract_no}/steps  409
contracts/refusal_terms_not_accepted.json contracts  post  /v1/customers/{cust_no}/contracts/{contract_no}/steps  422
contracts/refusal_invalid_text.json       contracts  post  /v1/customers/{cust_no}/contracts/{contract_no}/steps  422
";

/// One payload to check against a schema of a contract.
#[derive(Clone)]
pub(super) struct Example {
    /// What the checker calls it when it comes out wrong.
    pub label: String,
    /// The contract's name (`order-status`).
    pub contract: String,
    /// The JSON pointer to the schema in the document.
    pub pointer: String,
    /// The payload.
    pub instance: Payload,
    /// Whether it must validate.
    pub valid: bool,
}

/// A payload in the form its backend speaks.
#[derive(Clone)]
pub(super) enum Payload {
    /// A JSON value (`application/json`).
    Json(Value),
    /// An XML document's text (`application/xml`), read by its schema's `xml` rules.
    Xml(String),
}

impl Payload {
    /// The JSON value, for the checks that change a JSON fixture.
    fn json_mut(&mut self) -> &mut Value {
        match self {
            Payload::Json(value) => value,
            Payload::Xml(_) => panic!("not a JSON payload"),
        }
    }
}

/// The JSON pointer to the schema of `(method, path)`'s request body (`request`) or of its
/// answer with that status, in media type `media` (`application/json`).
pub(super) fn schema_pointer(path: &str, method: &str, body: &str, media: &str) -> String {
    let escape = |s: &str| s.replace('~', "~0").replace('/', "~1");
    let at = match body {
        "request" => "requestBody".to_owned(),
        status => format!("responses/{status}"),
    };
    let (path, media) = (escape(path), escape(media));
    format!("/paths/{path}/{method}/{at}/content/{media}/schema")
}

/// Runs `examples.py` over `examples` against the documents the handlers generate; panics with
/// what it said if any came out otherwise than it must.
pub(super) fn check(python: &Path, examples: &[Example]) {
    // Tests run in parallel: one directory per call.
    static CALLS: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "supportgraph-examples-{}-{}",
        std::process::id(),
        CALLS.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    for contract in contracts() {
        let file = dir.join(format!("{}.openapi.json", contract.name));
        std::fs::write(file, contract.to_json()).expect("writable");
    }
    let manifest: Vec<Value> = examples
        .iter()
        .map(|e| {
            let mut entry = serde_json::json!({
                "label": e.label,
                "document": dir.join(format!("{}.openapi.json", e.contract)),
                "pointer": e.pointer,
                "valid": e.valid,
            });
            match &e.instance {
                Payload::Json(value) => entry["instance"] = value.clone(),
                Payload::Xml(text) => entry["xml"] = text.clone().into(),
            }
            entry
        })
        .collect();
    let file = dir.join("manifest.json");
    std::fs::write(&file, Value::Array(manifest).to_string()).expect("writable");
    let output = Command::new(python)
        .arg(root().join("adapters/tests/openapi/examples.py"))
        .arg(&file)
        .output()
        .expect("the example checker runs");
    std::fs::remove_dir_all(&dir).ok();
    assert!(
        output.status.success(),
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// The fixtures of [`FIXTURES`], read.
fn fixture_examples() -> Vec<Example> {
    let fixtures = root().join("adapters/fixtures");
    FIXTURES
        .lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| {
            let [fixture, contract, method, path, body] = line
                .split_whitespace()
                .collect::<Vec<_>>()
                .try_into()
                .unwrap_or_else(|_| panic!("five columns: {line}"));
            let text = std::fs::read_to_string(fixtures.join(fixture)).expect("a fixture");
            Example {
                label: fixture.to_owned(),
                contract: contract.to_owned(),
                pointer: schema_pointer(path, method, body, "application/json"),
                instance: Payload::Json(serde_json::from_str(&text).expect("JSON")),
                valid: true,
            }
        })
        .collect()
}

#[test]
fn every_fixture_matches_the_schema_of_what_it_is_an_example_of() {
    let listed: BTreeSet<&str> = FIXTURES
        .lines()
        .filter_map(|line| line.split_whitespace().next())
        .collect();
    let fixtures = root().join("adapters/fixtures");
    let mut unlisted = Vec::new();
    for backend in std::fs::read_dir(&fixtures).expect("the fixtures") {
        let backend = backend.expect("an entry").path();
        let folder = backend
            .file_name()
            .expect("a name")
            .to_string_lossy()
            .into_owned();
        for file in std::fs::read_dir(&backend).into_iter().flatten() {
            let name = file
                .expect("an entry")
                .file_name()
                .to_string_lossy()
                .into_owned();
            let relative = format!("{folder}/{name}");
            let json = name.ends_with(".json") && !name.starts_with("malformed_");
            if json && !listed.contains(relative.as_str()) {
                unlisted.push(relative);
            }
        }
    }
    assert!(
        unlisted.is_empty(),
        "JSON fixtures missing from FIXTURES: {unlisted:?}"
    );
    let Some(python) = validator() else { return };
    let mut examples = fixture_examples();
    // The check can fail: an order list without its count, a watcher without an address.
    let find = |label: &str| {
        examples
            .iter()
            .find(|e| e.label == label)
            .cloned()
            .expect("a fixture")
    };
    let mut no_count = find("order_status/list_orders.json");
    no_count
        .instance
        .json_mut()
        .as_object_mut()
        .expect("an object")
        .remove("totalCount");
    let mut bad_email = find("order_status/watch_request.json");
    bad_email.instance.json_mut()["email"] = 7.into();
    for mut broken in [no_count, bad_email] {
        broken.label.push_str(", broken");
        broken.valid = false;
        examples.push(broken);
    }
    check(&python, &examples);
}

/// One call to the sandbox, and the status it must answer.
struct Call {
    /// The contract's name.
    contract: &'static str,
    /// The instance called.
    instance: &'static str,
    /// The operation's path in the document.
    path: &'static str,
    /// The URL called, relative to the instance.
    url: String,
    /// A JSON body to POST, or none to GET.
    body: Option<Value>,
    /// The status it must answer.
    status: u16,
}

/// What the sandbox answers to a read of every JSON backend, and to a bad request.
async fn sandbox_answers(sandbox: &SandboxHandle) -> Vec<Example> {
    let accounts = demo::accounts();
    let customers = |keep: &dyn Fn(&demo::DemoAccount) -> bool| {
        accounts
            .iter()
            .filter(|a| keep(a))
            .map(|a| a.customer_number)
            .collect::<Vec<_>>()
            .join(",")
    };
    let emea = customers(&|a| demo::region_of(a.country) == Some(Region::Emea));
    let us = customers(&|a| a.country == "US");
    let all = customers(&|_| true);
    let (user, _) = demo::users().into_iter().next().expect("a demo user");
    let search = ContractQuery {
        customer_numbers: all.split(',').map(str::to_owned).collect(),
        filter: ContractFilter::default(),
        sort: ContractSort::default(),
        after: None,
        limit: 50,
    };
    let search = serde_json::to_value(&search).expect("JSON");
    let read = |contract, instance, path, url: String, status| Call {
        contract,
        instance,
        path,
        url,
        body: None,
        status,
    };
    let calls = [
        read(
            "order-status",
            "order-status/emea",
            "/v1/orders",
            format!("v1/orders?customers={emea}&limit=500"),
            200,
        ),
        read(
            "order-status",
            "order-status/emea",
            "/v1/orders",
            "v1/orders".into(),
            400,
        ),
        read(
            "order-status",
            "order-status/emea",
            "/v1/orders/changes",
            "v1/orders/changes".into(),
            200,
        ),
        read(
            "billing",
            "billing/emea",
            "/v1/invoices",
            format!("v1/invoices?customers={emea}&limit=500"),
            200,
        ),
        read(
            "registration",
            "registration",
            "/v1/users/{user_id}",
            format!("v1/users/{}", user.user_id),
            200,
        ),
        read(
            "us-inventory-online",
            "us-inventory-online",
            "/v1/inventory",
            format!("v1/inventory?customerNumbers={us}"),
            200,
        ),
        read(
            "support",
            "support",
            "/v1/inquiries",
            format!("v1/inquiries?customers={all}"),
            200,
        ),
        Call {
            body: Some(search),
            ..read(
                "contracts",
                "contracts",
                "/v1/contracts/search",
                "v1/contracts/search".into(),
                200,
            )
        },
    ];
    let http = reqwest::Client::new();
    let mut answers = Vec::new();
    for call in calls {
        let url = sandbox
            .base_url(call.instance)
            .join(&call.url)
            .expect("a URL");
        let (method, request) = match &call.body {
            Some(body) => ("post", http.post(url.clone()).json(body)),
            None => ("get", http.get(url.clone())),
        };
        let answer = request.send().await.expect("the sandbox answers");
        assert_eq!(answer.status(), call.status, "{url}");
        answers.push(Example {
            label: format!("{method} {url} ({})", call.status),
            contract: call.contract.to_owned(),
            pointer: schema_pointer(
                call.path,
                method,
                &call.status.to_string(),
                "application/json",
            ),
            instance: Payload::Json(answer.json().await.expect("JSON")),
            valid: true,
        });
    }
    answers
}

#[tokio::test]
async fn what_the_sandbox_answers_matches_its_documents() {
    let Some(python) = validator() else { return };
    let sandbox = start_sandbox().await;
    check(&python, &sandbox_answers(&sandbox).await);
}
