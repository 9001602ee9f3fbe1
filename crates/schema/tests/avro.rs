//! Avro decode/encode/template against byte vectors worked out from the Avro
//! specification and produced independently (fastavro 1.13's `schemaless_writer`).

use schema::{DecodeError, EncodeError, Reference, Schema, SchemaKind};
use serde_json::{json, Value};

fn hex(text: &str) -> Vec<u8> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
        .collect()
}

fn avro(text: &str) -> Schema {
    Schema::compile(SchemaKind::Avro, text, &[]).unwrap()
}

/// Decodes `bytes` to `expected`, and encodes `expected` back to `bytes`.
fn round_trip(schema: &Schema, bytes: &[u8], expected: &Value) {
    let decoded = schema.decode(bytes, &[]).unwrap();
    assert_eq!(&decoded.json, expected);
    assert_eq!(schema.encode(&expected.to_string(), None).unwrap(), bytes);
    // Field order is the schema's, as a reader expects.
    assert_eq!(decoded.json.to_string(), expected.to_string());
}

const PRIMS: &str = r#"{"type":"record","name":"Prims","namespace":"t","fields":[
 {"name":"n","type":"null"},{"name":"b","type":"boolean"},{"name":"i","type":"int"},
 {"name":"l","type":"long"},{"name":"f","type":"float"},{"name":"d","type":"double"},
 {"name":"by","type":"bytes"},{"name":"s","type":"string"}]}"#;

#[test]
fn primitives() {
    // By hand from the spec: null is nothing, true 01, -2 zigzags to 03, 64 to 80 01,
    // 1.5f is 0x3fc00000 little-endian, -2.0 is 0xc000000000000000 little-endian, bytes
    // and strings are a zigzag length then the bytes ("hé" is 3 UTF-8 bytes). fastavro
    // wrote the same bytes.
    let bytes = hex("010380010000c03f00000000000000c00400ff0668c3a9");
    let expected = json!({"n": null, "b": true, "i": -2, "l": 64, "f": 1.5, "d": -2.0,
        "by": "\u{0}\u{ff}", "s": "hé"});
    let schema = avro(PRIMS);
    round_trip(&schema, &bytes, &expected);
    assert_eq!(schema.decode(&bytes, &[]).unwrap().type_name, "t.Prims");
}

#[test]
#[allow(deprecated)] // to_avro_datum: the plain call is the clearest cross-check
fn primitives_match_apache_avro_writer() {
    use apache_avro::types::Value as A;
    let parsed = apache_avro::Schema::parse_str(PRIMS).unwrap();
    let record = A::Record(vec![
        ("n".into(), A::Null),
        ("b".into(), A::Boolean(false)),
        ("i".into(), A::Int(i32::MIN)),
        ("l".into(), A::Long(i64::MAX)),
        ("f".into(), A::Float(-0.25)),
        ("d".into(), A::Double(1e300)),
        ("by".into(), A::Bytes(vec![])),
        ("s".into(), A::String("ünï".into())),
    ]);
    let theirs = apache_avro::to_avro_datum(&parsed, record).unwrap();
    let ours = avro(PRIMS)
        .encode(
            r#"{"n":null,"b":false,"i":-2147483648,"l":9223372036854775807,"f":-0.25,"d":1e300,"by":"","s":"ünï"}"#,
            None,
        )
        .unwrap();
    assert_eq!(ours, theirs);
}

