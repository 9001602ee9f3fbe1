//! Compatibility levels, compatibility checks and modes.

mod common;

use common::*;
use serde_json::json;

#[tokio::test]
async fn config_global_and_subject() {
    let (app, _) = app();
    assert_eq!(
        call(&app, "GET", "/config", None).await,
        (200, json!({"compatibilityLevel": "BACKWARD"}))
    );
    let got = call(
        &app,
        "PUT",
        "/config",
        Some(json!({"compatibility": "full"})),
    )
    .await;
    assert_eq!(got, (200, json!({"compatibility": "FULL"})));
    assert_eq!(
        call(&app, "GET", "/config", None).await.1,
        json!({"compatibilityLevel": "FULL"})
    );
    assert_error(
        &call(
            &app,
            "PUT",
            "/config",
            Some(json!({"compatibility": "SIDEWAYS"})),
        )
        .await,
        422,
        42203,
    );
    assert_error(
        &call(&app, "PUT", "/config", Some(json!({}))).await,
        422,
        42203,
    );

    let got = call(&app, "GET", "/config/s", None).await;
    assert_error(&got, 404, 40408);
    assert_eq!(
        got.1["message"],
        "Subject 's' does not have subject-level compatibility configured"
    );
    assert_eq!(
        call(&app, "GET", "/config/s?defaultToGlobal=true", None)
            .await
            .1,
        json!({"compatibilityLevel": "FULL"})
    );
    call(
        &app,
        "PUT",
        "/config/s",
        Some(json!({"compatibility": "NONE"})),
    )
    .await;
    assert_eq!(
        call(&app, "GET", "/config/s", None).await.1,
        json!({"compatibilityLevel": "NONE"})
    );
    assert_eq!(
        call(&app, "DELETE", "/config/s", None).await,
        (200, json!({"compatibilityLevel": "NONE"}))
    );
    assert_error(&call(&app, "DELETE", "/config/s", None).await, 404, 40401);
    assert_eq!(
        call(&app, "DELETE", "/config", None).await,
        (200, json!({"compatibilityLevel": "FULL"}))
    );
    assert_eq!(
        call(&app, "GET", "/config", None).await.1,
        json!({"compatibilityLevel": "BACKWARD"})
    );
}

#[tokio::test]
async fn registration_checks_compatibility() {
    let (app, _) = app();
    register(&app, "s", json!({"schema": record(&["a"])})).await;
    // BACKWARD (default): a new field needs a default.
    let got = call(
        &app,
        "POST",
        "/subjects/s/versions",
        Some(json!({"schema": record(&["a", "b"])})),
    )
    .await;
    assert_error(&got, 409, 409);
    assert_eq!(
        got.1["message"],
        "Schema being registered is incompatible with an earlier schema for subject \"s\", details: \
         [READER_FIELD_MISSING_DEFAULT_VALUE: b, {validateFields: 'false', compatibility: 'BACKWARD'}]"
    );
    register(&app, "s", json!({"schema": record(&["a", "b="])})).await;
    // v3 drops `a` (allowed under NONE); FORWARD then compares with v3 only, while
    // FORWARD_TRANSITIVE also with v1 and v2, which cannot read a schema without `a`.
    call(
        &app,
        "PUT",
        "/config/s",
        Some(json!({"compatibility": "NONE"})),
    )
    .await;
    register(&app, "s", json!({"schema": record(&["b"])})).await;
    call(
        &app,
        "PUT",
        "/config/s",
        Some(json!({"compatibility": "FORWARD_TRANSITIVE"})),
    )
    .await;
    let v4 = json!({"schema": record(&["b", "c="])});
    let got = call(&app, "POST", "/subjects/s/versions", Some(v4.clone())).await;
    assert_error(&got, 409, 409);
    call(
        &app,
        "PUT",
        "/config/s",
        Some(json!({"compatibility": "FORWARD"})),
    )
    .await;
    register(&app, "s", v4.clone()).await;
    // Registering what is already there skips the check.
    call(
        &app,
        "PUT",
        "/config/s",
        Some(json!({"compatibility": "FULL_TRANSITIVE"})),
    )
    .await;
    assert_eq!(register(&app, "s", v4).await, 4);
}

