//! JSON Schema: payloads are JSON text, validated against the schema and its `$ref`s.

use std::collections::HashMap;
use std::sync::Arc;

use serde_json::{Map, Value};

use crate::error::{CompileError, DecodeError, EncodeError};
use crate::schema::{Decoded, Reference};

/// How many validation problems an error lists.
const MAX_PROBLEMS: usize = 5;

/// A compiled JSON Schema.
#[derive(Clone)]
pub(crate) struct JsonSchema {
    schema: Value,
    /// The references by name, for templates to follow `$ref`s into.
    references: Arc<HashMap<String, Value>>,
    validator: Arc<jsonschema::Validator>,
}

impl std::fmt::Debug for JsonSchema {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JsonSchema")
            .field("schema", &self.schema)
            .finish_non_exhaustive()
    }
}

/// Serves referenced schemas to `$ref`s, from memory (nothing is fetched).
struct ReferenceRetriever(HashMap<String, Value>);

impl jsonschema::Retrieve for ReferenceRetriever {
    fn retrieve(
        &self,
        uri: &jsonschema::Uri<String>,
    ) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
        let uri = uri.as_str();
        find_reference(&self.0, uri)
            .cloned()
            .ok_or_else(|| format!("no reference named {uri}").into())
    }
}

/// The reference a `$ref` URI means: by its exact name, or by the URI's tail, since a
/// relative `$ref: "address.json"` arrives resolved against the default base
/// (`json-schema:///address.json`).
fn find_reference<'a>(references: &'a HashMap<String, Value>, uri: &str) -> Option<&'a Value> {
    let uri = uri.split('#').next().unwrap_or(uri);
    references.get(uri).or_else(|| {
        references.iter().find_map(|(name, schema)| {
            let name = name.trim_start_matches("./").trim_start_matches('/');
            let tail = uri.trim_start_matches("./");
            (!name.is_empty() && (tail == name || uri.ends_with(&format!("/{name}"))))
                .then_some(schema)
        })
    })
}

impl JsonSchema {
    /// Parses and compiles the schema; `$ref`s to references resolve by name.
    pub(crate) fn compile(text: &str, references: &[Reference]) -> Result<Self, CompileError> {
        let schema: Value =
            serde_json::from_str(text).map_err(|e| CompileError::Json(e.to_string()))?;
        let mut by_name = HashMap::new();
        for reference in references {
            let value: Value = serde_json::from_str(&reference.text)
                .map_err(|e| CompileError::Json(format!("reference `{}`: {e}", reference.name)))?;
            by_name.insert(reference.name.clone(), value);
        }
        let validator = jsonschema::options()
            .with_retriever(ReferenceRetriever(by_name.clone()))
            .build(&schema)
            .map_err(|e| CompileError::Json(e.to_string()))?;
        Ok(Self {
            schema,
            references: Arc::new(by_name),
            validator: Arc::new(validator),
        })
    }

    /// The schema document.
    pub(crate) fn document(&self) -> &Value {
        &self.schema
    }

    /// The schema pretty-printed.
    pub(crate) fn pretty(&self) -> String {
        serde_json::to_string_pretty(&self.schema).unwrap_or_default()
    }

    /// The schema without whitespace, keys in the order written.
    pub(crate) fn compact(&self) -> String {
        self.schema.to_string()
    }

    /// Parses the payload as JSON and validates it.
    pub(crate) fn decode(&self, payload: &[u8]) -> Result<Decoded, DecodeError> {
        let json: Value = serde_json::from_slice(payload).map_err(|e| {
            let (line, column, message) = crate::error::json_position(&e);
            DecodeError::NotJson {
                line,
                column,
                message,
            }
        })?;
        let problems = self.problems(&json);
        if !problems.is_empty() {
            return Err(DecodeError::Invalid(problems));
        }
        let type_name = self
            .schema
            .get("title")
            .and_then(Value::as_str)
            .unwrap_or_default();
        Ok(Decoded {
            json,
            type_name: type_name.to_string(),
        })
    }

