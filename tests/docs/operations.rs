//! Every ```` ```graphql ```` block under `docs/` is an operation the gateway accepts: it parses,
//! and it validates against the schema the gateway serves, built from the code (not from the
//! checked-in SDL) with the Federation v2 subgraph root, so `_entities` examples count too.
//!
//! Validation is async-graphql's own, run by `Schema::execute`; an extension stops every request
//! right after validation, so no resolver runs and no backend or app is needed. A block with
//! several operations is checked once per operation name; a block's variables need no values.

use std::sync::Arc;

use async_graphql::extensions::{Extension, ExtensionContext, ExtensionFactory, NextExecute};
use async_graphql::parser::types::DocumentOperations;
use async_graphql::{Request, Response, Schema, Value};
use supportgraph::graphql::{Mutation, SubgraphQuery, Subscription};

use crate::markdown::code_blocks;

/// Ends every request once it has validated: answers no data and no error.
struct StopAfterValidation;

impl ExtensionFactory for StopAfterValidation {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(StopAfterValidation)
    }
}

#[async_trait::async_trait]
impl Extension for StopAfterValidation {
    async fn execute(
        &self,
        _ctx: &ExtensionContext<'_>,
        _operation_name: Option<&str>,
        _next: NextExecute<'_>,
    ) -> Response {
        Response::new(Value::Null)
    }
}

type DocsSchema = Schema<SubgraphQuery, Mutation, Subscription>;

fn schema() -> DocsSchema {
    Schema::build(
        SubgraphQuery::default(),
        Mutation::default(),
        Subscription::default(),
    )
    .enable_federation()
    .extension(StopAfterValidation)
    .finish()
}

/// What is wrong with `text` as a document, if anything (one line per problem).
async fn problems(schema: &DocsSchema, text: &str) -> Vec<String> {
    let document = match async_graphql::parser::parse_query(text) {
        Ok(document) => document,
        Err(error) => return vec![format!("does not parse: {error}")],
    };
    let names: Vec<Option<String>> = match &document.operations {
        DocumentOperations::Single(_) => vec![None],
        DocumentOperations::Multiple(operations) => {
            operations.keys().map(|n| Some(n.to_string())).collect()
        }
    };
    let mut found = Vec::new();
    for name in names {
        let mut request = Request::new(text);
        if let Some(name) = &name {
            request = request.operation_name(name);
        }
        let response = schema.execute(request).await;
        found.extend(response.errors.iter().map(|e| {
            let at = e
                .locations
                .first()
                .map(|l| format!(" (block line {}, column {})", l.line, l.column))
                .unwrap_or_default();
            format!("{}{at}", e.message)
        }));
    }
    found
}

#[tokio::test]
async fn every_graphql_block_in_the_docs_validates_against_the_schema() {
    let schema = schema();
    let mut failures = Vec::new();
    let mut checked = 0;
    for file in crate::markdown_files() {
        let text = crate::read(&file);
        for block in code_blocks(&text)
            .iter()
            .filter(|b| b.language == "graphql")
        {
            checked += 1;
            for problem in problems(&schema, &block.text).await {
                failures.push(format!("{}:{}: {problem}", file.display(), block.line));
            }
        }
    }
    assert!(checked > 0, "no ```graphql block found under docs/");
    assert!(
        failures.is_empty(),
        "{} problem(s) in the docs' GraphQL:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[tokio::test]
async fn the_check_refuses_an_unknown_field_and_a_syntax_error() {
    let schema = schema();
    assert!(problems(&schema, "{ me { userId } }").await.is_empty());
    let unknown = problems(&schema, "{ me { favouriteColour } }").await;
    assert!(
        unknown.iter().any(|p| p.contains("favouriteColour")),
        "{unknown:?}"
    );
    let broken = problems(&schema, "{ me { userId }").await;
    assert!(
        broken.iter().any(|p| p.starts_with("does not parse")),
        "{broken:?}"
    );
    let wrong_argument = problems(&schema, "{ orders(first: \"ten\") { totalCount } }").await;
    assert!(!wrong_argument.is_empty());
}
