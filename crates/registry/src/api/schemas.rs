//! GET /, /contexts, /schemas, /schemas/types and /schemas/ids/{id}/... (RootResource, SchemasResource).

use axum::extract::{Path, Query, State};
use axum::routing::get;
use axum::Router;
use serde::Serialize;

use super::{blocking, flag, ok, page, ApiResult, Params, SchemaView};
use crate::checker::Reference;
use crate::errors::ApiError;
use crate::registry::Registry;

pub(super) fn routes() -> Router<Registry> {
    Router::new()
        .route("/", get(root))
        .route("/contexts", get(contexts))
        .route("/schemas", get(list))
        .route("/schemas/types", get(types))
        .route("/schemas/ids/{id}", get(by_id))
        .route("/schemas/ids/{id}/schema", get(raw_by_id))
        .route("/schemas/ids/{id}/subjects", get(subjects_of_id))
        .route("/schemas/ids/{id}/versions", get(versions_of_id))
}

async fn root() -> ApiResult {
    ok(&serde_json::json!({}))
}

// Only the default context exists here (ContextsResource lists it as ".").
async fn contexts() -> ApiResult {
    ok(&["."])
}

async fn types(State(reg): State<Registry>) -> ApiResult {
    ok(&reg.checker().types())
}

async fn list(State(reg): State<Registry>, Query(q): Query<Params>) -> ApiResult {
    let prefix = q.get("subjectPrefix").cloned().unwrap_or_default();
    let (deleted, latest) = (flag(&q, "deleted"), flag(&q, "latestOnly"));
    let all = blocking(&reg, move |r| Ok(r.list_schemas(&prefix, deleted, latest))).await?;
    let views: Vec<SchemaView> = all.iter().map(SchemaView::of).collect();
    ok(&page(views, &q))
}

// Confluent's SchemaString: the schema, its type unless AVRO, its references.
#[derive(Serialize)]
struct SchemaString<'a> {
    #[serde(rename = "schemaType", skip_serializing_if = "Option::is_none")]
    schema_type: Option<&'a str>,
    schema: &'a str,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    references: &'a [Reference],
}

fn parse_id(text: &str) -> Result<i32, ApiError> {
    // Jersey rejects a non-integer path parameter with a plain 404.
    text.parse().map_err(|_| ApiError::not_found_path())
}

async fn by_id(
    State(reg): State<Registry>,
    Path(id): Path<String>,
    Query(q): Query<Params>,
) -> ApiResult {
    let id = parse_id(&id)?;
    let subject = q.get("subject").cloned();
    let format = q.get("format").cloned();
    let v = blocking(&reg, move |r| {
        let v = r.schema_by_id(id, subject.as_deref())?;
        Ok(r.in_format(v, format.as_deref()))
    })
    .await?;
    ok(&SchemaString {
        schema_type: v.schema_type.as_deref().filter(|t| *t != "AVRO"),
        schema: &v.schema,
        references: &v.references,
    })
}

async fn raw_by_id(
    State(reg): State<Registry>,
    Path(id): Path<String>,
    Query(q): Query<Params>,
) -> ApiResult {
    let id = parse_id(&id)?;
    let subject = q.get("subject").cloned();
    let v = blocking(&reg, move |r| r.schema_by_id(id, subject.as_deref())).await?;
    Ok(super::raw_response(v.schema))
}

async fn subjects_of_id(
    State(reg): State<Registry>,
    Path(id): Path<String>,
    Query(q): Query<Params>,
) -> ApiResult {
    let id = parse_id(&id)?;
    let deleted = flag(&q, "deleted");
    let pairs = blocking(&reg, move |r| r.id_versions(id, deleted)).await?;
    let mut subjects: Vec<String> = pairs.into_iter().map(|(s, _)| s).collect();
    subjects.dedup();
    ok(&page(subjects, &q))
}

#[derive(Serialize)]
struct SubjectVersion {
    subject: String,
    version: i32,
}

async fn versions_of_id(
    State(reg): State<Registry>,
    Path(id): Path<String>,
    Query(q): Query<Params>,
) -> ApiResult {
    let id = parse_id(&id)?;
    let deleted = flag(&q, "deleted");
    let pairs = blocking(&reg, move |r| r.id_versions(id, deleted)).await?;
    let out: Vec<SubjectVersion> = pairs
        .into_iter()
        .map(|(subject, version)| SubjectVersion { subject, version })
        .collect();
    ok(&page(out, &q))
}
