//! My inquiries through GraphQL: the pre-filled form, submitting (with its acknowledgment
//! e-mail in the contact's language and its due date), a representative, the history, replies
//! and closing. Attachments are in `inquiry_uploads`, live answers in `inquiry_updates`.

use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use supportgraph::countries::CountryDirectory;

use crate::helpers::{Answer, GLOBEX_USER, IBERIA_USER, TestApp, spawn_app};

const SUBMIT: &str = r#"
mutation($input: SubmitInquiryInput!) {
  submitInquiry(input: $input) {
    acknowledgmentSent
    inquiry { id trackingNumber status category customerNumber country subject submittedAt responseDueBy
              routedToPerson contact { name email phone preferredChannel language } portalUrl }
    userErrors { field code message }
  }
}"#;

const SUPPORT_CALLS: &str = "support";

fn submission(customer: &str, category: &str) -> Value {
    json!({ "input": {
        "category": category,
        "subject": "Which machines are installed at the Osaka site?",
        "description": "Please list the serial numbers installed at our Osaka site.",
        "customerNumber": customer,
    }})
}

async fn submit_with_key(app: &TestApp, user: &str, key: Option<&str>, variables: Value) -> Answer {
    let mut request = app
        .http
        .post(format!("{}/graphql", app.address))
        .bearer_auth(app.token(user))
        .header(reqwest::header::ACCEPT, "application/graphql-response+json")
        .json(&json!({ "query": SUBMIT, "variables": variables }));
    if let Some(key) = key {
        request = request.header("Idempotency-Key", key);
    }
    Answer::from_response(request.send().await.expect("the gateway answers")).await
}

fn support_calls(app: &TestApp) -> u64 {
    app.sandbox
        .stats()
        .instances
        .get(SUPPORT_CALLS)
        .map_or(0, |s| s.calls)
}

/// The acknowledgments in the outbox for `tracking_number`.
fn acknowledgments(
    app: &TestApp,
    tracking_number: &str,
) -> Vec<supportgraph_adapters::model::MailMessage> {
    app.sandbox
        .outbox()
        .into_iter()
        .filter(|m| m.idempotency_key.as_deref() == Some(&format!("inquiry-ack-{tracking_number}")))
        .map(|m| m.message)
        .collect()
}

#[tokio::test]
async fn the_form_is_prefilled_from_the_profile_with_the_categories_of_the_country() {
    let app = spawn_app().await;
    let answer = app
        .graphql_as(
            IBERIA_USER,
            "{ inquiryForm(category: INVOICES) { category categories contact { name email phone language } companyName
               customerNumbers { customerNumber country categories responseDueBy } limits { maxAttachments maxAttachmentBytes acceptedFileTypes } } }",
            json!({}),
        )
        .await;
    let form = &answer.assert_ok()["inquiryForm"];
    assert_eq!(form["category"], "INVOICES");
    assert_eq!(form["contact"]["language"], "es-ES");
    assert!(
        form["contact"]["email"]
            .as_str()
            .is_some_and(|e| e.contains('@'))
    );
    assert!(
        form["companyName"]
            .as_str()
            .is_some_and(|n| n.contains("Iberia"))
    );
    let customers = form["customerNumbers"].as_array().expect("a list");
    assert!(
        customers
            .iter()
            .any(|c| c["customerNumber"] == "4400301" && c["country"] == "ES")
    );
    for category in ["ORDERS", "INVOICES", "INVENTORY", "REGISTRATION", "OTHER"] {
        assert!(
            form["categories"]
                .as_array()
                .expect("a list")
                .contains(&json!(category)),
            "{category}"
        );
    }
    assert_eq!(form["limits"]["maxAttachments"], 5);
    assert_eq!(form["limits"]["maxAttachmentBytes"], 10 * 1024 * 1024);
    assert!(
        form["limits"]["acceptedFileTypes"]
            .as_array()
            .expect("a list")
            .contains(&json!("application/pdf"))
    );
}

