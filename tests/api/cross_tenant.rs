//! Tenant isolation, table-driven: for every field that takes an ID or a customer number, company
//! A's user with company B's IDs gets no data of B's. Later issues add their fields as rows.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};
use supportgraph_adapters::model::Region;
use supportgraph_adapters::order_status::sandbox::generate;

use crate::helpers::{GLOBEX_USER, IBERIA_USER, TestApp, spawn_app};

/// Company B's (Iberia's) identifying data, learnt the way B would see it.
struct Victim {
    /// One of B's installed machines.
    machine_serial: String,
    customer_number: String,
    order_number: String,
    order_id: String,
    /// One of B's invoices.
    invoice_number: String,
    /// Strings that only B's data contains; none may reach A.
    secrets: Vec<String>,
}

fn global_id(json: Value) -> String {
    URL_SAFE_NO_PAD.encode(format!("sg1:{json}"))
}

async fn victim(app: &TestApp) -> Victim {
    let orders = generate(app.settings.sandbox.seed, Region::Emea);
    let mine: Vec<_> = orders.iter().filter(|o| o.cust_no == "4400301").collect();
    let order = mine[0];
    let answer = app
        .graphql_as(
            IBERIA_USER,
            "query($n: String!) { order(orderNumber: $n) { id } }",
            json!({ "n": order.order_no }),
        )
        .await;
    let order_id = answer.assert_ok()["order"]["id"]
        .as_str()
        .expect("an id")
        .to_owned();
    let mut secrets = vec!["Iberia".to_owned(), "lucia".to_owned()];
    let machines: Vec<String> =
        supportgraph_adapters::eu_services::sandbox::generate(app.settings.sandbox.seed)
            .into_iter()
            .filter(|l| l.customer == "4400301")
            .flat_map(|l| l.machines.into_iter().map(|m| m.serial))
            .collect();
    secrets.extend(machines[1..].iter().cloned());
    secrets.extend(mine[1..6].iter().map(|o| o.order_no.clone()));
    secrets.extend(order.po_number.clone());
    secrets.extend(order.shipments.iter().map(|s| s.tracking_no.clone()));
    let invoices: Vec<String> =
        supportgraph_adapters::billing::sandbox::generate(app.settings.sandbox.seed, Region::Emea)
            .invoices
            .into_iter()
            .filter(|i| i.customer_number == "4400301")
            .map(|i| i.invoice_number)
            .collect();
    secrets.extend(invoices[1..6].iter().cloned());
    // B's other inquiries (INQ-10000003 is the one the rows name).
    secrets.extend(IBERIA_OTHER_INQUIRIES.iter().map(|n| (*n).to_owned()));
    secrets.push("CTR-20260020".to_owned());
    for subject in [
        "Pedido entregado",
        "Factura duplicada",
        "Extracto de octubre",
        "Actualizar la",
    ] {
        secrets.push(subject.to_owned());
    }
    Victim {
        machine_serial: machines[0].clone(),
        customer_number: order.cust_no.clone(),
        order_number: order.order_no.clone(),
        order_id,
        invoice_number: invoices[0].clone(),
        secrets,
    }
}

/// One of B's inquiries (customer number 4400301), and B's others.
const IBERIA_INQUIRY: &str = "INQ-10000003";
/// One of B's contracts (4400301), and B's other.
const IBERIA_CONTRACT: &str = "CTR-20260021";

const IBERIA_OTHER_INQUIRIES: [&str; 3] = ["INQ-10000007", "INQ-10000009", "INQ-10000018"];

struct Row {
    field: &'static str,
    query: &'static str,
    variables: Value,
    /// The top-level error code, or the user error code for mutations.
    expected: &'static str,
}

/// One of A's (Globex's) own Spanish orders: for rows that tamper with A's own IDs.
fn own_spanish_order(app: &TestApp) -> String {
    generate(app.settings.sandbox.seed, Region::Emea)
        .into_iter()
        .find(|o| o.cust_no == "4400201")
        .map(|o| o.order_no)
        .expect("Globex has Spanish orders")
}