const LOGICAL: &str = r#"{"type":"record","name":"Logical","namespace":"t","fields":[
 {"name":"date","type":{"type":"int","logicalType":"date"}},
 {"name":"tm","type":{"type":"int","logicalType":"time-millis"}},
 {"name":"tu","type":{"type":"long","logicalType":"time-micros"}},
 {"name":"tsm","type":{"type":"long","logicalType":"timestamp-millis"}},
 {"name":"tsu","type":{"type":"long","logicalType":"timestamp-micros"}},
 {"name":"ltm","type":{"type":"long","logicalType":"local-timestamp-millis"}},
 {"name":"dec","type":{"type":"bytes","logicalType":"decimal","precision":6,"scale":2}},
 {"name":"decf","type":{"type":"fixed","name":"D3","size":3,"logicalType":"decimal","precision":5,"scale":1}},
 {"name":"id","type":{"type":"string","logicalType":"uuid"}},
 {"name":"dur","type":{"type":"fixed","name":"Dur","size":12,"logicalType":"duration"}},
 {"name":"e","type":{"type":"enum","name":"E","symbols":["A","B","C"]}},
 {"name":"fx","type":{"type":"fixed","name":"F2","size":2}}]}"#;

#[test]
fn logical_types() {
    // fastavro from Python dates, times, Decimal("12.34"), Decimal("-0.5"), a UUID, and
    // duration bytes months=1 days=2 millis=3; 2022-01-08 is day 19000 per Python.
    let bytes = hex(concat!(
        "f0a802aab2992ba898b1bed102f6a1abfef9628089818283898506000404d2fffffb48",
        "31323365343536372d653839622d313264332d613435362d343236363134313734303030",
        "010000000200000003000000040102"
    ));
    let expected = json!({
        "date": "2022-01-08",
        "tm": "12:34:56.789",
        "tu": "12:34:56.789012",
        "tsm": "2023-11-14T22:13:20.123Z",
        "tsu": "2023-11-14T22:13:20.123456Z",
        "ltm": "1970-01-01T00:00:00.000",
        "dec": "12.34",
        "decf": "-0.5",
        "id": "123e4567-e89b-12d3-a456-426614174000",
        "dur": {"months": 1, "days": 2, "millis": 3},
        "e": "C",
        "fx": "\u{1}\u{2}"
    });
    round_trip(&avro(LOGICAL), &bytes, &expected);
}

