//! /config and /config/{s} (ConfigResource): `compatibility` in PUT bodies,
//! `compatibilityLevel` in GET and DELETE answers.

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
            "/config",
            get(get_global).put(put_global).delete(delete_global),
        )
        .route(
            "/config/{subject}",
            get(get_subject).put(put_subject).delete(delete_subject),
        )
}

#[derive(Deserialize)]
struct ConfigRequest {
    #[serde(default)]
    compatibility: Option<String>,
}

fn level_body(level: &str) -> ApiResult {
    ok(&serde_json::json!({ "compatibilityLevel": level }))
}

async fn get_config(reg: Registry, subject: Option<String>, q: Params) -> ApiResult {
    let global = flag(&q, "defaultToGlobal");
    let level = blocking(&reg, move |r| r.get_config(subject.as_deref(), global)).await?;
    level_body(&level)
}

async fn put_config(reg: Registry, subject: Option<String>, body: Bytes) -> ApiResult {
    let req: ConfigRequest = parse_body(&body)?;
    let level = blocking(&reg, move |r| {
        r.set_config(subject.as_deref(), req.compatibility.as_deref())
    })
    .await?;
    ok(&serde_json::json!({ "compatibility": level }))
}

async fn delete_config(reg: Registry, subject: Option<String>) -> ApiResult {
    let level = blocking(&reg, move |r| r.delete_config(subject.as_deref())).await?;
    level_body(&level)
}

async fn get_global(State(reg): State<Registry>, Query(q): Query<Params>) -> ApiResult {
    get_config(reg, None, q).await
}

async fn get_subject(
    State(reg): State<Registry>,
    Path(s): Path<String>,
    Query(q): Query<Params>,
) -> ApiResult {
    get_config(reg, Some(s), q).await
}

async fn put_global(State(reg): State<Registry>, body: Bytes) -> ApiResult {
    put_config(reg, None, body).await
}

async fn put_subject(State(reg): State<Registry>, Path(s): Path<String>, body: Bytes) -> ApiResult {
    put_config(reg, Some(s), body).await
}

async fn delete_global(State(reg): State<Registry>) -> ApiResult {
    delete_config(reg, None).await
}

async fn delete_subject(State(reg): State<Registry>, Path(s): Path<String>) -> ApiResult {
    delete_config(reg, Some(s)).await
}
