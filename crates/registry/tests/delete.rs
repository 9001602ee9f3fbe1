//! Soft and hard deletion of subjects and versions, and reference protection.

mod common;

use common::*;
use serde_json::json;

#[tokio::test]
async fn subject_soft_then_hard() {
    let (app, _) = app();
    register(&app, "a", json!({"schema": record(&["a"])})).await;
    register(&app, "a", json!({"schema": record(&["a", "b="])})).await;
    // Hard first: 40405.
    assert_error(
        &call(&app, "DELETE", "/subjects/a?permanent=true", None).await,
        404,
        40405,
    );
    assert_eq!(
        call(&app, "DELETE", "/subjects/a", None).await,
        (200, json!([1, 2]))
    );
    // Gone from listings unless deleted=true.
    assert_eq!(call(&app, "GET", "/subjects", None).await, (200, json!([])));
    assert_eq!(
        call(&app, "GET", "/subjects?deleted=true", None).await,
        (200, json!(["a"]))
    );
    assert_eq!(
        call(&app, "GET", "/subjects?deletedOnly=true", None).await,
        (200, json!(["a"]))
    );
    assert_error(
        &call(&app, "GET", "/subjects/a/versions", None).await,
        404,
        40401,
    );
    assert_eq!(
        call(&app, "GET", "/subjects/a/versions?deleted=true", None).await,
        (200, json!([1, 2]))
    );
    assert_error(
        &call(&app, "GET", "/subjects/a/versions/1", None).await,
        404,
        40401,
    );
    let (status, v) = call(&app, "GET", "/subjects/a/versions/1?deleted=true", None).await;
    assert_eq!((status, v["version"].clone()), (200, json!(1)));
    // Ids stay readable for deserializers.
    assert_eq!(call(&app, "GET", "/schemas/ids/1", None).await.0, 200);
    assert_eq!(
        call(&app, "GET", "/schemas/ids/1/subjects", None).await,
        (200, json!([]))
    );
    assert_eq!(
        call(&app, "GET", "/schemas/ids/1/subjects?deleted=true", None).await,
        (200, json!(["a"]))
    );
    // Soft again: 40404.
    let got = call(&app, "DELETE", "/subjects/a", None).await;
    assert_error(&got, 404, 40404);
    assert_eq!(
        got.1["message"],
        "Subject 'a' was soft deleted.Set permanent=true to delete permanently"
    );
    assert_eq!(
        call(&app, "DELETE", "/subjects/a?permanent=true", None).await,
        (200, json!([1, 2]))
    );
    assert_error(
        &call(&app, "GET", "/subjects/a/versions?deleted=true", None).await,
        404,
        40401,
    );
    assert_error(&call(&app, "DELETE", "/subjects/a", None).await, 404, 40401);
    assert_error(&call(&app, "GET", "/schemas/ids/1", None).await, 404, 40403);
    // A new schema after a hard delete gets a new id: ids are never reused.
    assert_eq!(
        register(&app, "a", json!({"schema": record(&["q"])})).await,
        3
    );
    let (_, v) = call(&app, "GET", "/subjects/a/versions/latest", None).await;
    assert_eq!(v["version"], 1);
}

#[tokio::test]
async fn version_soft_then_hard() {
    let (app, _) = app();
    register(&app, "a", json!({"schema": record(&["a"])})).await;
    register(&app, "a", json!({"schema": record(&["a", "b="])})).await;
    assert_error(
        &call(
            &app,
            "DELETE",
            "/subjects/a/versions/2?permanent=true",
            None,
        )
        .await,
        404,
        40407,
    );
    assert_eq!(
        call(&app, "DELETE", "/subjects/a/versions/2", None).await,
        (200, json!(2))
    );
    let got = call(&app, "DELETE", "/subjects/a/versions/2", None).await;
    assert_error(&got, 404, 40406);
    assert_eq!(
        got.1["message"],
        "Subject 'a' Version 2 was soft deleted.Set permanent=true to delete permanently"
    );
    assert_error(
        &call(&app, "GET", "/subjects/a/versions/2", None).await,
        404,
        40402,
    );
    let (_, latest) = call(&app, "GET", "/subjects/a/versions/latest", None).await;
    assert_eq!(latest["version"], 1);
    assert_eq!(
        call(&app, "GET", "/subjects/a/versions?deleted=true", None).await,
        (200, json!([1, 2]))
    );
    assert_eq!(
        call(
            &app,
            "DELETE",
            "/subjects/a/versions/2?permanent=true",
            None
        )
        .await,
        (200, json!(2))
    );
    assert_error(
        &call(&app, "GET", "/subjects/a/versions/2?deleted=true", None).await,
        404,
        40402,
    );
    assert_error(
        &call(&app, "DELETE", "/subjects/a/versions/9", None).await,
        404,
        40402,
    );
    assert_error(
        &call(&app, "DELETE", "/subjects/zz/versions/1", None).await,
        404,
        40401,
    );
    assert_error(
        &call(&app, "DELETE", "/subjects/a/versions/zero", None).await,
        422,
        42202,
    );
    // "latest" deletes the latest live version.
    assert_eq!(
        call(&app, "DELETE", "/subjects/a/versions/latest", None).await,
        (200, json!(1))
    );
}

