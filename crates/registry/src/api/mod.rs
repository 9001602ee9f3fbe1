//! The REST API: one module per Confluent resource, helpers shared by them here.

mod compat;
mod config;
mod mode;
mod negotiate;
mod schemas;
mod subjects;

use std::collections::HashMap;

use axum::body::Bytes;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Router;
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::checker::Reference;
use crate::errors::ApiError;
use crate::records::SchemaValue;
use crate::registry::Registry;

/// Confluent's response content type.
pub const CONTENT_TYPE: &str = "application/vnd.schemaregistry.v1+json";

/// Query parameters as given.
pub(crate) type Params = HashMap<String, String>;

/// What a handler answers: a JSON body or a Confluent error.
pub(crate) type ApiResult = Result<Response, ApiError>;

/// The registry's routes, with Jersey's JSON 404/405 for anything else.
pub fn router(registry: Registry) -> Router {
    Router::new()
        .merge(schemas::routes())
        .merge(subjects::routes())
        .merge(config::routes())
        .merge(mode::routes())
        .merge(compat::routes())
        .fallback(|| async { ApiError::not_found_path() })
        .method_not_allowed_fallback(|| async {
            ApiError::bad_request(405, "HTTP 405 Method Not Allowed")
        })
        .layer(axum::middleware::from_fn(negotiate::negotiate))
        .with_state(registry)
}

/// A JSON body with Confluent's content type.
pub(crate) fn json_response<T: Serialize>(status: StatusCode, body: &T) -> Response {
    let bytes = serde_json::to_vec(body).unwrap_or_default();
    let mut resp = (status, bytes).into_response();
    resp.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(CONTENT_TYPE));
    resp
}

/// 200 with a JSON body.
pub(crate) fn ok<T: Serialize>(body: &T) -> ApiResult {
    Ok(json_response(StatusCode::OK, body))
}

/// Parses a request body (its content type was checked by `negotiate`).
pub(crate) fn parse_body<T: DeserializeOwned>(body: &Bytes) -> Result<T, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::bad_request(422, "Request body is missing"));
    }
    let value: serde_json::Value = serde_json::from_slice(body).map_err(|e| {
        ApiError::bad_request(400, format!("Unexpected character in request body: {e}"))
    })?;
    // serde fills a struct from a JSON array too (fields by position), so `["text"]` would
    // register; Jackson only maps objects onto Confluent's request entities.
    if !value.is_object() {
        return Err(ApiError::bad_request(
            422,
            format!("Invalid request body: expected a JSON object, found {value}"),
        ));
    }
    serde_json::from_value(value)
        .map_err(|e| ApiError::bad_request(422, format!("Invalid request body: {e}")))
}

/// A boolean query parameter (`?deleted=true`); absent or anything else is false.
pub(crate) fn flag(params: &Params, name: &str) -> bool {
    params
        .get(name)
        .is_some_and(|v| v.eq_ignore_ascii_case("true"))
}

/// An integer query parameter with a default.
pub(crate) fn int_param(params: &Params, name: &str, default: i64) -> i64 {
    params
        .get(name)
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(default)
}

/// Applies Confluent's offset/limit paging (limit -1: no limit).
pub(crate) fn page<T>(items: Vec<T>, params: &Params) -> Vec<T> {
    let offset = usize::try_from(int_param(params, "offset", 0)).unwrap_or(0);
    let limit = usize::try_from(int_param(params, "limit", -1)).unwrap_or(usize::MAX);
    items.into_iter().skip(offset).take(limit).collect()
}

/// Runs a registry operation off the async workers, since `Log::append` may block.
pub(crate) async fn blocking<T: Send + 'static>(
    registry: &Registry,
    op: impl FnOnce(&Registry) -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    let registry = registry.clone();
    tokio::task::spawn_blocking(move || op(&registry))
        .await
        .map_err(|e| ApiError::store(format!("Internal error: {e}")))?
}

/// A version as Confluent's Schema entity shows it; `schemaType` absent for AVRO.
#[derive(Serialize)]
pub(crate) struct SchemaView<'a> {
    subject: &'a str,
    version: i32,
    id: i32,
    #[serde(rename = "schemaType", skip_serializing_if = "Option::is_none")]
    schema_type: Option<&'a str>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    references: &'a [Reference],
    schema: &'a str,
}

impl<'a> SchemaView<'a> {
    /// The view of a stored version.
    pub(crate) fn of(v: &'a SchemaValue) -> Self {
        SchemaView {
            subject: &v.subject,
            version: v.version,
            id: v.id,
            schema_type: v.schema_type.as_deref().filter(|t| *t != "AVRO"),
            references: &v.references,
            schema: &v.schema,
        }
    }
}

/// A schema's text as the body, unescaped (the `/schema` endpoints).
pub(crate) fn raw_response(schema: String) -> Response {
    let mut resp = (StatusCode::OK, schema).into_response();
    resp.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(CONTENT_TYPE));
    resp
}
