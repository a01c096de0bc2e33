//! Every identifier a client sends is checked once, at the edge, by its type — before any cache or
//! backend is touched. Table-driven over every identifier argument, filter value, input field and
//! field of a global ID: too long, empty, control characters, a comma (which would add a value to
//! a backend batch) and a slash are refused — `BAD_USER_INPUT` naming the field, or `NOT_FOUND`
//! for a global ID, which never says why — with zero calls counted at the sandbox. Free text with
//! control characters is refused the same way.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};
use supportgraph_adapters::model::Region;
use supportgraph_adapters::sandbox::demo;

use crate::helpers::{Answer, GLOBEX_USER, TestApp, spawn_app_with};

/// What an identifier is, for its malformed values.
#[derive(Debug, Clone, Copy)]
enum Kind {
    Order,
    Customer,
    Serial,
    User,
}

/// A value of the right kind to build malformed ones from, and another to smuggle after a comma.
fn sample(kind: Kind) -> (&'static str, &'static str) {
    match kind {
        Kind::Order => ("244002010001", "244003010001"),
        Kind::Customer => ("1000101", "4400301"),
        Kind::Serial => ("70101001", "4400301-101"),
        Kind::User => ("globex-avery", "iberia-lucia"),
    }
}

/// Too long, empty, control characters, comma, slash.
fn malformed(kind: Kind) -> Vec<(&'static str, String)> {
    let (base, other) = sample(kind);
    let (head, tail) = base.split_at(4);
    let filler = base.chars().next().expect("a sample").to_string();
    vec![
        ("66,000 characters", filler.repeat(66_000)),
        ("empty", String::new()),
        ("NUL", format!("{head}\u{0}{tail}")),
        ("SOH", format!("{head}\u{1}{tail}")),
        ("comma", format!("{base},{other}")),
        ("slash", format!("{head}/{tail}")),
    ]
}

/// One field that takes an identifier.
struct Row {
    field: &'static str,
    kind: Kind,
    /// `None`: asked as a guest.
    user: Option<&'static str>,
    query: &'static str,
    variables: Box<dyn Fn(&str) -> Value>,
    /// `extensions.field` of the refusal; `None` for `node`, which answers `NOT_FOUND`.
    refused_field: Option<&'static str>,
    /// A valid value: the row's query then gets past the check (no `BAD_USER_INPUT`), so the row
    /// exercises the check and not something else.
    valid: String,
}

fn global_id(json: Value) -> String {
    URL_SAFE_NO_PAD.encode(format!("sg1:{json}"))
}

fn order_cursor(order_number: &str) -> String {
    URL_SAFE_NO_PAD.encode(format!("order:v1:2026-01-01:{order_number}"))
}

const NODE: &str = "query($id: ID!) { node(id: $id) { id } }";
const TOOL_REQUEST: &str = "mutation($input: RequestToolAuthorizationInput!) { requestToolAuthorization(input: $input) { authorization { status } userErrors { code } } }";
const UPDATE: &str = "mutation($input: InventoryChangeInput!) { requestInventoryUpdate(input: $input) { request { requestId } userErrors { code } } }";
const SERVICE: &str = "mutation($input: InventoryChangeInput!) { requestServiceChange(input: $input) { request { requestId } userErrors { code } } }";

/// Globex's own objects, for the valid values.
struct Own {
    us_order: String,
    spanish_order: String,
    us_serial: String,
    german_serial: String,
}

fn own(app: &TestApp) -> Own {
    let seed = app.settings.sandbox.seed;
    let order_of = |region, customer: &str| {
        supportgraph_adapters::order_status::sandbox::generate(seed, region)
            .into_iter()
            .find(|o| o.cust_no == customer)
            .map(|o| o.order_no)
            .expect("an order")
    };
    Own {
        us_order: order_of(Region::Americas, "1000101"),
        spanish_order: order_of(Region::Emea, "4400201"),
        us_serial: supportgraph_adapters::us_inventory::sandbox::generate(seed)
            .into_iter()
            .find(|r| r.cust_no == "1000101")
            .map(|r| r.serial_no)
            .expect("a US item"),
        german_serial: supportgraph_adapters::eu_services::sandbox::generate(seed)
            .into_iter()
            .find(|l| l.customer == "4900301")
            .and_then(|l| l.machines.first().map(|m| m.serial.clone()))
            .expect("a German machine"),
    }
}

