//! Registering, reading back, id reuse and lookup.

mod common;

use common::*;
use serde_json::json;

#[tokio::test]
async fn register_and_read_back() {
    let (app, _) = app();
    assert_eq!(call(&app, "GET", "/", None).await, (200, json!({})));
    let (_, types) = call(&app, "GET", "/schemas/types", None).await;
    assert_eq!(types, json!(["JSON", "PROTOBUF", "AVRO"]));

    let s1 = record(&["a"]);
    let id = register(&app, "t-value", json!({"schema": s1})).await;
    assert_eq!(id, 1);
    assert_eq!(
        call(&app, "GET", "/subjects", None).await,
        (200, json!(["t-value"]))
    );
    assert_eq!(
        call(&app, "GET", "/subjects/t-value/versions", None).await,
        (200, json!([1]))
    );
    let expected = json!({"subject": "t-value", "version": 1, "id": 1, "schema": s1});
    for v in ["1", "latest", "-1"] {
        let got = call(
            &app,
            "GET",
            &format!("/subjects/t-value/versions/{v}"),
            None,
        )
        .await;
        assert_eq!(got, (200, expected.clone()), "version {v}");
    }
    let raw = call_raw(&app, "GET", "/subjects/t-value/versions/1/schema", None).await;
    assert_eq!(raw, (200, s1.clone()));
    assert_eq!(
        call(&app, "GET", "/schemas/ids/1", None).await,
        (200, json!({"schema": s1}))
    );
    assert_eq!(
        call_raw(&app, "GET", "/schemas/ids/1/schema", None).await,
        (200, s1.clone())
    );
    assert_eq!(
        call(&app, "GET", "/schemas/ids/1/subjects", None).await,
        (200, json!(["t-value"]))
    );
    assert_eq!(
        call(&app, "GET", "/schemas/ids/1/versions", None).await,
        (200, json!([{"subject": "t-value", "version": 1}]))
    );
}

#[tokio::test]
async fn ids_are_reused_for_the_same_schema() {
    let (app, _) = app();
    let s1 = record(&["a"]);
    let id = register(&app, "a", json!({"schema": s1})).await;
    // Again: the same id, no new version.
    assert_eq!(register(&app, "a", json!({"schema": s1})).await, id);
    assert_eq!(
        call(&app, "GET", "/subjects/a/versions", None).await,
        (200, json!([1]))
    );
    // Another subject: the same global id, its own version 1.
    let spaced =
        serde_json::to_string_pretty(&serde_json::from_str::<serde_json::Value>(&s1).unwrap())
            .unwrap();
    assert_eq!(
        register(&app, "b", json!({"schema": spaced})).await,
        id,
        "canonical form compared"
    );
    let (_, v) = call(&app, "GET", "/subjects/b/versions/1", None).await;
    assert_eq!(v["id"], id);
    assert_eq!(
        call(&app, "GET", "/schemas/ids/1/subjects", None).await,
        (200, json!(["a", "b"]))
    );
    // A new schema gets the next id; another type makes another schema.
    assert_eq!(
        register(&app, "a", json!({"schema": record(&["a", "b="])})).await,
        2
    );
    let json_id = register(&app, "c", json!({"schema": s1, "schemaType": "JSON"})).await;
    assert_eq!(json_id, 3);
    let (_, v) = call(&app, "GET", "/subjects/c/versions/1", None).await;
    assert_eq!(v["schemaType"], "JSON", "schemaType shown unless AVRO");
    let (_, v) = call(&app, "GET", "/schemas/ids/3", None).await;
    assert_eq!(v, json!({"schemaType": "JSON", "schema": s1}));
}

#[tokio::test]
async fn lookup_under_subject() {
    let (app, _) = app();
    let s1 = record(&["a"]);
    register(&app, "a", json!({"schema": s1})).await;
    let got = call(&app, "POST", "/subjects/a", Some(json!({"schema": s1}))).await;
    assert_eq!(
        got,
        (
            200,
            json!({"subject": "a", "version": 1, "id": 1, "schema": s1})
        )
    );
    let other = record(&["zz"]);
    assert_error(
        &call(&app, "POST", "/subjects/a", Some(json!({"schema": other}))).await,
        404,
        40403,
    );
    assert_error(
        &call(&app, "POST", "/subjects/nope", Some(json!({"schema": s1}))).await,
        404,
        40401,
    );
    assert_error(
        &call(&app, "POST", "/subjects/a", Some(json!({"schema": "{bad"}))).await,
        422,
        42201,
    );
}

