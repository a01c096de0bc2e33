//! `docs/operators/settings.md`: every setting, generated from the settings structs' doc comments
//! so that the reference cannot drift from the code.
//!
//! The settings structs (`src/settings/*.rs`, and the sandbox's `FaultSpec` in the adapters) are
//! parsed with `syn`; the walk starts at `struct Settings` and follows the field types, so a new
//! section or key appears in the page by itself. Each key shows its type, its value in the two
//! shipped profiles (`config/default.toml`, `config/production.toml`) and the environment variable
//! that sets it (`SUPPORTGRAPH_` + the dotted path in upper case with `__` between levels, as
//! `Settings::load` reads them with figment's `Env::prefixed("SUPPORTGRAPH_").split("__")`).
//!
//! The test fails when a key has no doc comment, when a profile names a key no struct has, when a
//! field's type has no rendering here yet, or when the checked-in page differs from the generated
//! one; `UPDATE_DOCS=1 cargo test --test docs` rewrites the page.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::links::anchor;
use syn::{Attribute, Expr, Fields, GenericArgument, Item, Lit, PathArguments, Type};

/// The page this module writes.
const PAGE: &str = "docs/operators/settings.md";

/// Files holding settings structs besides `src/settings/*.rs`.
const MORE_SOURCES: &[&str] = &["adapters/src/sandbox/faults.rs"];

/// One field of a settings struct.
struct Field {
    /// Its key (the serde name).
    key: String,
    ty: Type,
    doc: Option<String>,
}

/// A settings struct.
struct Struct {
    doc: Option<String>,
    fields: Vec<Field>,
}

/// What the sources define: structs, and enums by their serialised variant names.
#[derive(Default)]
struct Items {
    structs: BTreeMap<String, Struct>,
    enums: BTreeMap<String, Vec<String>>,
}

/// One key of the reference.
struct Setting {
    path: Vec<String>,
    ty: String,
    doc: String,
}

/// A group of keys under one TOML table (`[server]`), or the top level (empty path).
struct Section {
    path: Vec<String>,
    doc: String,
    settings: Vec<Setting>,
}

/// A field's type, as the walk sees it.
enum Shape {
    /// A value: its rendering for the reader.
    Value(String),
    /// A nested table.
    Table(String),
    /// A table of tables keyed by a name the operator picks (`sandbox.faults.<instance>`).
    Map(String),
}

#[test]
fn the_settings_reference_is_generated_from_the_settings_doc_comments() {
    let items = parse_sources();
    let (sections, missing) = sections_of(&items);
    assert!(
        missing.is_empty(),
        "every setting needs a doc comment (it is the reference's text); missing on: {}",
        missing.join(", ")
    );
    let sandbox = profile("config/default.toml");
    let production = profile("config/production.toml");
    for (name, table) in [("default.toml", &sandbox), ("production.toml", &production)] {
        let unknown = unknown_keys(&items, "Settings", table, &[]);
        assert!(
            unknown.is_empty(),
            "config/{name} names keys no settings struct has: {}",
            unknown.join(", ")
        );
    }
    let page = render(&sections, &sandbox, &production);
    let path = crate::root().join(PAGE);
    if std::env::var_os("UPDATE_DOCS").is_some() {
        // A regenerating run must never stand in for the check in CI.
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "UPDATE_DOCS is set under CI=true: CI checks {PAGE}, it does not rewrite it"
        );
        std::fs::write(&path, &page).expect("write the settings reference");
        return;
    }
    let checked_in = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        checked_in == page,
        "{PAGE} is not what the settings structs and profiles say (first difference at line {}); \
         regenerate it with `UPDATE_DOCS=1 cargo test --test docs`",
        first_difference(&checked_in, &page)
    );
}