fn rows(b: &Victim, own_order: &str) -> Vec<Row> {
    let tampered_customer = global_id(json!({
        "t": "order", "r": "emea", "c": "4400201", "n": b.order_number
    }));
    // A's own customer number and order, but the wrong region: the region is re-checked too.
    let own_in_wrong_region = global_id(json!({
        "t": "order", "r": "americas", "c": "4400201", "n": own_order
    }));
    let own_id = global_id(json!({ "t": "order", "r": "emea", "c": "4400201", "n": own_order }));
    let corrupted_own = format!("{}Zz", &own_id[..own_id.len() - 2]);
    vec![
        Row {
            field: "orders(filter.customerNumbers)",
            query: "query($c: [String!]) { orders(filter: { customerNumbers: $c }) { totalCount edges { node { orderNumber } } } }",
            variables: json!({ "c": [b.customer_number] }),
            expected: "FORBIDDEN",
        },
        Row {
            field: "order(orderNumber)",
            query: "query($n: String!) { order(orderNumber: $n) { orderNumber total { amount } } }",
            variables: json!({ "n": b.order_number }),
            expected: "NOT_FOUND",
        },
        Row {
            field: "node(id) with B's order ID",
            query: "query($id: ID!) { node(id: $id) { id ... on Order { orderNumber customerNumber } } }",
            variables: json!({ "id": b.order_id }),
            expected: "NOT_FOUND",
        },
        Row {
            field: "node(id) with B's order under A's customer number",
            query: "query($id: ID!) { node(id: $id) { id ... on Order { orderNumber } } }",
            variables: json!({ "id": tampered_customer }),
            expected: "NOT_FOUND",
        },
        Row {
            field: "node(id) with A's own order in another region",
            query: "query($id: ID!) { node(id: $id) { id } }",
            variables: json!({ "id": own_in_wrong_region }),
            expected: "NOT_FOUND",
        },
        Row {
            field: "node(id) corrupted",
            query: "query($id: ID!) { node(id: $id) { id } }",
            variables: json!({ "id": corrupted_own }),
            expected: "NOT_FOUND",
        },
        Row {
            field: "guestOrderStatus with A's customer number",
            query: "query($n: String!) { guestOrderStatus(orderNumber: $n, customerNumber: \"1000101\") { status } }",
            variables: json!({ "n": b.order_number }),
            expected: "NOT_FOUND",
        },
        Row {
            field: "inventory(filter.customerNumbers)",
            query: "query($c: [String!]) { inventory(filter: { customerNumbers: $c }) { totalCount edges { node { serialNumber } } } }",
            variables: json!({ "c": [b.customer_number] }),
            expected: "FORBIDDEN",
        },
        Row {
            field: "inventoryItem with A's own customer number and B's machine",
            query: "query($s: String!) { inventoryItem(customerNumber: \"4900301\", serialNumber: $s) { serialNumber } }",
            variables: json!({ "s": b.machine_serial }),
            expected: "NOT_FOUND",
        },
        Row {
            field: "requestServiceChange with A's own customer number and B's machine",
            query: "mutation($s: String!) { requestServiceChange(input: { customerNumber: \"4900301\", serialNumber: $s, change: REMOVED, details: \"x\" }) { request { requestId } userErrors { code } } }",
            variables: json!({ "s": b.machine_serial }),
            expected: "UNKNOWN_ITEM",
        },
        Row {
            field: "inventoryItem(customerNumber, serialNumber)",
            query: "query($c: String!) { inventoryItem(customerNumber: $c, serialNumber: \"0301-101\") { serialNumber } }",
            variables: json!({ "c": b.customer_number }),
            expected: "FORBIDDEN",
        },
        Row {
            field: "requestInventoryUpdate(customerNumber)",
            query: "mutation($c: String!) { requestInventoryUpdate(input: { customerNumber: $c, serialNumber: \"0301-101\", change: REMOVED, details: \"x\" }) { request { requestId } userErrors { code } } }",
            variables: json!({ "c": b.customer_number }),
            expected: "FORBIDDEN",
        },
        Row {
            field: "requestServiceChange(customerNumber)",
            query: "mutation($c: String!) { requestServiceChange(input: { customerNumber: $c, serialNumber: \"0301-101\", change: REMOVED, details: \"x\" }) { request { requestId } userErrors { code } } }",
            variables: json!({ "c": b.customer_number }),
            expected: "SERVICES_ASSISTANT_NOT_ENTITLED",
        },
        Row {
            field: "requestToolAuthorization(customerNumber)",
            query: "mutation($c: String!) { requestToolAuthorization(input: { tool: ORDER_STATUS, customerNumber: $c, justification: \"x\" }) { authorization { status } userErrors { code } } }",
            variables: json!({ "c": b.customer_number }),
            expected: "NOT_COMPANY_CUSTOMER",
        },
        Row {
            field: "statements(customerNumber)",
            query: "query($c: String!) { statements(customerNumber: $c, period: \"2026-10\") { customerNumber closingBalance { amount } } }",
            variables: json!({ "c": b.customer_number }),
            expected: "FORBIDDEN",
        },
        Row {
            field: "statementLines(filter.customerNumber)",
            query: "query($c: String!) { statementLines(filter: { customerNumber: $c, period: \"2026-10\" }) { totalCount edges { node { reference } } } }",
            variables: json!({ "c": b.customer_number }),
            expected: "FORBIDDEN",
        },
        Row {
            field: "statementExport(customerNumber)",
            query: "query($c: String!) { statementExport(customerNumber: $c, period: \"2026-10\", format: CSV) { url } }",
            variables: json!({ "c": b.customer_number }),
            expected: "FORBIDDEN",
        },
        Row {
            field: "invoices(filter.customerNumbers)",
            query: "query($c: [String!]) { invoices(filter: { customerNumbers: $c }) { totalCount edges { node { invoiceNumber } } } }",
            variables: json!({ "c": [b.customer_number] }),
            expected: "FORBIDDEN",
        },
        Row {
            field: "invoice(invoiceNumber)",
            query: "query($n: String!) { invoice(invoiceNumber: $n) { invoiceNumber total { amount } } }",
            variables: json!({ "n": b.invoice_number }),
            expected: "NOT_FOUND",
        },
        Row {
            field: "node(id) with B's invoice ID",
            query: "query($id: ID!) { node(id: $id) { id ... on Invoice { invoiceNumber } } }",
            variables: json!({ "id": global_id(json!({ "t": "invoice", "r": "emea", "c": b.customer_number, "n": b.invoice_number })) }),
            expected: "NOT_FOUND",
        },
        Row {
            field: "node(id) with B's invoice under A's customer number",
            query: "query($id: ID!) { node(id: $id) { id ... on Invoice { invoiceNumber } } }",
            variables: json!({ "id": global_id(json!({ "t": "invoice", "r": "emea", "c": "4400201", "n": b.invoice_number })) }),
            expected: "NOT_FOUND",
        },
        Row {
            field: "approveInvoice(invoiceNumber)",
            query: "mutation($n: String!) { approveInvoice(input: { invoiceNumber: $n }) { invoice { invoiceNumber } userErrors { code } } }",
            variables: json!({ "n": b.invoice_number }),
            expected: "NOT_FOUND",
        },
        Row {
            field: "disputeInvoice(invoiceNumber)",
            query: "mutation($n: String!) { disputeInvoice(input: { invoiceNumber: $n, reason: \"not ours\" }) { invoice { invoiceNumber } userErrors { code } } }",
            variables: json!({ "n": b.invoice_number }),
            expected: "NOT_FOUND",
        },
        Row {
            field: "forwardInvoice(invoiceNumber)",
            query: "mutation($n: String!) { forwardInvoice(input: { invoiceNumber: $n, recipientEmail: \"ap@globex.example\" }) { messageId userErrors { code } } }",
            variables: json!({ "n": b.invoice_number }),
            expected: "NOT_FOUND",
        },
        Row {
            field: "invoiceExport(filter.customerNumbers)",
            query: "query($c: [String!]) { invoiceExport(filter: { customerNumbers: $c }, format: CSV) { url } }",
            variables: json!({ "c": [b.customer_number] }),
            expected: "FORBIDDEN",
        },
        Row {
            field: "inquiry(trackingNumber)",
            query: "query($n: String!) { inquiry(trackingNumber: $n) { trackingNumber subject } }",
            variables: json!({ "n": IBERIA_INQUIRY }),
            expected: "NOT_FOUND",
        },
        Row {
            field: "inquiries(filter.customerNumbers)",
            query: "query($c: [String!]) { inquiries(filter: { customerNumbers: $c }) { totalCount edges { node { trackingNumber } } } }",
            variables: json!({ "c": [b.customer_number] }),
            expected: "FORBIDDEN",
        },
        Row {
            field: "node(id) with B's inquiry ID",
            query: "query($id: ID!) { node(id: $id) { id ... on Inquiry { subject } } }",
            variables: json!({ "id": global_id(json!({ "t": "inquiry", "c": b.customer_number, "n": IBERIA_INQUIRY })) }),
            expected: "NOT_FOUND",
        },
        Row {
            field: "node(id) with B's inquiry under A's customer number",
            query: "query($id: ID!) { node(id: $id) { id ... on Inquiry { subject } } }",
            variables: json!({ "id": global_id(json!({ "t": "inquiry", "c": "4400201", "n": IBERIA_INQUIRY })) }),
            expected: "NOT_FOUND",
        },
        Row {
            field: "replyToInquiry(trackingNumber)",
            query: "mutation($n: String!) { replyToInquiry(input: { trackingNumber: $n, message: \"hello\" }) { inquiry { subject } userErrors { code } } }",
            variables: json!({ "n": IBERIA_INQUIRY }),
            expected: "NOT_FOUND",
        },
        Row {
            field: "closeInquiry(trackingNumber)",
            query: "mutation($n: String!) { closeInquiry(trackingNumber: $n) { inquiry { subject } userErrors { code } } }",
            variables: json!({ "n": IBERIA_INQUIRY }),
            expected: "NOT_FOUND",
        },
        Row {
            field: "submitInquiry(customerNumber)",
            query: "mutation($c: String!) { submitInquiry(input: { category: OTHER, subject: \"s\", description: \"d\", customerNumber: $c }) { inquiry { trackingNumber } userErrors { code } } }",
            variables: json!({ "c": b.customer_number }),
            expected: "FORBIDDEN",
        },
        Row {
            field: "contract(contractNumber)",
            query: "query($n: String!) { contract(contractNumber: $n) { contractNumber title } }",
            variables: json!({ "n": IBERIA_CONTRACT }),
            expected: "NOT_FOUND",
        },
        Row {
            field: "contracts(filter.customerNumbers)",
            query: "query($c: [String!]) { contracts(filter: { customerNumbers: $c }) { totalCount edges { node { contractNumber } } } }",
            variables: json!({ "c": [b.customer_number] }),
            expected: "FORBIDDEN",
        },
        Row {
            field: "node(id) with B's contract ID",
            query: "query($id: ID!) { node(id: $id) { id ... on Contract { title } } }",
            variables: json!({ "id": global_id(json!({ "t": "contract", "c": b.customer_number, "n": IBERIA_CONTRACT })) }),
            expected: "NOT_FOUND",
        },
        Row {
            field: "node(id) with B's contract under A's customer number",
            query: "query($id: ID!) { node(id: $id) { id ... on Contract { title } } }",
            variables: json!({ "id": global_id(json!({ "t": "contract", "c": "1000101", "n": IBERIA_CONTRACT })) }),
            expected: "NOT_FOUND",
        },
        Row {
            field: "commentOnContract(contractNumber)",
            query: "mutation($n: String!) { commentOnContract(input: { contractNumber: $n, body: \"hello\" }) { contract { title } userErrors { code } } }",
            variables: json!({ "n": IBERIA_CONTRACT }),
            expected: "NOT_FOUND",
        },
        Row {
            field: "signContract(contractNumber)",
            query: "mutation($n: String!) { signContract(input: { contractNumber: $n, version: 1, signerName: \"A\", acceptTerms: true }) { contract { title } userErrors { code } } }",
            variables: json!({ "n": IBERIA_CONTRACT }),
            expected: "NOT_FOUND",
        },
        Row {
            field: "approveContract(contractNumber)",
            query: "mutation($n: String!) { approveContract(input: { contractNumber: $n }) { contract { title } userErrors { code } } }",
            variables: json!({ "n": IBERIA_CONTRACT }),
            expected: "NOT_FOUND",
        },
        Row {
            field: "watchOrder(orderNumber)",
            query: "mutation($n: String!) { watchOrder(input: { orderNumber: $n, email: \"ops@globex.example\" }) { watch { id } order { id } userErrors { code } } }",
            variables: json!({ "n": b.order_number }),
            expected: "NOT_FOUND",
        },
    ]
}

