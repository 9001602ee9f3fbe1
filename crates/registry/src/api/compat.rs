//! POST /compatibility/subjects/{s}/versions[/{v}] (CompatibilityResource).

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::routing::post;
use axum::Router;
use serde::Serialize;

use super::{blocking, flag, ok, parse_body, ApiResult, Params};
use crate::ops::{parse_version, SchemaRequest};
use crate::registry::Registry;

pub(super) fn routes() -> Router<Registry> {
    Router::new()
        .route(
            "/compatibility/subjects/{subject}/versions",
            post(against_all),
        )
        .route(
            "/compatibility/subjects/{subject}/versions/{version}",
            post(against_one),
        )
}

// CompatibilityCheckResponse: messages only with ?verbose=true.
#[derive(Serialize)]
struct CheckResponse {
    is_compatible: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    messages: Option<Vec<String>>,
}

async fn check(
    reg: Registry,
    subject: String,
    version: Option<i32>,
    q: Params,
    body: Bytes,
) -> ApiResult {
    let req: SchemaRequest = parse_body(&body)?;
    let (normalize, verbose) = (flag(&q, "normalize"), flag(&q, "verbose"));
    let messages = blocking(&reg, move |r| {
        r.test_compatibility(&subject, version, &req, normalize, verbose)
    })
    .await?;
    ok(&CheckResponse {
        is_compatible: messages.is_empty(),
        messages: verbose.then_some(messages),
    })
}

async fn against_all(
    State(reg): State<Registry>,
    Path(subject): Path<String>,
    Query(q): Query<Params>,
    body: Bytes,
) -> ApiResult {
    check(reg, subject, None, q, body).await
}

async fn against_one(
    State(reg): State<Registry>,
    Path((subject, version)): Path<(String, String)>,
    Query(q): Query<Params>,
    body: Bytes,
) -> ApiResult {
    let version = parse_version(&version)?;
    check(reg, subject, Some(version), q, body).await
}
