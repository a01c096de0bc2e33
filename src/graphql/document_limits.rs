//! The limits a document must fit before anything runs: depth, complexity and directives per
//! field for the data it asks for, and a separate guard for introspection.
//!
//! async-graphql's own limits count the introspection subtree like any other, so graphql-js's
//! standard introspection query (`ofType` nested nine deep) was refused and GraphiQL, Apollo's
//! tooling and Python gql could not read the schema. Like GraphQL Armor and Apollo Router, these
//! limits leave `__schema` and `__type` out of the depth, complexity and directive counts, and
//! bound introspection with rules of its own: how deep it nests, and how many of its list fields
//! (`types`, `fields`, `args`...) nest in each other, since each one multiplies the answer by the
//! schema's size.
//!
//! The check runs right after parsing, before validation, so it walks fragments defensively: a
//! fragment that spreads itself is cut short (validation refuses it next), and the walk stops as
//! soon as a limit is passed, so a document built to explode when its fragments are inlined costs
//! no more than the limit.

use std::collections::HashSet;
use std::sync::Arc;

use async_graphql::extensions::{Extension, ExtensionContext, ExtensionFactory, NextParseQuery};
use async_graphql::parser::types::{
    DocumentOperations, ExecutableDocument, Field, FragmentDefinition, Selection, SelectionSet,
};
use async_graphql::{Name, ServerError, ServerResult, Variables};

use crate::error::GatewayError;
use crate::settings::GraphqlSettings;

/// Root fields that introspect the schema.
const INTROSPECTION_ROOTS: [&str; 2] = ["__schema", "__type"];

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

/// The limits, as configured.
#[derive(Debug, Clone, Copy)]
pub struct DocumentLimits {
    /// Deepest nesting of data fields.
    pub max_depth: usize,
    /// Most data fields, counted with fragments inlined.
    pub max_complexity: usize,
    /// Most directives on one data field.
    pub max_directives: usize,
    /// Deepest nesting inside one introspection field, counting it.
    pub max_introspection_depth: usize,
    /// Most introspection list fields nested in each other.
    pub max_introspection_lists: usize,
}

impl From<&GraphqlSettings> for DocumentLimits {
    fn from(settings: &GraphqlSettings) -> Self {
        Self {
            max_depth: settings.max_depth,
            max_complexity: settings.max_complexity,
            max_directives: settings.max_directives,
            max_introspection_depth: settings.max_introspection_depth,
            max_introspection_lists: settings.max_introspection_lists,
        }
    }
}

/// Which limit a document passed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LimitExceeded {
    /// Data fields nest too deep.
    #[error("the query is nested too deep (at most {0} levels)")]
    Depth(usize),
    /// Too many data fields.
    #[error("the query asks for too much at once (complexity above {0}); split it")]
    Complexity(usize),
    /// Too many directives on one field.
    #[error("a field carries too many directives (at most {0})")]
    Directives(usize),
    /// Introspection nests too deep.
    #[error(
        "the introspection query is nested too deep (at most {0} levels below __schema or __type)"
    )]
    IntrospectionDepth(usize),
    /// Introspection list fields nest in each other too often.
    #[error(
        "the introspection query nests too many lists (at most {0} of types, fields, args, ...)"
    )]
    IntrospectionLists(usize),
}

impl DocumentLimits {
    /// Checks every operation of `document`.
    pub fn check(&self, document: &ExecutableDocument) -> Result<(), LimitExceeded> {
        let mut walk = Walk {
            limits: self,
            document,
            complexity: 0,
            spreads: 0,
            fragments: HashSet::new(),
        };
        let operations: Vec<_> = match &document.operations {
            DocumentOperations::Single(op) => vec![op],
            DocumentOperations::Multiple(ops) => ops.values().collect(),
        };
        for operation in operations {
            walk.data(&operation.node.selection_set.node, 0)?;
        }
        Ok(())
    }
}

/// One walk over a document, with what it has counted so far.
struct Walk<'a> {
    limits: &'a DocumentLimits,
    document: &'a ExecutableDocument,
    complexity: usize,
    /// Fragment spreads followed; bounded so that spreads of spreads cannot run away.
    spreads: usize,
    /// Fragments being walked right now (a spread of one of these is a cycle).
    fragments: HashSet<&'a Name>,
}

