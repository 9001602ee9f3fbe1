//! Whole framed values: header, (Protobuf) message-index array, payload.

use schema::{frame, Reference, Schema, SchemaKind};
use serde_json::json;

fn order_schema() -> Schema {
    let money = Reference {
        name: "common/money.proto".into(),
        kind: SchemaKind::Protobuf,
        text: include_str!("common/money.proto").into(),
    };
    Schema::compile(SchemaKind::Protobuf, include_str!("order.proto"), &[money]).unwrap()
}

#[test]
fn protobuf_framed_value_both_ways() {
    // Schema id 1, indexes [1, 0] (count 2 → 04, 1 → 02, 0 → 00), Pong{delta: -3}.
    let framed = [0, 0, 0, 0, 1, 0x04, 0x02, 0x00, 0x08, 0x05];
    assert!(frame::is_framed(&framed));
    let parsed = frame::parse(&framed).unwrap();
    assert_eq!(parsed.schema_id, 1);
    let (indexes, message) = frame::split_message_indexes(parsed.payload).unwrap();
    let schema = order_schema();
    let decoded = schema.decode(message, &indexes).unwrap();
    assert_eq!(decoded.type_name, "shop.Ping.Pong");
    assert_eq!(decoded.json, json!({"delta": -3}));

    let payload = schema
        .encode(&decoded.json.to_string(), Some(&decoded.type_name))
        .unwrap();
    assert_eq!(frame::write(1, &payload), framed);
}

#[test]
fn first_message_uses_the_one_byte_shortcut() {
    let schema = order_schema();
    let payload = schema.encode(r#"{"id":"A"}"#, None).unwrap();
    // 0 = [0]; field 1 length-delimited (0a), length 1, "A".
    assert_eq!(payload, [0x00, 0x0a, 0x01, b'A']);
    let (indexes, message) = frame::split_message_indexes(&payload).unwrap();
    assert_eq!(indexes, [0]);
    assert_eq!(
        schema.decode(message, &indexes).unwrap().json["id"],
        json!("A")
    );
}

#[test]
fn avro_framed_value() {
    let schema = Schema::compile(SchemaKind::Avro, r#""string""#, &[]).unwrap();
    let framed = frame::write(0x0102_0304, &schema.encode(r#""hi""#, None).unwrap());
    assert_eq!(framed, [0, 1, 2, 3, 4, 0x04, b'h', b'i']);
    let parsed = frame::parse(&framed).unwrap();
    assert_eq!(
        schema.decode(parsed.payload, &[]).unwrap().json,
        json!("hi")
    );
}

#[test]
fn mixed_reference_kinds_are_refused() {
    let reference = Reference {
        name: "x".into(),
        kind: SchemaKind::Json,
        text: "{}".into(),
    };
    let err = Schema::compile(SchemaKind::Avro, r#""int""#, &[reference]).unwrap_err();
    assert!(err.to_string().contains("reference `x`"), "{err}");
}

#[test]
fn message_names_are_protobuf_only() {
    let schema = Schema::compile(SchemaKind::Avro, r#""int""#, &[]).unwrap();
    assert!(schema.message_names().is_empty());
    assert_eq!(schema.kind(), SchemaKind::Avro);
}

#[test]
fn the_parsed_schema_is_reachable() {
    let avro = Schema::compile(SchemaKind::Avro, r#""int""#, &[]).unwrap();
    assert!(matches!(avro.as_avro(), Some(apache_avro::Schema::Int)));
    assert!(avro.as_protobuf().is_none() && avro.as_json_schema().is_none());
    let file = order_schema();
    assert_eq!(file.as_protobuf().unwrap().package_name(), "shop");
    let json = Schema::compile(SchemaKind::Json, r#"{"type":"string"}"#, &[]).unwrap();
    assert_eq!(json.as_json_schema(), Some(&json!({"type": "string"})));
}
