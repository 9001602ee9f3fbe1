//! Shared test fixtures: a fake checker and an in-process HTTP client for the router.
#![allow(dead_code)]

use axum::body::Body;
use axum::http::Request;
use axum::Router;
use http_body_util::BodyExt;
use registry::{Checker, MemoryLog, Registry, ResolvedRef};
use serde_json::{json, Value};
use tower::ServiceExt;

/// Schemas are JSON records `{"fields":[{"name":..,"default"?:..}]}`; a field added
/// without a default breaks BACKWARD, one removed without a default breaks FORWARD.
pub struct FakeChecker;

fn fields(schema: &str) -> Vec<(String, bool)> {
    let v: Value = serde_json::from_str(schema).unwrap_or(Value::Null);
    v.get("fields")
        .and_then(Value::as_array)
        .map(|fs| {
            fs.iter()
                .map(|f| {
                    let name = f
                        .get("name")
                        .and_then(Value::as_str)
                        .unwrap_or("")
                        .to_string();
                    (name, f.get("default").is_some())
                })
                .collect()
        })
        .unwrap_or_default()
}

// Fields `reader` needs that `writer` lacks.
fn missing(reader: &str, writer: &str) -> Vec<String> {
    let have: Vec<String> = fields(writer).into_iter().map(|f| f.0).collect();
    fields(reader)
        .into_iter()
        .filter(|(name, default)| !default && !have.contains(name))
        .map(|(name, _)| format!("READER_FIELD_MISSING_DEFAULT_VALUE: {name}"))
        .collect()
}

impl Checker for FakeChecker {
    fn validate(&self, kind: &str, schema: &str, refs: &[ResolvedRef]) -> Result<(), String> {
        if kind == "PROTOBUF" {
            return Ok(());
        }
        let v: Value = serde_json::from_str(schema).map_err(|e| e.to_string())?;
        // A schema naming `needs` must have that reference resolved.
        if let Some(need) = v.get("needs").and_then(Value::as_str) {
            if !refs.iter().any(|r| r.name == need) {
                return Err(format!("unresolved reference {need}"));
            }
        }
        Ok(())
    }

    fn check(
        &self,
        level: &str,
        _kind: &str,
        new: (&str, &[ResolvedRef]),
        existing: &[(String, Vec<ResolvedRef>)],
    ) -> Vec<String> {
        let mut out = Vec::new();
        for (old, _) in existing {
            if level.starts_with("BACKWARD") || level.starts_with("FULL") {
                out.extend(missing(new.0, old));
            }
            if level.starts_with("FORWARD") || level.starts_with("FULL") {
                out.extend(missing(old, new.0));
            }
        }
        out
    }

    fn canonical(
        &self,
        _kind: &str,
        schema: &str,
        _refs: &[ResolvedRef],
        _normalize: bool,
    ) -> String {
        serde_json::from_str::<Value>(schema)
            .map(|v| v.to_string())
            .unwrap_or_else(|_| schema.to_string())
    }
}

/// A record schema with the given fields; `name=` adds a default.
pub fn record(fields: &[&str]) -> String {
    let fs: Vec<Value> = fields
        .iter()
        .map(|f| match f.strip_suffix('=') {
            Some(n) => json!({"name": n, "type": "int", "default": 0}),
            None => json!({"name": f, "type": "int"}),
        })
        .collect();
    json!({"type": "record", "name": "R", "fields": fs}).to_string()
}

/// A router over a fresh registry, and its log.
pub fn app() -> (Router, MemoryLog) {
    let log = MemoryLog::new();
    (app_over(&log), log)
}

/// A router over a registry replaying `log`.
pub fn app_over(log: &MemoryLog) -> Router {
    registry::router(Registry::open(log.clone(), FakeChecker).expect("open"))
}

/// Sends a request; the status and the body as text, with the content type checked.
pub async fn call_raw(app: &Router, method: &str, uri: &str, body: Option<Value>) -> (u16, String) {
    let req = Request::builder()
        .method(method)
        .uri(uri)
        .header("content-type", "application/vnd.schemaregistry.v1+json")
        .body(body.map_or_else(Body::empty, |b| Body::from(b.to_string())))
        .unwrap();
    let resp = app.clone().oneshot(req).await.unwrap();
    let status = resp.status();
    assert_eq!(
        resp.headers()
            .get("content-type")
            .map(|v| v.to_str().unwrap()),
        Some("application/vnd.schemaregistry.v1+json"),
        "{method} {uri}"
    );
    let bytes = resp.into_body().collect().await.unwrap().to_bytes();
    (status.as_u16(), String::from_utf8(bytes.to_vec()).unwrap())
}

/// Sends a request; the status and the JSON body.
pub async fn call(app: &Router, method: &str, uri: &str, body: Option<Value>) -> (u16, Value) {
    let (status, text) = call_raw(app, method, uri, body).await;
    let v = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{method} {uri}: {text}: {e}"));
    (status, v)
}

/// Registers a schema, asserting 200; the id.
pub async fn register(app: &Router, subject: &str, body: Value) -> i64 {
    let (status, v) = call(
        app,
        "POST",
        &format!("/subjects/{subject}/versions"),
        Some(body),
    )
    .await;
    assert_eq!(status, 200, "register {subject}: {v}");
    v["id"].as_i64().unwrap()
}

/// Asserts an error answer's status and code.
pub fn assert_error(got: &(u16, Value), status: u16, code: i64) {
    assert_eq!(got.0, status, "{}", got.1);
    assert_eq!(got.1["error_code"], code, "{}", got.1);
    assert!(got.1["message"].is_string(), "{}", got.1);
}