impl<'a> Walk<'a> {
    /// Walks data fields: `depth` is the depth of the selection set's parent.
    fn data(&mut self, set: &'a SelectionSet, depth: usize) -> Result<(), LimitExceeded> {
        for selection in &set.items {
            match &selection.node {
                Selection::Field(field) => {
                    let field = &field.node;
                    if depth == 0 && INTROSPECTION_ROOTS.contains(&field.name.node.as_str()) {
                        self.introspection(&field.selection_set.node, 1, 0)?;
                        continue;
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

    /// The fragment a spread names, marked as being walked; `None` when it is unknown or
    /// already being walked (validation reports both next).
    fn enter(&mut self, name: &'a Name) -> Result<Option<&'a FragmentDefinition>, LimitExceeded> {
        self.spreads += 1;
        if self.spreads > self.limits.max_complexity.saturating_mul(4).max(1000) {
            return Err(LimitExceeded::Complexity(self.limits.max_complexity));
        }
        let Some(fragment) = self.document.fragments.get(name) else {
            return Ok(None);
        };
        if !self.fragments.insert(name) {
            return Ok(None);
        }
        Ok(Some(&fragment.node))
    }
}

/// Installs [`DocumentLimits`] on a schema: every parsed document is checked before validation.
pub struct DocumentLimitsExtension(pub DocumentLimits);

impl ExtensionFactory for DocumentLimitsExtension {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(Checker(self.0))
    }
}

struct Checker(DocumentLimits);

#[async_trait::async_trait]
impl Extension for Checker {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let document = next.run(ctx, query, variables).await?;
        self.0.check(&document).map_err(|exceeded| {
            let error = GatewayError::bad_input("query", exceeded.to_string());
            let mut server_error = ServerError::new(error.message(), None);
            server_error.extensions = async_graphql::ErrorExtensions::extend(&error).extensions;
            server_error
        })?;
        Ok(document)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use async_graphql::parser::parse_query;

    const LIMITS: DocumentLimits = DocumentLimits {
        max_depth: 3,
        max_complexity: 10,
        max_directives: 1,
        max_introspection_depth: 15,
        max_introspection_lists: 3,
    };

    fn check(query: &str) -> Result<(), LimitExceeded> {
        LIMITS.check(&parse_query(query).expect("the test query parses"))
    }

    #[test]
    fn data_fields_are_bounded_in_depth_complexity_and_directives() {
        assert_eq!(check("{ a { b { c } } }"), Ok(()));
        assert_eq!(
            check("{ a { b { c { d } } } }"),
            Err(LimitExceeded::Depth(3))
        );
        let wide = format!("{{ {} }}", "f ".repeat(11));
        assert_eq!(check(&wide), Err(LimitExceeded::Complexity(10)));
        assert_eq!(
            check("{ a @skip(if: false) @include(if: true) }"),
            Err(LimitExceeded::Directives(1))
        );
    }

    #[test]
    fn fragments_count_where_they_are_spread() {
        let query = "{ a { ...F } } fragment F on T { b { c { d } } }";
        assert_eq!(check(query), Err(LimitExceeded::Depth(3)));
        let twice = "{ ...G ...G } fragment G on Query { a b c d e f }";
        assert_eq!(check(twice), Err(LimitExceeded::Complexity(10)));
    }

    #[test]
    fn the_standard_introspection_query_passes_the_default_limits() {
        let limits = DocumentLimits {
            max_depth: 12,
            max_complexity: 5000,
            max_directives: 8,
            max_introspection_depth: 16,
            max_introspection_lists: 3,
        };
        for query in [
            include_str!("../../tests/api/fixtures/introspection-query.graphql"),
            include_str!("../../tests/api/fixtures/introspection-query-full.graphql"),
        ] {
            let document = parse_query(query).expect("graphql-js's query parses");
            assert_eq!(limits.check(&document), Ok(()));
        }
    }

    #[test]
    fn introspection_is_left_out_of_the_data_limits_but_has_its_own() {
        let deep_type_ref = "{ __type(name: \"Order\") { ofType { ofType { ofType { name } } } } }";
        assert_eq!(check(deep_type_ref), Ok(()), "4 deep passes depth 3");
        let chain = format!(
            "{{ __type(name: \"Order\") {{ {} name {} }} }}",
            "ofType {".repeat(20),
            "}".repeat(20)
        );
        assert_eq!(check(&chain), Err(LimitExceeded::IntrospectionDepth(15)));
        let lists = "{ __schema { types { fields { type { fields { name } } } } } }";
        assert_eq!(check(lists), Ok(()));
        let more = "{ __schema { types { fields { type { fields { args { name } } } } } } }";
        assert_eq!(check(more), Err(LimitExceeded::IntrospectionLists(3)));
    }

    #[test]
    fn a_fragment_cycle_or_an_exploding_fragment_tree_ends_the_walk() {
        assert_eq!(
            check("{ ...A } fragment A on Query { a ...A }"),
            Ok(()),
            "the cycle is left to validation"
        );
        let mut query = String::from("{ ...F0 }");
        for i in 0..30 {
            query += &format!(" fragment F{i} on Query {{ ...F{n} ...F{n} }}", n = i + 1);
        }
        query += " fragment F30 on Query { a }";
        assert_eq!(check(&query), Err(LimitExceeded::Complexity(10)));
    }

    #[test]
    fn introspection_nested_below_the_root_is_data() {
        assert_eq!(
            check("{ a { b { __schema { types { name } } } } }"),
            Err(LimitExceeded::Depth(3))
        );
    }
}
