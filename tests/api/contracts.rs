//! Contracts OnLine through GraphQL: a whole life from draft to expiry (the vendor's steps taken
//! through the simulator's admin endpoints), the refusals each step answers with its code, the
//! end-date window in the customer's calendar, and a country without the tool.

use chrono::{NaiveDate, Utc};
use serde_json::{Value, json};
use supportgraph::countries::CountryDirectory;

use crate::helpers::{GLOBEX_USER, TestApp, spawn_app, spawn_app_with};

const KENJI: &str = "globex-kenji";

const CONTRACT: &str = "query($n: String!) { contract(contractNumber: $n) {
  contractNumber status allowedActions currentVersion { number documentSha256 }
  history { at actor side action status version note }
  approvals { approverId decision version } signatures { signerId signerName version } } }";

async fn contract(app: &TestApp, user: &str, number: &str) -> Value {
    let answer = app.graphql_as(user, CONTRACT, json!({ "n": number })).await;
    answer.assert_ok()["contract"].clone()
}

/// Takes a customer step; answers the payload.
async fn step(app: &TestApp, user: &str, mutation: &str, input: Value) -> Value {
    let query = format!(
        "mutation($input: {}Input!) {{ {mutation}(input: $input) {{ contract {{ status currentVersion {{ number }} }} userErrors {{ field code message }} }} }}",
        input_type(mutation)
    );
    let answer = app
        .graphql_as(user, &query, json!({ "input": input }))
        .await;
    answer.assert_ok()[mutation].clone()
}

fn input_type(mutation: &str) -> &'static str {
    match mutation {
        "rejectContract" => "RejectContract",
        "commentOnContract" => "CommentOnContract",
        "signContract" => "SignContract",
        _ => "ContractStep",
    }
}

/// The vendor's step `action` on contract `number`, through the simulator's admin endpoint.
async fn vendor(app: &TestApp, number: &str, action: &str, summary: Option<&str>) {
    let url = app
        .sandbox
        .base_url("contracts")
        .join(&format!("admin/contracts/{number}/steps"))
        .expect("a URL");
    let mut body = json!({ "action": action });
    if let Some(summary) = summary {
        body["changeSummary"] = json!(summary);
    }
    let response = app
        .http
        .post(url)
        .json(&body)
        .send()
        .await
        .expect("the sandbox answers");
    assert!(
        response.status().is_success(),
        "{action}: {}",
        response.status()
    );
}

fn contract_writes(app: &TestApp) -> u64 {
    app.sandbox
        .stats()
        .instances
        .get("contracts")
        .map_or(0, |s| s.writes)
}

#[tokio::test]
async fn a_contract_lives_from_draft_to_expiry_with_a_dated_history_and_its_signed_version() {
    let app = spawn_app().await;
    let number = "CTR-20260006";
    let draft = contract(&app, GLOBEX_USER, number).await;
    assert_eq!(draft["status"], "DRAFT");
    assert_eq!(draft["allowedActions"], json!(["SUBMIT_FOR_APPROVAL"]));
    let before = draft["history"].as_array().expect("a history").len();
    let input = json!({ "contractNumber": number });
    let submitted = step(
        &app,
        GLOBEX_USER,
        "submitContractForApproval",
        input.clone(),
    )
    .await;
    assert_eq!(submitted["contract"]["status"], "IN_REVIEW", "{submitted}");
    let approved = step(&app, GLOBEX_USER, "approveContract", input.clone()).await;
    assert_eq!(approved["contract"]["status"], "APPROVED", "{approved}");
    vendor(&app, number, "SEND_FOR_SIGNATURE", None).await;
    let version = contract(&app, GLOBEX_USER, number).await["currentVersion"]["number"].clone();
    let signed = step(
        &app,
        GLOBEX_USER,
        "signContract",
        json!({ "contractNumber": number, "version": version, "signerName": "Avery Stone", "acceptTerms": true }),
    )
    .await;
    assert_eq!(signed["contract"]["status"], "SIGNED", "{signed}");
    vendor(&app, number, "ACTIVATE", None).await;
    vendor(&app, number, "EXPIRE", None).await;
    let expired = contract(&app, GLOBEX_USER, number).await;
    assert_eq!(expired["status"], "EXPIRED");
    let history = expired["history"].as_array().expect("a history");
    let steps: Vec<(&str, &str)> = history[before..]
        .iter()
        .map(|e| {
            (
                e["action"].as_str().unwrap_or("-"),
                e["status"].as_str().unwrap_or("-"),
            )
        })
        .collect();
    assert_eq!(
        steps,
        [
            ("SUBMIT_FOR_APPROVAL", "IN_REVIEW"),
            ("APPROVE", "APPROVED"),
            ("SEND_FOR_SIGNATURE", "SENT_FOR_SIGNATURE"),
            ("SIGN", "SIGNED"),
            ("ACTIVATE", "ACTIVE"),
            ("EXPIRE", "EXPIRED"),
        ]
    );
    let times: Vec<&str> = history[before..]
        .iter()
        .map(|e| e["at"].as_str().expect("a time"))
        .collect();
    assert!(
        times.windows(2).all(|w| w[0] <= w[1]),
        "dated in order: {times:?}"
    );
    assert_eq!(history[before]["actor"], "Avery Stone");
    let signature = expired["signatures"]
        .as_array()
        .and_then(|s| s.last())
        .expect("a signature");
    assert_eq!(signature["version"], version);
    assert_eq!(signature["signerName"], "Avery Stone");
    assert_eq!(signature["signerId"], GLOBEX_USER);
    let approval = expired["approvals"]
        .as_array()
        .and_then(|a| a.last())
        .expect("an approval");
    assert_eq!(approval["decision"], "APPROVED");
    assert_eq!(approval["approverId"], GLOBEX_USER);
}