    /// Validates the text and returns it without insignificant whitespace (key order and
    /// number spelling kept as written).
    pub(crate) fn encode(&self, json_text: &str) -> Result<Vec<u8>, EncodeError> {
        let json = crate::schema::parse_json(json_text)?;
        let problems = self.problems(&json);
        if !problems.is_empty() {
            return Err(EncodeError::Invalid(problems));
        }
        Ok(minify(json_text).into_bytes())
    }

    /// The first validation problems, each as `pointer: message`.
    fn problems(&self, json: &Value) -> Vec<String> {
        self.validator
            .iter_errors(json)
            .take(MAX_PROBLEMS)
            .map(|e| {
                let pointer = e.instance_path().to_string();
                let pointer = if pointer.is_empty() {
                    "/".to_string()
                } else {
                    pointer
                };
                format!("{pointer}: {e}")
            })
            .collect()
    }

    /// Pretty JSON built from `default`, `const`, the first `enum` value, or a zero of the
    /// `type`, for every property; `$ref`s to the schema itself or its references are
    /// followed. Best effort: constraints such as `minLength` or `pattern` are not met.
    pub(crate) fn template(&self) -> String {
        let value = self.zero(&self.schema, &self.schema, 0);
        serde_json::to_string_pretty(&value).unwrap_or_default()
    }

    /// The zero of `schema`, whose local `$ref`s point into `root`.
    fn zero(&self, schema: &Value, root: &Value, depth: usize) -> Value {
        if depth > 16 {
            return Value::Null;
        }
        for key in ["default", "const"] {
            if let Some(value) = schema.get(key) {
                return value.clone();
            }
        }
        if let Some(first) = schema
            .get("enum")
            .and_then(Value::as_array)
            .and_then(|a| a.first())
        {
            return first.clone();
        }
        if let Some(target) = schema.get("$ref").and_then(Value::as_str) {
            return self.zero_of_ref(target, root, depth);
        }
        let first_of = |key: &str| {
            schema
                .get(key)
                .and_then(Value::as_array)
                .and_then(|a| a.first())
        };
        if let Some(branch) = first_of("oneOf").or_else(|| first_of("anyOf")) {
            return self.zero(branch, root, depth + 1);
        }
        let kind = match schema.get("type") {
            Some(Value::Array(kinds)) => kinds.first().and_then(Value::as_str).unwrap_or("null"),
            Some(Value::String(kind)) => kind,
            _ if schema.get("properties").is_some() => "object",
            _ => "null",
        };
        match kind {
            "object" => {
                let mut object = Map::new();
                if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
                    for (name, property) in properties {
                        object.insert(name.clone(), self.zero(property, root, depth + 1));
                    }
                }
                Value::Object(object)
            }
            "array" => Value::Array(Vec::new()),
            "string" => Value::String(String::new()),
            "integer" | "number" => Value::from(0),
            "boolean" => Value::Bool(false),
            _ => Value::Null,
        }
    }

    /// The zero of what a `$ref` points at: a local pointer, or a reference (with an
    /// optional `#pointer` into it).
    fn zero_of_ref(&self, target: &str, root: &Value, depth: usize) -> Value {
        let (document, pointer) = target.split_once('#').unwrap_or((target, ""));
        let root = if document.is_empty() {
            root
        } else {
            match find_reference(&self.references, document) {
                Some(reference) => reference,
                None => return Value::Null,
            }
        };
        root.pointer(pointer)
            .map_or(Value::Null, |s| self.zero(s, root, depth + 1))
    }
}

/// JSON text without whitespace outside strings.
fn minify(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let (mut in_string, mut escaped) = (false, false);
    for c in text.chars() {
        if in_string {
            out.push(c);
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
        } else if !c.is_ascii_whitespace() {
            in_string = c == '"';
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::minify;

    #[test]
    fn minify_keeps_strings() {
        assert_eq!(
            minify("{ \"a b\" : [1, 2.50],\n \"c\\\" d\": \" x \" }"),
            "{\"a b\":[1,2.50],\"c\\\" d\":\" x \"}"
        );
    }
}
