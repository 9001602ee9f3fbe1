//! The registry's checks done by the `schema` crate: a schema is valid when it compiles
//! with its references, compatibility follows the registry's rules for Avro, Protobuf
//! and JSON Schema, two registrations of one schema are recognised whatever their
//! JSON whitespace, and Protobuf registered as a base64 descriptor is stored as source.

use schema::compat::{self, Kind, Level, SchemaText};

use crate::checker::{Checker, ResolvedRef};

/// The checks the embedded registry runs.
#[derive(Debug, Clone, Copy, Default)]
pub struct SchemaChecker;

/// A schema of kind `kind` with its (flat, dependencies first) references.
fn schema_text(kind: &str, text: &str, refs: &[ResolvedRef]) -> Result<SchemaText, String> {
    let mut s = SchemaText::new(kind.parse::<Kind>()?, text);
    for r in refs {
        let referenced =
            SchemaText::new(r.kind.parse::<Kind>()?, &*r.schema).with_version(r.version);
        s = s.with_reference(&*r.name, referenced);
    }
    Ok(s)
}

impl Checker for SchemaChecker {
    fn validate(&self, kind: &str, schema: &str, refs: &[ResolvedRef]) -> Result<(), String> {
        compat::validate(&schema_text(kind, schema, refs)?)
    }

    fn check(
        &self,
        level: &str,
        kind: &str,
        new: (&str, &[ResolvedRef]),
        existing: &[(String, Vec<ResolvedRef>)],
    ) -> Vec<String> {
        let level: Level = match level.parse() {
            Ok(l) => l,
            Err(e) => return vec![format!("{e:?}")],
        };
        let new = match schema_text(kind, new.0, new.1) {
            Ok(s) => s,
            Err(e) => return vec![e],
        };
        let old: Result<Vec<SchemaText>, String> = existing
            .iter()
            .map(|(text, refs)| schema_text(kind, text, refs))
            .collect();
        match old {
            Ok(old) => compat::check(level, &new, &old),
            Err(e) => vec![e],
        }
    }

    fn serialized(&self, kind: &str, schema: &str, refs: &[ResolvedRef]) -> Option<String> {
        compat::serialized(&schema_text(kind, schema, refs).ok()?)
            .ok()
            .flatten()
    }

    fn stored_form(&self, kind: &str, schema: &str, refs: &[ResolvedRef]) -> Option<String> {
        compat::proto_source(&schema_text(kind, schema, refs).ok()?)
            .ok()
            .flatten()
    }

    /// Avro and JSON Schema texts compared as parsed JSON written compactly (so a client
    /// that pretty-prints gets the same id back), Avro's also whatever its key order;
    /// Protobuf as given, a base64 descriptor as the source it is stored as.
    fn canonical(
        &self,
        kind: &str,
        schema: &str,
        refs: &[ResolvedRef],
        _normalize: bool,
    ) -> String {
        if kind == "PROTOBUF" {
            // Logs written before base64 was stored as source hold base64: it still
            // matches its registration again, which is now source.
            return self
                .stored_form(kind, schema, refs)
                .unwrap_or_else(|| schema.to_string());
        }
        let kind = kind.parse::<Kind>();
        if matches!(kind, Ok(Kind::Avro | Kind::Json)) {
            if let Ok(v) = serde_json::from_str::<serde_json::Value>(schema) {
                // Confluent's Avro canonical form is Avro's Schema.toString(), which writes
                // attributes in its own order whatever order they came in; its JSON Schema
                // form is Jackson's tree, which keeps the order given.
                return match kind {
                    Ok(Kind::Avro) => keys_sorted(v).to_string(),
                    _ => v.to_string(),
                };
            }
        }
        schema.to_string()
    }
}