fn change(customer: &str, serial: &str, details: &str) -> Value {
    json!({ "input": { "customerNumber": customer, "serialNumber": serial, "change": "MOVED", "details": details } })
}

fn argument_rows(own: &Own) -> Vec<Row> {
    let us_order = own.us_order.clone();
    let us_order_2 = own.us_order.clone();
    let us_serial = own.us_serial.clone();
    vec![
        Row {
            field: "order(orderNumber)",
            kind: Kind::Order,
            user: Some(GLOBEX_USER),
            query: "query($v: String!) { order(orderNumber: $v) { orderNumber } }",
            variables: Box::new(|v| json!({ "v": v })),
            refused_field: Some("orderNumber"),
            valid: own.us_order.clone(),
        },
        Row {
            field: "guestOrderStatus(orderNumber)",
            kind: Kind::Order,
            user: None,
            query: "query($v: String!) { guestOrderStatus(orderNumber: $v, customerNumber: \"1000101\") { status } }",
            variables: Box::new(|v| json!({ "v": v })),
            refused_field: Some("orderNumber"),
            valid: own.us_order.clone(),
        },
        Row {
            field: "guestOrderStatus(customerNumber)",
            kind: Kind::Customer,
            user: None,
            query: "query($n: String!, $v: String!) { guestOrderStatus(orderNumber: $n, customerNumber: $v) { status } }",
            variables: Box::new(move |v| json!({ "n": us_order, "v": v })),
            refused_field: Some("customerNumber"),
            valid: "1000101".into(),
        },
        Row {
            field: "inventoryItem(customerNumber)",
            kind: Kind::Customer,
            user: Some(GLOBEX_USER),
            query: "query($s: String!, $v: String!) { inventoryItem(customerNumber: $v, serialNumber: $s) { serialNumber } }",
            variables: Box::new(move |v| json!({ "s": us_serial, "v": v })),
            refused_field: Some("customerNumber"),
            valid: "1000101".into(),
        },
        Row {
            field: "inventoryItem(serialNumber)",
            kind: Kind::Serial,
            user: Some(GLOBEX_USER),
            query: "query($v: String!) { inventoryItem(customerNumber: \"1000101\", serialNumber: $v) { serialNumber } }",
            variables: Box::new(|v| json!({ "v": v })),
            refused_field: Some("serialNumber"),
            valid: own.us_serial.clone(),
        },
        Row {
            field: "orders(filter.customerNumbers)",
            kind: Kind::Customer,
            user: Some(GLOBEX_USER),
            query: "query($v: [String!]) { orders(first: 1, filter: { customerNumbers: $v }) { totalCount } }",
            variables: Box::new(|v| json!({ "v": ["1000101", v] })),
            refused_field: Some("filter.customerNumbers"),
            valid: "1000102".into(),
        },
        Row {
            field: "orders(after) with a forged cursor's order number",
            kind: Kind::Order,
            user: Some(GLOBEX_USER),
            query: "query($v: String) { orders(first: 1, after: $v) { totalCount } }",
            variables: Box::new(|v| json!({ "v": order_cursor(v) })),
            refused_field: Some("after"),
            valid: us_order_2,
        },
        Row {
            field: "inventory(filter.customerNumbers)",
            kind: Kind::Customer,
            user: Some(GLOBEX_USER),
            query: "query($v: [String!]) { inventory(first: 1, filter: { customerNumbers: $v }) { totalCount } }",
            variables: Box::new(|v| json!({ "v": [v] })),
            refused_field: Some("filter.customerNumbers"),
            valid: "1000101".into(),
        },
        Row {
            field: "inventory(filter.serialNumber)",
            kind: Kind::Serial,
            user: Some(GLOBEX_USER),
            query: "query($v: String) { inventory(first: 1, filter: { serialNumber: $v }) { totalCount } }",
            variables: Box::new(|v| json!({ "v": v })),
            refused_field: Some("filter.serialNumber"),
            valid: own.us_serial.clone(),
        },
        Row {
            field: "requestToolAuthorization(input.customerNumber)",
            kind: Kind::Customer,
            user: Some(GLOBEX_USER),
            query: TOOL_REQUEST,
            variables: Box::new(
                |v| json!({ "input": { "tool": "ORDER_STATUS", "customerNumber": v, "justification": "month-end close" } }),
            ),
            refused_field: Some("input.customerNumber"),
            valid: "1000101".into(),
        },
        Row {
            field: "requestInventoryUpdate(input.customerNumber)",
            kind: Kind::Customer,
            user: Some(GLOBEX_USER),
            query: UPDATE,
            variables: Box::new(|v| change(v, "NO-SUCH-SERIAL", "moved")),
            refused_field: Some("input.customerNumber"),
            valid: "1000101".into(),
        },
        Row {
            field: "requestInventoryUpdate(input.serialNumber)",
            kind: Kind::Serial,
            user: Some(GLOBEX_USER),
            query: UPDATE,
            variables: Box::new(|v| change("1000101", v, "moved")),
            refused_field: Some("input.serialNumber"),
            valid: "NO-SUCH-SERIAL".into(),
        },
        Row {
            field: "requestServiceChange(input.customerNumber)",
            kind: Kind::Customer,
            user: Some(GLOBEX_USER),
            query: SERVICE,
            variables: Box::new(|v| change(v, "NO-SUCH-SERIAL", "moved")),
            refused_field: Some("input.customerNumber"),
            valid: "4900301".into(),
        },
        Row {
            field: "requestServiceChange(input.serialNumber)",
            kind: Kind::Serial,
            user: Some(GLOBEX_USER),
            query: SERVICE,
            variables: Box::new(|v| change("4900301", v, "moved")),
            refused_field: Some("input.serialNumber"),
            valid: "NO-SUCH-SERIAL".into(),
        },
    ]
}

