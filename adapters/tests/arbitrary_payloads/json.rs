//! Arbitrary JSON documents, and the documented fixtures with their numbers, strings and fields
//! mutated.
//!
//! The tree is our own rather than `serde_json::Value` because a broken backend may repeat a key
//! in an object, which `Value` cannot hold; numbers are kept as their text so that values no Rust
//! type can hold (`1e400`, 30-digit integers) reach the decoders exactly as a backend would send
//! them.

use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::select;

use super::odd::{odd_amount, odd_number, odd_text};

/// One JSON value; an object may repeat a key.
#[derive(Debug, Clone)]
pub enum Json {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number, as its text.
    Number(String),
    /// A string.
    Text(String),
    /// An array.
    List(Vec<Json>),
    /// An object, keys in order, repeats allowed.
    Object(Vec<(String, Json)>),
}

impl Json {
    /// The tree of a parsed document.
    pub fn from_value(value: &serde_json::Value) -> Self {
        use serde_json::Value;
        match value {
            Value::Null => Self::Null,
            Value::Bool(b) => Self::Bool(*b),
            Value::Number(n) => Self::Number(n.to_string()),
            Value::String(s) => Self::Text(s.clone()),
            Value::Array(items) => Self::List(items.iter().map(Self::from_value).collect()),
            Value::Object(fields) => Self::Object(
                fields
                    .iter()
                    .map(|(k, v)| (k.clone(), Self::from_value(v)))
                    .collect(),
            ),
        }
    }

    /// The document's text.
    pub fn render(&self) -> String {
        let mut out = String::new();
        self.write(&mut out);
        out
    }

    fn write(&self, out: &mut String) {
        match self {
            Self::Null => out.push_str("null"),
            Self::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Self::Number(n) => out.push_str(n),
            Self::Text(s) => out.push_str(&quoted(s)),
            Self::List(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    item.write(out);
                }
                out.push(']');
            }
            Self::Object(fields) => {
                out.push('{');
                for (i, (key, value)) in fields.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    out.push_str(&quoted(key));
                    out.push(':');
                    value.write(out);
                }
                out.push('}');
            }
        }
    }

    /// Every key of every object in the tree.
    pub fn keys(&self, into: &mut Vec<String>) {
        match self {
            Self::List(items) => items.iter().for_each(|i| i.keys(into)),
            Self::Object(fields) => {
                for (key, value) in fields {
                    into.push(key.clone());
                    value.keys(into);
                }
            }
            _ => {}
        }
    }
}

fn quoted(text: &str) -> String {
    serde_json::to_string(text).expect("a string always serialises")
}

/// What one edit does, and to which kind of value.
#[derive(Debug, Clone)]
pub enum Mutation {
    /// Put this value in place of any value.
    Replace(Json),
    /// Give a number, or a string holding one (a price, a quantity), this odd value, keeping its
    /// JSON type.
    Number(String),
    /// Give a string this odd text.
    Text(String),
    /// In an array or object, drop the item at this index (modulo its length).
    Drop(usize),
    /// In an array or object, repeat the item at this index right after it (a repeated key).
    Duplicate(usize),
}

/// One edit: the value it lands on (a pre-order index among the values it can apply to, modulo
/// their number) and what it does.
#[derive(Debug, Clone)]
pub struct Edit {
    at: usize,
    mutation: Mutation,
}

impl Edit {
    /// Applies the edit to `tree`; an edit that finds no value of its kind does nothing.
    pub fn apply(&self, tree: &mut Json) {
        let applies: fn(&Json) -> bool = match self.mutation {
            Mutation::Replace(_) => |_| true,
            Mutation::Number(_) => is_numeric,
            Mutation::Text(_) => |j| matches!(j, Json::Text(_)),
            Mutation::Drop(_) | Mutation::Duplicate(_) => {
                |j| matches!(j, Json::List(_) | Json::Object(_))
            }
        };
        let candidates = count(tree, applies);
        if candidates > 0 {
            let mut target = self.at % candidates;
            visit(tree, &mut target, applies, &self.mutation);
        }
    }
}

/// A number, or a string that reads as one.
fn is_numeric(value: &Json) -> bool {
    match value {
        Json::Number(_) => true,
        Json::Text(s) => {
            !s.is_empty()
                && s.chars().all(|c| c.is_ascii_digit() || "+-.eE".contains(c))
                && s.parse::<f64>().is_ok()
        }
        _ => false,
    }
}