#[tokio::test]
async fn compatibility_endpoints() {
    let (app, _) = app();
    register(&app, "s", json!({"schema": record(&["a"])})).await;
    let good = json!({"schema": record(&["a", "b="])});
    let bad = json!({"schema": record(&["a", "b"])});
    let url = "/compatibility/subjects/s/versions/latest";
    assert_eq!(
        call(&app, "POST", url, Some(good.clone())).await,
        (200, json!({"is_compatible": true}))
    );
    assert_eq!(
        call(&app, "POST", url, Some(bad.clone())).await,
        (200, json!({"is_compatible": false}))
    );
    let (_, v) = call(
        &app,
        "POST",
        &format!("{url}?verbose=true"),
        Some(bad.clone()),
    )
    .await;
    assert_eq!(v["is_compatible"], false);
    assert_eq!(v["messages"][0], "READER_FIELD_MISSING_DEFAULT_VALUE: b");
    let (_, v) = call(
        &app,
        "POST",
        &format!("{url}?verbose=true"),
        Some(good.clone()),
    )
    .await;
    assert_eq!(v, json!({"is_compatible": true, "messages": []}));
    let all = "/compatibility/subjects/s/versions";
    assert_eq!(
        call(&app, "POST", all, Some(bad.clone())).await.1["is_compatible"],
        false
    );
    assert_eq!(
        call(
            &app,
            "POST",
            "/compatibility/subjects/s/versions/1",
            Some(good)
        )
        .await
        .1["is_compatible"],
        true
    );
    assert_error(
        &call(
            &app,
            "POST",
            "/compatibility/subjects/s/versions/3",
            Some(bad.clone()),
        )
        .await,
        404,
        40402,
    );
    assert_error(
        &call(
            &app,
            "POST",
            "/compatibility/subjects/s/versions/x",
            Some(bad),
        )
        .await,
        422,
        42202,
    );
    let invalid = json!({"schema": "{nope"});
    assert_error(
        &call(&app, "POST", url, Some(invalid.clone())).await,
        422,
        42201,
    );
    let (_, v) = call(&app, "POST", &format!("{url}?verbose=true"), Some(invalid)).await;
    assert_eq!(v["is_compatible"], false);
    // A subject without versions: anything is compatible with "latest".
    let got = call(
        &app,
        "POST",
        "/compatibility/subjects/new/versions/latest",
        Some(json!({"schema": record(&["z"])})),
    )
    .await;
    assert_eq!(got, (200, json!({"is_compatible": true})));
}

