//! /mode and /mode/{s} (ModeResource): READWRITE, READONLY, IMPORT.

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::routing::get;
use axum::Router;
use serde::Deserialize;

use super::{blocking, flag, ok, parse_body, ApiResult, Params};
use crate::registry::Registry;

pub(super) fn routes() -> Router<Registry> {
    Router::new()
        .route(
            "/mode",
            get(get_global).put(put_global).delete(delete_global),
        )
        .route(
            "/mode/{subject}",
            get(get_subject).put(put_subject).delete(delete_subject),
        )
}

#[derive(Deserialize)]
struct ModeRequest {
    #[serde(default)]
    mode: Option<String>,
}

fn mode_body(mode: &str) -> ApiResult {
    ok(&serde_json::json!({ "mode": mode }))
}

async fn get_mode(reg: Registry, subject: Option<String>, q: Params) -> ApiResult {
    let global = flag(&q, "defaultToGlobal");
    let mode = blocking(&reg, move |r| r.get_mode(subject.as_deref(), global)).await?;
    mode_body(&mode)
}

async fn put_mode(reg: Registry, subject: Option<String>, q: Params, body: Bytes) -> ApiResult {
    let req: ModeRequest = parse_body(&body)?;
    let force = flag(&q, "force");
    let mode = blocking(&reg, move |r| {
        r.set_mode(subject.as_deref(), req.mode.as_deref(), force)
    })
    .await?;
    mode_body(&mode)
}

async fn delete_mode(reg: Registry, subject: Option<String>) -> ApiResult {
    let mode = blocking(&reg, move |r| r.delete_mode(subject.as_deref())).await?;
    mode_body(&mode)
}

async fn get_global(State(reg): State<Registry>, Query(q): Query<Params>) -> ApiResult {
    get_mode(reg, None, q).await
}

async fn get_subject(
    State(reg): State<Registry>,
    Path(s): Path<String>,
    Query(q): Query<Params>,
) -> ApiResult {
    get_mode(reg, Some(s), q).await
}

async fn put_global(
    State(reg): State<Registry>,
    Query(q): Query<Params>,
    body: Bytes,
) -> ApiResult {
    put_mode(reg, None, q, body).await
}

async fn put_subject(
    State(reg): State<Registry>,
    Path(s): Path<String>,
    Query(q): Query<Params>,
    body: Bytes,
) -> ApiResult {
    put_mode(reg, Some(s), q, body).await
}

async fn delete_global(State(reg): State<Registry>) -> ApiResult {
    delete_mode(reg, None).await
}

async fn delete_subject(State(reg): State<Registry>, Path(s): Path<String>) -> ApiResult {
    delete_mode(reg, Some(s)).await
}
