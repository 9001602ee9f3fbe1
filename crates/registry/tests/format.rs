//! `?format=serialized`: Protobuf schemas come back as base64 `FileDescriptorProto`s
//! (what confluent-kafka-python's deserializer asks for), whichever form was registered.

mod common;

use common::call;
use registry::{MemoryLog, Registry, SchemaChecker};
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
    // with its references: it gets an id of its own, being another text, and is served
    // back as registered.
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

    // Avro is served as registered whatever the format.
    let avro = json!({"schema": "\"string\""});
    let (_, avro_id) = call(&app, "POST", "/subjects/s/versions", Some(avro)).await;
    let uri = format!("/schemas/ids/{}?format=serialized", avro_id["id"]);
    assert_eq!(
        schema_of(&call(&app, "GET", &uri, None).await.1),
        "\"string\""
    );
}