#[tokio::test]
async fn company_a_never_sees_company_b_data_through_any_id_or_customer_number() {
    let app = spawn_app().await;
    let b = victim(&app).await;
    let own_order = own_spanish_order(&app);
    // The tampering rows start from IDs that work: A's own order is found by its real ID.
    let own_id = global_id(json!({ "t": "order", "r": "emea", "c": "4400201", "n": own_order }));
    let own = app
        .graphql_as(
            GLOBEX_USER,
            "query($id: ID!) { node(id: $id) { id } }",
            json!({ "id": own_id }),
        )
        .await;
    own.assert_ok();
    for row in rows(&b, &own_order) {
        let answer = app
            .graphql_as(GLOBEX_USER, row.query, row.variables.clone())
            .await;
        let body = answer.body.to_string();
        for secret in &b.secrets {
            assert!(
                !body.contains(secret.as_str()),
                "{}: leaked {secret}: {body}",
                row.field
            );
        }
        let user_error = answer.body["data"].as_object().and_then(|data| {
            data.values()
                .find_map(|v| v["userErrors"][0]["code"].as_str())
        });
        let code = user_error
            .map(str::to_owned)
            .or_else(|| answer.error_codes().first().cloned());
        assert_eq!(code.as_deref(), Some(row.expected), "{}: {body}", row.field);
        let data = &answer.body["data"];
        let leaked_order = data.to_string().contains(&b.order_number)
            && !row.variables.to_string().contains(&b.order_number);
        assert!(!leaked_order, "{}: {body}", row.field);
        assert!(
            data.as_object()
                .is_none_or(|d| d.values().all(|v| v.is_null()
                    || v.get("authorization").is_some_and(Value::is_null)
                    || v.get("request").is_some_and(Value::is_null)
                    || v.get("watch").is_some_and(Value::is_null)
                    || v.get("invoice").is_some_and(Value::is_null)
                    || v.get("inquiry").is_some_and(Value::is_null)
                    || v.get("contract").is_some_and(Value::is_null)
                    || v.get("messageId").is_some_and(Value::is_null))),
            "{}: no data: {body}",
            row.field
        );
    }
}

