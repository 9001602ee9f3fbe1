//! `?format=serialized`: Protobuf schemas come back as base64 `FileDescriptorProto`s
//! (what confluent-kafka-python's deserializer asks for), whichever form was registered.

mod common;

use common::call;
use registry::{Checker, MemoryLog, Registry, ResolvedRef, SchemaChecker};
use serde_json::{json, Value};

const MONEY: &str =
    "syntax = \"proto3\";\npackage common;\nmessage Money { string currency = 1; }\n";
const ORDER: &str = "syntax = \"proto3\";\npackage shop;\nimport \"common/money.proto\";\nmessage Order { common.Money total = 1; }\n";

fn schema_of(body: &Value) -> String {
    body["schema"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn protobuf_text_is_served_serialized_on_request() {
    let app = registry::router(Registry::open(MemoryLog::new(), SchemaChecker).unwrap());
    let money = json!({"schemaType": "PROTOBUF", "schema": MONEY});
    assert_eq!(
        call(&app, "POST", "/subjects/money/versions", Some(money)).await,
        (200, json!({"id": 1}))
    );
    let order = json!({"schemaType": "PROTOBUF", "schema": ORDER, "references": [
        {"name": "common/money.proto", "subject": "money", "version": 1}]});
    assert_eq!(
        call(&app, "POST", "/subjects/order/versions", Some(order)).await,
        (200, json!({"id": 2}))
    );
    // As registered without the parameter.
    let (_, plain) = call(&app, "GET", "/schemas/ids/2", None).await;
    assert_eq!(schema_of(&plain), ORDER);
    let (_, by_id) = call(&app, "GET", "/schemas/ids/2?format=serialized", None).await;
    let (_, by_version) = call(
        &app,
        "GET",
        "/subjects/order/versions/1?deleted=true&format=serialized",
        None,
    )
    .await;
    let serialized = schema_of(&by_id);
    assert_ne!(serialized, ORDER);
    assert_eq!(schema_of(&by_version), serialized);
    assert_eq!(by_id["references"][0]["subject"], "money");

    // The base64 form registers (as the Python serializer does) and is the same schema
    // with its references: it is stored as printed source (another text than ORDER's,
    // so an id of its own) whose serialized form is the base64 registered.
    let again = json!({"schemaType": "PROTOBUF", "schema": serialized, "references": [
        {"name": "common/money.proto", "subject": "money", "version": 1}]});
    let (status, id) = call(&app, "POST", "/subjects/order2/versions", Some(again)).await;
    assert_eq!(status, 200, "{id}");
    let id = id["id"].as_i64().unwrap();
    let (_, back) = call(
        &app,
        "GET",
        &format!("/schemas/ids/{id}?format=serialized"),
        None,
    )
    .await;
    assert_eq!(schema_of(&back), serialized);
    let (_, stored) = call(&app, "GET", &format!("/schemas/ids/{id}"), None).await;
    assert!(
        schema_of(&stored).starts_with("syntax = \"proto3\";"),
        "{stored}"
    );

    // Avro is served as registered whatever the format.
    let avro = json!({"schema": "\"string\""});
    let (_, avro_id) = call(&app, "POST", "/subjects/s/versions", Some(avro)).await;
    let uri = format!("/schemas/ids/{}?format=serialized", avro_id["id"]);
    assert_eq!(
        schema_of(&call(&app, "GET", &uri, None).await.1),
        "\"string\""
    );
}

/// confluent-kafka-python's registrations of `order.proto` and its import: base64 of the
/// `FileDescriptorProto`s protoc generated.
const MONEY_B64: &str = include_str!("../../schema/tests/common/money.desc.b64");
const ORDER_B64: &str = include_str!("../../schema/tests/order.desc.b64");

fn order_request(schema: &str) -> Value {
    json!({"schemaType": "PROTOBUF", "schema": schema, "references": [
        {"name": "common/money.proto", "subject": "common/money.proto", "version": 1}]})
}

#[tokio::test]
async fn base64_descriptors_are_stored_as_proto_source_like_confluent() {
    let app = registry::router(Registry::open(MemoryLog::new(), SchemaChecker).unwrap());
    let money = json!({"schemaType": "PROTOBUF", "schema": MONEY_B64});
    let path = "/subjects/common%2Fmoney.proto/versions";
    assert_eq!(
        call(&app, "POST", path, Some(money.clone())).await,
        (200, json!({"id": 1}))
    );
    let order_path = "/subjects/orders-value/versions";
    let (_, order) = call(&app, "POST", order_path, Some(order_request(ORDER_B64))).await;
    assert_eq!(order, json!({"id": 2}));

    // Served as text (what confluent-kafka-go's deserializer parses) ...
    let (_, money_back) = call(&app, "GET", "/schemas/ids/1", None).await;
    assert_eq!(
        schema_of(&money_back),
        "syntax = \"proto3\";\npackage common;\n\nmessage Money {\n  string currency = 1;\n  int64 units = 2;\n}\n"
    );
    let (_, order_back) = call(&app, "GET", "/subjects/orders-value/versions/1", None).await;
    let text = schema_of(&order_back);
    for line in [
        "import \"common/money.proto\";",
        "  map<string, int32> tags = 5;",
    ] {
        assert!(text.contains(line), "{line:?} in {text}");
    }
    assert_eq!(order_back["references"][0]["subject"], "common/money.proto");

    // ... and as base64 on request (what confluent-kafka-python's deserializer asks for).
    let (_, serialized) = call(&app, "GET", "/schemas/ids/2?format=serialized", None).await;
    let serialized = schema_of(&serialized);
    assert!(!serialized.contains(' '), "{serialized}");

    // The same registration again, or the served base64, is the same schema: same id, no
    // new version, in its subject and in another.
    for (schema, subject) in [
        (ORDER_B64, "orders-value"),
        (serialized.as_str(), "orders-value"),
        (ORDER_B64, "orders-copy"),
        (text.as_str(), "orders-value"),
    ] {
        let uri = format!("/subjects/{subject}/versions");
        let (status, id) = call(&app, "POST", &uri, Some(order_request(schema))).await;
        assert_eq!((status, id), (200, json!({"id": 2})), "{subject}");
    }
    assert_eq!(
        call(&app, "POST", path, Some(money)).await,
        (200, json!({"id": 1}))
    );
    let (_, versions) = call(&app, "GET", "/subjects/orders-value/versions", None).await;
    assert_eq!(versions, json!([1]));
    // Lookup by the base64 finds the stored source.
    let (status, found) = call(
        &app,
        "POST",
        "/subjects/orders-value",
        Some(order_request(ORDER_B64)),
    )
    .await;
    assert_eq!(
        (status, &found["id"], &found["version"]),
        (200, &json!(2), &json!(1))
    );
    assert_eq!(schema_of(&found), text);
}

#[tokio::test]
async fn base64_descriptors_the_printer_cannot_express_are_stored_as_registered() {
    let app = registry::router(Registry::open(MemoryLog::new(), SchemaChecker).unwrap());
    // An extension: not printed, so the printed source would be another schema.
    let extended = "syntax = \"proto2\";\npackage x;\nmessage M { extensions 10 to 20; }\nextend M { optional int32 e = 10; }\n";
    let source = json!({"schemaType": "PROTOBUF", "schema": extended});
    call(&app, "POST", "/subjects/src/versions", Some(source)).await;
    let (_, b64) = call(&app, "GET", "/schemas/ids/1?format=serialized", None).await;
    let b64 = schema_of(&b64);
    let again = json!({"schemaType": "PROTOBUF", "schema": b64});
    let (_, id) = call(&app, "POST", "/subjects/bin/versions", Some(again)).await;
    let (_, stored) = call(&app, "GET", &format!("/schemas/ids/{}", id["id"]), None).await;
    assert_eq!(schema_of(&stored), b64);
}

/// The registry's checks as they were before base64 descriptors were stored as source.
struct StoresAsGiven;

impl Checker for StoresAsGiven {
    fn validate(&self, kind: &str, schema: &str, refs: &[ResolvedRef]) -> Result<(), String> {
        SchemaChecker.validate(kind, schema, refs)
    }

    fn check(
        &self,
        level: &str,
        kind: &str,
        new: (&str, &[ResolvedRef]),
        existing: &[(String, Vec<ResolvedRef>)],
    ) -> Vec<String> {
        SchemaChecker.check(level, kind, new, existing)
    }
}

#[tokio::test]
async fn base64_stored_by_an_earlier_registry_keeps_its_id() {
    let log = MemoryLog::new();
    let old = registry::router(Registry::open(log.clone(), StoresAsGiven).unwrap());
    let money = json!({"schemaType": "PROTOBUF", "schema": MONEY_B64});
    let path = "/subjects/common%2Fmoney.proto/versions";
    call(&old, "POST", path, Some(money.clone())).await;
    let (_, stored) = call(&old, "GET", "/schemas/ids/1", None).await;
    assert_eq!(schema_of(&stored), MONEY_B64);

    let app = registry::router(Registry::open(log, SchemaChecker).unwrap());
    assert_eq!(
        call(&app, "POST", path, Some(money)).await,
        (200, json!({"id": 1}))
    );
    let (_, versions) = call(&app, "GET", path, None).await;
    assert_eq!(versions, json!([1]));
}
