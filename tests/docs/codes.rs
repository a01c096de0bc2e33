//! The codes a client branches on are all explained:
//! - every value of the schema's `UserErrorCode` enum (a mutation's `userErrors { code }`) under a
//!   heading that says `userErrors` on some tool page (`docs/tools/*.md`);
//! - every `extensions.code` that `ErrorCode::as_str` in `src/error.rs` can answer under a heading
//!   that says `extensions.code` in the partner guide (`docs/partners.md`).

use async_graphql::parser::types::{TypeKind, TypeSystemDefinition};
use syn::visit::Visit;

use crate::markdown::{mentions_code, sections_headed};

/// The enum of `userErrors { code }` in the schema.
const USER_ERROR_ENUM: &str = "UserErrorCode";

fn user_error_codes() -> Vec<String> {
    let sdl = crate::read("schema/supportgraph.graphql");
    let document = async_graphql::parser::parse_schema(&sdl).expect("the checked-in SDL parses");
    document
        .definitions
        .iter()
        .find_map(|definition| match definition {
            TypeSystemDefinition::Type(ty) if ty.node.name.node == USER_ERROR_ENUM => {
                match &ty.node.kind {
                    TypeKind::Enum(e) => Some(
                        e.values
                            .iter()
                            .map(|v| v.node.value.node.to_string())
                            .collect(),
                    ),
                    _ => None,
                }
            }
            _ => None,
        })
        .expect("the schema has enum UserErrorCode")
}

/// The string literals `ErrorCode::as_str` answers.
fn extension_codes() -> Vec<String> {
    struct AsStr(Vec<String>);
    impl<'ast> Visit<'ast> for AsStr {
        fn visit_impl_item_fn(&mut self, f: &'ast syn::ImplItemFn) {
            if f.sig.ident == "as_str" {
                struct Literals<'a>(&'a mut Vec<String>);
                impl<'ast> Visit<'ast> for Literals<'_> {
                    fn visit_lit_str(&mut self, lit: &'ast syn::LitStr) {
                        self.0.push(lit.value());
                    }
                }
                Literals(&mut self.0).visit_block(&f.block);
            }
        }
    }
    let file = syn::parse_file(&crate::read("src/error.rs")).expect("src/error.rs parses");
    let mut codes = AsStr(Vec::new());
    codes.visit_file(&file);
    assert!(
        !codes.0.is_empty(),
        "ErrorCode::as_str not found in src/error.rs"
    );
    codes.0
}

/// The text under the headings containing `heading` in the pages `files`.
fn sections(files: &[std::path::PathBuf], heading: &str) -> String {
    files
        .iter()
        .flat_map(|f| sections_headed(&crate::read(f), heading))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn every_user_error_code_is_explained_on_a_tool_page() {
    let pages: Vec<_> = crate::markdown_files()
        .into_iter()
        .filter(|p| p.starts_with("docs/tools"))
        .collect();
    assert!(!pages.is_empty(), "no docs/tools/*.md");
    let explained = sections(&pages, "`userErrors`");
    let missing: Vec<String> = user_error_codes()
        .into_iter()
        .filter(|code| !mentions_code(&explained, code))
        .collect();
    assert!(
        missing.is_empty(),
        "userErrors codes no docs/tools/*.md page explains under a `userErrors` heading: {}",
        missing.join(", ")
    );
}

#[test]
fn every_extension_code_is_explained_in_the_partner_guide() {
    let explained = sections(&["docs/partners.md".into()], "`extensions.code`");
    let missing: Vec<String> = extension_codes()
        .into_iter()
        .filter(|code| !mentions_code(&explained, code))
        .collect();
    assert!(
        missing.is_empty(),
        "extensions.code values docs/partners.md does not explain under an `extensions.code` heading: {}",
        missing.join(", ")
    );
}

#[test]
fn the_codes_are_read_from_the_schema_and_the_code() {
    let user = user_error_codes();
    assert!(
        user.contains(&"NOT_COMPANY_CUSTOMER".to_owned()),
        "{user:?}"
    );
    let extensions = extension_codes();
    assert!(
        extensions.contains(&"RATE_LIMITED".to_owned()),
        "{extensions:?}"
    );
    assert!(!mentions_code("`NOT_FOUNDS`", "NOT_FOUND"));
}