#[tokio::test]
async fn only_an_approver_approves_a_stale_version_cannot_be_signed_and_terms_must_be_accepted() {
    let app = spawn_app().await;
    // Kenji may see 1000101's contracts but does not approve for it.
    let refused = step(
        &app,
        KENJI,
        "approveContract",
        json!({ "contractNumber": "CTR-20260007" }),
    )
    .await;
    assert_eq!(
        refused["userErrors"][0]["code"], "NOT_APPROVER",
        "{refused}"
    );
    assert_eq!(
        contract(&app, GLOBEX_USER, "CTR-20260007").await["status"],
        "IN_REVIEW"
    );
    // A rejection needs a reason; an approver's rejection takes the contract back to DRAFT.
    let no_reason = step(
        &app,
        GLOBEX_USER,
        "rejectContract",
        json!({ "contractNumber": "CTR-20260007", "reason": " " }),
    )
    .await;
    assert_eq!(no_reason["userErrors"][0]["code"], "REASON_REQUIRED");
    let rejected = step(
        &app,
        GLOBEX_USER,
        "rejectContract",
        json!({ "contractNumber": "CTR-20260007", "reason": "Clause 4 is not what we agreed" }),
    )
    .await;
    assert_eq!(rejected["contract"]["status"], "DRAFT", "{rejected}");
    // The vendor issues a new version of a contract awaiting signature: the old one is stale.
    let number = "CTR-20260009";
    let old = contract(&app, GLOBEX_USER, number).await["currentVersion"]["number"].clone();
    vendor(&app, number, "REVISE", Some("Corrected the service levels")).await;
    let stale = step(
        &app,
        GLOBEX_USER,
        "signContract",
        json!({ "contractNumber": number, "version": old, "signerName": "Avery Stone", "acceptTerms": true }),
    )
    .await;
    assert_eq!(
        stale["userErrors"][0]["code"], "CONTRACT_VERSION_CHANGED",
        "{stale}"
    );
    let writes = contract_writes(&app);
    let no_terms = step(
        &app,
        GLOBEX_USER,
        "signContract",
        json!({ "contractNumber": "CTR-20260016", "version": 1, "signerName": "Avery Stone", "acceptTerms": false }),
    )
    .await;
    assert_eq!(no_terms["userErrors"][0]["code"], "TERMS_NOT_ACCEPTED");
    assert_eq!(
        contract_writes(&app),
        writes,
        "refused before anything was sent"
    );
    // A step its status does not allow is the system's refusal, with the status in the message.
    let wrong = step(
        &app,
        GLOBEX_USER,
        "submitContractForApproval",
        json!({ "contractNumber": "CTR-20260005" }),
    )
    .await;
    assert_eq!(
        wrong["userErrors"][0]["code"], "INVALID_TRANSITION",
        "{wrong}"
    );
    let comment = app
        .graphql_as(
            GLOBEX_USER,
            "mutation { commentOnContract(input: { contractNumber: \"CTR-20260005\", body: \"Can we add the Denver site?\" }) { contract { comments { author side body } } userErrors { code } } }",
            json!({}),
        )
        .await;
    let comments = comment.assert_ok()["commentOnContract"]["contract"]["comments"].clone();
    let last = comments
        .as_array()
        .and_then(|c| c.last())
        .expect("a comment");
    assert_eq!(last["side"], "CUSTOMER");
    assert_eq!(last["body"], "Can we add the Denver site?");
}

