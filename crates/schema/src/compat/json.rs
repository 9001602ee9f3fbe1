//! JSON Schema: parsing, `$ref` resolution across referenced schemas, and the entry to the
//! registry's JSON Schema diff.

use serde_json::Value;

use super::json_diff::Diff;
use super::{Kind, SchemaText};

/// A JSON Schema document with the documents it references by name.
pub(super) struct Parsed {
    /// Index 0 is the schema itself; then its references.
    documents: Vec<(String, Value)>,
}

impl Parsed {
    /// The schema's root.
    pub(super) fn root(&self) -> (usize, &Value) {
        (0, &self.documents[0].1)
    }

    /// Resolves `reference` as written in document `doc`: a local pointer, a reference's
    /// name (optionally with a `#` pointer), or a document's `$id`.
    pub(super) fn resolve(&self, doc: usize, reference: &str) -> Option<(usize, &Value)> {
        let (target, pointer) = reference.split_once('#').unwrap_or((reference, ""));
        let doc = if target.is_empty() {
            doc
        } else {
            self.documents.iter().position(|(name, value)| {
                name == target
                    || value.get("$id").and_then(Value::as_str) == Some(target)
                    || name.rsplit('/').next() == target.rsplit('/').next()
            })?
        };
        let root = &self.documents[doc].1;
        if pointer.is_empty() {
            return Some((doc, root));
        }
        root.pointer(pointer).map(|v| (doc, v))
    }
}

/// Parses `schema` and its references, checks each against its draft's meta-schema and
/// checks every `$ref` resolves.
pub(super) fn parse(schema: &SchemaText) -> Result<Parsed, String> {
    let invalid = |detail: String| format!("Invalid schema of type JSON, details: {detail}");
    let mut documents = vec![(String::new(), parse_one(&schema.text).map_err(invalid)?)];
    for (name, reference) in schema.flat_references() {
        if reference.kind == Kind::Json {
            let value = parse_one(&reference.text)
                .map_err(|e| invalid(format!("reference '{name}': {e}")))?;
            documents.push((name.to_owned(), value));
        }
    }
    let parsed = Parsed { documents };
    for doc in 0..parsed.documents.len() {
        check_refs(&parsed, doc, &parsed.documents[doc].1).map_err(invalid)?;
    }
    Ok(parsed)
}

/// One document: JSON, a schema (object or boolean), valid against its meta-schema.
fn parse_one(text: &str) -> Result<Value, String> {
    let value: Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
    if !value.is_object() && !value.is_boolean() {
        return Err("a schema must be an object or a boolean".to_owned());
    }
    // The crate panics on a `$schema` it does not bundle; such schemas skip this step.
    let known_draft = match value.get("$schema") {
        None => true,
        Some(Value::String(uri)) => {
            ["draft-04", "draft-06", "draft-07", "2019-09", "2020-12"]
                .iter()
                .any(|draft| uri.contains(draft))
                && uri.contains("json-schema.org")
        }
        Some(_) => false,
    };
    if known_draft {
        jsonschema::meta::validate(&value).map_err(|e| e.to_string())?;
    }
    Ok(value)
}

/// Every `$ref` under `value` must resolve.
fn check_refs(parsed: &Parsed, doc: usize, value: &Value) -> Result<(), String> {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(reference)) = map.get("$ref") {
                if parsed.resolve(doc, reference).is_none() {
                    return Err(format!("Unresolved $ref '{reference}'"));
                }
            }
            map.values().try_for_each(|v| check_refs(parsed, doc, v))
        }
        Value::Array(items) => items.iter().try_for_each(|v| check_refs(parsed, doc, v)),
        _ => Ok(()),
    }
}

/// Incompatibility messages for `reader` reading data written with `writer`: the registry
/// diffs the writer (original) against the reader (update) and keeps incompatible kinds.
pub(super) fn reader_issues(reader: &Parsed, writer: &Parsed) -> Vec<String> {
    let mut diff = Diff::new(writer, reader);
    let (original, update) = (writer.root(), reader.root());
    diff.compare(
        (original.0, original.1.clone()),
        (update.0, update.1.clone()),
    );
    let mut messages: Vec<String> = Vec::new();
    for (kind, path) in diff.into_found() {
        if kind.compatible() {
            continue;
        }
        // The registry's text ends the description with a single quote; kept as it is.
        let message = format!(
            "{{errorType:\"{}\", description:\"{}'}}",
            kind.name(),
            kind.description(&path)
        );
        if !messages.contains(&message) {
            messages.push(message);
        }
    }
    messages
}
