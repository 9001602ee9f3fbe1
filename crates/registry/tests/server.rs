//! The server on a real loopback socket, and HTTP-level answers.

mod common;

use common::*;
use registry::{MemoryLog, Registry};
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

// One HTTP/1.1 exchange; the status and the body.
async fn http(addr: std::net::SocketAddr, method: &str, path: &str, body: &str) -> (u16, String) {
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    let req = format!(
        "{method} {path} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    s.write_all(req.as_bytes()).await.unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).await.unwrap();
    let status = out[9..12].parse().unwrap();
    let body = out
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    (status, body)
}

#[tokio::test]
async fn serves_on_loopback_until_shut_down() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let reg = Registry::open(MemoryLog::new(), FakeChecker).unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(registry::serve_until(listener, reg, async {
        let _ = stopped.await;
    }));
    let body = json!({"schema": record(&["a"])}).to_string();
    assert_eq!(
        http(addr, "POST", "/subjects/t-value/versions", &body).await,
        (200, r#"{"id":1}"#.into())
    );
    assert_eq!(
        http(addr, "GET", "/subjects", "").await,
        (200, r#"["t-value"]"#.into())
    );
    let _ = stop.send(());
    server.await.unwrap().unwrap();
}

#[tokio::test]
async fn http_level_errors() {
    let (app, _) = app();
    assert_error(
        &call_raw_json(&app, "POST", "/subjects/a/versions", "{oops").await,
        400,
        400,
    );
    assert_error(
        &call_raw_json(&app, "POST", "/subjects/a/versions", "").await,
        422,
        422,
    );
    assert_error(&call(&app, "PATCH", "/subjects", None).await, 405, 405);
    assert_error(
        &call(&app, "GET", "/schemas/ids/notanumber", None).await,
        404,
        404,
    );
}

// Found by the registry differential test: a JSON array is not a request entity.
#[tokio::test]
async fn array_bodies_are_rejected_not_read_by_position() {
    let (app, _) = app();
    let body = json!([record(&["a"])]).to_string();
    assert_error(
        &call_raw_json(&app, "POST", "/subjects/a/versions", &body).await,
        422,
        422,
    );
    assert_eq!(call(&app, "GET", "/subjects", None).await.1, json!([]));
    assert_error(
        &call_raw_json(
            &app,
            "POST",
            "/compatibility/subjects/a/versions/latest",
            &body,
        )
        .await,
        422,
        422,
    );
    assert_error(
        &call_raw_json(&app, "PUT", "/config/a", r#"["NONE"]"#).await,
        422,
        422,
    );
    assert_eq!(
        call(&app, "GET", "/config", None).await.1,
        json!({"compatibilityLevel": "BACKWARD"})
    );
}

#[tokio::test]
async fn subjects_with_escaped_characters() {
    let (app, _) = app();
    register(&app, "a%2Fb%20c", json!({"schema": record(&["a"])})).await;
    assert_eq!(
        call(&app, "GET", "/subjects", None).await.1,
        json!(["a/b c"])
    );
    let (_, v) = call(&app, "GET", "/subjects/a%2Fb%20c/versions/1", None).await;
    assert_eq!(v["subject"], "a/b c");
}

async fn call_raw_json(
    app: &axum::Router,
    method: &str,
    uri: &str,
    body: &str,
) -> (u16, serde_json::Value) {
    use http_body_util::BodyExt;
    use tower::ServiceExt;
    let req = axum::http::Request::builder()
        .method(method)
        .uri(uri)
        .body(axum::body::Body::from(body.to_string()))
        .unwrap();
    let resp = app.clone().oneshot(req).await.unwrap();
    let status = resp.status().as_u16();
    let bytes = resp.into_body().collect().await.unwrap().to_bytes();
    (status, serde_json::from_slice(&bytes).unwrap())
}

// One request with the given headers; the status, the Content-Type and the body.
async fn call_with_headers(
    app: &axum::Router,
    method: &str,
    uri: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> (u16, String, serde_json::Value) {
    use http_body_util::BodyExt;
    use tower::ServiceExt;
    let mut req = axum::http::Request::builder().method(method).uri(uri);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let req = req.body(axum::body::Body::from(body.to_string())).unwrap();
    let resp = app.clone().oneshot(req).await.unwrap();
    let status = resp.status().as_u16();
    let ct = resp.headers()[axum::http::header::CONTENT_TYPE]
        .to_str()
        .unwrap()
        .to_string();
    let bytes = resp.into_body().collect().await.unwrap().to_bytes();
    (status, ct, serde_json::from_slice(&bytes).unwrap())
}

// Found by the registry differential test: Jersey negotiates the response type from Accept
// over the resources' @Produces (v1 first, vnd.schemaregistry+json qs=0.9, application/json qs=0.5).
#[tokio::test]
async fn response_type_follows_accept() {
    let (app, _) = app();
    let v1 = "application/vnd.schemaregistry.v1+json";
    for (accept, want) in [
        (None, v1),
        (Some("*/*"), v1),
        (Some("application/json"), "application/json"),
        (
            Some("application/vnd.schemaregistry+json"),
            "application/vnd.schemaregistry+json",
        ),
        (
            Some("application/json, application/vnd.schemaregistry.v1+json"),
            v1,
        ),
        (
            Some("application/json; q=0.9, */*; q=0.1"),
            "application/json",
        ),
    ] {
        let headers: Vec<_> = accept.iter().map(|a| ("Accept", *a)).collect();
        let (status, ct, body) = call_with_headers(&app, "GET", "/subjects", &headers, "").await;
        assert_eq!(
            (status, ct.as_str(), body),
            (200, want, json!([])),
            "{accept:?}"
        );
    }
    // Errors too.
    let (status, ct, _) = call_with_headers(
        &app,
        "GET",
        "/subjects/x/versions",
        &[("Accept", "application/json")],
        "",
    )
    .await;
    assert_eq!((status, ct.as_str()), (404, "application/json"));
}

// Found by the registry differential test: bodies are read only in the @Consumes types.
#[tokio::test]
async fn unsupported_request_types_are_415() {
    let (app, _) = app();
    let body = json!({"schema": record(&["a"])}).to_string();
    let (status, _, err) = call_with_headers(
        &app,
        "POST",
        "/subjects/a/versions",
        &[("Content-Type", "text/plain")],
        &body,
    )
    .await;
    assert_eq!(
        (status, err),
        (
            415,
            json!({"error_code": 415, "message": "HTTP 415 Unsupported Media Type"})
        )
    );
    assert_eq!(call(&app, "GET", "/subjects", None).await.1, json!([]));
    for ct in [
        "application/vnd.schemaregistry.v1+json",
        "application/vnd.schemaregistry+json",
        "application/json; charset=utf-8",
        "application/octet-stream",
    ] {
        let (status, _, _) = call_with_headers(
            &app,
            "POST",
            "/subjects/a/versions",
            &[("Content-Type", ct)],
            &body,
        )
        .await;
        assert_eq!(status, 200, "{ct}");
    }
}