#[tokio::test]
async fn read_errors() {
    let (app, _) = app();
    register(&app, "a", json!({"schema": record(&["a"])})).await;
    assert_error(
        &call(&app, "GET", "/subjects/nope/versions", None).await,
        404,
        40401,
    );
    assert_error(
        &call(&app, "GET", "/subjects/nope/versions/1", None).await,
        404,
        40401,
    );
    assert_error(
        &call(&app, "GET", "/subjects/a/versions/7", None).await,
        404,
        40402,
    );
    for bad in ["0", "-2", "x", "99999999999"] {
        assert_error(
            &call(&app, "GET", &format!("/subjects/a/versions/{bad}"), None).await,
            422,
            42202,
        );
    }
    assert_error(
        &call(&app, "GET", "/schemas/ids/42", None).await,
        404,
        40403,
    );
    assert_error(
        &call(&app, "GET", "/schemas/ids/42/subjects", None).await,
        404,
        40403,
    );
    assert_error(
        &call(&app, "GET", "/schemas/ids/42/versions", None).await,
        404,
        40403,
    );
    let (status, v) = call(&app, "GET", "/schemas/ids/42", None).await;
    assert_eq!(
        (status, v["message"].as_str()),
        (404, Some("Schema 42 not found"))
    );
    let (_, v) = call(&app, "GET", "/subjects/nope/versions", None).await;
    assert_eq!(v["message"], "Subject 'nope' not found.");
    assert_error(&call(&app, "GET", "/no/such/path", None).await, 404, 404);
}

#[tokio::test]
async fn invalid_schemas_are_42201() {
    let (app, _) = app();
    for body in [
        json!({"schema": "{not json"}),
        json!({"schema": ""}),
        json!({}),
        json!({"schema": "{}", "schemaType": "XML"}),
        json!({"schema": "{}", "references": [{"name": "x", "subject": "missing", "version": 1}]}),
    ] {
        let got = call(&app, "POST", "/subjects/a/versions", Some(body.clone())).await;
        assert_error(&got, 422, 42201);
    }
    // Bodies in other content types are read as JSON too.
    let req = axum::http::Request::builder()
        .method("POST")
        .uri("/subjects/o/versions")
        .header("content-type", "application/octet-stream")
        .body(axum::body::Body::from(
            json!({"schema": record(&["a"])}).to_string(),
        ))
        .unwrap();
    let resp = tower::ServiceExt::oneshot(app.clone(), req).await.unwrap();
    assert_eq!(resp.status(), 200);
}

#[tokio::test]
async fn list_schemas_with_filters() {
    let (app, _) = app();
    register(&app, "a", json!({"schema": record(&["a"])})).await;
    register(&app, "a", json!({"schema": record(&["a", "b="])})).await;
    register(&app, "b", json!({"schema": record(&["c"])})).await;
    let (_, all) = call(&app, "GET", "/schemas", None).await;
    assert_eq!(all.as_array().unwrap().len(), 3);
    let (_, latest) = call(&app, "GET", "/schemas?latestOnly=true", None).await;
    let pairs: Vec<_> = latest
        .as_array()
        .unwrap()
        .iter()
        .map(|v| (v["subject"].clone(), v["version"].clone()))
        .collect();
    assert_eq!(pairs, vec![(json!("a"), json!(2)), (json!("b"), json!(1))]);
    let (_, pre) = call(&app, "GET", "/schemas?subjectPrefix=b", None).await;
    assert_eq!(pre.as_array().unwrap().len(), 1);
    let (_, paged) = call(&app, "GET", "/schemas?offset=1&limit=1", None).await;
    assert_eq!(paged[0]["version"], 2);
    assert_eq!(paged.as_array().unwrap().len(), 1);
    assert_eq!(
        call(&app, "GET", "/subjects?subjectPrefix=a", None).await,
        (200, json!(["a"]))
    );
}

#[tokio::test]
async fn contexts_lists_the_default_one() {
    let (app, _) = app();
    assert_eq!(
        call(&app, "GET", "/contexts", None).await,
        (200, json!(["."]))
    );
}

// Found by the registry differential test: Confluent compares Avro schemas in Avro's own
// canonical text (Schema.toString()), so attributes in another order are the same schema:
// the id comes back and the lookup finds the version. JSON Schema keeps its key order.
#[tokio::test]
async fn avro_attribute_order_does_not_make_a_new_schema() {
    let app = registry::router(
        registry::Registry::open(registry::MemoryLog::new(), registry::SchemaChecker)
            .expect("open"),
    );
    let first = r#"{"type":"record","name":"R","fields":[{"name":"a","type":"int"}]}"#;
    let reordered = r#"{"fields":[{"type":"int","name":"a"}],"name":"R","type":"record"}"#;
    let id = register(&app, "a", json!({"schema": first})).await;
    assert_eq!(register(&app, "a", json!({"schema": reordered})).await, id);
    assert_eq!(
        call(&app, "GET", "/subjects/a/versions", None).await,
        (200, json!([1]))
    );
    let (status, found) = call(
        &app,
        "POST",
        "/subjects/a",
        Some(json!({"schema": reordered})),
    )
    .await;
    assert_eq!(
        (status, &found["id"], &found["version"]),
        (200, &json!(id), &json!(1))
    );
    assert_eq!(register(&app, "b", json!({"schema": reordered})).await, id);

    let js = r#"{"type":"object","properties":{"a":{"type":"integer"}}}"#;
    let js_reordered = r#"{"properties":{"a":{"type":"integer"}},"type":"object"}"#;
    let js_id = register(&app, "j", json!({"schema": js, "schemaType": "JSON"})).await;
    let other = register(
        &app,
        "j2",
        json!({"schema": js_reordered, "schemaType": "JSON"}),
    )
    .await;
    assert_ne!(js_id, other);
}