/// A `node(id:)` row: a global ID of Globex's own, with one field replaced.
fn node_row(
    field: &'static str,
    kind: Kind,
    valid: &str,
    id: impl Fn(&str) -> Value + 'static,
) -> Row {
    Row {
        field,
        kind,
        user: Some(GLOBEX_USER),
        query: NODE,
        variables: Box::new(move |v| json!({ "id": global_id(id(v)) })),
        refused_field: None,
        valid: valid.to_owned(),
    }
}

fn node_rows(own: &Own) -> Vec<Row> {
    let spanish = own.spanish_order.clone();
    let german = own.german_serial.clone();
    vec![
        node_row(
            "node(Order).c",
            Kind::Customer,
            "4400201",
            move |v| json!({ "t": "order", "r": "emea", "c": v, "n": spanish }),
        ),
        node_row(
            "node(Order).n",
            Kind::Order,
            &own.spanish_order,
            |v| json!({ "t": "order", "r": "emea", "c": "4400201", "n": v }),
        ),
        node_row(
            "node(Customer).c",
            Kind::Customer,
            "1000101",
            |v| json!({ "t": "customer", "c": v }),
        ),
        node_row(
            "node(ToolAccess).c",
            Kind::Customer,
            "1000101",
            |v| json!({ "t": "toolAccess", "u": GLOBEX_USER, "o": "ORDER_STATUS", "c": v }),
        ),
        node_row(
            "node(ToolAccess).u",
            Kind::User,
            GLOBEX_USER,
            |v| json!({ "t": "toolAccess", "u": v, "o": "ORDER_STATUS", "c": "1000101" }),
        ),
        node_row(
            "node(User).u",
            Kind::User,
            GLOBEX_USER,
            |v| json!({ "t": "user", "u": v }),
        ),
        node_row(
            "node(InventoryItem).c",
            Kind::Customer,
            "4900301",
            move |v| json!({ "t": "inventoryItem", "c": v, "s": german }),
        ),
        node_row(
            "node(InventoryItem).s",
            Kind::Serial,
            &own.german_serial,
            |v| json!({ "t": "inventoryItem", "c": "4900301", "s": v }),
        ),
    ]
}

