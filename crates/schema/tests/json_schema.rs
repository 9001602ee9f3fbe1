//! JSON Schema: payloads validated against the schema and the references it `$ref`s.

use schema::{DecodeError, EncodeError, Reference, Schema, SchemaKind};
use serde_json::{json, Value};

const PERSON: &str = r#"{
  "$schema": "http://json-schema.org/draft-07/schema#",
  "title": "Person",
  "type": "object",
  "properties": {
    "name": {"type": "string", "minLength": 1},
    "age": {"type": "integer", "minimum": 0},
    "address": {"$ref": "address.json"},
    "kind": {"enum": ["a", "b"]}
  },
  "required": ["name", "address"]
}"#;

const ADDRESS: &str = r#"{"type": "object", "properties": {"zip": {"type": "string", "default": "00000"}},
  "required": ["zip"], "additionalProperties": false}"#;

fn person() -> Schema {
    let address = Reference {
        name: "address.json".into(),
        kind: SchemaKind::Json,
        text: ADDRESS.into(),
    };
    Schema::compile(SchemaKind::Json, PERSON, &[address]).unwrap()
}

#[test]
fn valid_payload_decodes_in_producer_order() {
    let payload = br#"{"name":"Ann","age":3,"address":{"zip":"123"}}"#;
    let decoded = person().decode(payload, &[]).unwrap();
    assert_eq!(decoded.type_name, "Person");
    assert_eq!(
        decoded.json,
        json!({"name": "Ann", "age": 3, "address": {"zip": "123"}})
    );
    assert_eq!(
        decoded.json.to_string(),
        std::str::from_utf8(payload).unwrap()
    );
    assert_eq!(
        person().encode(&decoded.json.to_string(), None).unwrap(),
        payload
    );
}

#[test]
fn invalid_payload_lists_pointers() {
    let err = person()
        .decode(br#"{"name":"","age":-1,"address":{"zip":5}}"#, &[])
        .unwrap_err();
    let DecodeError::Invalid(problems) = err else {
        panic!("{err:?}")
    };
    assert_eq!(problems.len(), 3, "{problems:?}");
    for pointer in ["/name: ", "/age: ", "/address/zip: "] {
        assert!(
            problems.iter().any(|p| p.starts_with(pointer)),
            "{pointer} in {problems:?}"
        );
    }
    let err = person().decode(br#"{"name":"x"}"#, &[]).unwrap_err();
    assert!(err.to_string().contains("/: "), "{err}");
    assert!(err.to_string().contains("address"), "{err}");
}

#[test]
fn not_json() {
    let err = person().decode(b"{\"name\":\n x}", &[]).unwrap_err();
    assert!(
        matches!(
            err,
            DecodeError::NotJson {
                line: 2,
                column: 2,
                ..
            }
        ),
        "{err:?}"
    );
    let err = person().encode("[1,", None).unwrap_err();
    assert!(matches!(err, EncodeError::Json { line: 1, .. }), "{err:?}");
}

#[test]
fn encode_validates_and_strips_whitespace() {
    let text = "{ \"name\" : \"A b\",\n  \"address\": {\"zip\": \"1\"}, \"age\": 1.0e1 }";
    let payload = person().encode(text, None).unwrap();
    assert_eq!(
        payload,
        br#"{"name":"A b","address":{"zip":"1"},"age":1.0e1}"#
    );
    let err = person()
        .encode(r#"{"name":"A","address":{"zip":"1","x":1}}"#, None)
        .unwrap_err();
    assert!(
        matches!(&err, EncodeError::Invalid(p) if p[0].starts_with("/address")),
        "{err:?}"
    );
}

#[test]
fn unresolved_reference_fails_to_compile() {
    assert!(Schema::compile(SchemaKind::Json, PERSON, &[]).is_err());
}

#[test]
fn reference_by_url() {
    let address = Reference {
        name: "https://example.com/schemas/address.json".into(),
        kind: SchemaKind::Json,
        text: ADDRESS.into(),
    };
    let text = PERSON.replace(
        "\"address.json\"",
        "\"https://example.com/schemas/address.json\"",
    );
    let schema = Schema::compile(SchemaKind::Json, &text, &[address]).unwrap();
    assert!(schema
        .decode(br#"{"name":"a","address":{"zip":1}}"#, &[])
        .is_err());
    assert!(schema
        .decode(br#"{"name":"a","address":{"zip":"1"}}"#, &[])
        .is_ok());
}

#[test]
fn template_follows_properties() {
    let schema = person();
    let template: Value = serde_json::from_str(&schema.template(None).unwrap()).unwrap();
    // The referenced address is filled from its own default.
    assert_eq!(
        template,
        json!({"name": "", "age": 0, "address": {"zip": "00000"}, "kind": "a"})
    );
    let local = r##"{"type":"object","properties":{"a":{"$ref":"#/definitions/A"}},
        "definitions":{"A":{"type":"object","properties":{"n":{"type":"number","default":2}}}}}"##;
    let schema = Schema::compile(SchemaKind::Json, local, &[]).unwrap();
    let template = schema.template(None).unwrap();
    assert_eq!(
        serde_json::from_str::<Value>(&template).unwrap(),
        json!({"a": {"n": 2}})
    );
    schema.encode(&template, None).unwrap();
}