#[test]
fn a_setting_without_a_doc_comment_is_named() {
    let source = "
        /// Everything.
        pub struct Settings {
            /// Documented.
            pub port: u16,
            /// A section.
            pub server: Server,
        }
        /// The server.
        pub struct Server {
            pub bind: String,
            /// Documented too.
            pub body: usize,
        }";
    let items = parse_texts(&[("example.rs".to_owned(), source.to_owned())]);
    let (sections, missing) = sections_of(&items);
    assert_eq!(missing, ["server.bind (Server::bind)"]);
    let keys: Vec<String> = sections
        .iter()
        .flat_map(|s| s.settings.iter().map(|k| k.path.join(".")))
        .collect();
    assert_eq!(keys, ["port", "server.body"]);
}

/// The reference's sections, walked from `struct Settings`, and the keys without a doc comment.
fn sections_of(items: &Items) -> (Vec<Section>, Vec<String>) {
    let mut sections = Vec::new();
    let mut missing = Vec::new();
    let top_doc = items.structs["Settings"].doc.clone().unwrap_or_default();
    walk(items, "Settings", &[], top_doc, &mut sections, &mut missing);
    (sections, missing)
}

fn first_difference(a: &str, b: &str) -> usize {
    a.lines()
        .zip(b.lines())
        .position(|(x, y)| x != y)
        .unwrap_or_else(|| a.lines().count().min(b.lines().count()))
        + 1
}

