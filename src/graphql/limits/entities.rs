//! What a federation router's `_entities` costs, counted before anything runs.
//!
//! A document's estimate ([`super::budget`]) is made once per text, but `_entities` costs one
//! lookup per representation, and a router sends the representations as a variable. So for each
//! request, the representations of the operation's `_entities` fields are counted by type and
//! added to its estimate: `Order`, `InventoryItem`, `Invoice`, `Contract` and `Inquiry` are found
//! as `node` finds them (each joins the lookup batches, so they share calls), `Contract`,
//! `Inquiry` and `Statement` make a call of their own, and one more call loads the caller's
//! profile. A request whose representations would cost more than the limit is refused here,
//! before any backend call; one within it has batchers that expect every lookup.

use async_graphql::parser::types::{
    DocumentOperations, ExecutableDocument, OperationDefinition, Selection, SelectionSet,
};
use async_graphql::{Name, Request, Value, Variables};

use super::budget::Estimate;

/// Types found again by global ID, as `node` finds them.
const BY_ID: [&str; 5] = ["Order", "InventoryItem", "Invoice", "Contract", "Inquiry"];
/// Types whose lookup makes a call of its own.
const OWN_CALL: [&str; 3] = ["Contract", "Inquiry", "Statement"];

/// `estimate` plus what the `_entities` representations of the operation `request` runs cost.
pub fn with_representations(
    estimate: Estimate,
    document: &ExecutableDocument,
    request: &Request,
) -> Estimate {
    let Some(operation) = operation(document, request.operation_name.as_deref()) else {
        return estimate;
    };
    let mut typenames = Vec::new();
    collect(
        &operation.selection_set.node,
        document,
        &request.variables,
        &mut typenames,
        0,
    );
    if typenames.is_empty() {
        return estimate;
    }
    let lookups = typenames
        .iter()
        .filter(|t| BY_ID.contains(&t.as_str()))
        .count();
    let calls = typenames
        .iter()
        .filter(|t| OWN_CALL.contains(&t.as_str()))
        .count();
    let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    // One call more: the caller's profile, loaded before any representation is looked up.
    estimate.with_lookups(count(lookups), count(calls).saturating_add(1))
}

/// The operation `name` picks (or the only one).
fn operation<'a>(
    document: &'a ExecutableDocument,
    name: Option<&str>,
) -> Option<&'a OperationDefinition> {
    match (&document.operations, name) {
        (DocumentOperations::Single(op), _) => Some(&op.node),
        (DocumentOperations::Multiple(ops), Some(name)) => ops
            .iter()
            .find(|(n, _)| n.as_str() == name)
            .map(|(_, op)| &op.node),
        (DocumentOperations::Multiple(ops), None) if ops.len() == 1 => {
            ops.values().next().map(|op| &op.node)
        }
        _ => None,
    }
}

/// The `__typename` of every representation of the `_entities` fields at the root of `set`
/// (through fragments, which the limits walk has already checked for cycles; `depth` bounds the
/// recursion all the same).
fn collect(
    set: &SelectionSet,
    document: &ExecutableDocument,
    variables: &Variables,
    typenames: &mut Vec<String>,
    depth: usize,
) {
    if depth > 16 {
        return;
    }
    for selection in &set.items {
        match &selection.node {
            Selection::Field(field) if field.node.name.node == "_entities" => {
                if let Some(list) = field.node.get_argument("representations") {
                    // A variable anywhere in it takes the request's value (null when missing:
                    // execution refuses that request anyway).
                    let resolved = list
                        .node
                        .clone()
                        .into_const_with(|name: Name| {
                            Ok::<_, ()>(variables.get(&name).cloned().unwrap_or_default())
                        })
                        .unwrap_or_default();
                    representations(resolved, typenames);
                }
            }
            Selection::Field(_) => {}
            Selection::InlineFragment(fragment) => collect(
                &fragment.node.selection_set.node,
                document,
                variables,
                typenames,
                depth + 1,
            ),
            Selection::FragmentSpread(spread) => {
                if let Some(fragment) = document.fragments.get(&spread.node.fragment_name.node) {
                    collect(
                        &fragment.node.selection_set.node,
                        document,
                        variables,
                        typenames,
                        depth + 1,
                    );
                }
            }
        }
    }
}

/// The `__typename` of each representation in `list`.
fn representations(list: Value, typenames: &mut Vec<String>) {
    let items = match list {
        Value::List(items) => items,
        // A single representation is coerced to a list of one.
        other => vec![other],
    };
    for item in items {
        if let Value::Object(fields) = item
            && let Some(Value::String(typename)) = fields.get("__typename")
        {
            typenames.push(typename.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    use async_graphql::parser::parse_query;
    use serde_json::json;

    use super::*;

    fn estimate_of(query: &str, variables: serde_json::Value) -> Estimate {
        let document = parse_query(query).expect("a query");
        let request = Request::new(query).variables(Variables::from_json(variables));
        with_representations(Estimate::default(), &document, &request)
    }

    #[test]
    fn representations_from_a_variable_are_counted_by_type() {
        let query = "query($r: [_Any!]!) { _entities(representations: $r) { __typename } }";
        let orders: Vec<_> = (0..3)
            .map(|i| json!({ "__typename": "Order", "id": format!("o{i}") }))
            .collect();
        let three = estimate_of(query, json!({ "r": orders }));
        assert_eq!(
            (
                three.order_lookups,
                three.item_lookups,
                three.invoice_lookups
            ),
            (3, 3, 3)
        );
        let with_statement = estimate_of(
            query,
            json!({ "r": [
                { "__typename": "Order", "id": "o" },
                { "__typename": "Statement", "customerNumber": "1000101", "period": "2026-10" },
            ] }),
        );
        assert_eq!(with_statement.order_lookups, 1);
        // The statement's call and the profile's.
        assert_eq!(
            with_statement.backend_calls,
            estimate_of(
                query,
                json!({ "r": [{ "__typename": "Order", "id": "o" }] })
            )
            .backend_calls
                + 1
        );
    }

    #[test]
    fn literal_representations_and_fragments_count_too_and_nothing_else_does() {
        let literal = estimate_of(
            r#"{ ...F } fragment F on Query { _entities(representations: [{ __typename: "Contract", id: "c" }]) { __typename } }"#,
            json!({}),
        );
        assert_eq!(literal.order_lookups, 1);
        assert!(literal.backend_calls >= 2, "{literal:?}");
        assert_eq!(
            estimate_of("{ me { userId } }", json!({})),
            Estimate::default()
        );
    }

    #[test]
    fn many_representations_cost_more_calls_than_a_few() {
        let query = "query($r: [_Any!]!) { _entities(representations: $r) { __typename } }";
        let many: Vec<_> = (0..500)
            .map(|i| json!({ "__typename": "Inquiry", "id": format!("i{i}") }))
            .collect();
        assert!(estimate_of(query, json!({ "r": many })).backend_calls > 500);
    }
}