#[test]
fn logical_types_accept_other_spellings() {
    let schema = avro(
        r#"{"type":"record","name":"R","fields":[
        {"name":"ts","type":{"type":"long","logicalType":"timestamp-millis"}},
        {"name":"dec","type":{"type":"bytes","logicalType":"decimal","precision":6,"scale":2}}]}"#,
    );
    // An offset is converted to UTC, raw epoch numbers pass, a number is a decimal too.
    let a = schema
        .encode(r#"{"ts":"2023-11-14T23:13:20.123+01:00","dec":12.3}"#, None)
        .unwrap();
    let b = schema
        .encode(r#"{"ts":1700000000123,"dec":"12.30"}"#, None)
        .unwrap();
    assert_eq!(a, b);
    let err = schema
        .encode(r#"{"ts":0,"dec":"1.234"}"#, None)
        .unwrap_err();
    assert!(
        matches!(&err, EncodeError::Mismatch { path, .. } if path == "dec"),
        "{err}"
    );
}

#[test]
fn unions_unwrap_and_accept_the_wrapped_form() {
    let schema = avro(r#"["null","string"]"#);
    round_trip(&schema, &hex("00"), &Value::Null);
    round_trip(&schema, &hex("020278"), &json!("x"));
    assert_eq!(
        schema.encode(r#"{"string":"x"}"#, None).unwrap(),
        hex("020278")
    );
    assert_eq!(schema.decode(&hex("00"), &[]).unwrap().type_name, "null");
    assert_eq!(
        schema.decode(&hex("020278"), &[]).unwrap().type_name,
        "string"
    );
}

#[test]
fn ambiguous_union_branches_decode_wrapped() {
    // [int, long]: 5 written as the long branch (index 1 zigzags to 02, 5 to 0a) would
    // re-encode as int, so it decodes wrapped to keep the branch.
    let schema = avro(r#"["int","long"]"#);
    round_trip(&schema, &hex("020a"), &json!({"long": 5}));
    round_trip(&schema, &hex("000a"), &json!(5));
    // A map whose only key names a branch of its own union.
    let schema = avro(r#"["null",{"type":"map","values":"string"},"string"]"#);
    let map_bytes = hex("0202 0c737472696e67 0278 00".replace(' ', "").as_str());
    round_trip(&schema, &map_bytes, &json!({"map": {"string": "x"}}));
}

const NESTED: &str = r#"{"type":"record","name":"Outer","namespace":"n","fields":[
 {"name":"inner","type":{"type":"record","name":"Inner","fields":[{"name":"a","type":"int"}]}},
 {"name":"again","type":"Inner"},
 {"name":"list","type":{"type":"array","items":"Inner"}},
 {"name":"m","type":{"type":"map","values":"int"}},
 {"name":"opt","type":["null","Inner"]}]}"#;

#[test]
fn nested_and_named_types() {
    // fastavro; by hand: a=1 (02), a=-1 (01), 2 items (04) 2 (04) 3 (06) end (00), one
    // entry (02) "k" (02 6b) 7 (0e) end (00), branch 1 (02) a=4 (08).
    let bytes = hex("02010404060002026b0e000208");
    let expected = json!({"inner": {"a": 1}, "again": {"a": -1}, "list": [{"a": 2}, {"a": 3}],
        "m": {"k": 7}, "opt": {"a": 4}});
    round_trip(&avro(NESTED), &bytes, &expected);
}

#[test]
fn negative_block_counts_are_read() {
    // Writers may give a block's byte size: count -2 (03) then size 2 (04).
    let schema = avro(r#"{"type":"array","items":"int"}"#);
    assert_eq!(
        schema.decode(&hex("0304020400"), &[]).unwrap().json,
        json!([1, 2])
    );
}

#[test]
fn references_resolve_named_types() {
    let address = Reference {
        name: "com.acme.Address".into(),
        kind: SchemaKind::Avro,
        text: r#"{"type":"record","name":"Address","namespace":"com.acme","fields":[
            {"name":"zip","type":"string"},{"name":"country","type":"com.acme.Country"}]}"#
            .into(),
    };
    let country = Reference {
        name: "com.acme.Country".into(),
        kind: SchemaKind::Avro,
        text: r#"{"type":"enum","name":"Country","namespace":"com.acme","symbols":["DE","FR"]}"#
            .into(),
    };
    let schema = Schema::compile(
        SchemaKind::Avro,
        r#"{"type":"record","name":"Customer","namespace":"com.acme","fields":[
            {"name":"id","type":"long"},{"name":"address","type":"Address"}]}"#,
        &[address, country],
    )
    .unwrap();
    // id 3 (06), zip "12" (04 31 32), FR (02).
    let bytes = hex("060431320 2".replace(' ', "").as_str());
    let expected = json!({"id": 3, "address": {"zip": "12", "country": "FR"}});
    round_trip(&schema, &bytes, &expected);

    let err = schema.encode(
        r#"{"id": 3, "address": {"zip": 12, "country": "FR"}}"#,
        None,
    );
    assert_eq!(
        err.unwrap_err(),
        EncodeError::Mismatch {
            path: "address.zip".into(),
            message: "expected string, found number 12".into()
        }
    );
}

#[test]
fn encode_errors_name_the_place() {
    let schema = avro(PRIMS);
    let err = schema
        .encode("{\n  \"n\": null,\n  \"b\": @\n}", None)
        .unwrap_err();
    assert!(
        matches!(
            err,
            EncodeError::Json {
                line: 3,
                column: 8,
                ..
            }
        ),
        "{err:?}"
    );
    let err = schema
        .encode(
            r#"{"n":null,"b":true,"i":"abc","l":1,"f":1,"d":1,"by":"","s":""}"#,
            None,
        )
        .unwrap_err();
    assert_eq!(err.to_string(), "i: expected int, found string \"abc\"");
    let err = schema.encode(r#"{"n":null,"b":true}"#, None).unwrap_err();
    assert_eq!(err.to_string(), "missing field `i` (no default)");
    let err = schema
        .encode(
            r#"{"n":null,"b":true,"i":1,"l":1,"f":1,"d":1,"by":"","s":"","x":1}"#,
            None,
        )
        .unwrap_err();
    assert!(err.to_string().contains("unknown field `x`"), "{err}");
    let err = avro(NESTED)
        .encode(
            r#"{"inner":{"a":1},"again":{"a":1},"list":[{"a":1},{"a":"2"}],"m":{}}"#,
            None,
        )
        .unwrap_err();
    assert!(
        err.to_string().starts_with("list[1].a: expected int"),
        "{err}"
    );
}

#[test]
fn decode_errors() {
    let schema = avro(PRIMS);
    let err = schema.decode(&hex("0103"), &[]).unwrap_err();
    assert!(
        matches!(&err, DecodeError::Malformed { path, .. } if path == "l"),
        "{err}"
    );
    let err = avro(r#""int""#).decode(&hex("0202"), &[]).unwrap_err();
    assert_eq!(err, DecodeError::TrailingBytes(1));
}

#[test]
fn defaults_fill_missing_fields() {
    let schema = avro(
        r#"{"type":"record","name":"D","fields":[
        {"name":"a","type":"int","default":7},
        {"name":"u","type":["null","string"],"default":null},
        {"name":"dec","type":{"type":"bytes","logicalType":"decimal","precision":4,"scale":1},"default":"\u0001"}]}"#,
    );
    // a=7 (0e), null branch (00), decimal bytes [01] (02 01) = 0.1.
    assert_eq!(schema.encode("{}", None).unwrap(), hex("0e000201"));
    assert_eq!(
        schema.decode(&hex("0e000201"), &[]).unwrap().json,
        json!({"a": 7, "u": null, "dec": "0.1"})
    );
}

#[test]
fn templates_encode() {
    let schema = avro(NESTED);
    let template = schema.template(None).unwrap();
    let value: Value = serde_json::from_str(&template).unwrap();
    assert_eq!(
        value,
        json!({"inner": {"a": 0}, "again": {"a": 0}, "list": [], "m": {}, "opt": null})
    );
    for text in [PRIMS, NESTED, LOGICAL] {
        let schema = avro(text);
        let template = schema.template(None).unwrap();
        schema.encode(&template, None).unwrap();
    }
    let value: Value = serde_json::from_str(&avro(LOGICAL).template(None).unwrap()).unwrap();
    assert_eq!(value["date"], json!("1970-01-01"));
    assert_eq!(value["dec"], json!("0.00"));
    assert_eq!(value["e"], json!("A"));
}

#[test]
fn pretty_keeps_what_canonical_drops() {
    let schema = avro(LOGICAL);
    assert!(!schema.canonical().contains("logicalType"));
    let pretty: Value = serde_json::from_str(&schema.pretty()).unwrap();
    assert_eq!(pretty["fields"][0]["type"]["logicalType"], json!("date"));
    assert!(schema.pretty().contains('\n'));
}

#[test]
fn schemas_can_be_shared_across_threads() {
    fn shareable<T: Send + Sync>() {}
    shareable::<Schema>();
}

#[test]
fn canonical_form() {
    assert_eq!(
        avro(r#"{"type":"record","name":"R","doc":"x","fields":[{"name":"a","type":"int"}]}"#)
            .canonical(),
        r#"{"name":"R","type":"record","fields":[{"name":"a","type":"int"}]}"#
    );
}

#[test]
fn deep_recursive_unions_stay_linear() {
    // A linked list 60 deep: trying a union branch and then writing it again would cost
    // 2^60 here, so this finishes only if every level is written once.
    let schema = avro(
        r#"{"type":"record","name":"Node","fields":[
        {"name":"v","type":"int"},{"name":"next","type":["null","Node"]}]}"#,
    );
    let mut text = String::from("null");
    let mut bytes = vec![0u8];
    for v in 0..60 {
        text = format!(r#"{{"v":{v},"next":{text}}}"#);
        // v zigzags to 2v (< 128: one byte); branch 1 is 02.
        let mut outer = vec![2 * v];
        outer.extend_from_slice(&bytes);
        bytes = [vec![2u8], outer].concat();
    }
    // The outermost record is not inside a union: drop its branch byte.
    let bytes = bytes[1..].to_vec();
    let value: Value = serde_json::from_str(&text).unwrap();
    round_trip(&schema, &bytes, &value);
}

#[test]
#[allow(deprecated)] // to_avro_datum: the plain call is the clearest cross-check
fn big_decimals_carry_their_scale() {
    let text = r#"{"type":"array","items":{"type":"bytes","logicalType":"big-decimal"}}"#;
    let schema = avro(text);
    let values = ["12.345", "-0.5", "7", "0"];
    let payload = schema.encode(&json!(values).to_string(), None).unwrap();
    // apache-avro writes the same bytes from its own BigDecimal values.
    let parsed = apache_avro::Schema::parse_str(text).unwrap();
    let items = values
        .iter()
        .map(|v| apache_avro::types::Value::BigDecimal(v.parse().unwrap()))
        .collect();
    let theirs = apache_avro::to_avro_datum(&parsed, apache_avro::types::Value::Array(items));
    assert_eq!(payload, theirs.unwrap());
    // By hand for the first: 12345 = 30 39, scale 3 (06): inner 04 30 39 06, outer 08 ….
    assert_eq!(payload[..6], hex("080804303906")[..6]);
    assert_eq!(schema.decode(&payload, &[]).unwrap().json, json!(values));
}

#[test]
fn hostile_payloads_fail_cleanly() {
    let list = avro(
        r#"{"type":"record","name":"Node","fields":[
        {"name":"v","type":"int"},{"name":"next","type":["null","Node"]}]}"#,
    );
    // 100 000 levels of v=0, branch 1: a stack overflow without a depth limit.
    let deep = [0u8, 2].repeat(100_000);
    let err = list.decode(&deep, &[]).unwrap_err();
    assert!(err.to_string().contains("nested deeper than"), "{err}");
    // An array claiming 2^40 nulls in 6 bytes.
    let nulls = avro(r#"{"type":"array","items":"null"}"#);
    assert!(nulls.decode(&hex("80808080804000"), &[]).is_err());
    assert_eq!(
        nulls.decode(&hex("0600"), &[]).unwrap().json,
        json!([null, null, null])
    );
}

