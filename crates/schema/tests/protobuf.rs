//! Protobuf decode/encode/template against bytes written by Python's official protobuf
//! runtime (7.x) from the same `.proto` files compiled by protoc (grpcio-tools 1.85).

use schema::{DecodeError, EncodeError, MessageName, Reference, Schema, SchemaKind};
use serde_json::{json, Value};

fn hex(text: &str) -> Vec<u8> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
        .collect()
}

fn order_schema() -> Schema {
    let money = Reference {
        name: "common/money.proto".into(),
        kind: SchemaKind::Protobuf,
        text: include_str!("common/money.proto").into(),
    };
    Schema::compile(SchemaKind::Protobuf, include_str!("order.proto"), &[money]).unwrap()
}

/// protoc's serialization of a filled `shop.Order` (voucher set in the oneof).
const ORDER_BYTES: &str = concat!(
    "0a0241311003180122050a015810022a050a016b10053a025639420b0880e2cfaa0610c0a9d33a4a080",
    "85a1080cab5ee0152260a0e0a0161120911000000000000f03f0a140a0162120f320d0a0220010a0208",
    "000a031a01735a040a02686962070a03455552100c"
);

/// The same message as proto3 JSON, as Python's json_format prints it with proto field
/// names and fields without presence always printed.
fn order_json() -> Value {
    json!({"id": "A1", "quantity": "3", "status": "SHIPPED", "lines": [{"sku": "X", "count": 2}],
        "tags": {"k": 5}, "voucher": "V9", "placed_at": "2023-11-14T22:13:20.123Z",
        "ttl": "90.500s", "extra": {"a": 1.0, "b": [true, null, "s"]}, "note": "hi",
        "total": {"currency": "EUR", "units": "12"}})
}

#[test]
fn decodes_like_the_reference_runtime() {
    let decoded = order_schema().decode(&hex(ORDER_BYTES), &[0]).unwrap();
    assert_eq!(decoded.type_name, "shop.Order");
    assert_eq!(decoded.json, order_json());
}

#[test]
fn encodes_like_the_reference_runtime() {
    let schema = order_schema();
    let payload = schema
        .encode(&order_json().to_string(), Some("shop.Order"))
        .unwrap();
    // [0] is the one-byte shortcut.
    assert_eq!(payload[0], 0);
    // protoc's deterministic mode: fields by number, map entries (Struct's too) by key.
    assert_eq!(payload[1..], hex(ORDER_BYTES));
}

#[test]
fn nested_messages_by_index_path() {
    let schema = order_schema();
    // Ping.Pong is [1, 0]; sint32 -3 zigzags to 5 (protoc wrote 08 05).
    let decoded = schema.decode(&hex("0805"), &[1, 0]).unwrap();
    assert_eq!(decoded.type_name, "shop.Ping.Pong");
    assert_eq!(decoded.json, json!({"delta": -3}));
    // count 2, indexes 1 and 0, zigzagged: 04 02 00.
    assert_eq!(
        schema
            .encode(r#"{"delta":-3}"#, Some("shop.Ping.Pong"))
            .unwrap(),
        hex("0402000805")
    );
    // protoc lists the map entry TagsEntry before Line, so Line is [0, 1].
    let decoded = schema
        .decode(&hex("0a015810 02".replace(' ', "").as_str()), &[0, 1])
        .unwrap();
    assert_eq!(decoded.type_name, "shop.Order.Line");
    assert_eq!(decoded.json, json!({"sku": "X", "count": 2}));
    assert_eq!(
        schema.decode(&[], &[5]).unwrap_err(),
        DecodeError::NoSuchMessage(vec![5])
    );
}

#[test]
fn message_names_in_file_order() {
    let names = order_schema().message_names();
    let expected = [
        ("shop.Order", vec![0]),
        ("shop.Order.Line", vec![0, 1]),
        ("shop.Ping", vec![1]),
        ("shop.Ping.Pong", vec![1, 0]),
    ];
    let expected: Vec<MessageName> = expected
        .into_iter()
        .map(|(name, indexes)| MessageName {
            full_name: name.into(),
            indexes,
        })
        .collect();
    assert_eq!(names, expected);
}

#[test]
fn defaults_are_shown_and_round_trip() {
    let schema = order_schema();
    let decoded = schema.decode(&[], &[0]).unwrap();
    // Python's json_format with always_print_fields_with_no_presence prints the same.
    assert_eq!(
        decoded.json,
        json!({"id": "", "quantity": "0", "status": "PENDING", "lines": [], "tags": {}})
    );
    assert_eq!(
        schema.encode(&decoded.json.to_string(), None).unwrap(),
        vec![0]
    );
}

#[test]
fn well_known_types_and_oneof_round_trip() {
    let schema = order_schema();
    let text = r#"{"card": "4111", "placed_at": "1970-01-01T00:00:01Z", "ttl": "-1.5s",
        "note": "", "extra": {"x": {"y": "z"}}}"#;
    let payload = schema.encode(text, None).unwrap();
    let decoded = schema.decode(&payload[1..], &[0]).unwrap();
    assert_eq!(decoded.json["card"], json!("4111"));
    assert_eq!(decoded.json["ttl"], json!("-1.500s"));
    assert_eq!(decoded.json["note"], json!(""));
    assert_eq!(decoded.json["extra"], json!({"x": {"y": "z"}}));
    assert!(decoded.json.get("voucher").is_none());
    assert_eq!(
        schema.encode(&decoded.json.to_string(), None).unwrap(),
        payload
    );
}