#[tokio::test]
async fn latest_skips_soft_deleted_versions() {
    let (app, _) = app();
    register(&app, "a", json!({"schema": record(&["a"])})).await;
    register(&app, "a", json!({"schema": record(&["a", "b="])})).await;
    assert_eq!(
        call(&app, "DELETE", "/subjects/a/versions/latest", None).await,
        (200, json!(2))
    );
    assert_eq!(
        call(&app, "DELETE", "/subjects/a/versions/latest", None).await,
        (200, json!(1))
    );
    assert_error(
        &call(&app, "DELETE", "/subjects/a/versions/latest", None).await,
        404,
        40406,
    );
}

#[tokio::test]
async fn re_registering_a_soft_deleted_schema_reuses_its_id_in_a_new_version() {
    let (app, log) = app();
    let s = record(&["a"]);
    assert_eq!(register(&app, "a", json!({"schema": s})).await, 1);
    call(&app, "DELETE", "/subjects/a/versions/1", None).await;
    assert_eq!(register(&app, "a", json!({"schema": s})).await, 1);
    assert_eq!(
        call(&app, "GET", "/subjects/a/versions", None).await,
        (200, json!([2]))
    );
    // The soft-deleted version 1 with the same id was tombstoned, as Confluent does.
    assert_eq!(
        call(&app, "GET", "/subjects/a/versions?deleted=true", None).await,
        (200, json!([2]))
    );
    let tombstones = log.records().iter().filter(|(_, v)| v.is_none()).count();
    assert_eq!(tombstones, 1);
}

#[tokio::test]
async fn references_and_delete_protection() {
    let (app, _) = app();
    let base = record(&["a"]);
    let base_id = register(&app, "base", json!({"schema": base})).await;
    let user = json!({"type": "record", "name": "U", "needs": "B", "fields": []}).to_string();
    let refs = json!([{"name": "B", "subject": "base", "version": 1}]);
    // Without the reference the fake checker cannot resolve `B`.
    assert_error(
        &call(
            &app,
            "POST",
            "/subjects/user/versions",
            Some(json!({"schema": user})),
        )
        .await,
        422,
        42201,
    );
    let user_id = register(&app, "user", json!({"schema": user, "references": refs})).await;
    assert_ne!(user_id, base_id);
    let (_, v) = call(&app, "GET", "/subjects/user/versions/1", None).await;
    assert_eq!(v["references"], refs);
    let (_, v) = call(&app, "GET", "/schemas/ids/2", None).await;
    assert_eq!(v["references"], refs);
    let got = call(
        &app,
        "POST",
        "/subjects/user",
        Some(json!({"schema": user, "references": refs})),
    )
    .await;
    assert_eq!(got.1["id"], user_id);
    assert_eq!(
        call(&app, "GET", "/subjects/base/versions/1/referencedby", None).await,
        (200, json!([user_id]))
    );
    assert_error(
        &call(&app, "GET", "/subjects/base/versions/5/referencedby", None).await,
        404,
        40402,
    );

    // The referenced version and subject cannot be deleted while referenced.
    let got = call(&app, "DELETE", "/subjects/base/versions/1", None).await;
    assert_error(&got, 422, 42206);
    assert_eq!(
        got.1["message"],
        "One or more references exist to the schema {magic=1,keytype=SCHEMA,subject=base,version=1}."
    );
    assert_error(
        &call(&app, "DELETE", "/subjects/base", None).await,
        422,
        42206,
    );

    // A soft-deleted referrer no longer blocks a soft delete, but still blocks a hard one.
    call(&app, "DELETE", "/subjects/user", None).await;
    assert_eq!(
        call(&app, "GET", "/subjects/base/versions/1/referencedby", None).await,
        (200, json!([]))
    );
    assert_eq!(
        call(
            &app,
            "GET",
            "/subjects/base/versions/1/referencedby?deleted=true",
            None
        )
        .await,
        (200, json!([user_id]))
    );
    assert_eq!(
        call(&app, "DELETE", "/subjects/base", None).await,
        (200, json!([1]))
    );
    assert_error(
        &call(&app, "DELETE", "/subjects/base?permanent=true", None).await,
        422,
        42206,
    );
    call(&app, "DELETE", "/subjects/user?permanent=true", None).await;
    assert_eq!(
        call(&app, "DELETE", "/subjects/base?permanent=true", None).await,
        (200, json!([1]))
    );
}

#[tokio::test]
async fn transitive_references_reach_the_checker() {
    let (app, _) = app();
    register(&app, "c", json!({"schema": record(&["c"])})).await;
    let b = json!({"needs": "C", "fields": []}).to_string();
    register(
        &app,
        "b",
        json!({"schema": b, "references": [{"name": "C", "subject": "c", "version": 1}]}),
    )
    .await;
    // `a` names only `b`, but needs `C` too: resolved through `b`.
    let a = json!({"needs": "C", "fields": [{"name": "x"}]}).to_string();
    let body = json!({"schema": a, "references": [{"name": "B", "subject": "b", "version": 1}]});
    register(&app, "a", body).await;
}
