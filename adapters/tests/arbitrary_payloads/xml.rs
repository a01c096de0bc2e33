//! Arbitrary well-formed XML documents, and the Services Assistant's fixtures with attributes,
//! text and child elements mutated.
//!
//! Every generated document is well-formed (names are XML names, text is escaped and holds only
//! characters XML allows, attribute names are unique per element), so the decoder is tested past
//! the XML reader, on documents a backend could really send.

use std::collections::HashSet;
use std::fmt::Write as _;

use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;
use proptest::sample::select;
use quick_xml::events::{BytesStart, Event};

use super::odd::{odd_amount, odd_xml_text, xml_char};

/// An element: its name, attributes in order and children.
#[derive(Debug, Clone)]
pub struct Element {
    name: String,
    attributes: Vec<(String, String)>,
    children: Vec<Node>,
}

/// What an element contains.
#[derive(Debug, Clone)]
pub enum Node {
    /// A child element.
    Element(Element),
    /// Character data.
    Text(String),
}

fn start_of(e: &BytesStart<'_>) -> Option<Element> {
    let attributes = e
        .attributes()
        .map(|a| {
            let a = a.ok()?;
            Some((a.key.into_inner().to_owned(), a.value.into_owned()))
        })
        .collect::<Option<_>>()?;
    Some(Element {
        name: e.name().into_inner().to_owned(),
        attributes,
        children: Vec::new(),
    })
}

impl Element {
    /// The root element of a fixture. Comments, declarations and whitespace between elements are
    /// left out; a document that is not XML gives `None`.
    pub fn parse(text: &str) -> Option<Element> {
        let mut reader = quick_xml::Reader::from_str(text);
        let mut open: Vec<Element> = Vec::new();
        loop {
            let closed = match reader.read_event().ok()? {
                Event::Start(e) => {
                    open.push(start_of(&e)?);
                    None
                }
                Event::Empty(e) => Some(start_of(&e)?),
                Event::End(_) => Some(open.pop()?),
                Event::Text(t) => {
                    let text = t.to_string();
                    if !text.trim().is_empty() {
                        open.last_mut()?.children.push(Node::Text(text));
                    }
                    None
                }
                Event::CData(t) => {
                    open.last_mut()?.children.push(Node::Text(t.to_string()));
                    None
                }
                Event::GeneralRef(r) => {
                    let text = match &*r {
                        "amp" => "&",
                        "lt" => "<",
                        "gt" => ">",
                        "quot" => "\"",
                        "apos" => "'",
                        _ => return None,
                    };
                    open.last_mut()?.children.push(Node::Text(text.to_owned()));
                    None
                }
                Event::Eof => return None,
                _ => None,
            };
            if let Some(element) = closed {
                match open.last_mut() {
                    Some(parent) => parent.children.push(Node::Element(element)),
                    None => return Some(element),
                }
            }
        }
    }

    /// The document's text.
    pub fn render(&self) -> String {
        let mut out = String::new();
        self.write(&mut out);
        out
    }

    fn write(&self, out: &mut String) {
        out.push('<');
        out.push_str(&self.name);
        let mut seen = HashSet::new();
        for (key, value) in &self.attributes {
            if seen.insert(key) {
                let _ = write!(out, " {key}=\"{}\"", escape(value));
            }
        }
        if self.children.is_empty() {
            out.push_str("/>");
            return;
        }
        out.push('>');
        for child in &self.children {
            match child {
                Node::Element(e) => e.write(out),
                Node::Text(t) => out.push_str(&escape(t)),
            }
        }
        let _ = write!(out, "</{}>", self.name);
    }

    /// How many elements the tree holds, itself included.
    fn size(&self) -> usize {
        1 + self
            .children
            .iter()
            .map(|c| match c {
                Node::Element(e) => e.size(),
                Node::Text(_) => 0,
            })
            .sum::<usize>()
    }

    /// Every element and attribute name in the tree.
    pub fn names(&self, elements: &mut Vec<String>, attributes: &mut Vec<String>) {
        elements.push(self.name.clone());
        attributes.extend(self.attributes.iter().map(|(k, _)| k.clone()));
        for child in &self.children {
            if let Node::Element(e) = child {
                e.names(elements, attributes);
            }
        }
    }
}

/// Text made safe for character data and attribute values.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars().filter(|c| xml_char(*c)) {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

/// What one edit does to the element it lands on.
#[derive(Debug, Clone)]
pub enum Mutation {
    /// Give the attribute at this index (modulo their number) this value.
    SetAttribute(usize, String),
    /// Drop the attribute at this index.
    DropAttribute(usize),
    /// Add an attribute (ignored when the element already has one of that name).
    AddAttribute(String, String),
    /// Replace the element's character data with this text.
    SetText(String),
    /// Drop the child at this index.
    DropChild(usize),
    /// Repeat the child at this index right after it.
    DuplicateChild(usize),
    /// Put this element in place of the child at this index.
    ReplaceChild(usize, Element),
    /// Append this child.
    AddChild(Element),
}