#[test]
fn encode_errors() {
    let schema = order_schema();
    let err = schema
        .encode(r#"{"lines": [{"sku": "a"}, {"count": "x"}]}"#, None)
        .unwrap_err();
    match &err {
        EncodeError::Mismatch { path, message } => {
            assert_eq!(path, "lines[1].count");
            assert!(message.ends_with("(`count` is uint32)"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    let err = schema.encode(r#"{"tags": {"k": "x"}}"#, None).unwrap_err();
    assert!(err.to_string().starts_with("tags.k: "), "{err}");
    assert!(err.to_string().ends_with("(`tags` is int32)"), "{err}");
    let err = schema.encode("{\"id\": }", None).unwrap_err();
    assert!(
        matches!(
            err,
            EncodeError::Json {
                line: 1,
                column: 8,
                ..
            }
        ),
        "{err:?}"
    );
    let err = schema.encode(r#"{"nope": 1}"#, None).unwrap_err();
    assert!(err.to_string().contains("nope"), "{err}");
    assert_eq!(
        schema.encode("{}", Some("shop.Nope")).unwrap_err(),
        EncodeError::UnknownType("shop.Nope".into())
    );
}

#[test]
fn templates_encode() {
    let schema = order_schema();
    let template: Value = serde_json::from_str(&schema.template(None).unwrap()).unwrap();
    assert_eq!(template["total"], json!({"currency": "", "units": "0"}));
    assert_eq!(template["placed_at"], json!("1970-01-01T00:00:00Z"));
    assert_eq!(template["card"], json!(""));
    schema.encode(&template.to_string(), None).unwrap();
    let pong = schema.template(Some("shop.Ping.Pong")).unwrap();
    assert_eq!(
        serde_json::from_str::<Value>(&pong).unwrap(),
        json!({"delta": 0})
    );
}

#[test]
fn missing_import_is_a_compile_error() {
    let err = Schema::compile(SchemaKind::Protobuf, include_str!("order.proto"), &[]).unwrap_err();
    assert!(err.to_string().contains("common/money.proto"), "{err}");
    let err = Schema::compile(
        SchemaKind::Protobuf,
        "syntax = \"proto3\";\nmessage A { Nope x = 1; }",
        &[],
    );
    assert!(err
        .unwrap_err()
        .to_string()
        .contains(":2:13: name 'Nope' is not defined"));
}

#[test]
fn map_entries_show_in_key_order() {
    let schema = order_schema();
    let text = r#"{"tags": {"d": 4, "b": 2, "a": 1, "c": 3, "e": 5},
        "extra": {"z": {"y": 1, "x": 2}, "a": 0}}"#;
    let payload = schema.encode(text, None).unwrap();
    for _ in 0..8 {
        assert_eq!(schema.encode(text, None).unwrap(), payload);
    }
    // protoc's deterministic bytes for the same message (Python runtime).
    let protoc = hex(concat!(
        "2a050a016110012a050a016210022a050a016310032a050a016410042a050a0165100552390a0e0a01",
        "6112091100000000000000000a270a017a12222a200a0e0a017812091100000000000000400a0e0a01",
        "79120911000000000000f03f"
    ));
    assert_eq!(payload[1..], protoc);
    // Hash maps are seeded per instance, so several decodes would disagree without sorting.
    for _ in 0..8 {
        let json = schema.decode(&payload[1..], &[0]).unwrap().json;
        assert_eq!(
            json["tags"].to_string(),
            r#"{"a":1,"b":2,"c":3,"d":4,"e":5}"#
        );
        assert_eq!(
            json["extra"].to_string(),
            r#"{"a":0.0,"z":{"x":2.0,"y":1.0}}"#
        );
    }
}

/// `order.proto` and its import as confluent-kafka-python registers them: base64 of the
/// `FileDescriptorProto` protoc generated (`serialized_pb`), not `.proto` source.
fn serialized_reference(text: &str) -> Reference {
    Reference {
        name: "common/money.proto".into(),
        kind: SchemaKind::Protobuf,
        text: text.into(),
    }
}

#[test]
fn base64_descriptors_decode_like_source() {
    let serialized = include_str!("order.desc.b64");
    // Both serialized, then each form importing the other.
    for (main, money) in [
        (serialized, include_str!("common/money.desc.b64")),
        (serialized, include_str!("common/money.proto")),
        (
            include_str!("order.proto"),
            include_str!("common/money.desc.b64"),
        ),
    ] {
        let schema =
            Schema::compile(SchemaKind::Protobuf, main, &[serialized_reference(money)]).unwrap();
        let decoded = schema.decode(&hex(ORDER_BYTES), &[0]).unwrap();
        assert_eq!(decoded.type_name, "shop.Order");
        assert_eq!(decoded.json, order_json());
        // Kept as registered: the registry hands the same text back.
        assert_eq!(schema.canonical(), main);
    }
}

#[test]
fn base64_that_is_no_descriptor_is_a_compile_error() {
    // Valid base64, but of bytes that are no FileDescriptorProto (field number 0): read
    // (and refused) as `.proto` source.
    let err = Schema::compile(SchemaKind::Protobuf, "AAAA", &[]).unwrap_err();
    assert!(err.to_string().contains("main.proto"), "{err}");
}