/// A gateway whose rate limits stay out of the way: these tests count refusals, not limits.
async fn app() -> TestApp {
    spawn_app_with(|s| {
        s.guest.lookups_per_minute = 100_000;
        s.guest.failed_lookups_per_customer_per_minute = 100_000;
        s.limits.rate_burst = 1_000_000;
        s.limits.rate_per_second = 1_000_000;
    })
    .await
}

async fn ask(app: &TestApp, user: Option<&str>, query: &str, variables: Value) -> Answer {
    match user {
        Some(user) => app.graphql_as(user, query, variables).await,
        None => app.graphql(None, query, variables).await,
    }
}

/// Asks `row` with `value` and checks the refusal: its code, its field, no echo of the value, and
/// no backend call.
async fn assert_refused(app: &TestApp, row: &Row, label: &str, value: &str) {
    let before = app.backend_calls();
    let answer = ask(app, row.user, row.query, (row.variables)(value)).await;
    let body = answer.body.to_string();
    let shown = &body[..body.len().min(300)];
    assert_eq!(
        app.backend_calls(),
        before,
        "{} with {label}: a backend was called: {shown}",
        row.field
    );
    let expected = if row.refused_field.is_some() {
        "BAD_USER_INPUT"
    } else {
        "NOT_FOUND"
    };
    assert_eq!(
        answer.error_codes(),
        [expected],
        "{} with {label}: {shown}",
        row.field
    );
    if let Some(field) = row.refused_field {
        assert_eq!(
            answer.body["errors"][0]["extensions"]["field"],
            json!(field),
            "{} with {label}",
            row.field
        );
    }
    assert!(
        body.len() < 2_000,
        "{} with {label}: the answer echoes the value ({} bytes)",
        row.field,
        body.len()
    );
}

/// The row's query with a valid value gets past the check.
async fn assert_passes(app: &TestApp, row: &Row) {
    let answer = ask(app, row.user, row.query, (row.variables)(&row.valid)).await;
    if row.refused_field.is_some() {
        assert!(
            !answer.error_codes().contains(&"BAD_USER_INPUT".to_owned()),
            "{} with a valid value: {}",
            row.field,
            answer.body
        );
    } else {
        let node = &answer.assert_ok()["node"];
        assert!(!node.is_null(), "{}: own object found", row.field);
    }
}

#[tokio::test]
async fn every_malformed_identifier_argument_is_bad_user_input_before_any_backend_call() {
    let app = app().await;
    let own = own(&app);
    for row in argument_rows(&own) {
        for (label, value) in malformed(row.kind) {
            assert_refused(&app, &row, label, &value).await;
        }
        assert_passes(&app, &row).await;
    }
}

#[tokio::test]
async fn every_malformed_field_of_a_global_id_is_not_found_before_any_backend_call() {
    let app = app().await;
    let own = own(&app);
    for row in node_rows(&own) {
        for (label, value) in malformed(row.kind) {
            assert_refused(&app, &row, label, &value).await;
        }
        assert_passes(&app, &row).await;
    }
}

