//! `gen-client`: the web app's API client, generated from the OpenAPI document.
//!
//! Reads `openapi/openapi.json` and writes `frontend/src/api/generated.rs`: one typed async
//! function per operation (the operation id is its name; path and query parameters are its
//! arguments; request and response bodies are the `osprey-api-types` DTOs of the schemas'
//! names, `Page_Account` being `Page<Account>`). Operations that need a bearer token become
//! methods of `Api` and go through its token handling (refresh on a 401); the others are free
//! functions. Every schema the document names must be a type of `backend/api-types`, or
//! generation fails saying which. The output goes through rustfmt, so the committed file
//! is exactly what generation produces; a test below fails when it is not.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::Value;

/// The document, relative to the repository root.
pub const SPEC: &str = "openapi/openapi.json";
/// The generated client, relative to the repository root.
pub const OUTPUT: &str = "frontend/src/api/generated.rs";
/// The crate whose types the document's schemas name.
const API_TYPES: &str = "backend/api-types/src";
const SCHEMA_PREFIX: &str = "#/components/schemas/";
/// Methods in the order their operations are written, per path.
const METHODS: &[&str] = &["get", "put", "post", "patch", "delete"];

type Result<T = ()> = std::result::Result<T, String>;

/// `cargo xtask gen-client`: writes the client and says how many operations it has.
pub fn gen_client(root: &Path) -> Result {
    let client = generate(root)?;
    let out = root.join(OUTPUT);
    fs::write(&out, &client.source).map_err(|e| format!("cannot write {}: {e}", out.display()))?;
    println!(
        "xtask: wrote {OUTPUT}: {} operations from {SPEC}",
        client.operations
    );
    Ok(())
}

/// The generated file and the number of operations in it.
pub struct Client {
    pub source: String,
    pub operations: usize,
}

/// The client for the document and the API types of the workspace at `root`, formatted.
pub fn generate(root: &Path) -> Result<Client> {
    let spec_path = root.join(SPEC);
    let text = fs::read_to_string(&spec_path)
        .map_err(|e| format!("cannot read {}: {e}", spec_path.display()))?;
    let doc: Value = serde_json::from_str(&text).map_err(|e| format!("{SPEC} is not JSON: {e}"))?;
    let types = api_types(&root.join(API_TYPES))?;
    let (source, operations) = render(&doc, &types)?;
    Ok(Client {
        source: rustfmt(root, &source)?,
        operations,
    })
}

/// A type the API types crate declares: its name and whether it takes type parameters.
type Types = BTreeMap<String, bool>;

/// The public structs, enums and type aliases of the API types crate (every file under
/// `dir`; the crate re-exports its modules whole).
fn api_types(dir: &Path) -> Result<Types> {
    let mut files = Vec::new();
    collect_rs(dir, &mut files)?;
    files.sort();
    let mut types = Types::new();
    for file in files {
        let text = fs::read_to_string(&file)
            .map_err(|e| format!("cannot read {}: {e}", file.display()))?;
        declared_types(&text, &mut types);
    }
    if types.is_empty() {
        return Err(format!("no types found in {}", dir.display()));
    }
    Ok(types)
}

