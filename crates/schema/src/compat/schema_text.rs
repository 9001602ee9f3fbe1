//! A schema as the registry stores it: language, text, references, version.

use std::fmt;
use std::str::FromStr;

/// The schema language, the registry's `schemaType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Kind {
    /// Avro, the registry's default when `schemaType` is absent.
    #[default]
    Avro,
    /// Protocol Buffers (proto2 or proto3 source).
    Protobuf,
    /// JSON Schema.
    Json,
}

impl Kind {
    /// The registry's `schemaType` string.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Avro => "AVRO",
            Kind::Protobuf => "PROTOBUF",
            Kind::Json => "JSON",
        }
    }

    /// The kind for an optional `schemaType` field: absent means Avro.
    pub fn from_schema_type(schema_type: Option<&str>) -> Result<Kind, String> {
        schema_type.map_or(Ok(Kind::Avro), str::parse)
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Kind {
    type Err = String;

    /// Case-insensitive, as the registry looks providers up by upper-cased type.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_uppercase().as_str() {
            "AVRO" => Ok(Kind::Avro),
            "PROTOBUF" => Ok(Kind::Protobuf),
            "JSON" => Ok(Kind::Json),
            _ => Err(format!("Invalid schema type {s}")),
        }
    }
}

/// A schema with the schemas it references, each under the name the referrer uses for it
/// (Avro: the named type's full name; Protobuf: the import path; JSON: the `$ref` URI).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SchemaText {
    /// The schema language.
    pub kind: Kind,
    /// The schema source as registered.
    pub text: String,
    /// Referenced schemas, by the name the referrer uses.
    pub references: Vec<(String, SchemaText)>,
    /// The subject version, quoted in incompatibility messages when known.
    pub version: Option<i32>,
}

impl SchemaText {
    /// A schema without references or version.
    pub fn new(kind: Kind, text: impl Into<String>) -> SchemaText {
        SchemaText {
            kind,
            text: text.into(),
            references: Vec::new(),
            version: None,
        }
    }

    /// The same schema with one more reference.
    #[must_use]
    pub fn with_reference(mut self, name: impl Into<String>, schema: SchemaText) -> SchemaText {
        self.references.push((name.into(), schema));
        self
    }

    /// The same schema with its subject version.
    #[must_use]
    pub fn with_version(mut self, version: i32) -> SchemaText {
        self.version = Some(version);
        self
    }

    /// Every reference, transitively, dependencies before dependents, each name once.
    pub(crate) fn flat_references(&self) -> Vec<(&str, &SchemaText)> {
        let mut out: Vec<(&str, &SchemaText)> = Vec::new();
        collect_references(self, &mut out);
        out
    }
}

/// Depth-first so a reference's own references come before it.
fn collect_references<'a>(schema: &'a SchemaText, out: &mut Vec<(&'a str, &'a SchemaText)>) {
    for (name, reference) in &schema.references {
        if out.iter().any(|(seen, _)| *seen == name.as_str()) {
            continue;
        }
        collect_references(reference, out);
        if !out.iter().any(|(seen, _)| *seen == name.as_str()) {
            out.push((name.as_str(), reference));
        }
    }
}