/// One edit: the element it lands on (a pre-order index, modulo the number of elements) and what
/// it does.
#[derive(Debug, Clone)]
pub struct Edit {
    at: usize,
    mutation: Mutation,
}

impl Edit {
    /// Applies the edit to `tree`.
    pub fn apply(&self, tree: &mut Element) {
        let mut target = self.at % tree.size();
        visit(tree, &mut target, &self.mutation);
    }
}

fn visit(element: &mut Element, target: &mut usize, mutation: &Mutation) -> bool {
    if *target == 0 {
        mutate(element, mutation);
        return true;
    }
    *target -= 1;
    element.children.iter_mut().any(|c| match c {
        Node::Element(e) => visit(e, target, mutation),
        Node::Text(_) => false,
    })
}

fn mutate(element: &mut Element, mutation: &Mutation) {
    let attributes = element.attributes.len();
    let children = element.children.len();
    match mutation {
        Mutation::SetAttribute(k, value) if attributes > 0 => {
            element.attributes[k % attributes].1 = value.clone();
        }
        Mutation::DropAttribute(k) if attributes > 0 => {
            element.attributes.remove(k % attributes);
        }
        Mutation::AddAttribute(key, value) => element.attributes.push((key.clone(), value.clone())),
        Mutation::SetText(text) => {
            element.children.retain(|c| matches!(c, Node::Element(_)));
            element.children.insert(0, Node::Text(text.clone()));
        }
        Mutation::DropChild(k) if children > 0 => {
            element.children.remove(k % children);
        }
        Mutation::DuplicateChild(k) if children > 0 => {
            let k = k % children;
            element.children.insert(k + 1, element.children[k].clone());
        }
        Mutation::ReplaceChild(k, child) if children > 0 => {
            element.children[k % children] = Node::Element(child.clone());
        }
        Mutation::ReplaceChild(_, child) | Mutation::AddChild(child) => {
            element.children.push(Node::Element(child.clone()));
        }
        _ => {}
    }
}

/// Names the backend uses, mostly, and arbitrary XML names.
fn name(known: Vec<String>) -> BoxedStrategy<String> {
    prop_oneof![3 => select(known), 1 => "[A-Za-z_][A-Za-z0-9_.-]{0,8}"].boxed()
}

/// An arbitrary element tree, names mostly from `elements` and `attributes`.
pub fn arbitrary(elements: Vec<String>, attributes: Vec<String>) -> BoxedStrategy<Element> {
    let element_name = name(elements);
    let attribute_list = vec((name(attributes), odd_xml_text()), 0..4).boxed();
    let leaf = (
        element_name.clone(),
        attribute_list.clone(),
        option::of(odd_xml_text()),
    )
        .prop_map(|(name, attributes, text)| Element {
            name,
            attributes,
            children: text.into_iter().map(Node::Text).collect(),
        });
    leaf.prop_recursive(4, 32, 5, move |inner| {
        let child = prop_oneof![
            2 => inner.prop_map(Node::Element),
            1 => odd_xml_text().prop_map(Node::Text),
        ];
        (
            element_name.clone(),
            attribute_list.clone(),
            vec(child, 0..5),
        )
            .prop_map(|(name, attributes, children)| Element {
                name,
                attributes,
                children,
            })
    })
    .boxed()
}

/// An arbitrary document whose root is mostly one of `roots`, so the decoder gets past its root
/// check.
pub fn document(
    roots: Vec<String>,
    elements: Vec<String>,
    attributes: Vec<String>,
) -> BoxedStrategy<Element> {
    (
        option::weighted(0.75, select(roots)),
        arbitrary(elements, attributes),
    )
        .prop_map(|(root, mut element)| {
            if let Some(root) = root {
                element.name = root;
            }
            element
        })
        .boxed()
}

/// One to three edits of one of `seeds`: attribute values and text replaced by odd values,
/// attributes and children dropped, repeated, replaced or added.
pub fn mutated(
    seeds: Vec<Element>,
    elements: Vec<String>,
    attributes: Vec<String>,
) -> BoxedStrategy<Element> {
    let child = arbitrary(elements, attributes.clone());
    let mutation = prop_oneof![
        3 => (any::<usize>(), prop_oneof![odd_xml_text(), odd_amount()])
            .prop_map(|(k, v)| Mutation::SetAttribute(k, v)),
        1 => any::<usize>().prop_map(Mutation::DropAttribute),
        1 => (name(attributes), odd_xml_text()).prop_map(|(k, v)| Mutation::AddAttribute(k, v)),
        3 => odd_xml_text().prop_map(Mutation::SetText),
        1 => any::<usize>().prop_map(Mutation::DropChild),
        1 => any::<usize>().prop_map(Mutation::DuplicateChild),
        1 => (any::<usize>(), child.clone()).prop_map(|(k, c)| Mutation::ReplaceChild(k, c)),
        1 => child.prop_map(Mutation::AddChild),
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
