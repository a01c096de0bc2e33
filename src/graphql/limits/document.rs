//! The limits a document must fit before anything runs: depth, complexity and directives per
//! field for the data it asks for, a separate guard for introspection, and per operation the
//! number of root fields, of mutations, and the backend calls it would cause
//! ([`super::budget`]).
//!
//! async-graphql's own limits count the introspection subtree like any other, so graphql-js's
//! standard introspection query (`ofType` nested nine deep) was refused and GraphiQL, Apollo's
//! tooling and Python gql could not read the schema. Like GraphQL Armor and Apollo Router, these
//! limits leave `__schema` and `__type` out of the depth, complexity and directive counts, and
//! bound introspection with rules of its own: how deep it nests, and how many of its list fields
//! (`types`, `fields`, `args`...) nest in each other, since each one multiplies the answer by the
//! schema's size.
//!
//! Introspection is also bounded in width: each introspection field costs ten times more for each
//! list field it sits in (`types { fields { args { name } } } }`: `name` costs 1,000), since that
//! is roughly how much of the answer it repeats; the cost of a document's introspection must fit
//! `graphql.max_introspection_cost`, which admits one standard introspection query, not many.
//!
//! The HTTP layer runs the check ([`super::admit`]) on the parsed document before async-graphql
//! sees it (its own recursion check inlines fragments without bound, so a 1 KB document of
//! fragments spreading each other three times would spin a worker for minutes), and before the
//! caller's rate limit, which the estimate weighs. The walk ([`super::walk`]) follows fragments
//! defensively: a fragment that spreads itself, directly or not, is refused; every field and
//! spread followed counts, and the walk stops as soon as a limit is passed, so a document built
//! to explode when its fragments are inlined costs no more than the limits. The parsed document
//! is handed on, so nothing is parsed twice.

use async_graphql::Name;
use async_graphql::parser::types::{DocumentOperations, ExecutableDocument, OperationType};

use super::budget::{self, Estimate};
use super::walk::Walk;
use crate::settings::Settings;

/// The limits, as configured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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
    /// Most introspection cost (see the module doc) in one document.
    pub max_introspection_cost: u64,
    /// Most root fields (aliases included) in one operation.
    pub max_root_fields: usize,
    /// Most mutation root fields in one operation.
    pub max_mutations: usize,
    /// Most backend calls one operation may cause, estimated.
    pub max_backend_calls: u32,
    /// Whether `__schema` and `__type` may be asked for at all (`server.introspection`).
    pub introspection: bool,
}

impl From<&Settings> for DocumentLimits {
    fn from(settings: &Settings) -> Self {
        let graphql = &settings.graphql;
        let limits = &settings.limits;
        Self {
            max_depth: graphql.max_depth,
            max_complexity: graphql.max_complexity,
            max_directives: graphql.max_directives,
            max_introspection_depth: graphql.max_introspection_depth,
            max_introspection_lists: graphql.max_introspection_lists,
            max_introspection_cost: graphql.max_introspection_cost,
            max_root_fields: limits.max_root_fields,
            max_mutations: limits.max_mutations,
            max_backend_calls: limits.max_backend_calls,
            introspection: settings.server.introspection,
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
    /// Introspection is switched off (`server.introspection = false`).
    #[error(
        "introspection is disabled on this gateway: the schema is published with its documentation"
    )]
    IntrospectionDisabled,
    /// Introspection asks for too much at once.
    #[error(
        "the introspection asks for too much at once (cost above {0}): one standard introspection query fits"
    )]
    IntrospectionCost(u64),
    /// A fragment spreads itself, directly or through others.
    #[error("fragment {0} spreads itself")]
    FragmentCycle(String),
    /// Too many root fields in one operation.
    #[error("an operation may have at most {0} root fields (aliases included); split it")]
    RootFields(usize),
    /// Too many mutations in one request.
    #[error("a request may hold at most {0} mutations; send the others separately")]
    Mutations(usize),
    /// The operation would cause too many backend calls.
    #[error(
        "this operation would make about {estimate} backend calls; at most {max} are allowed per request: ask for less, or split it"
    )]
    BackendCalls {
        /// The estimate.
        estimate: u32,
        /// The limit.
        max: u32,
    },
}

impl LimitExceeded {
    /// The limit's name, for the refusal metrics (`supportgraph_budget_refusals_total`).
    pub fn label(&self) -> &'static str {
        match self {
            Self::Depth(_) => "depth",
            Self::Complexity(_) => "complexity",
            Self::Directives(_) => "directives",
            Self::IntrospectionDepth(_) => "introspection_depth",
            Self::IntrospectionLists(_) => "introspection_lists",
            Self::IntrospectionCost(_) => "introspection_cost",
            Self::IntrospectionDisabled => "introspection_disabled",
            Self::FragmentCycle(_) => "fragment_cycle",
            Self::RootFields(_) => "root_fields",
            Self::Mutations(_) => "mutations",
            Self::BackendCalls { .. } => "backend_calls",
        }
    }
}