#[tokio::test]
async fn the_owner_refetches_their_order_by_its_global_id() {
    let app = spawn_app().await;
    let b = victim(&app).await;
    let answer = app
        .graphql_as(
            IBERIA_USER,
            "query($id: ID!) { node(id: $id) { id ... on Order { orderNumber customerNumber } } }",
            json!({ "id": b.order_id }),
        )
        .await;
    let node = &answer.assert_ok()["node"];
    assert_eq!(node["id"], json!(b.order_id));
    assert_eq!(node["orderNumber"], json!(b.order_number));
    // The hand-built IDs of the tampering rows use the real format, so those rows exercise the
    // authorisation re-check, not the parser.
    let by_hand = global_id(json!({
        "t": "order", "r": "emea", "c": b.customer_number, "n": b.order_number
    }));
    let again = app
        .graphql_as(
            IBERIA_USER,
            "query($id: ID!) { node(id: $id) { ... on Order { orderNumber } } }",
            json!({ "id": by_hand }),
        )
        .await;
    assert_eq!(
        again.assert_ok()["node"]["orderNumber"],
        json!(b.order_number)
    );
}

#[tokio::test]
async fn a_real_foreign_customer_number_and_a_made_up_one_get_the_same_answer() {
    let app = spawn_app().await;
    let query = "query($c: [String!]) { orders(filter: { customerNumbers: $c }) { totalCount } }";
    let answer_for = |customer: &'static str| {
        let app = &app;
        async move {
            let answer = app
                .graphql_as(GLOBEX_USER, query, json!({ "c": [customer] }))
                .await;
            let message = answer.body["errors"][0]["message"]
                .as_str()
                .unwrap_or_default()
                .to_owned();
            (answer.error_codes(), message.replace(customer, "<n>"))
        }
    };
    assert_eq!(answer_for("4400301").await, answer_for("7777777").await);
}

#[tokio::test]
async fn an_own_order_of_an_unauthorised_customer_number_is_forbidden_with_how_to_get_access() {
    let app = spawn_app().await;
    let french = generate(app.settings.sandbox.seed, Region::Emea)
        .into_iter()
        .find(|o| o.cust_no == "3300401")
        .expect("a French order");
    let answer = app
        .graphql_as(
            GLOBEX_USER,
            "query($n: String!) { order(orderNumber: $n) { orderNumber total { amount } } }",
            json!({ "n": french.order_no }),
        )
        .await;
    assert_eq!(answer.error_codes(), ["FORBIDDEN"]);
    assert_eq!(answer.body["data"]["order"], Value::Null);
    assert!(
        answer.body["errors"][0]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("3300401")
    );
}