#[tokio::test]
async fn a_submission_is_acknowledged_in_english_with_its_tracking_number_link_and_due_date() {
    let app = spawn_app().await;
    let answer = submit_with_key(&app, GLOBEX_USER, None, submission("8100501", "INVENTORY")).await;
    let payload = &answer.assert_ok()["submitInquiry"];
    assert_eq!(payload["userErrors"], json!([]));
    assert_eq!(payload["acknowledgmentSent"], true);
    let inquiry = &payload["inquiry"];
    let tracking = inquiry["trackingNumber"]
        .as_str()
        .expect("a tracking number");
    assert!(tracking.starts_with("INQ-"), "{tracking}");
    assert_eq!(inquiry["status"], "SUBMITTED");
    assert_eq!(
        inquiry["category"], "INVENTORY",
        "an inventory question from an inquiry-only country"
    );
    assert_eq!(inquiry["country"], "JP");
    // Due at the end of the next business day in Japan after the day it was submitted there.
    let countries = CountryDirectory::load(&app.settings.countries_file).expect("the directory");
    let submitted: DateTime<Utc> = inquiry["submittedAt"]
        .as_str()
        .expect("a time")
        .parse()
        .expect("RFC 3339");
    let due: DateTime<Utc> = inquiry["responseDueBy"]
        .as_str()
        .expect("a time")
        .parse()
        .expect("RFC 3339");
    assert_eq!(
        due,
        countries
            .get("JP")
            .expect("Japan")
            .response_due_by(submitted)
    );
    let link = format!(
        "{}/inquiries/{tracking}",
        app.settings.portal.base_url.as_str().trim_end_matches('/')
    );
    assert_eq!(inquiry["portalUrl"], json!(link));
    let mails = acknowledgments(&app, tracking);
    assert_eq!(mails.len(), 1, "one acknowledgment");
    let mail = &mails[0];
    assert_eq!(
        mail.to[0].as_str(),
        inquiry["contact"]["email"].as_str().expect("an address")
    );
    assert!(mail.subject.contains(tracking), "{}", mail.subject);
    assert!(
        mail.subject.starts_with("We received"),
        "English: {}",
        mail.subject
    );
    assert!(
        mail.text_body.contains(tracking) && mail.text_body.contains(&link),
        "{}",
        mail.text_body
    );
    assert!(
        mail.text_body.contains("Asia/Tokyo"),
        "the due time in the customer's zone: {}",
        mail.text_body
    );
}

#[tokio::test]
async fn a_spanish_profile_gets_its_acknowledgment_in_spanish() {
    let app = spawn_app().await;
    let answer = submit_with_key(&app, IBERIA_USER, None, submission("4400301", "ORDERS")).await;
    let inquiry = &answer.assert_ok()["submitInquiry"]["inquiry"];
    let tracking = inquiry["trackingNumber"]
        .as_str()
        .expect("a tracking number");
    let mails = acknowledgments(&app, tracking);
    assert_eq!(mails.len(), 1);
    assert!(
        mails[0].subject.starts_with("Hemos recibido su consulta"),
        "{}",
        mails[0].subject
    );
    assert!(
        mails[0].text_body.contains(tracking),
        "{}",
        mails[0].text_body
    );
    assert!(
        mails[0]
            .text_body
            .contains(&format!("/inquiries/{tracking}")),
        "{}",
        mails[0].text_body
    );
    assert!(
        mails[0].text_body.contains("Europe/Madrid"),
        "{}",
        mails[0].text_body
    );
}

#[tokio::test]
async fn a_retried_submission_with_the_same_key_creates_one_inquiry_and_one_mail() {
    let app = spawn_app().await;
    let first = submit_with_key(
        &app,
        GLOBEX_USER,
        Some("inq-retry-1"),
        submission("1000101", "ORDERS"),
    )
    .await;
    let again = submit_with_key(
        &app,
        GLOBEX_USER,
        Some("inq-retry-1"),
        submission("1000101", "ORDERS"),
    )
    .await;
    let tracking = first.assert_ok()["submitInquiry"]["inquiry"]["trackingNumber"].clone();
    assert_eq!(
        again.assert_ok()["submitInquiry"]["inquiry"]["trackingNumber"],
        tracking
    );
    let listed = app
        .graphql_as(
            GLOBEX_USER,
            "{ inquiries(filter: { text: \"Osaka site\" }) { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(
        listed.assert_ok()["inquiries"]["totalCount"],
        1,
        "one inquiry"
    );
    assert_eq!(
        acknowledgments(&app, tracking.as_str().expect("a number")).len(),
        1
    );
    // The same key with another input is refused, not a second inquiry.
    let other = submit_with_key(
        &app,
        GLOBEX_USER,
        Some("inq-retry-1"),
        submission("1000102", "ORDERS"),
    )
    .await;
    assert_eq!(other.error_codes(), ["BAD_USER_INPUT"]);
}