/// The value with every object's keys in sorted order, so key order does not matter.
fn keys_sorted(v: serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match v {
        Value::Object(map) => {
            let mut entries: Vec<_> = map.into_iter().collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            Value::Object(
                entries
                    .into_iter()
                    .map(|(k, v)| (k, keys_sorted(v)))
                    .collect(),
            )
        }
        Value::Array(items) => Value::Array(items.into_iter().map(keys_sorted).collect()),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const V1: &str = r#"{"type":"record","name":"Order","fields":[{"name":"id","type":"long"}]}"#;

    #[test]
    fn a_field_added_without_a_default_breaks_backward_and_with_one_does_not() {
        let c = SchemaChecker;
        let no_default = r#"{"type":"record","name":"Order","fields":[{"name":"id","type":"long"},{"name":"note","type":"string"}]}"#;
        let with_default = r#"{"type":"record","name":"Order","fields":[{"name":"id","type":"long"},{"name":"note","type":"string","default":""}]}"#;
        let old = [(V1.to_string(), vec![])];
        let broken = c.check("BACKWARD", "AVRO", (no_default, &[]), &old);
        assert_eq!(broken.len(), 2, "{broken:?}");
        assert!(
            broken[0].contains("READER_FIELD_MISSING_DEFAULT_VALUE"),
            "{broken:?}"
        );
        assert!(c
            .check("BACKWARD", "AVRO", (with_default, &[]), &old)
            .is_empty());
        assert!(c.check("NONE", "AVRO", (no_default, &[]), &old).is_empty());
    }

    #[test]
    fn invalid_schemas_and_levels_are_refused_with_the_reason() {
        let c = SchemaChecker;
        assert!(c.validate("AVRO", V1, &[]).is_ok());
        let e = c.validate("AVRO", r#"{"type":"record"}"#, &[]).unwrap_err();
        assert!(e.contains("Invalid schema"), "{e}");
        assert!(c
            .validate("PROTOBUF", "message M { int32 a = 1 ", &[])
            .is_err());
        assert!(c.validate("XML", "<a/>", &[]).is_err());
        assert_eq!(c.check("SIDEWAYS", "AVRO", (V1, &[]), &[]).len(), 1);
    }

    #[test]
    fn references_resolve_when_validating() {
        let c = SchemaChecker;
        let address = r#"{"type":"record","name":"Address","namespace":"shop","fields":[{"name":"zip","type":"string"}]}"#;
        let order = r#"{"type":"record","name":"Order","namespace":"shop","fields":[{"name":"to","type":"shop.Address"}]}"#;
        assert!(c.validate("AVRO", order, &[]).is_err());
        let r = ResolvedRef {
            name: "shop.Address".into(),
            subject: "address".into(),
            version: 1,
            kind: "AVRO".into(),
            schema: address.into(),
        };
        assert!(c.validate("AVRO", order, &[r]).is_ok());
    }

    #[test]
    fn json_whitespace_does_not_make_another_schema() {
        let c = SchemaChecker;
        let pretty = "{\n  \"type\": \"record\", \"name\": \"Order\",\n  \"fields\": [{\"name\": \"id\", \"type\": \"long\"}]\n}";
        assert_eq!(
            c.canonical("AVRO", pretty, &[], false),
            c.canonical("AVRO", V1, &[], false)
        );
        let proto = "syntax = \"proto3\";\nmessage M {}\n";
        assert_eq!(c.canonical("PROTOBUF", proto, &[], false), proto);
    }

    #[test]
    fn only_base64_protobuf_is_stored_in_another_form() {
        let c = SchemaChecker;
        let proto = "syntax = \"proto3\";\nmessage M { int32 a = 1; }\n";
        assert_eq!(c.stored_form("PROTOBUF", proto, &[]), None);
        assert_eq!(c.stored_form("AVRO", V1, &[]), None);
        let b64 = c.serialized("PROTOBUF", proto, &[]).unwrap();
        assert_eq!(
            c.stored_form("PROTOBUF", &b64, &[]).as_deref(),
            Some("syntax = \"proto3\";\n\nmessage M {\n  int32 a = 1;\n}\n")
        );
    }
}
