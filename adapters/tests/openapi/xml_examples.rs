//! The European Services Assistant's payloads against its document: it speaks XML, so
//! `examples.py` reads each fixture and each sandbox answer by the schema's `xml` rules (root
//! element, attributes, child elements, text) before validating it, and refuses any name the
//! schema has no place for.

use std::collections::BTreeSet;

use supportgraph_adapters::eu_services;
use supportgraph_adapters::model::{AuthorizationStatus, Region, Tool};
use supportgraph_adapters::sandbox::demo;

use super::examples::{Example, Payload, check, schema_pointer};
use super::{root, start_sandbox, validator};

/// The XML media type, and the contract's name (its one instance's).
const XML: &str = "application/xml";
const CONTRACT: &str = eu_services::INSTANCE;

/// Every XML fixture (`adapters/fixtures/README.md` says what each is), with the method, path
/// and body (`request`, or the answer's status) it belongs to, and whether it matches the schema.
/// Two malformed ones do (a country written out, the wrong page): only the adapter can tell.
const FIXTURES: &str = "
eu_services/installed_base.xml               get   /v1/installations  200  valid
eu_services/installed_base_first_page.xml    get   /v1/installations  200  valid
eu_services/installed_base_last_page.xml     get   /v1/installations  200  valid
eu_services/change_request.xml               post  /v1/change-requests  request  valid
eu_services/receipt.xml                      post  /v1/change-requests  201  valid
eu_services/error_not_entitled.xml           post  /v1/change-requests  403  valid
eu_services/malformed_bad_country.xml        get   /v1/installations  200  valid
eu_services/malformed_page_elsewhere.xml     get   /v1/installations  200  valid
eu_services/malformed_missing_serial.xml     get   /v1/installations  200  invalid
eu_services/malformed_not_xml.xml            get   /v1/installations  200  invalid
eu_services/malformed_unknown_kind.xml       get   /v1/installations  200  invalid
eu_services/malformed_us_date.xml            get   /v1/installations  200  invalid
eu_services/malformed_wrong_root.xml         get   /v1/installations  200  invalid
";

/// An XML example of `CONTRACT`.
fn example(label: String, method: &str, path: &str, body: &str, xml: String) -> Example {
    Example {
        label,
        contract: CONTRACT.to_owned(),
        pointer: schema_pointer(path, method, body, XML),
        instance: Payload::Xml(xml),
        valid: true,
    }
}

#[test]
fn every_xml_fixture_matches_its_schema_or_fails_it_as_listed() {
    let fixtures = root().join("adapters/fixtures");
    let mut examples = Vec::new();
    for line in FIXTURES.lines().filter(|line| !line.trim().is_empty()) {
        let [fixture, method, path, body, valid] = line
            .split_whitespace()
            .collect::<Vec<_>>()
            .try_into()
            .unwrap_or_else(|_| panic!("five columns: {line}"));
        let text = std::fs::read_to_string(fixtures.join(fixture)).expect("a fixture");
        let mut example = example(fixture.to_owned(), method, path, body, text);
        example.valid = valid == "valid";
        examples.push(example);
    }
    let listed: BTreeSet<&str> = examples.iter().map(|e| e.label.as_str()).collect();
    let xml: BTreeSet<String> = std::fs::read_dir(&fixtures)
        .expect("the fixtures")
        .flat_map(|folder| std::fs::read_dir(folder.expect("an entry").path()).into_iter())
        .flatten()
        .map(|file| file.expect("an entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == "xml"))
        .map(|path| {
            let path = path.strip_prefix(&fixtures).expect("under the fixtures");
            path.to_string_lossy().into_owned()
        })
        .collect();
    let unlisted: Vec<&String> = xml
        .iter()
        .filter(|f| !listed.contains(f.as_str()))
        .collect();
    assert!(
        unlisted.is_empty(),
        "XML fixtures missing from FIXTURES: {unlisted:?}"
    );
    let Some(python) = validator() else { return };
    // Names the schema has no place for are refused: an attribute, an element, text.
    let base = std::fs::read_to_string(fixtures.join("eu_services/installed_base.xml"))
        .expect("a fixture");
    let breakages = [
        (
            "an unknown attribute",
            r#"<Machine serial="70101001""#,
            r#"<Machine colour="red" serial="70101001""#,
        ),
        ("an unknown element", "<Name>", "<Floor>3</Floor><Name>"),
        ("text in a location", "<Name>", "Hall B<Name>"),
    ];
    for (what, from, to) in breakages {
        assert!(
            base.contains(from),
            "{what}: {from} is in installed_base.xml"
        );
        let label = format!("installed_base.xml with {what}");
        let mut broken = example(
            label,
            "get",
            "/v1/installations",
            "200",
            base.replacen(from, to, 1),
        );
        broken.valid = false;
        examples.push(broken);
    }
    check(&python, &examples);
}

#[tokio::test]
async fn what_the_services_assistant_answers_matches_its_document() {
    let Some(python) = validator() else { return };
    let sandbox = start_sandbox().await;
    let base = sandbox.base_url(CONTRACT);
    let http = reqwest::Client::new();
    let emea: Vec<&str> = demo::accounts()
        .into_iter()
        .filter(|a| demo::region_of(a.country) == Some(Region::Emea))
        .map(|a| a.customer_number)
        .collect();
    let (_, _, entitled, _) = demo::initial_authorizations()
        .into_iter()
        .find(|(_, tool, customer, status)| {
            *tool == Tool::ServicesAssistant
                && *status == AuthorizationStatus::Authorized
                && emea.contains(customer)
        })
        .expect("a customer number entitled to request changes");
    let mut examples = Vec::new();
    let mut get = async |path: &str, query: String, status: u16| {
        let url = base.join(&format!("{}{query}", &path[1..])).expect("a URL");
        let answer = http
            .get(url.clone())
            .send()
            .await
            .expect("the sandbox answers");
        assert_eq!(answer.status(), status, "{url}");
        let text = answer.text().await.expect("a body");
        let label = format!("GET {url} ({status})");
        examples.push(example(
            label,
            "get",
            path,
            &status.to_string(),
            text.clone(),
        ));
        text
    };
    get(
        "/v1/installations",
        format!("?customers={}&limit=500", emea.join(",")),
        200,
    )
    .await;
    get("/v1/installations", String::new(), 400).await;
    let page = get(
        "/v1/installations",
        format!("?customers={entitled}&limit=1"),
        200,
    )
    .await;
    // The page's one machine (its only `serial` attribute), to look up and to change.
    let serial = page
        .split_once(r#"serial=""#)
        .and_then(|(_, rest)| rest.split_once('"'))
        .map(|(serial, _)| serial.to_owned())
        .expect("a machine on the page");
    get("/v1/machines", format!("?serials={serial}"), 200).await;
    let request = format!(
        r#"<ChangeRequest customer="{entitled}" serial="{serial}" type="RELOCATE"><Details>to Lyon</Details></ChangeRequest>"#
    );
    let path = "/v1/change-requests";
    let url = base.join(&path[1..]).expect("a URL");
    let answer = http
        .post(url.clone())
        .header("content-type", XML)
        .body(request.clone())
        .send()
        .await
        .expect("the sandbox answers");
    assert_eq!(answer.status(), 201, "{url}");
    let receipt = answer.text().await.expect("a body");
    examples.push(example(
        format!("POST {url} (request)"),
        "post",
        path,
        "request",
        request,
    ));
    examples.push(example(
        format!("POST {url} (201)"),
        "post",
        path,
        "201",
        receipt,
    ));
    check(&python, &examples);
}
