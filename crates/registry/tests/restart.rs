//! The `_schemas` records' formats, and a registry reopened over its log.

mod common;

use common::*;
use registry::records::Key;
use serde_json::{json, Value};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

fn decoded(log: &registry::MemoryLog) -> Vec<(Value, Option<Value>)> {
    log.records()
        .iter()
        .map(|(k, v)| {
            let k: Value = serde_json::from_slice(k).unwrap();
            (k, v.as_ref().map(|v| serde_json::from_slice(v).unwrap()))
        })
        .collect()
}

#[tokio::test]
async fn records_are_in_confluents_formats() {
    let (app, log) = app();
    let s = record(&["a"]);
    register(&app, "a", json!({"schema": s})).await;
    register(
        &app,
        "p",
        json!({"schema": "syntax = \"proto3\";", "schemaType": "PROTOBUF",
        "references": [{"name": "x.proto", "subject": "a", "version": 1}]}),
    )
    .await;
    call(
        &app,
        "PUT",
        "/config",
        Some(json!({"compatibility": "FULL"})),
    )
    .await;
    call(
        &app,
        "PUT",
        "/config/a",
        Some(json!({"compatibility": "NONE"})),
    )
    .await;
    call(&app, "PUT", "/mode/a", Some(json!({"mode": "READONLY"}))).await;
    call(&app, "DELETE", "/mode/a", None).await;
    call(&app, "DELETE", "/subjects/p", None).await;

    let recs = log.records();
    let keys: Vec<&str> = recs
        .iter()
        .map(|(k, _)| std::str::from_utf8(k).unwrap())
        .collect();
    assert_eq!(
        keys[0],
        r#"{"keytype":"SCHEMA","subject":"a","version":1,"magic":1}"#
    );
    assert_eq!(keys[2], r#"{"keytype":"CONFIG","magic":0}"#);
    assert_eq!(keys[3], r#"{"keytype":"CONFIG","subject":"a","magic":0}"#);
    assert_eq!(keys[4], r#"{"keytype":"MODE","subject":"a","magic":0}"#);
    assert_eq!(
        keys[6],
        r#"{"keytype":"DELETE_SUBJECT","subject":"p","magic":0}"#
    );
    let values = decoded(&log);
    assert_eq!(
        values[0].1,
        Some(json!({"subject": "a", "version": 1, "id": 1, "schema": s, "deleted": false}))
    );
    assert_eq!(
        values[1].1,
        Some(
            json!({"subject": "p", "version": 1, "id": 2, "schemaType": "PROTOBUF",
            "references": [{"name": "x.proto", "subject": "a", "version": 1}],
            "schema": "syntax = \"proto3\";", "deleted": false})
        )
    );
    assert_eq!(values[2].1, Some(json!({"compatibilityLevel": "FULL"})));
    assert_eq!(
        values[3].1,
        Some(json!({"subject": "a", "compatibilityLevel": "NONE"}))
    );
    assert_eq!(
        values[4].1,
        Some(json!({"subject": "a", "mode": "READONLY"}))
    );
    assert_eq!(values[5].1, None, "deleting a mode writes a tombstone");
    assert_eq!(values[6].1, Some(json!({"subject": "p", "version": 1})));
    let old_style = br#"{"keytype":"CONFIG","subject":null,"magic":0}"#;
    assert_eq!(Key::decode(old_style), Ok(Key::Config(None)));
    for (k, _) in &recs {
        let key = Key::decode(k).unwrap();
        assert_eq!(&key.encode(), k, "keys round-trip");
    }
}

#[tokio::test]
async fn a_reopened_registry_restores_everything() {
    let (app, log) = app();
    register(&app, "a", json!({"schema": record(&["a"])})).await;
    register(&app, "a", json!({"schema": record(&["a", "b="])})).await;
    register(&app, "b", json!({"schema": record(&["a"])})).await;
    let refs = json!([{"name": "A", "subject": "a", "version": 1}]);
    register(
        &app,
        "r",
        json!({"schema": record(&["r"]), "references": refs}),
    )
    .await;
    register(&app, "gone", json!({"schema": record(&["g"])})).await;
    call(&app, "DELETE", "/subjects/gone", None).await;
    call(&app, "DELETE", "/subjects/gone?permanent=true", None).await;
    register(&app, "soft", json!({"schema": record(&["s"])})).await;
    call(&app, "DELETE", "/subjects/soft", None).await;
    call(&app, "DELETE", "/subjects/a/versions/2", None).await;
    call(
        &app,
        "PUT",
        "/config",
        Some(json!({"compatibility": "FULL"})),
    )
    .await;
    call(
        &app,
        "PUT",
        "/config/b",
        Some(json!({"compatibility": "NONE"})),
    )
    .await;
    call(&app, "PUT", "/mode/b", Some(json!({"mode": "READONLY"}))).await;

    let probes = [
        "/subjects",
        "/subjects?deleted=true",
        "/subjects/a/versions",
        "/subjects/a/versions?deleted=true",
        "/subjects/a/versions/2?deleted=true",
        "/subjects/soft/versions?deleted=true",
        "/subjects/gone/versions?deleted=true",
        "/subjects/a/versions/1/referencedby",
        "/schemas?deleted=true",
        "/schemas/ids/1/versions",
        "/schemas/ids/5",
        "/config",
        "/config/b",
        "/mode/b",
        "/mode",
    ];
    let mut before = Vec::new();
    for p in probes {
        before.push(call(&app, "GET", p, None).await);
    }
    let again = app_over(&log);
    for (p, want) in probes.iter().zip(&before) {
        assert_eq!(&call(&again, "GET", p, None).await, want, "{p}");
    }
    // Ids and versions continue where they were; read-only still holds.
    assert_error(
        &call(
            &again,
            "POST",
            "/subjects/b/versions",
            Some(json!({"schema": record(&["z"])})),
        )
        .await,
        422,
        42205,
    );
    assert_eq!(
        register(&again, "c", json!({"schema": record(&["c"])})).await,
        6
    );
    assert_eq!(
        register(&again, "a", json!({"schema": record(&["a", "c="])})).await,
        7
    );
    let (_, v) = call(&again, "GET", "/subjects/a/versions/latest", None).await;
    assert_eq!(v["version"], 3);
}

#[tokio::test]
async fn unreadable_records_are_skipped_on_replay() {
    use registry::Log;
    let (app, log) = app();
    register(&app, "a", json!({"schema": record(&["a"])})).await;
    log.append(b"not json".to_vec(), Some(b"{}".to_vec()))
        .unwrap();
    let key = Key::Schema {
        subject: "b".into(),
        version: 1,
    }
    .encode();
    log.append(key, Some(b"{\"broken\":".to_vec())).unwrap();
    log.append(br#"{"keytype":"NOOP","magic":0}"#.to_vec(), None)
        .unwrap();
    let again = app_over(&log);
    assert_eq!(
        call(&again, "GET", "/subjects", None).await,
        (200, json!(["a"]))
    );
}

/// A log whose appends fail once `fail` is set, as over a broker that went away.
struct FailingLog {
    inner: registry::MemoryLog,
    fail: Arc<AtomicBool>,
}

impl registry::Log for FailingLog {
    fn append(&self, key: Vec<u8>, value: Option<Vec<u8>>) -> Result<(), String> {
        if self.fail.load(Ordering::SeqCst) {
            return Err("broker unavailable".into());
        }
        self.inner.append(key, value)
    }
    fn read_all(&self) -> Result<Vec<registry::LogRecord>, String> {
        self.inner.read_all()
    }
}

#[tokio::test]
async fn a_failing_log_is_50001_and_changes_nothing() {
    let fail = Arc::new(AtomicBool::new(false));
    let log = FailingLog {
        inner: registry::MemoryLog::new(),
        fail: fail.clone(),
    };
    let app = registry::router(registry::Registry::open(log, FakeChecker).unwrap());
    register(&app, "a", json!({"schema": record(&["a"])})).await;
    fail.store(true, Ordering::SeqCst);
    let got = call(
        &app,
        "POST",
        "/subjects/a/versions",
        Some(json!({"schema": record(&["a", "b="])})),
    )
    .await;
    assert_error(&got, 500, 50001);
    assert_error(&call(&app, "DELETE", "/subjects/a", None).await, 500, 50001);
    assert_eq!(
        call(&app, "GET", "/subjects/a/versions", None).await,
        (200, json!([1]))
    );
}