#[test]
fn floats_show_their_shortest_form() {
    // 0.1f32 is 0x3dcccccd: cd cc cc 3d little-endian.
    let schema = avro(r#""float""#);
    round_trip(&schema, &hex("cdcccc3d"), &json!(0.1));
}

#[test]
fn floats_without_json_numbers() {
    let schema = avro(r#"{"type":"array","items":"double"}"#);
    let decoded = schema.decode(
        &schema
            .encode(r#"["NaN","Infinity","-Infinity",0.5]"#, None)
            .unwrap(),
        &[],
    );
    assert_eq!(
        decoded.unwrap().json,
        json!(["NaN", "Infinity", "-Infinity", 0.5])
    );
}

#[test]
fn more_logical_types() {
    // fastavro wrote the raw values (UUID bytes, 1700000000123456789 ns, -1 µs, day
    // -719162); Python's datetime gives their text: 2023-11-14T22:13:20 UTC,
    // 1969-12-31 23:59:59.999999 and 0001-01-01.
    let schema = avro(
        r#"{"type":"record","name":"More","fields":[
        {"name":"uf","type":{"type":"fixed","name":"U16","size":16,"logicalType":"uuid"}},
        {"name":"tsn","type":{"type":"long","logicalType":"timestamp-nanos"}},
        {"name":"ltu","type":{"type":"long","logicalType":"local-timestamp-micros"}},
        {"name":"old","type":{"type":"int","logicalType":"date"}}]}"#,
    );
    let bytes = hex("123e4567e89b12d3a456426614174000aab4aed8c7bfce972f01f3e457");
    let expected = json!({
        "uf": "123e4567-e89b-12d3-a456-426614174000",
        "tsn": "2023-11-14T22:13:20.123456789Z",
        "ltu": "1969-12-31T23:59:59.999999",
        "old": "0001-01-01"
    });
    round_trip(&schema, &bytes, &expected);
}

#[test]
fn wrapped_named_branches() {
    let schema = avro(NESTED);
    let base = r#"{"inner":{"a":1},"again":{"a":-1},"list":[{"a":2},{"a":3}],"m":{"k":7},"opt":"#;
    let plain = schema
        .encode(&format!(r#"{base}{{"a":4}}}}"#), None)
        .unwrap();
    let full = schema
        .encode(&format!(r#"{base}{{"n.Inner":{{"a":4}}}}}}"#), None)
        .unwrap();
    let short = schema
        .encode(&format!(r#"{base}{{"Inner":{{"a":4}}}}}}"#), None)
        .unwrap();
    assert_eq!(plain, hex("02010404060002026b0e000208"));
    assert_eq!(full, plain);
    assert_eq!(short, plain);
}

#[test]
fn templates_use_defaults() {
    let schema = avro(
        r#"{"type":"record","name":"T","fields":[
        {"name":"n","type":"int","default":7},
        {"name":"s","type":["string","null"],"default":"x"},
        {"name":"u","type":["int","null"]},
        {"name":"e","type":{"type":"enum","name":"E","symbols":["P","Q"]},"default":"Q"},
        {"name":"ts","type":{"type":"long","logicalType":"timestamp-millis"},"default":1000},
        {"name":"r","type":{"type":"record","name":"In","fields":[{"name":"b","type":"boolean"}]},
         "default":{"b":true}},
        {"name":"f","type":{"type":"fixed","name":"F","size":2}}]}"#,
    );
    let template = schema.template(None).unwrap();
    let value: Value = serde_json::from_str(&template).unwrap();
    assert_eq!(
        value,
        json!({"n": 7, "s": "x", "u": null, "e": "Q", "ts": "1970-01-01T00:00:01.000Z",
            "r": {"b": true}, "f": "\u{0}\u{0}"})
    );
    schema.encode(&template, None).unwrap();
}

#[test]
fn top_level_union_of_event_types() {
    let schema = avro(
        r#"[{"type":"record","name":"Created","namespace":"ev","fields":[{"name":"id","type":"long"}]},
           {"type":"record","name":"Deleted","namespace":"ev","fields":[{"name":"id","type":"long"},
             {"name":"why","type":"string","default":"n/a"}]}]"#,
    );
    // Branch 1 (02), id 5 (0a), why "x" (02 78).
    let decoded = schema.decode(&hex("020a0278"), &[]).unwrap();
    assert_eq!(decoded.type_name, "ev.Deleted");
    assert_eq!(decoded.json, json!({"id": 5, "why": "x"}));
    // {"id": 5} alone would fit Created first; the type name picks Deleted.
    let payload = schema.encode(r#"{"id":5}"#, Some("ev.Deleted")).unwrap();
    assert_eq!(payload, hex("020a066e2f61"));
    assert_eq!(schema.encode(r#"{"id":5}"#, None).unwrap(), hex("000a"));
    let template = schema.template(Some("ev.Deleted")).unwrap();
    let value: Value = serde_json::from_str(&template).unwrap();
    assert_eq!(value, json!({"id": 0, "why": "n/a"}));
    assert_eq!(
        schema.encode(&template, Some("Deleted")).unwrap(),
        hex("0200066e2f61")
    );
    assert_eq!(
        schema.template(Some("ev.Nope")).unwrap_err(),
        EncodeError::UnknownType("ev.Nope".into())
    );
    // A record's own name is accepted, another is not.
    let record = avro(PRIMS);
    assert!(record.template(Some("t.Prims")).is_ok());
    assert!(record.encode("{}", Some("t.Other")).is_err());
}
