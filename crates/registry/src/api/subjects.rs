//! /subjects and /subjects/{s}/versions/... (SubjectsResource, SubjectVersionsResource).

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::routing::get;
use axum::Router;

use super::{blocking, flag, ok, page, parse_body, raw_response, ApiResult, Params, SchemaView};
use crate::ops::{parse_version, SchemaRequest};
use crate::registry::Registry;

pub(super) fn routes() -> Router<Registry> {
    Router::new()
        .route("/subjects", get(list))
        .route(
            "/subjects/{subject}",
            axum::routing::post(lookup).delete(delete_subject),
        )
        .route("/subjects/{subject}/versions", get(versions).post(register))
        .route(
            "/subjects/{subject}/versions/{version}",
            get(get_version).delete(delete_version),
        )
        .route(
            "/subjects/{subject}/versions/{version}/schema",
            get(raw_version),
        )
        .route(
            "/subjects/{subject}/versions/{version}/referencedby",
            get(referenced_by),
        )
}

async fn list(State(reg): State<Registry>, Query(q): Query<Params>) -> ApiResult {
    let prefix = q.get("subjectPrefix").cloned().unwrap_or_default();
    let (deleted, only) = (flag(&q, "deleted"), flag(&q, "deletedOnly"));
    let subjects = blocking(&reg, move |r| Ok(r.list_subjects(&prefix, deleted, only))).await?;
    ok(&page(subjects, &q))
}

async fn lookup(
    State(reg): State<Registry>,
    Path(subject): Path<String>,
    Query(q): Query<Params>,
    body: Bytes,
) -> ApiResult {
    let req: SchemaRequest = parse_body(&body)?;
    let (normalize, deleted) = (flag(&q, "normalize"), flag(&q, "deleted"));
    let v = blocking(&reg, move |r| r.lookup(&subject, &req, normalize, deleted)).await?;
    ok(&SchemaView::of(&v))
}

async fn delete_subject(
    State(reg): State<Registry>,
    Path(subject): Path<String>,
    Query(q): Query<Params>,
) -> ApiResult {
    let permanent = flag(&q, "permanent");
    ok(&blocking(&reg, move |r| r.delete_subject(&subject, permanent)).await?)
}

async fn versions(
    State(reg): State<Registry>,
    Path(subject): Path<String>,
    Query(q): Query<Params>,
) -> ApiResult {
    let deleted = flag(&q, "deleted") || flag(&q, "deletedOnly");
    let list = blocking(&reg, move |r| r.list_versions(&subject, deleted)).await?;
    ok(&page(list, &q))
}

async fn register(
    State(reg): State<Registry>,
    Path(subject): Path<String>,
    Query(q): Query<Params>,
    body: Bytes,
) -> ApiResult {
    let req: SchemaRequest = parse_body(&body)?;
    let normalize = flag(&q, "normalize");
    let v = blocking(&reg, move |r| r.register(&subject, &req, normalize)).await?;
    ok(&serde_json::json!({ "id": v.id }))
}

async fn get_version(
    State(reg): State<Registry>,
    Path((subject, version)): Path<(String, String)>,
    Query(q): Query<Params>,
) -> ApiResult {
    let version = parse_version(&version)?;
    let deleted = flag(&q, "deleted");
    let format = q.get("format").cloned();
    let v = blocking(&reg, move |r| {
        let v = r.get_version(&subject, version, deleted)?;
        Ok(r.in_format(v, format.as_deref()))
    })
    .await?;
    ok(&SchemaView::of(&v))
}

async fn raw_version(
    State(reg): State<Registry>,
    Path((subject, version)): Path<(String, String)>,
    Query(q): Query<Params>,
) -> ApiResult {
    let version = parse_version(&version)?;
    let deleted = flag(&q, "deleted");
    let v = blocking(&reg, move |r| r.get_version(&subject, version, deleted)).await?;
    Ok(raw_response(v.schema))
}

async fn referenced_by(
    State(reg): State<Registry>,
    Path((subject, version)): Path<(String, String)>,
    Query(q): Query<Params>,
) -> ApiResult {
    let version = parse_version(&version)?;
    let deleted = flag(&q, "deleted");
    let ids = blocking(&reg, move |r| r.referenced_by(&subject, version, deleted)).await?;
    ok(&page(ids, &q))
}

async fn delete_version(
    State(reg): State<Registry>,
    Path((subject, version)): Path<(String, String)>,
    Query(q): Query<Params>,
) -> ApiResult {
    let version = parse_version(&version)?;
    let permanent = flag(&q, "permanent");
    ok(&blocking(&reg, move |r| {
        r.delete_version(&subject, version, permanent)
    })
    .await?)
}