#[tokio::test]
async fn bad_input_is_refused_before_the_support_system_is_called() {
    let app = spawn_app().await;
    let before = support_calls(&app);
    let cases = [
        (
            json!({ "input": { "category": "ORDERS", "subject": " ", "description": "d", "customerNumber": "1000101" } }),
            "subject",
        ),
        (
            json!({ "input": { "category": "ORDERS", "subject": "s", "description": "x".repeat(10_001), "customerNumber": "1000101" } }),
            "description",
        ),
        (
            json!({ "input": { "category": "ORDERS", "subject": "s", "description": "d", "customerNumber": "1000101",
                            "contact": { "email": "not an address" } } }),
            "contact.email",
        ),
        (
            json!({ "input": { "category": "ORDERS", "subject": "s", "description": "d", "customerNumber": "1000101",
                            "contact": { "email": "someone@elsewhere.example" } } }),
            "contact.email",
        ),
        (
            json!({ "input": { "category": "ORDERS", "subject": "s", "description": "d", "customerNumber": "1000101",
                            "contact": { "preferredChannel": "PHONE", "phone": "call me" } } }),
            "contact",
        ),
    ];
    for (variables, field) in cases {
        let answer = app.graphql_as(GLOBEX_USER, SUBMIT, variables).await;
        let payload = &answer.assert_ok()["submitInquiry"];
        assert_eq!(payload["inquiry"], Value::Null, "{field}");
        assert_eq!(
            payload["userErrors"][0]["field"],
            json!(["input", field]),
            "{payload}"
        );
    }
    let malformed = app
        .graphql_as(GLOBEX_USER, SUBMIT, submission("10001", "ORDERS"))
        .await;
    assert_eq!(malformed.error_codes(), ["BAD_USER_INPUT"]);
    assert_eq!(
        support_calls(&app),
        before,
        "nothing reached the support system"
    );
}

#[tokio::test]
async fn a_representative_is_asked_for_with_the_same_acknowledgment_and_due_date() {
    let app = spawn_app().await;
    let answer = app
        .graphql_as(
            GLOBEX_USER,
            "mutation { contactRepresentative(input: { topic: \"Renewing our maintenance\", message: \"Please call me this week.\",
               preferredChannel: PHONE, customerNumber: \"1000101\" }) {
               inquiry { trackingNumber category routedToPerson responseDueBy contact { preferredChannel phone } } userErrors { code } } }",
            json!({}),
        )
        .await;
    let inquiry = &answer.assert_ok()["contactRepresentative"]["inquiry"];
    assert_eq!(inquiry["routedToPerson"], true);
    assert_eq!(inquiry["category"], "OTHER");
    assert_eq!(inquiry["contact"]["preferredChannel"], "PHONE");
    assert!(
        inquiry["contact"]["phone"]
            .as_str()
            .is_some_and(|p| !p.is_empty()),
        "the profile's number"
    );
    let tracking = inquiry["trackingNumber"].as_str().expect("a number");
    let mails = acknowledgments(&app, tracking);
    assert_eq!(mails.len(), 1);
    assert!(
        mails[0]
            .text_body
            .contains("representative will contact you by phone"),
        "{}",
        mails[0].text_body
    );
}