fn collect_rs(dir: &Path, out: &mut Vec<PathBuf>) -> Result {
    let entries = fs::read_dir(dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
    for entry in entries {
        let path = entry
            .map_err(|e| format!("cannot read {}: {e}", dir.display()))?
            .path();
        if path.is_dir() {
            collect_rs(&path, out)?;
        } else if path.extension().is_some_and(|x| x == "rs") {
            out.push(path);
        }
    }
    Ok(())
}

/// Adds the `pub struct|enum|type Name` items of one source file to `types`.
fn declared_types(text: &str, types: &mut Types) {
    for line in text.lines() {
        let line = line.trim_start();
        let Some(rest) = ["pub struct ", "pub enum ", "pub type "]
            .iter()
            .find_map(|k| line.strip_prefix(k))
        else {
            continue;
        };
        let name: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        if !name.is_empty() {
            let generic = rest[name.len()..].starts_with('<');
            types.insert(name, generic);
        }
    }
}

/// One parameter of an operation.
struct Param {
    /// The name in the document (the query key).
    name: String,
    /// The Rust argument name.
    ident: String,
    /// The argument's type, borrowed where it can be (`&str`).
    ty: String,
    required: bool,
    /// A string, percent-encoded when it goes into the path.
    is_string: bool,
}

/// How an answer is read.
enum Answer {
    /// JSON into this type.
    Json(String),
    /// Plain text.
    Text,
    /// Bytes (a file).
    Bytes,
    /// No body.
    Empty,
}

/// The argument type of a `multipart/form-data` request body.
const FORM: &str = "web_sys::FormData";

struct Operation {
    id: String,
    method: String,
    path: String,
    doc: Vec<String>,
    authed: bool,
    path_params: Vec<Param>,
    query_params: Vec<Param>,
    body: Option<String>,
    answer: Answer,
}

/// The generated source (not yet formatted) and its number of operations.
fn render(doc: &Value, types: &Types) -> Result<(String, usize)> {
    check_refs(doc, types)?;
    let operations = operations(doc, types)?;
    let mut seen = BTreeSet::new();
    for op in &operations {
        if !seen.insert(op.id.clone()) {
            return Err(format!("{SPEC}: operation id `{}` is used twice", op.id));
        }
    }

    let mut used_types = BTreeSet::new();
    let mut helpers = BTreeSet::from(["ApiError", "Call"]);
    for op in &operations {
        for ty in op.body.iter().chain(match &op.answer {
            Answer::Json(t) => Some(t),
            _ => None,
        }) {
            type_names(ty, &mut used_types);
        }
        helpers.insert(match op.answer {
            Answer::Json(_) => "json",
            Answer::Text => "text",
            Answer::Bytes => "bytes",
            Answer::Empty => "empty",
        });
        if op.authed {
            helpers.insert("Api");
        }
        if op.path_params.iter().any(|p| p.is_string) {
            helpers.insert("segment");
        }
    }
    used_types.retain(|t| types.contains_key(t));

    let mut out = String::new();
    out.push_str(
        "//! Every operation of the REST API as a typed function: GENERATED from\n\
         //! `openapi/openapi.json` by `cargo xtask gen-client`; do not edit, regenerate.\n\
         //!\n\
         //! Operations that need a bearer token are methods of [`Api`] (token refresh\n\
         //! included); the others are free functions (one argument per parameter, however\n\
         //! many). The web app calls only some of them.\n\
         \n\
         #![allow(dead_code, clippy::too_many_arguments)]\n\n",
    );
    let _ = writeln!(out, "use gloo::net::http::Method;");
    if !used_types.is_empty() {
        let list: Vec<&str> = used_types.iter().map(String::as_str).collect();
        let _ = writeln!(out, "use osprey_api_types::{{{}}};", list.join(", "));
    }
    let mut helpers: Vec<&str> = helpers.into_iter().collect();
    // rustfmt's order: types (upper case) first, then functions.
    helpers.sort_by_key(|h| (h.starts_with(|c: char| c.is_ascii_lowercase()), *h));
    let _ = writeln!(out, "\nuse super::{{{}}};\n", helpers.join(", "));

    let (authed, anonymous): (Vec<&Operation>, Vec<&Operation>) =
        operations.iter().partition(|op| op.authed);
    for op in anonymous {
        render_operation(&mut out, op);
    }
    if !authed.is_empty() {
        out.push_str("impl Api {\n");
        for op in authed {
            render_operation(&mut out, op);
        }
        out.push_str("}\n");
    }
    Ok((out, operations.len()))
}

/// Every `$ref` of the document must name a schema of the document and a type of the
/// API types crate.
fn check_refs(doc: &Value, types: &Types) -> Result {
    let schemas = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object);
    let mut refs = BTreeMap::<String, String>::new();
    walk_refs(doc, "", &mut refs);
    let mut problems = Vec::new();
    for (target, at) in &refs {
        let Some(name) = target.strip_prefix(SCHEMA_PREFIX) else {
            problems.push(format!("`{target}` (at {at}) is not a component schema"));
            continue;
        };
        if !schemas.is_some_and(|s| s.contains_key(name)) {
            problems.push(format!("schema `{name}` (at {at}) is not in components"));
        }
        if let Err(e) = rust_type_of(name, types) {
            problems.push(format!("{e} (at {at})"));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{SPEC} names schemas the web app cannot type:\n  {}\n\
             Every schema must be a type of osprey-api-types ({API_TYPES}) of the same name.",
            problems.join("\n  ")
        ))
    }
}