#[tokio::test]
async fn ending_within_days_counts_in_the_customers_own_calendar_day_n_in_and_day_n_plus_one_out() {
    let app = spawn_app().await;
    let countries = CountryDirectory::load(&app.settings.countries_file).expect("the directory");
    let today: NaiveDate = countries.get("US").expect("the US").local_date(Utc::now());
    // The first active contract of 1000101 ending after today there (the demo contracts end on
    // fixed dates, so which one that is depends on the day the test runs).
    let listed = app
        .graphql_as(
            GLOBEX_USER,
            "{ contracts(filter: { customerNumbers: [\"1000101\"], statuses: [ACTIVE] }, sort: END_DATE, first: 49) { edges { node { contractNumber endDate } } } }",
            json!({}),
        )
        .await;
    let (number, end) = listed.assert_ok()["contracts"]["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .map(|e| {
            let end: NaiveDate = e["node"]["endDate"]
                .as_str()
                .expect("a date")
                .parse()
                .expect("a date");
            (
                e["node"]["contractNumber"]
                    .as_str()
                    .expect("a number")
                    .to_owned(),
                end,
            )
        })
        .find(|(_, end)| *end > today)
        .expect("an active contract ending after today");
    let days = (end - today).num_days();
    let numbers = |within: i64| {
        let app = &app;
        async move {
            let answer = app
                .graphql_as(
                    GLOBEX_USER,
                    "query($d: Int!) { contracts(filter: { endingWithinDays: $d, customerNumbers: [\"1000101\"] }, first: 100) { edges { node { contractNumber } } } }",
                    json!({ "d": within }),
                )
                .await;
            answer.assert_ok()["contracts"]["edges"]
                .as_array()
                .expect("edges")
                .iter()
                .map(|e| {
                    e["node"]["contractNumber"]
                        .as_str()
                        .expect("a number")
                        .to_owned()
                })
                .collect::<Vec<_>>()
        }
    };
    assert!(numbers(days).await.contains(&number), "day {days} is in");
    assert!(
        !numbers(days - 1).await.contains(&number),
        "a day short is out"
    );
    let out_of_range = app
        .graphql_as(
            GLOBEX_USER,
            "{ contracts(filter: { endingWithinDays: -1 }) { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(out_of_range.error_codes(), ["BAD_USER_INPUT"]);
}

#[tokio::test]
async fn a_country_without_contracts_online_is_feature_not_available_and_listed_as_excluded() {
    let text = std::fs::read_to_string("config/countries.toml").expect("the directory");
    let japan = r#"tools = ["ORDER_STATUS", "INVOICES", "STATEMENTS", "CONTRACTS", "INVENTORY", "INQUIRIES"]"#;
    let start = text.find("[countries.JP]").expect("Japan");
    let at = start + text[start..].find(japan).expect("Japan's tools");
    let mut edited = text.clone();
    edited.replace_range(
        at..at + japan.len(),
        r#"tools = ["ORDER_STATUS", "INVOICES", "STATEMENTS", "INVENTORY", "INQUIRIES"]"#,
    );
    let dir = tempfile::tempdir().expect("a directory");
    let file = dir.path().join("countries.toml");
    std::fs::write(&file, edited).expect("written");
    let app = spawn_app_with(|s| s.countries_file = file.clone()).await;
    let list = app
        .graphql_as(
            GLOBEX_USER,
            "{ contracts { excludedCustomers { customerNumber reason } } }",
            json!({}),
        )
        .await;
    let excluded = list.assert_ok()["contracts"]["excludedCustomers"].clone();
    assert!(
        excluded
            .as_array()
            .expect("a list")
            .contains(&json!({ "customerNumber": "8100501", "reason": "FEATURE_NOT_AVAILABLE" })),
        "{excluded}"
    );
    let named = app
        .graphql_as(
            GLOBEX_USER,
            "{ contracts(filter: { customerNumbers: [\"8100501\"] }) { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(named.error_codes(), ["FEATURE_NOT_AVAILABLE"]);
}

#[tokio::test]
async fn one_idempotency_key_on_two_different_steps_is_two_steps_and_a_retry_is_one() {
    let app = spawn_app().await;
    let send = |query: &'static str| {
        let app = &app;
        async move {
            let response = app
                .http
                .post(format!("{}/graphql", app.address))
                .bearer_auth(app.token(GLOBEX_USER))
                .header("Idempotency-Key", "contract-key-1")
                .json(&json!({ "query": query }))
                .send()
                .await
                .expect("the gateway answers");
            crate::helpers::Answer::from_response(response).await
        }
    };
    let comment = "mutation { commentOnContract(input: { contractNumber: \"CTR-20260007\", body: \"Looks right.\" }) { contract { comments { body } } userErrors { code } } }";
    let first = send(comment).await;
    let again = send(comment).await;
    let count = |answer: &crate::helpers::Answer| {
        answer.assert_ok()["commentOnContract"]["contract"]["comments"]
            .as_array()
            .map(Vec::len)
    };
    assert_eq!(
        count(&first),
        count(&again),
        "a retry adds no second comment"
    );
    let approve = send("mutation { approveContract(input: { contractNumber: \"CTR-20260007\" }) { contract { status } userErrors { code } } }").await;
    assert_eq!(
        approve.assert_ok()["approveContract"]["contract"]["status"],
        "APPROVED",
        "{}",
        approve.body
    );
}