fn count(node: &Json, applies: fn(&Json) -> bool) -> usize {
    usize::from(applies(node))
        + match node {
            Json::List(items) => items.iter().map(|i| count(i, applies)).sum(),
            Json::Object(fields) => fields.iter().map(|(_, v)| count(v, applies)).sum(),
            _ => 0,
        }
}

/// Walks to the `target`-th value that `applies` in pre-order and mutates it; true once done.
fn visit(
    node: &mut Json,
    target: &mut usize,
    applies: fn(&Json) -> bool,
    mutation: &Mutation,
) -> bool {
    if applies(node) {
        if *target == 0 {
            mutate(node, mutation);
            return true;
        }
        *target -= 1;
    }
    match node {
        Json::List(items) => items
            .iter_mut()
            .any(|i| visit(i, target, applies, mutation)),
        Json::Object(fields) => fields
            .iter_mut()
            .any(|(_, v)| visit(v, target, applies, mutation)),
        _ => false,
    }
}

fn mutate(node: &mut Json, mutation: &Mutation) {
    match (mutation, node) {
        (Mutation::Replace(value), node) => *node = value.clone(),
        (Mutation::Number(n), node @ Json::Number(_)) => *node = Json::Number(n.clone()),
        (Mutation::Number(n) | Mutation::Text(n), node) => *node = Json::Text(n.clone()),
        (Mutation::Drop(k), Json::List(items)) if !items.is_empty() => {
            items.remove(k % items.len());
        }
        (Mutation::Drop(k), Json::Object(fields)) if !fields.is_empty() => {
            fields.remove(k % fields.len());
        }
        (Mutation::Duplicate(k), Json::List(items)) if !items.is_empty() => {
            let k = k % items.len();
            items.insert(k + 1, items[k].clone());
        }
        (Mutation::Duplicate(k), Json::Object(fields)) if !fields.is_empty() => {
            let k = k % fields.len();
            fields.insert(k + 1, fields[k].clone());
        }
        _ => {}
    }
}

/// A scalar chosen to hurt: extreme, negative, fractional or unrepresentable numbers, and strings
/// that look like numbers, dates or codes, or are odd text.
fn odd_scalar() -> impl Strategy<Value = Json> {
    prop_oneof![
        1 => Just(Json::Null),
        1 => any::<bool>().prop_map(Json::Bool),
        3 => odd_number().prop_map(Json::Number),
        3 => odd_text().prop_map(Json::Text),
    ]
}

/// Arbitrary JSON whose object keys are mostly ones the backends use (`keys`), so that generated
/// documents reach past the first field the decoder looks for.
pub fn arbitrary(keys: Vec<String>) -> BoxedStrategy<Json> {
    let key = prop_oneof![3 => select(keys), 1 => "[A-Za-z]{0,10}"];
    odd_scalar()
        .prop_recursive(4, 48, 6, move |inner| {
            prop_oneof![
                vec(inner.clone(), 0..6).prop_map(Json::List),
                vec((key.clone(), inner), 0..8).prop_map(Json::Object),
            ]
        })
        .boxed()
}

/// One to three edits of one of `seeds`: numbers and numeric strings given extreme, negative or
/// fractional values, strings odd text, any value an odd scalar or an arbitrary subtree, fields
/// and items dropped or repeated.
pub fn mutated(seeds: Vec<Json>, keys: Vec<String>) -> BoxedStrategy<Json> {
    let mutation = prop_oneof![
        4 => odd_amount().prop_map(Mutation::Number),
        3 => odd_text().prop_map(Mutation::Text),
        2 => odd_scalar().prop_map(Mutation::Replace),
        1 => arbitrary(keys).prop_map(Mutation::Replace),
        1 => any::<usize>().prop_map(Mutation::Drop),
        1 => any::<usize>().prop_map(Mutation::Duplicate),
    ];
    let edit = (any::<usize>(), mutation).prop_map(|(at, mutation)| Edit { at, mutation });
    (select(seeds), vec(edit, 1..4))
        .prop_map(|(mut tree, edits)| {
            for edit in &edits {
                edit.apply(&mut tree);
            }
            tree
        })
        .boxed()
}
