//! The walk over a document that [`super::document`] checks: data fields against the depth,
//! complexity and directive limits, introspection against its own, with fragments followed
//! defensively (a cycle, or too many spreads, ends the walk at once).

use std::collections::HashSet;

use async_graphql::Name;
use async_graphql::parser::types::{
    ExecutableDocument, Field, FragmentDefinition, Selection, SelectionSet,
};

use super::document::{DocumentLimits, LimitExceeded};

/// Root fields that introspect the schema.
// `_service` (federation subgraph mode) answers the whole schema's SDL: it is introspection too,
// off with `server.introspection` and within the introspection bounds.
const INTROSPECTION_ROOTS: [&str; 3] = ["__schema", "__type", "_service"];

/// Introspection fields that answer a list as long as some part of the schema.
const INTROSPECTION_LISTS: [&str; 8] = [
    "types",
    "fields",
    "args",
    "inputFields",
    "interfaces",
    "possibleTypes",
    "enumValues",
    "directives",
];

/// How much more an introspection field costs for each list field it sits in.
const LIST_FACTOR: u64 = 10;

/// One walk over a document, with what it has counted so far.
pub struct Walk<'a> {
    limits: &'a DocumentLimits,
    document: &'a ExecutableDocument,
    /// Data fields counted so far, with fragments inlined.
    pub complexity: usize,
    /// Introspection cost counted so far.
    pub introspection_cost: u64,
    /// Fragment spreads followed; bounded so that spreads of spreads cannot run away.
    spreads: usize,
    /// Fragments being walked right now (a spread of one of these is a cycle).
    fragments: HashSet<&'a Name>,
    /// The current operation's root data fields, by field name (an alias counts again).
    pub roots: Vec<&'a str>,
}

impl<'a> Walk<'a> {
    /// A walk over `document` against `limits`, nothing counted yet.
    pub fn new(limits: &'a DocumentLimits, document: &'a ExecutableDocument) -> Self {
        Self {
            limits,
            document,
            complexity: 0,
            introspection_cost: 0,
            spreads: 0,
            fragments: HashSet::new(),
            roots: Vec::new(),
        }
    }

    /// Walks data fields: `depth` is the depth of the selection set's parent.
    pub fn data(&mut self, set: &'a SelectionSet, depth: usize) -> Result<(), LimitExceeded> {
        for selection in &set.items {
            match &selection.node {
                Selection::Field(field) => {
                    let field = &field.node;
                    if depth == 0 && INTROSPECTION_ROOTS.contains(&field.name.node.as_str()) {
                        self.count_introspection(0)?;
                        self.introspection(&field.selection_set.node, 1, 0)?;
                        continue;
                    }
                    if depth == 0 {
                        self.roots.push(field.name.node.as_str());
                    }
                    if depth + 1 > self.limits.max_depth {
                        return Err(LimitExceeded::Depth(self.limits.max_depth));
                    }
                    self.complexity += 1;
                    if self.complexity > self.limits.max_complexity {
                        return Err(LimitExceeded::Complexity(self.limits.max_complexity));
                    }
                    if field.directives.len() > self.limits.max_directives {
                        return Err(LimitExceeded::Directives(self.limits.max_directives));
                    }
                    self.data(&field.selection_set.node, depth + 1)?;
                }
                Selection::InlineFragment(fragment) => {
                    self.data(&fragment.node.selection_set.node, depth)?;
                }
                Selection::FragmentSpread(spread) => {
                    let name = &spread.node.fragment_name.node;
                    if let Some(fragment) = self.enter(name)? {
                        let result = self.data(&fragment.selection_set.node, depth);
                        self.fragments.remove(name);
                        result?;
                    }
                }
            }
        }
        Ok(())
    }

    /// Walks inside an introspection field: `depth` counts from it (it is 1), `lists` is how
    /// many introspection lists enclose the set.
    fn introspection(
        &mut self,
        set: &'a SelectionSet,
        depth: usize,
        lists: usize,
    ) -> Result<(), LimitExceeded> {
        for selection in &set.items {
            match &selection.node {
                Selection::Field(field) => {
                    let field: &Field = &field.node;
                    if depth + 1 > self.limits.max_introspection_depth {
                        return Err(LimitExceeded::IntrospectionDepth(
                            self.limits.max_introspection_depth,
                        ));
                    }
                    let lists = lists
                        + usize::from(INTROSPECTION_LISTS.contains(&field.name.node.as_str()));
                    if lists > self.limits.max_introspection_lists {
                        return Err(LimitExceeded::IntrospectionLists(
                            self.limits.max_introspection_lists,
                        ));
                    }
                    self.count_introspection(lists)?;
                    self.introspection(&field.selection_set.node, depth + 1, lists)?;
                }
                Selection::InlineFragment(fragment) => {
                    self.introspection(&fragment.node.selection_set.node, depth, lists)?;
                }
                Selection::FragmentSpread(spread) => {
                    let name = &spread.node.fragment_name.node;
                    if let Some(fragment) = self.enter(name)? {
                        let result = self.introspection(&fragment.selection_set.node, depth, lists);
                        self.fragments.remove(name);
                        result?;
                    }
                }
            }
        }
        Ok(())
    }

    /// Adds one introspection field inside `lists` list fields to the cost.
    fn count_introspection(&mut self, lists: usize) -> Result<(), LimitExceeded> {
        let exponent = u32::try_from(lists).unwrap_or(u32::MAX);
        let cost = LIST_FACTOR.saturating_pow(exponent);
        self.introspection_cost = self.introspection_cost.saturating_add(cost);
        if self.introspection_cost > self.limits.max_introspection_cost {
            return Err(LimitExceeded::IntrospectionCost(
                self.limits.max_introspection_cost,
            ));
        }
        Ok(())
    }

    /// The fragment a spread names, marked as being walked; `None` when it is unknown
    /// (validation reports it next). A fragment already being walked is a cycle.
    fn enter(&mut self, name: &'a Name) -> Result<Option<&'a FragmentDefinition>, LimitExceeded> {
        self.spreads += 1;
        if self.spreads > self.limits.max_complexity.max(1000) {
            return Err(LimitExceeded::Complexity(self.limits.max_complexity));
        }
        let Some(fragment) = self.document.fragments.get(name) else {
            return Ok(None);
        };
        if !self.fragments.insert(name) {
            return Err(LimitExceeded::FragmentCycle(name.to_string()));
        }
        Ok(Some(&fragment.node))
    }
}