#[tokio::test]
async fn the_history_filters_pages_and_finds_one_inquiry_again() {
    let app = spawn_app().await;
    let page = |after: Option<String>| {
        let app = &app;
        async move {
            app.graphql_as(
                GLOBEX_USER,
                "query($after: String) { inquiries(first: 2, after: $after) { totalCount
                   edges { node { trackingNumber submittedAt } } pageInfo { hasNextPage endCursor } } }",
                json!({ "after": after }),
            )
            .await
        }
    };
    let mut seen = Vec::new();
    let mut after = None;
    let total = loop {
        let answer = page(after).await;
        let list = answer.assert_ok()["inquiries"].clone();
        for edge in list["edges"].as_array().expect("edges") {
            seen.push((
                edge["node"]["submittedAt"]
                    .as_str()
                    .expect("a time")
                    .to_owned(),
                edge["node"]["trackingNumber"]
                    .as_str()
                    .expect("a number")
                    .to_owned(),
            ));
        }
        if list["pageInfo"]["hasNextPage"] != true {
            break list["totalCount"].as_u64().expect("a count");
        }
        after = list["pageInfo"]["endCursor"].as_str().map(str::to_owned);
    };
    assert_eq!(seen.len() as u64, total, "every inquiry once");
    let mut sorted = seen.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(seen, sorted, "newest first");
    let answered = app
        .graphql_as(
            GLOBEX_USER,
            "{ inquiries(filter: { statuses: [ANSWERED], categories: [ORDERS] }) { edges { node { status category messages { author body } } } } }",
            json!({}),
        )
        .await;
    let edges = answered.assert_ok()["inquiries"]["edges"]
        .as_array()
        .expect("edges")
        .clone();
    assert!(!edges.is_empty());
    assert!(
        edges
            .iter()
            .all(|e| e["node"]["status"] == "ANSWERED" && e["node"]["category"] == "ORDERS")
    );
    let (_, tracking) = &seen[0];
    let one = app
        .graphql_as(
            GLOBEX_USER,
            "query($n: String!) { inquiry(trackingNumber: $n) { id trackingNumber } }",
            json!({ "n": tracking }),
        )
        .await;
    let found = one.assert_ok()["inquiry"].clone();
    assert_eq!(found["trackingNumber"], json!(tracking));
    let again = app
        .graphql_as(
            GLOBEX_USER,
            "query($id: ID!) { node(id: $id) { ... on Inquiry { trackingNumber } } }",
            json!({ "id": found["id"] }),
        )
        .await;
    assert_eq!(again.assert_ok()["node"]["trackingNumber"], json!(tracking));
    let unknown = app
        .graphql_as(
            GLOBEX_USER,
            "{ inquiry(trackingNumber: \"INQ-99999999\") { trackingNumber } }",
            json!({}),
        )
        .await;
    assert_eq!(unknown.error_codes(), ["NOT_FOUND"]);
}

#[tokio::test]
async fn a_reply_reopens_an_answered_inquiry_and_a_closed_one_takes_no_reply() {
    let app = spawn_app().await;
    let answered = app
        .graphql_as(
            GLOBEX_USER,
            "{ inquiries(filter: { statuses: [ANSWERED] }, first: 1) { edges { node { trackingNumber } } } }",
            json!({}),
        )
        .await;
    let tracking = answered.assert_ok()["inquiries"]["edges"][0]["node"]["trackingNumber"].clone();
    let reply = app
        .graphql_as(
            GLOBEX_USER,
            "mutation($n: String!) { replyToInquiry(input: { trackingNumber: $n, message: \"Thanks, one more question.\" }) {
               inquiry { status messages { author authorName body } } userErrors { code } } }",
            json!({ "n": tracking }),
        )
        .await;
    let inquiry = &reply.assert_ok()["replyToInquiry"]["inquiry"];
    assert_eq!(inquiry["status"], "IN_PROGRESS");
    let last = inquiry["messages"]
        .as_array()
        .and_then(|m| m.last())
        .expect("a message");
    assert_eq!(last["author"], "CUSTOMER");
    assert_eq!(last["authorName"], "Avery Stone");
    assert_eq!(last["body"], "Thanks, one more question.");
    let close = app
        .graphql_as(
            GLOBEX_USER,
            "mutation($n: String!) { closeInquiry(trackingNumber: $n) { inquiry { status } userErrors { code } } }",
            json!({ "n": tracking }),
        )
        .await;
    assert_eq!(
        close.assert_ok()["closeInquiry"]["inquiry"]["status"],
        "CLOSED"
    );
    let refused = app
        .graphql_as(
            GLOBEX_USER,
            "mutation($n: String!) { replyToInquiry(input: { trackingNumber: $n, message: \"And another.\" }) { inquiry { status } userErrors { code } } }",
            json!({ "n": tracking }),
        )
        .await;
    assert_eq!(
        refused.assert_ok()["replyToInquiry"]["userErrors"][0]["code"],
        "INQUIRY_CLOSED"
    );
}

#[tokio::test]
async fn a_page_larger_than_the_support_systems_is_a_shorter_page_not_an_error() {
    let app = spawn_app().await;
    let answer = app
        .graphql_as(
            GLOBEX_USER,
            "{ inquiries(first: 100) { totalCount edges { node { trackingNumber } } } }",
            json!({}),
        )
        .await;
    let list = &answer.assert_ok()["inquiries"];
    assert!(
        list["edges"]
            .as_array()
            .is_some_and(|e| !e.is_empty() && e.len() <= 49)
    );
}
