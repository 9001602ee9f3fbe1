//! Schema validation and compatibility, injected so this crate does not depend on the
//! codecs: the lead wires the real Avro/Protobuf/JSON Schema checker in.

use serde::{Deserialize, Serialize};

/// A reference as registered: the import name, and the subject and version it points at.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Reference {
    /// The name the schema imports it by (an Avro full name, a .proto path, a $ref URL).
    pub name: String,
    /// The subject holding the referenced schema.
    pub subject: String,
    /// Its version in that subject.
    pub version: i32,
}

/// A reference resolved to its schema; transitive references follow their importers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResolvedRef {
    /// The import name.
    pub name: String,
    /// The referenced subject.
    pub subject: String,
    /// The referenced version (a concrete number, never -1).
    pub version: i32,
    /// Its schema type (AVRO, PROTOBUF, JSON).
    pub kind: String,
    /// Its schema text.
    pub schema: String,
}

/// Validates schemas and checks their compatibility; `kind` is AVRO, PROTOBUF or JSON.
pub trait Checker: Send + Sync + 'static {
    /// Ok if `schema` parses as `kind` with `refs` available; Err's text is the 42201 message.
    fn validate(&self, kind: &str, schema: &str, refs: &[ResolvedRef]) -> Result<(), String>;

    /// Incompatibility messages of `new` against `existing` (oldest first) under `level`
    /// (BACKWARD, FORWARD_TRANSITIVE, ...); empty when compatible. The registry passes only
    /// the latest schema for non-transitive levels and never calls this for NONE.
    fn check(
        &self,
        level: &str,
        kind: &str,
        new: (&str, &[ResolvedRef]),
        existing: &[(String, Vec<ResolvedRef>)],
    ) -> Vec<String>;

    /// The form two schemas are compared in for id reuse and lookup; `normalize` is the
    /// request's `normalize` flag. By default the text as given.
    fn canonical(&self, kind: &str, schema: &str, refs: &[ResolvedRef], normalize: bool) -> String {
        let _ = (kind, refs, normalize);
        schema.to_string()
    }

    /// The schema in the form `?format=serialized` asks for (Protobuf: base64 of its
    /// `FileDescriptorProto`, which confluent-kafka-python reads back); `None` keeps the
    /// text as registered.
    fn serialized(&self, kind: &str, schema: &str, refs: &[ResolvedRef]) -> Option<String> {
        let _ = (kind, schema, refs);
        None
    }

    /// The text to store for a valid schema, when not the one registered: Confluent's
    /// registry stores a Protobuf schema given as a base64 `FileDescriptorProto` as
    /// `.proto` source, which is what clients that parse the text can read. `None`
    /// stores the schema as registered.
    fn stored_form(&self, kind: &str, schema: &str, refs: &[ResolvedRef]) -> Option<String> {
        let _ = (kind, schema, refs);
        None
    }

    /// The schema types offered by GET /schemas/types.
    fn types(&self) -> Vec<String> {
        vec!["JSON".into(), "PROTOBUF".into(), "AVRO".into()]
    }
}