fn parse_sources() -> Items {
    let dir = crate::root().join("src/settings");
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .expect("list src/settings")
        .map(|e| e.expect("a directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "rs"))
        .map(|p| {
            format!(
                "src/settings/{}",
                p.file_name().expect("a name").to_string_lossy()
            )
        })
        .collect();
    files.sort();
    files.extend(MORE_SOURCES.iter().map(|s| (*s).to_owned()));
    let texts: Vec<(String, String)> = files
        .into_iter()
        .map(|file| {
            let text = crate::read(&file);
            (file, text)
        })
        .collect();
    parse_texts(&texts)
}

/// The settings structs and enums of `(file name, source)` pairs.
fn parse_texts(texts: &[(String, String)]) -> Items {
    let mut items = Items::default();
    for (file, text) in texts {
        let syntax = syn::parse_file(text).unwrap_or_else(|e| panic!("{file} does not parse: {e}"));
        collect(&syntax.items, file, &mut items);
    }
    items
}

fn collect(list: &[Item], file: &str, items: &mut Items) {
    for item in list {
        match item {
            Item::Struct(s) => {
                let Fields::Named(named) = &s.fields else {
                    continue;
                };
                let fields = named
                    .named
                    .iter()
                    .filter(|f| !serde_flag(&f.attrs, "skip"))
                    .map(|f| {
                        let ident = f.ident.as_ref().expect("a named field").to_string();
                        Field {
                            key: serde_value(&f.attrs, "rename").unwrap_or(ident),
                            ty: f.ty.clone(),
                            doc: doc_of(&f.attrs),
                        }
                    })
                    .collect();
                let name = s.ident.to_string();
                let doc = doc_of(&s.attrs);
                let previous = items.structs.insert(name.clone(), Struct { doc, fields });
                assert!(
                    previous.is_none(),
                    "two settings structs named {name} ({file})"
                );
            }
            Item::Enum(e) => {
                let rename_all = serde_value(&e.attrs, "rename_all");
                let variants = e
                    .variants
                    .iter()
                    .map(|v| {
                        let name = v.ident.to_string();
                        match rename_all.as_deref() {
                            None => name,
                            Some("lowercase") => name.to_lowercase(),
                            Some(other) => panic!(
                                "enum {} in {file}: rename_all = {other:?} has no rendering in tests/docs/settings_reference.rs",
                                e.ident
                            ),
                        }
                    })
                    .collect();
                items.enums.insert(e.ident.to_string(), variants);
            }
            Item::Mod(m) => {
                if let Some((_, inner)) = &m.content {
                    collect(inner, file, items);
                }
            }
            _ => {}
        }
    }
}

/// The doc comment of an item: lines joined, blank lines kept as paragraph breaks, rustdoc's
/// intra-doc links (`` [`x`] ``) shown as plain code.
fn doc_of(attrs: &[Attribute]) -> Option<String> {
    let lines: Vec<String> = attrs
        .iter()
        .filter(|a| a.path().is_ident("doc"))
        .filter_map(|a| match &a.meta {
            syn::Meta::NameValue(nv) => match &nv.value {
                Expr::Lit(lit) => match &lit.lit {
                    Lit::Str(s) => Some(s.value()),
                    _ => None,
                },
                _ => None,
            },
            _ => None,
        })
        .map(|line| {
            line.strip_prefix(' ')
                .unwrap_or(&line)
                .trim_end()
                .to_owned()
        })
        .collect();
    let paragraphs: Vec<String> = lines
        .split(|l| l.is_empty())
        .map(|p| p.join(" "))
        .filter(|p| !p.is_empty())
        .collect();
    if paragraphs.is_empty() {
        None
    } else {
        Some(plain_intra_doc_links(&paragraphs.join("\n\n")))
    }
}

/// `` [`Settings::load`] `` becomes `` `Settings::load` `` (a Markdown link keeps its brackets).
fn plain_intra_doc_links(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("[`") {
        let Some(len) = rest[start..].find("`]") else {
            break;
        };
        let end = start + len + 2;
        out.push_str(&rest[..start]);
        if rest[end..].starts_with('(') {
            out.push_str(&rest[start..end]);
        } else {
            out.push_str(&rest[start + 1..end - 1]);
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// Whether `#[serde(flag)]` is among `attrs`.
fn serde_flag(attrs: &[Attribute], flag: &str) -> bool {
    let mut found = false;
    for attr in attrs.iter().filter(|a| a.path().is_ident("serde")) {
        attr.parse_nested_meta(|meta| {
            if meta.path.is_ident(flag) {
                found = true;
            } else if meta.input.peek(syn::Token![=]) {
                meta.value()?.parse::<Expr>()?;
            }
            Ok(())
        })
        .expect("a serde attribute parses");
    }
    found
}

/// The string of `#[serde(key = "...")]`, if any.
fn serde_value(attrs: &[Attribute], key: &str) -> Option<String> {
    let mut found = None;
    for attr in attrs.iter().filter(|a| a.path().is_ident("serde")) {
        attr.parse_nested_meta(|meta| {
            if meta.input.peek(syn::Token![=]) {
                let value = meta.value()?.parse::<Expr>()?;
                if meta.path.is_ident(key)
                    && let Expr::Lit(syn::ExprLit {
                        lit: Lit::Str(s), ..
                    }) = value
                {
                    found = Some(s.value());
                }
            }
            Ok(())
        })
        .expect("a serde attribute parses");
    }
    found
}

/// The last path segment of `ty` and its generic type arguments.
fn segment(ty: &Type) -> Option<(String, Vec<&Type>)> {
    let Type::Path(path) = ty else {
        return None;
    };
    let last = path.path.segments.last()?;
    let args = match &last.arguments {
        PathArguments::AngleBracketed(a) => a
            .args
            .iter()
            .filter_map(|arg| match arg {
                GenericArgument::Type(t) => Some(t),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    };
    Some((last.ident.to_string(), args))
}

fn shape(items: &Items, ty: &Type, key: &str) -> Shape {
    let (name, args) = segment(ty).unwrap_or_else(|| panic!("{key}: unexpected type"));
    if items.structs.contains_key(&name) {
        return Shape::Table(name);
    }
    if name == "BTreeMap" || name == "HashMap" {
        let value = segment(args[1]).map(|(n, _)| n).unwrap_or_default();
        if items.structs.contains_key(&value) {
            return Shape::Map(value);
        }
    }
    Shape::Value(render_type(items, ty, key))
}

/// A field's type for the reader. A type without a rendering fails the test, so whoever adds
/// one decides how to describe it.
fn render_type(items: &Items, ty: &Type, key: &str) -> String {
    let (name, args) = segment(ty).unwrap_or_else(|| panic!("{key}: unexpected type"));
    let inner = |i: usize| render_type(items, args[i], key);
    match name.as_str() {
        "bool" => "boolean".to_owned(),
        "u16" => "integer, 0 to 65,535".to_owned(),
        "u32" | "u64" | "usize" => "integer, 0 or more".to_owned(),
        "f64" => "number".to_owned(),
        "String" => "string".to_owned(),
        "PathBuf" => "path (relative to the working directory)".to_owned(),
        "Url" => "URL".to_owned(),
        "IpAddr" => "IP address".to_owned(),
        "SecretString" => "string, secret (never logged)".to_owned(),
        "Vec" => format!("list of {}", plural(&inner(0))),
        "Option" => format!("{}, optional", inner(0)),
        _ => match items.enums.get(&name) {
            Some(variants) => {
                let quoted: Vec<String> = variants.iter().map(|v| format!("`\"{v}\"`")).collect();
                format!("one of {}", quoted.join(", "))
            }
            None => panic!(
                "{key}: type `{name}` has no rendering in tests/docs/settings_reference.rs; add one"
            ),
        },
    }
}

fn plural(singular: &str) -> String {
    match singular {
        "IP address" => "IP addresses".to_owned(),
        "integer, 0 or more" => "integers, 0 or more".to_owned(),
        other => format!("{other}s"),
    }
}

fn walk(
    items: &Items,
    name: &str,
    path: &[String],
    doc: String,
    sections: &mut Vec<Section>,
    missing: &mut Vec<String>,
) {
    let table = &items.structs[name];
    let mut section = Section {
        path: path.to_vec(),
        doc,
        settings: Vec::new(),
    };
    let mut nested = Vec::new();
    for field in &table.fields {
        let mut field_path = path.to_vec();
        field_path.push(field.key.clone());
        let dotted = field_path.join(".");
        let Some(field_doc) = field.doc.clone() else {
            missing.push(format!("{dotted} ({name}::{})", field.key));
            continue;
        };
        match shape(items, &field.ty, &dotted) {
            Shape::Value(ty) => section.settings.push(Setting {
                path: field_path,
                ty,
                doc: field_doc,
            }),
            Shape::Table(inner) => nested.push((inner, field_path, field_doc)),
            Shape::Map(inner) => {
                field_path.push("<instance>".to_owned());
                nested.push((inner, field_path, field_doc));
            }
        }
    }
    sections.push(section);
    for (inner, inner_path, field_doc) in nested {
        let section_doc = match &items.structs[&inner].doc {
            Some(struct_doc) if *struct_doc != field_doc => format!("{field_doc}\n\n{struct_doc}"),
            _ => field_doc,
        };
        walk(items, &inner, &inner_path, section_doc, sections, missing);
    }
}

fn profile(relative: &str) -> toml::Table {
    crate::read(relative)
        .parse()
        .unwrap_or_else(|e| panic!("{relative} is not TOML: {e}"))
}

/// The keys of `table` that struct `name` does not have (dotted, under `path`).
fn unknown_keys(items: &Items, name: &str, table: &toml::Table, path: &[String]) -> Vec<String> {
    let fields = &items.structs[name].fields;
    let mut unknown = Vec::new();
    for (key, value) in table {
        let mut key_path = path.to_vec();
        key_path.push(key.clone());
        let Some(field) = fields.iter().find(|f| f.key == *key) else {
            unknown.push(key_path.join("."));
            continue;
        };
        match (shape(items, &field.ty, key), value) {
            (Shape::Table(inner), toml::Value::Table(t)) => {
                unknown.extend(unknown_keys(items, &inner, t, &key_path));
            }
            (Shape::Map(inner), toml::Value::Table(t)) => {
                for (instance, entry) in t {
                    let mut entry_path = key_path.clone();
                    entry_path.push(instance.clone());
                    if let toml::Value::Table(entry) = entry {
                        unknown.extend(unknown_keys(items, &inner, entry, &entry_path));
                    }
                }
            }
            _ => {}
        }
    }
    unknown
}

/// The value at `path` in `table`, if set.
fn lookup<'a>(table: &'a toml::Table, path: &[String]) -> Option<&'a toml::Value> {
    let (last, parents) = path.split_last()?;
    let mut current = table;
    for parent in parents {
        current = current.get(parent)?.as_table()?;
    }
    current.get(last)
}

fn environment_variable(path: &[String]) -> String {
    let upper: Vec<String> = path.iter().map(|p| p.to_uppercase()).collect();
    format!("SUPPORTGRAPH_{}", upper.join("__"))
}

/// A section's heading: `` `[server]` ``, or "Top level".
fn section_title(section: &Section) -> String {
    if section.path.is_empty() {
        "Top level".to_owned()
    } else {
        format!("`[{}]`", section.path.join("."))
    }
}

const INTRODUCTION: &str = "\
# Settings reference

<!-- Generated by `UPDATE_DOCS=1 cargo test --test docs` (tests/docs/settings_reference.rs) from
the doc comments of the settings structs in src/settings/ and the two profiles in config/. Do not
edit by hand: change a doc comment or a profile, then regenerate. -->

Every key the gateway reads. Settings come in layers, later wins: `config/default.toml` (the
sandbox profile, compiled into the binary) ← the file named by `--config` or `SUPPORTGRAPH_CONFIG`
← environment variables. An unknown key or a value of the wrong type stops start-up with a
message naming the key (exit code 2); so does a value that is well-typed but cannot work (see
each key).

For each key:

- **sandbox** is its value in `config/default.toml`, the base every deployment starts from;
- **production** is its value in `config/production.toml`, the commented example of a real
  deployment, or *inherited* where that file leaves the sandbox value in place;
- **environment** is the variable that sets it: `SUPPORTGRAPH_` and the key's path in upper case,
  with `__` between levels. Lists and tables are written as TOML inline values
  (`SUPPORTGRAPH_CORS__ALLOWED_ORIGINS='[\"https://portal.example.com\"]'`).

*unset* means the key is absent: what that means is in its description.

The [operator's guide](README.md) explains how the settings work together.
";

fn render(sections: &[Section], sandbox: &toml::Table, production: &toml::Table) -> String {
    let mut page = String::from(INTRODUCTION);
    page.push_str("\n## Sections\n\n");
    for section in sections.iter().filter(|s| !s.settings.is_empty()) {
        let title = section_title(section);
        let first = section.doc.split("\n\n").next().unwrap_or_default();
        let _ = writeln!(page, "- [{title}](#{}) — {first}", anchor(&title));
    }
    for section in sections.iter().filter(|s| !s.settings.is_empty()) {
        let _ = write!(page, "\n## {}\n\n", section_title(section));
        if !section.doc.is_empty() {
            let _ = writeln!(page, "{}\n", section.doc);
        }
        if section.path.last().is_some_and(|p| p == "<instance>") {
            let _ = writeln!(
                page,
                "One table per instance, named by it (e.g. `[{}.\"order-status/emea\"]`). The \
                 environment variables work only for names that can be part of one \
                 (`registration`); set the others in a file.\n",
                section.path[..section.path.len() - 1].join(".")
            );
        }
        for setting in &section.settings {
            render_setting(&mut page, setting, sandbox, production);
        }
    }
    page
}

fn render_setting(
    page: &mut String,
    setting: &Setting,
    sandbox: &toml::Table,
    production: &toml::Table,
) {
    let value = |v: Option<&toml::Value>| match v {
        Some(v) => format!("`{v}`"),
        None => "*unset*".to_owned(),
    };
    let sandbox_value = value(lookup(sandbox, &setting.path));
    let production_value = match lookup(production, &setting.path) {
        Some(v) => format!("`{v}`"),
        None => "*inherited*".to_owned(),
    };
    let _ = write!(
        page,
        "### `{}`\n\n{}\n\n| type | sandbox | production | environment |\n|---|---|---|---|\n| {} | {} | {} | `{}` |\n\n",
        setting.path.join("."),
        setting.doc,
        setting.ty,
        sandbox_value.replace('|', "\\|"),
        production_value.replace('|', "\\|"),
        environment_variable(&setting.path),
    );
}