/// Collects each `$ref` with the first place (a JSON pointer) that names it.
fn walk_refs(value: &Value, at: &str, out: &mut BTreeMap<String, String>) {
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                if key == "$ref"
                    && let Some(target) = v.as_str()
                {
                    out.entry(target.to_owned())
                        .or_insert_with(|| at.to_owned());
                } else {
                    let escaped = key.replace('~', "~0").replace('/', "~1");
                    walk_refs(v, &format!("{at}/{escaped}"), out);
                }
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                walk_refs(v, &format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}

/// The Rust type of a schema name: `Account`, or `Page<Account>` for `Page_Account`
/// (utoipa's name for a generic type with its argument).
fn rust_type_of(name: &str, types: &Types) -> Result<String> {
    if let Some(&generic) = types.get(name) {
        if generic {
            return Err(format!(
                "schema `{name}` is a generic type of osprey-api-types without its argument"
            ));
        }
        return Ok(name.to_owned());
    }
    if let Some((base, arg)) = name.split_once('_')
        && types.get(base) == Some(&true)
    {
        return Ok(format!("{base}<{}>", rust_type_of(arg, types)?));
    }
    Err(format!(
        "schema `{name}` has no type of that name in osprey-api-types"
    ))
}

/// The identifiers of the API types in a Rust type (`Page<Account>` → Page, Account).
fn type_names(ty: &str, out: &mut BTreeSet<String>) {
    for part in ty.split(|c: char| !c.is_ascii_alphanumeric() && c != '_') {
        if part.starts_with(|c: char| c.is_ascii_uppercase()) {
            out.insert(part.to_owned());
        }
    }
}

/// The document's operations, by path and then method.
fn operations(doc: &Value, types: &Types) -> Result<Vec<Operation>> {
    let paths = doc
        .get("paths")
        .and_then(Value::as_object)
        .ok_or_else(|| format!("{SPEC} has no paths"))?;
    let default_security = doc.get("security");
    let mut keys: Vec<&String> = paths.keys().collect();
    keys.sort();
    let mut out = Vec::new();
    for path in keys {
        let item = paths[path]
            .as_object()
            .ok_or_else(|| format!("{SPEC}: path {path} is not an object"))?;
        for key in item.keys() {
            if !METHODS.contains(&key.as_str()) && key != "parameters" {
                return Err(format!(
                    "{SPEC}: {path} has `{key}`, which the generator does not handle"
                ));
            }
        }
        if item.contains_key("parameters") {
            return Err(format!(
                "{SPEC}: {path} has path-level parameters; the generator reads them per operation"
            ));
        }
        for method in METHODS {
            if let Some(op) = item.get(*method) {
                if only_redirects(op) {
                    // A link the browser follows (an ad's click), not a call of the app.
                    continue;
                }
                out.push(
                    operation(path, method, op, default_security, types)
                        .map_err(|e| format!("{SPEC}: {} {path}: {e}", method.to_uppercase()))?,
                );
            }
        }
    }
    Ok(out)
}

fn operation(
    path: &str,
    method: &str,
    op: &Value,
    default_security: Option<&Value>,
    types: &Types,
) -> Result<Operation> {
    let id = op
        .get("operationId")
        .and_then(Value::as_str)
        .ok_or("no operationId")?;
    let id = snake_case(id);
    if !is_identifier(&id) || KEYWORDS.contains(&id.as_str()) {
        return Err(format!("operation id `{id}` is not a Rust identifier"));
    }

    let mut doc = Vec::new();
    for key in ["summary", "description"] {
        if let Some(text) = op.get(key).and_then(Value::as_str) {
            if !doc.is_empty() {
                doc.push(String::new());
            }
            doc.extend(text.lines().map(|l| l.trim_end().to_owned()));
        }
    }
    if !doc.is_empty() {
        doc.push(String::new());
    }
    doc.push(format!("`{} {path}`", method.to_uppercase()));

    let security = op.get("security").or(default_security);
    let authed = security
        .and_then(Value::as_array)
        .is_some_and(|s| !s.is_empty());

    let mut path_params = Vec::new();
    let mut query_params = Vec::new();
    for p in op
        .get("parameters")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default()
    {
        if p.get("$ref").is_some() {
            return Err("parameter references are not supported; inline the parameter".into());
        }
        let name = p
            .get("name")
            .and_then(Value::as_str)
            .ok_or("a parameter has no name")?;
        let location = p.get("in").and_then(Value::as_str).unwrap_or("");
        let required = p.get("required").and_then(Value::as_bool).unwrap_or(false);
        let schema = p
            .get("schema")
            .ok_or_else(|| format!("parameter `{name}` has no schema"))?;
        let (ty, is_string) = param_type(schema).map_err(|e| format!("parameter `{name}`: {e}"))?;
        let ident = snake_case(name);
        if !is_identifier(&ident) || ["self", "super", "crate"].contains(&ident.as_str()) {
            return Err(format!(
                "parameter `{name}` does not make a Rust identifier"
            ));
        }
        let param = Param {
            name: name.to_owned(),
            ident: raw_if_keyword(&ident),
            ty,
            required,
            is_string,
        };
        match location {
            "path" => {
                if !path.contains(&format!("{{{name}}}")) {
                    return Err(format!("path parameter `{name}` is not in the path"));
                }
                path_params.push(param);
            }
            "query" => query_params.push(param),
            other => {
                return Err(format!(
                    "parameter `{name}` is in `{other}`; only path and query parameters are supported"
                ));
            }
        }
    }
    for segment in path.split('/') {
        if let Some(name) = segment.strip_prefix('{').and_then(|s| s.strip_suffix('}'))
            && !path_params.iter().any(|p| p.name == name)
        {
            return Err(format!("`{{{name}}}` in the path is not a parameter"));
        }
    }

    let body = match op.get("requestBody") {
        None => None,
        Some(rb) => {
            if rb.get("required").and_then(Value::as_bool) != Some(true) {
                return Err("optional request bodies are not supported".into());
            }
            if rb.pointer("/content/multipart~1form-data").is_some() {
                // A form the page fills (a file input's files): sent as the browser
                // encodes it.
                Some(FORM.to_owned())
            } else {
                let schema = rb.pointer("/content/application~1json/schema").ok_or(
                    "the request body is neither application/json nor multipart/form-data",
                )?;
                Some(body_type(schema, types).map_err(|e| format!("request body: {e}"))?)
            }
        }
    };

    let answer = answer(op, types)?;
    let names: Vec<&str> = path_params
        .iter()
        .chain(&query_params)
        .map(|p| p.ident.as_str())
        .collect();
    if body.is_some() && names.contains(&"body") {
        return Err("a parameter is called `body`, like the request body".into());
    }

    Ok(Operation {
        id,
        method: method.to_uppercase(),
        path: path.to_owned(),
        doc,
        authed,
        path_params,
        query_params,
        body,
        answer,
    })
}

/// Whether an operation answers with redirects (3xx) and never a 2xx.
fn only_redirects(op: &Value) -> bool {
    let Some(responses) = op.get("responses").and_then(Value::as_object) else {
        return false;
    };
    responses.keys().any(|s| s.starts_with('3')) && !responses.keys().any(|s| s.starts_with('2'))
}

/// How the one successful answer of an operation is read.
fn answer(op: &Value, types: &Types) -> Result<Answer> {
    let responses = op
        .get("responses")
        .and_then(Value::as_object)
        .ok_or("no responses")?;
    let mut found = Vec::new();
    for (status, response) in responses {
        if !status.starts_with('2') {
            continue;
        }
        let content = response.get("content").and_then(Value::as_object);
        let answer = match content {
            None => Answer::Empty,
            Some(c) if c.is_empty() => Answer::Empty,
            Some(c) => {
                if let Some(schema) = c.get("application/json").and_then(|m| m.get("schema")) {
                    Answer::Json(
                        body_type(schema, types)
                            .map_err(|e| format!("the {status} answer: {e}"))?,
                    )
                } else if c.keys().any(|k| k.starts_with("text/")) {
                    Answer::Text
                } else if c.contains_key("application/octet-stream") {
                    Answer::Bytes
                } else {
                    let kinds: Vec<&String> = c.keys().collect();
                    return Err(format!(
                        "the {status} answer is {kinds:?}; only JSON, text and application/octet-stream are supported"
                    ));
                }
            }
        };
        found.push((status.clone(), answer));
    }
    match found.len() {
        0 => Err("no successful (2xx) answer".into()),
        1 => Ok(found.pop().map(|(_, a)| a).expect("one answer")),
        _ => {
            let statuses: Vec<&str> = found.iter().map(|(s, _)| s.as_str()).collect();
            Err(format!(
                "several successful answers ({}); the generator needs one",
                statuses.join(", ")
            ))
        }
    }
}

/// The Rust type of a body: a schema reference, or an array of them.
fn body_type(schema: &Value, types: &Types) -> Result<String> {
    if let Some(target) = schema.get("$ref").and_then(Value::as_str) {
        let name = target
            .strip_prefix(SCHEMA_PREFIX)
            .ok_or_else(|| format!("`{target}` is not a component schema"))?;
        return rust_type_of(name, types);
    }
    match schema.get("type").and_then(Value::as_str) {
        Some("array") => {
            let items = schema.get("items").ok_or("an array without items")?;
            Ok(format!("Vec<{}>", body_type(items, types)?))
        }
        Some(scalar @ ("string" | "integer" | "number" | "boolean")) => {
            Ok(scalar_type(scalar, schema)?.0)
        }
        _ => Err(format!(
            "an inline schema ({schema}); give it a name in osprey-api-types"
        )),
    }
}

/// A parameter's argument type and whether it is a string.
fn param_type(schema: &Value) -> Result<(String, bool)> {
    match schema.get("type").and_then(Value::as_str) {
        Some("string") => {
            if schema.get("enum").is_some() {
                return Err("string enums are not supported as parameters".into());
            }
            Ok(("&str".to_owned(), true))
        }
        Some(scalar @ ("integer" | "number" | "boolean")) => {
            Ok((scalar_type(scalar, schema)?.0, false))
        }
        _ => Err(format!("unsupported parameter schema {schema}")),
    }
}

/// The owned Rust type of a scalar schema.
fn scalar_type(kind: &str, schema: &Value) -> Result<(String, bool)> {
    let format = schema.get("format").and_then(Value::as_str);
    let unsigned = schema
        .get("minimum")
        .and_then(Value::as_f64)
        .is_some_and(|m| m >= 0.0);
    let ty = match (kind, format) {
        ("string", _) => "String",
        ("boolean", _) => "bool",
        ("integer", Some("int32")) if unsigned => "u32",
        ("integer", Some("int32")) => "i32",
        ("integer", _) if unsigned => "u64",
        ("integer", _) => "i64",
        ("number", Some("float")) => "f32",
        ("number", _) => "f64",
        _ => return Err(format!("unsupported scalar {kind}")),
    };
    Ok((ty.to_owned(), kind == "string"))
}

fn render_operation(out: &mut String, op: &Operation) {
    for line in &op.doc {
        if line.is_empty() {
            out.push_str("///\n");
        } else {
            let _ = writeln!(out, "/// {line}");
        }
    }
    let mut args: Vec<String> = Vec::new();
    if op.authed {
        args.push("&self".to_owned());
    }
    for p in &op.path_params {
        args.push(format!("{}: {}", p.ident, p.ty));
    }
    if let Some(body) = &op.body {
        args.push(format!("body: &{body}"));
    }
    for p in &op.query_params {
        if p.required {
            args.push(format!("{}: {}", p.ident, p.ty));
        } else {
            args.push(format!("{}: Option<{}>", p.ident, p.ty));
        }
    }
    let returns = match &op.answer {
        Answer::Json(t) => t.clone(),
        Answer::Text => "String".to_owned(),
        Answer::Bytes => "Vec<u8>".to_owned(),
        Answer::Empty => "()".to_owned(),
    };
    let _ = writeln!(
        out,
        "pub async fn {}({}) -> Result<{returns}, ApiError> {{",
        op.id,
        args.join(", ")
    );

    let path = if op.path_params.is_empty() {
        format!("{:?}", op.path)
    } else {
        let mut template = op.path.clone();
        let mut values = Vec::new();
        for p in &op.path_params {
            template = template.replace(&format!("{{{}}}", p.name), "{}");
            values.push(if p.is_string {
                format!("segment({})", p.ident)
            } else {
                p.ident.clone()
            });
        }
        format!("format!({template:?}, {})", values.join(", "))
    };
    let _ = write!(out, "let call = Call::new(Method::{}, {path})", op.method);
    for p in &op.query_params {
        if p.required {
            let _ = write!(out, ".query({:?}, Some({}))", p.name, p.ident);
        } else {
            let _ = write!(out, ".query({:?}, {})", p.name, p.ident);
        }
    }
    match op.body.as_deref() {
        Some(FORM) => out.push_str(".form(body)"),
        Some(_) => out.push_str(".json(body)?"),
        None => {}
    }
    out.push_str(";\n");
    let reader = match op.answer {
        Answer::Json(_) => "json",
        Answer::Text => "text",
        Answer::Bytes => "bytes",
        Answer::Empty => "empty",
    };
    if op.authed {
        let _ = writeln!(out, "{reader}(self.authed(&call).await?).await");
    } else {
        let _ = writeln!(out, "{reader}(call.send(None).await?).await");
    }
    out.push_str("}\n\n");
}

/// `operationId` → `operation_id`; snake case stays as it is.
fn snake_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 && !out.ends_with('_') {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('_') {
            out.push('_');
        }
    }
    out
}