#[tokio::test]
async fn a_comma_in_a_forged_order_id_never_adds_a_number_to_a_backend_batch() {
    let app = app().await;
    let own = own(&app);
    let victim = supportgraph_adapters::order_status::sandbox::generate(
        app.settings.sandbox.seed,
        Region::Emea,
    )
    .into_iter()
    .find(|o| o.cust_no == "4400301")
    .expect("an order of Iberia's");
    let smuggled = format!("{},{}", own.spanish_order, victim.order_no);
    let id = global_id(json!({ "t": "order", "r": "emea", "c": "4400201", "n": smuggled }));
    let before = app.sandbox.stats().instances["order-status/emea"].calls;
    let answer = app.graphql_as(GLOBEX_USER, NODE, json!({ "id": id })).await;
    assert_eq!(answer.error_codes(), ["NOT_FOUND"]);
    assert_eq!(
        app.sandbox.stats().instances["order-status/emea"].calls,
        before,
        "the batch was never asked for"
    );
}

#[tokio::test]
async fn free_text_with_control_characters_is_bad_user_input_before_any_backend_call() {
    let app = app().await;
    let own = own(&app);
    let rows = [
        Row {
            field: "requestToolAuthorization(input.justification)",
            kind: Kind::User,
            user: Some(GLOBEX_USER),
            query: TOOL_REQUEST,
            variables: Box::new(
                |v| json!({ "input": { "tool": "INVOICES", "customerNumber": "1000102", "justification": v } }),
            ),
            refused_field: Some("input.justification"),
            valid: "month-end close\nfor the Chicago office".into(),
        },
        Row {
            field: "requestInventoryUpdate(input.details)",
            kind: Kind::User,
            user: Some(GLOBEX_USER),
            query: UPDATE,
            variables: Box::new(|v| change("1000101", "NO-SUCH-SERIAL", v)),
            refused_field: Some("input.details"),
            valid: "moved to\tDallas".into(),
        },
        Row {
            field: "requestServiceChange(input.details)",
            kind: Kind::User,
            user: Some(GLOBEX_USER),
            query: SERVICE,
            variables: Box::new(move |v| change("4900301", &own.german_serial, v)),
            refused_field: Some("input.details"),
            valid: String::new(),
        },
    ];
    for row in &rows {
        for (label, value) in [
            ("NUL", "moved\u{0}"),
            ("SOH", "\u{1}moved"),
            ("SOH inside", "moved\u{1}to Köln"),
            ("ESC", "moved \u{1b}[31mred"),
            ("lone CR", "moved\rto Köln"),
        ] {
            assert_refused(&app, row, label, value).await;
        }
    }
    for row in &rows[..2] {
        assert_passes(&app, row).await;
    }
    assert_eq!(
        app.sandbox.stats().instances["eu-services-assistant"].writes,
        0,
        "nothing reached the EU system"
    );
}

#[tokio::test]
async fn the_rules_accept_every_identifier_of_the_demo_data() {
    use supportgraph_adapters::model::{CustomerNumber, OrderNumber, SerialNumber, TrackingNumber};
    let app = app().await;
    let seed = app.settings.sandbox.seed;
    for company in demo::companies() {
        for account in &company.accounts {
            assert!(CustomerNumber::check(account.customer_number).is_ok());
        }
    }
    for region in Region::ALL {
        for order in supportgraph_adapters::order_status::sandbox::generate(seed, region) {
            assert!(
                OrderNumber::check(&order.order_no).is_ok(),
                "{}",
                order.order_no
            );
            assert!(CustomerNumber::check(&order.cust_no).is_ok());
            for shipment in &order.shipments {
                assert!(
                    TrackingNumber::check(&shipment.tracking_no).is_ok(),
                    "{}",
                    shipment.tracking_no
                );
            }
        }
    }
    for record in supportgraph_adapters::us_inventory::sandbox::generate(seed) {
        assert!(
            SerialNumber::check(&record.serial_no).is_ok(),
            "{}",
            record.serial_no
        );
    }
    for location in supportgraph_adapters::eu_services::sandbox::generate(seed) {
        assert!(CustomerNumber::check(&location.customer).is_ok());
        for machine in &location.machines {
            assert!(
                SerialNumber::check(&machine.serial).is_ok(),
                "{}",
                machine.serial
            );
        }
    }
}