#[tokio::test]
async fn modes() {
    let (app, _) = app();
    assert_eq!(
        call(&app, "GET", "/mode", None).await,
        (200, json!({"mode": "READWRITE"}))
    );
    register(&app, "s", json!({"schema": record(&["a"])})).await;
    assert_error(&call(&app, "GET", "/mode/s", None).await, 404, 40409);
    assert_eq!(
        call(&app, "GET", "/mode/s?defaultToGlobal=true", None)
            .await
            .1,
        json!({"mode": "READWRITE"})
    );
    assert_error(
        &call(&app, "PUT", "/mode", Some(json!({"mode": "SLEEPY"}))).await,
        422,
        42204,
    );
    assert_error(
        &call(&app, "PUT", "/mode/s", Some(json!({"mode": "FORWARD"}))).await,
        422,
        42204,
    );

    assert_eq!(
        call(&app, "PUT", "/mode/s", Some(json!({"mode": "READONLY"}))).await,
        (200, json!({"mode": "READONLY"}))
    );
    assert_eq!(
        call(&app, "GET", "/mode/s", None).await.1,
        json!({"mode": "READONLY"})
    );
    // Writes fail with 42205; registering what is already there still answers its id.
    let new = json!({"schema": record(&["a", "b="])});
    let got = call(&app, "POST", "/subjects/s/versions", Some(new)).await;
    assert_error(&got, 422, 42205);
    assert_eq!(
        got.1["message"],
        "Subject s in context . is in read-only mode"
    );
    assert_eq!(
        register(&app, "s", json!({"schema": record(&["a"])})).await,
        1
    );
    assert_error(&call(&app, "DELETE", "/subjects/s", None).await, 422, 42205);
    assert_error(
        &call(&app, "DELETE", "/subjects/s/versions/1", None).await,
        422,
        42205,
    );
    assert_error(
        &call(
            &app,
            "PUT",
            "/config/s",
            Some(json!({"compatibility": "NONE"})),
        )
        .await,
        422,
        42205,
    );
    // Other subjects are unaffected.
    register(&app, "t", json!({"schema": record(&["t"])})).await;
    assert_eq!(
        call(&app, "DELETE", "/mode/s", None).await,
        (200, json!({"mode": "READONLY"}))
    );
    assert_error(&call(&app, "DELETE", "/mode/s", None).await, 404, 40401);
    assert_eq!(call(&app, "DELETE", "/subjects/s", None).await.0, 200);

    // Global READONLY covers every subject.
    call(&app, "PUT", "/mode", Some(json!({"mode": "READONLY"}))).await;
    assert_error(
        &call(
            &app,
            "POST",
            "/subjects/u/versions",
            Some(json!({"schema": record(&["u"])})),
        )
        .await,
        422,
        42205,
    );
    let got = call(
        &app,
        "PUT",
        "/config",
        Some(json!({"compatibility": "NONE"})),
    )
    .await;
    assert_error(&got, 422, 42205);
    assert_eq!(
        got.1["message"],
        "Subject null in context . is in read-only mode"
    );
    call(&app, "PUT", "/mode", Some(json!({"mode": "READWRITE"}))).await;
}

#[tokio::test]
async fn import_mode() {
    let (app, _) = app();
    register(&app, "s", json!({"schema": record(&["a"])})).await;
    // IMPORT needs no live subjects unless forced.
    assert_error(
        &call(&app, "PUT", "/mode", Some(json!({"mode": "IMPORT"}))).await,
        422,
        42205,
    );
    // Soft-deleted versions in scope are hard-deleted on entering IMPORT.
    register(&app, "new", json!({"schema": record(&["old"])})).await;
    call(&app, "DELETE", "/subjects/new", None).await;
    assert_eq!(
        call(&app, "PUT", "/mode/new", Some(json!({"mode": "IMPORT"})))
            .await
            .0,
        200
    );
    let gone = call(&app, "GET", "/subjects/new/versions?deleted=true", None).await;
    assert_error(&gone, 404, 40401);
    // In IMPORT, ids and versions are given, and compatibility is not checked.
    let body = json!({"schema": record(&["x"]), "id": 100, "version": 5});
    assert_eq!(register(&app, "new", body).await, 100);
    let (_, v) = call(&app, "GET", "/subjects/new/versions/5", None).await;
    assert_eq!(
        (v["id"].clone(), v["version"].clone()),
        (json!(100), json!(5))
    );
    // Without an id IMPORT refuses; an id already taken by another schema is refused.
    assert_error(
        &call(
            &app,
            "POST",
            "/subjects/new/versions",
            Some(json!({"schema": record(&["y"])})),
        )
        .await,
        422,
        42205,
    );
    let taken = json!({"schema": record(&["z"]), "id": 1, "version": 6});
    assert_error(
        &call(&app, "POST", "/subjects/new/versions", Some(taken)).await,
        422,
        42207,
    );
    // Ids given outside IMPORT: 42205.
    let with_id = json!({"schema": record(&["a", "q="]), "id": 7});
    assert_error(
        &call(&app, "POST", "/subjects/s/versions", Some(with_id)).await,
        422,
        42205,
    );
    // New ids continue after imported ones.
    call(&app, "DELETE", "/mode/new", None).await;
    assert_eq!(
        register(&app, "other", json!({"schema": record(&["o"])})).await,
        101
    );
    assert_eq!(
        call(
            &app,
            "PUT",
            "/mode?force=true",
            Some(json!({"mode": "IMPORT"}))
        )
        .await
        .0,
        200
    );
}
