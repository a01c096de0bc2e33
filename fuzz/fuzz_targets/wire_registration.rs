//! The registration system's answers: a profile, an authorisation request's answer and
//! refusals, the preference documents' listing, writes and deletes, decoded and checked by the
//! real adapter ([`HttpRegistrationBackend`]) from a stub answering the input.
//!
//! Input: `CALL STATUS`, header lines, a blank line, the body. CALL is one of `user_profile`,
//! `request_tool_authorization`, `list_preferences`, `put_preference` (a replacement of version
//! 3), `create_preference`, `delete_preference`.
//!
//! Checked: no panic.

#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use supportgraph_adapters::model::{PreferenceBody, PreferenceKind, PreferenceWrite, Tool};
use supportgraph_adapters::ports::RegistrationBackend;
use supportgraph_adapters::registration::{self, HttpRegistrationBackend};
use supportgraph_fuzz::stub::{Exchange, Stub};

const CALLS: [&str; 6] = [
    "user_profile",
    "request_tool_authorization",
    "list_preferences",
    "put_preference",
    "create_preference",
    "delete_preference",
];

const USER: &str = "globex-avery";
const DOCUMENT: &str = "0f8c5a3e-6d1b-4c2a-9e57-3b8d2f1a7c40";

static STUB: LazyLock<Stub> = LazyLock::new(Stub::start);

/// The write `fixtures/registration/preference_request.json` documents.
static BODY: LazyLock<PreferenceBody> = LazyLock::new(|| {
    serde_json::from_str(
        r#"{
            "columns": ["orderNumber", "status", "orderedAt", "total"],
            "filter": { "statuses": ["BACKORDERED", "IN_PROCESS"], "region": "EMEA", "productKind": "HARDWARE" },
            "sort": { "field": "orderedAt", "direction": "DESC" }
        }"#,
    )
    .expect("a JSON object")
});

fn write(expected_version: Option<u64>) -> PreferenceWrite {
    PreferenceWrite {
        id: DOCUMENT.into(),
        kind: PreferenceKind::OrderReport,
        name: "Late EMEA hardware".into(),
        body: BODY.clone(),
        expected_version,
    }
}

fuzz_target!(|data: &[u8]| {
    let stub = &*STUB;
    let exchange = Exchange::parse(data, &CALLS, "application/json");
    let backend = HttpRegistrationBackend::new(stub.client(registration::INSTANCE));
    let answer = &exchange.answer;
    let kind = PreferenceKind::OrderReport;
    match CALLS[exchange.call] {
        "user_profile" => {
            let _ = stub.run(answer, backend.user_profile(USER));
        }
        "request_tool_authorization" => {
            let request = backend.request_tool_authorization(
                USER,
                Tool::Invoices,
                "1000101",
                "month-end close",
            );
            let _ = stub.run(answer, request);
        }
        "list_preferences" => {
            let _ = stub.run(answer, backend.list_preferences(USER, kind));
        }
        "put_preference" => {
            let _ = stub.run(answer, backend.put_preference(USER, &write(Some(3))));
        }
        "create_preference" => {
            let _ = stub.run(answer, backend.put_preference(USER, &write(None)));
        }
        _ => {
            let _ = stub.run(answer, backend.delete_preference(USER, kind, DOCUMENT));
        }
    }
});
