//! A schema as the registry stores it: language, text, references, version.

/// The schema language: the crate's one [`crate::SchemaKind`], under the name the
/// compatibility checks have always used.
pub use crate::SchemaKind as Kind;

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