impl DocumentLimits {
    /// Checks every operation of `document`, and says what each costs.
    pub fn check(&self, document: &ExecutableDocument) -> Result<DocumentCost, LimitExceeded> {
        let mut walk = Walk::new(self, document);
        let operations: Vec<(Option<&Name>, _)> = match &document.operations {
            DocumentOperations::Single(op) => vec![(None, op)],
            DocumentOperations::Multiple(ops) => ops.iter().map(|(n, op)| (Some(n), op)).collect(),
        };
        let mut estimates = Vec::with_capacity(operations.len());
        for (name, operation) in operations {
            walk.roots.clear();
            walk.data(&operation.node.selection_set.node, 0)?;
            if walk.roots.len() > self.max_root_fields {
                return Err(LimitExceeded::RootFields(self.max_root_fields));
            }
            if operation.node.ty == OperationType::Mutation && walk.roots.len() > self.max_mutations
            {
                return Err(LimitExceeded::Mutations(self.max_mutations));
            }
            let estimate = budget::estimate(walk.roots.iter().copied());
            if estimate.backend_calls > self.max_backend_calls {
                return Err(LimitExceeded::BackendCalls {
                    estimate: estimate.backend_calls,
                    max: self.max_backend_calls,
                });
            }
            estimates.push((name.map(|n| n.to_string()), estimate));
        }
        if !self.introspection && walk.introspection_cost > 0 {
            return Err(LimitExceeded::IntrospectionDisabled);
        }
        Ok(DocumentCost {
            complexity: walk.complexity,
            introspection: walk.introspection_cost,
            operations: estimates,
        })
    }
}

/// What a document that fits the limits costs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentCost {
    /// Data fields, with fragments inlined.
    pub complexity: usize,
    /// Introspection cost (see the module doc).
    pub introspection: u64,
    /// Each operation's name (`None` for the one of a single-operation document) and estimate.
    pub operations: Vec<(Option<String>, Estimate)>,
}

impl DocumentCost {
    /// The estimate of the operation a request runs: the one it names, the only one, or —
    /// when that is ambiguous, and the executor will refuse it anyway — the costliest.
    pub fn of_operation(&self, name: Option<&str>) -> Estimate {
        let named = self
            .operations
            .iter()
            .find(|(op, _)| op.is_some() && op.as_deref() == name)
            .or(match self.operations.as_slice() {
                [only] => Some(only),
                _ => None,
            });
        match named {
            Some((_, estimate)) => *estimate,
            None => self
                .operations
                .iter()
                .map(|(_, e)| *e)
                .max_by_key(|e| e.backend_calls)
                .unwrap_or_default(),
        }
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use async_graphql::parser::parse_query;

    /// Small limits for tests, here and in [`super::super`].
    pub(in crate::graphql::limits) const LIMITS: DocumentLimits = DocumentLimits {
        max_depth: 3,
        max_complexity: 10,
        max_directives: 1,
        max_introspection_depth: 15,
        max_introspection_lists: 3,
        max_introspection_cost: 100_000,
        max_root_fields: 20,
        max_mutations: 5,
        max_backend_calls: 30,
        introspection: true,
    };

    fn check(query: &str) -> Result<(), LimitExceeded> {
        LIMITS
            .check(&parse_query(query).expect("the test query parses"))
            .map(|_| ())
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
    fn the_shipped_limits_admit_one_standard_introspection_query_not_two() {
        let settings = crate::settings::Settings::load_without_env(None).expect("defaults load");
        let limits = DocumentLimits::from(&settings);
        for query in [
            include_str!("../../../tests/api/fixtures/introspection-query.graphql"),
            include_str!("../../../tests/api/fixtures/introspection-query-full.graphql"),
        ] {
            let document = parse_query(query).expect("graphql-js's query parses");
            let cost = limits.check(&document).expect("one standard query fits");
            println!("introspection cost {}", cost.introspection);
            let twice = query.replacen("__schema", "a: __schema", 1).replacen(
                "query IntrospectionQuery {",
                "query IntrospectionQuery { b: __schema { types { ...FullType } }",
                1,
            );
            let document = parse_query(&twice).expect("the doubled query parses");
            assert!(
                matches!(
                    limits.check(&document),
                    Err(LimitExceeded::IntrospectionCost(_))
                ),
                "the types list asked for twice"
            );
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
            Err(LimitExceeded::FragmentCycle("A".to_owned()))
        );
        assert_eq!(
            check("{ ...A } fragment A on Query { a ...B } fragment B on Query { ...A }"),
            Err(LimitExceeded::FragmentCycle("A".to_owned()))
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

    #[test]
    fn switched_off_introspection_refuses_schema_and_type_but_not_typename() {
        let off = DocumentLimits {
            introspection: false,
            ..LIMITS
        };
        let check = |query: &str| off.check(&parse_query(query).expect("parses"));
        assert_eq!(
            check("{ __schema { types { name } } }"),
            Err(LimitExceeded::IntrospectionDisabled)
        );
        assert_eq!(
            check("{ a: __type(name: \"Order\") { name } }"),
            Err(LimitExceeded::IntrospectionDisabled)
        );
        assert!(check("{ __typename }").is_ok());
    }
}