/// A lower-case Rust identifier (keywords aside).
fn is_identifier(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_lowercase() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut",
    "pub", "ref", "return", "self", "static", "struct", "super", "trait", "true", "type", "unsafe",
    "use", "where", "while", "yield",
];

fn raw_if_keyword(name: &str) -> String {
    if KEYWORDS.contains(&name) {
        format!("r#{name}")
    } else {
        name.to_owned()
    }
}

/// `source` through rustfmt (edition 2024, the workspace's settings).
fn rustfmt(root: &Path, source: &str) -> Result<String> {
    let mut child = Command::new("rustfmt")
        .args(["--edition", "2024", "--emit", "stdout"])
        .current_dir(root)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run rustfmt: {e}"))?;
    let mut stdin = child.stdin.take().ok_or("rustfmt has no stdin")?;
    let input = source.to_owned();
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let output = child
        .wait_with_output()
        .map_err(|e| format!("rustfmt failed: {e}"))?;
    writer
        .join()
        .map_err(|_| "rustfmt input thread panicked".to_owned())?
        .map_err(|e| format!("cannot write to rustfmt: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "rustfmt refused the generated client ({}):\n{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    String::from_utf8(output.stdout).map_err(|e| format!("rustfmt wrote no UTF-8: {e}"))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn root() -> PathBuf {
        crate::root()
    }

    fn types() -> Types {
        let mut t = Types::new();
        declared_types(
            "pub struct Page<T> {\npub struct Domain {\npub enum Role {\n  pub struct CreateDomain {",
            &mut t,
        );
        t
    }

    fn doc(paths: Value) -> Value {
        json!({
            "openapi": "3.1.0",
            "paths": paths,
            "components": { "schemas": {
                "Domain": {}, "CreateDomain": {}, "Page_Domain": {}, "Role": {}
            }}
        })
    }

    #[test]
    fn committed_web_client_matches_the_openapi_document() {
        let root = root();
        let generated = generate(&root).expect("the client generates");
        let committed = fs::read_to_string(root.join(OUTPUT)).unwrap_or_default();
        let first_difference = committed
            .lines()
            .zip(generated.source.lines())
            .position(|(a, b)| a != b)
            .unwrap_or(
                committed
                    .lines()
                    .count()
                    .min(generated.source.lines().count()),
            );
        assert!(
            committed == generated.source,
            "{OUTPUT} is stale (from line {}): regenerate it with `cargo xtask gen-client`",
            first_difference + 1
        );
        assert!(generated.operations > 0);
    }

    #[test]
    fn reads_the_declared_types() {
        let t = types();
        assert_eq!(t.get("Page"), Some(&true));
        assert_eq!(t.get("Domain"), Some(&false));
        assert_eq!(t.get("CreateDomain"), Some(&false));
        assert_eq!(t.len(), 4);
    }

    #[test]
    fn generic_schema_names_become_generic_types() {
        let t = types();
        assert_eq!(rust_type_of("Page_Domain", &t).unwrap(), "Page<Domain>");
        assert_eq!(rust_type_of("Domain", &t).unwrap(), "Domain");
        assert!(rust_type_of("Page", &t).is_err());
        assert!(rust_type_of("Page_Nothing", &t).is_err());
    }

    #[test]
    fn a_schema_missing_from_the_api_types_fails_by_name() {
        let mut d = doc(json!({
            "/api/v1/things": { "get": {
                "operationId": "list_things",
                "responses": { "200": { "content": { "application/json": {
                    "schema": { "$ref": "#/components/schemas/Thing" } } } } }
            }}
        }));
        d["components"]["schemas"]["Thing"] = json!({});
        let err = render(&d, &types()).expect_err("generation fails");
        assert!(err.contains("`Thing` has no type of that name"), "{err}");
        assert!(err.contains("/paths/~1api~1v1~1things/get"), "{err}");
    }

    #[test]
    fn a_reference_outside_the_components_fails() {
        let d = doc(json!({
            "/x": { "get": {
                "operationId": "x",
                "responses": { "200": { "content": { "application/json": {
                    "schema": { "$ref": "#/components/schemas/Nowhere" } } } } }
            }}
        }));
        let err = render(&d, &types()).expect_err("generation fails");
        assert!(err.contains("`Nowhere` (at"), "{err}");
        assert!(err.contains("is not in components"), "{err}");
    }

    #[test]
    fn operations_become_typed_functions() {
        let d = doc(json!({
            "/api/v1/domains": {
                "get": {
                    "operationId": "listDomains",
                    "summary": "Domains.",
                    "security": [{ "bearer": [] }],
                    "parameters": [
                        { "name": "limit", "in": "query", "schema": { "type": "integer", "format": "int32", "minimum": 0 } },
                        { "name": "type", "in": "query", "required": true, "schema": { "type": "string" } }
                    ],
                    "responses": { "200": { "content": { "application/json": {
                        "schema": { "$ref": "#/components/schemas/Page_Domain" } } } } }
                },
                "post": {
                    "operationId": "create_domain",
                    "requestBody": { "required": true, "content": { "application/json": {
                        "schema": { "$ref": "#/components/schemas/CreateDomain" } } } },
                    "responses": { "201": { "content": { "application/json": {
                        "schema": { "$ref": "#/components/schemas/Domain" } } } } }
                }
            },
            "/api/v1/domains/{id}": { "delete": {
                "operationId": "delete_domain",
                "security": [{ "bearer": [] }],
                "parameters": [{ "name": "id", "in": "path", "required": true, "schema": { "type": "string" } }],
                "responses": { "204": { "description": "Gone" } }
            }},
            "/metrics": { "get": {
                "operationId": "metrics",
                "responses": { "200": { "content": { "text/plain": { "schema": { "type": "string" } } } } }
            }},
            "/api/v1/uploads": { "post": {
                "operationId": "upload_file",
                "security": [{ "bearer": [] }],
                "requestBody": { "required": true, "content": { "multipart/form-data": {
                    "schema": { "type": "object" } } } },
                "responses": { "204": { "description": "Kept" } }
            }}
        }));
        let (source, count) = render(&d, &types()).unwrap();
        assert_eq!(count, 5);
        let one_line = source.split_whitespace().collect::<Vec<_>>().join(" ");
        for expected in [
            "use osprey_api_types::{CreateDomain, Domain, Page};",
            "use super::{Api, ApiError, Call, empty, json, segment, text};",
            "pub async fn create_domain(body: &CreateDomain) -> Result<Domain, ApiError> { \
             let call = Call::new(Method::POST, \"/api/v1/domains\").json(body)?; \
             json(call.send(None).await?).await }",
            "pub async fn metrics() -> Result<String, ApiError> {",
            "pub async fn upload_file(&self, body: &web_sys::FormData) -> Result<(), ApiError> { \
             let call = Call::new(Method::POST, \"/api/v1/uploads\").form(body); \
             empty(self.authed(&call).await?).await }",
            "text(call.send(None).await?).await",
            "impl Api {",
            "/// Domains. /// /// `GET /api/v1/domains`",
            "pub async fn list_domains(&self, limit: Option<u32>, r#type: &str) -> Result<Page<Domain>, ApiError>",
            ".query(\"limit\", limit).query(\"type\", Some(r#type));",
            "json(self.authed(&call).await?).await",
            "pub async fn delete_domain(&self, id: &str) -> Result<(), ApiError> { \
             let call = Call::new(Method::DELETE, format!(\"/api/v1/domains/{}\", segment(id))); \
             empty(self.authed(&call).await?).await }",
        ] {
            assert!(
                one_line.contains(expected),
                "missing {expected:?} in\n{source}"
            );
        }
    }

    #[test]
    fn unsupported_shapes_are_refused_with_the_operation_named() {
        let header = doc(json!({ "/x": { "get": {
            "operationId": "x",
            "parameters": [{ "name": "X-Trace", "in": "header", "schema": { "type": "string" } }],
            "responses": { "204": {} }
        }}}));
        let err = render(&header, &types()).unwrap_err();
        assert!(
            err.contains("GET /x") && err.contains("in `header`"),
            "{err}"
        );

        let twice = doc(json!({
            "/a": { "get": { "operationId": "same", "responses": { "204": {} } } },
            "/b": { "get": { "operationId": "same", "responses": { "204": {} } } }
        }));
        let err = render(&twice, &types()).unwrap_err();
        assert!(err.contains("`same` is used twice"), "{err}");

        let inline = doc(json!({ "/x": { "get": {
            "operationId": "x",
            "responses": { "200": { "content": { "application/json": {
                "schema": { "type": "object" } } } } }
        }}}));
        let err = render(&inline, &types()).unwrap_err();
        assert!(err.contains("inline schema"), "{err}");
    }

    #[test]
    fn names_become_rust_identifiers() {
        assert_eq!(snake_case("listDomains"), "list_domains");
        assert_eq!(snake_case("get_dkim"), "get_dkim");
        assert_eq!(snake_case("api-keys"), "api_keys");
        assert_eq!(raw_if_keyword("type"), "r#type");
        assert_eq!(raw_if_keyword("domain"), "domain");
        assert!(is_identifier("list_domains"));
        assert!(!is_identifier("List"));
        assert!(!is_identifier("9lives"));
    }
}
