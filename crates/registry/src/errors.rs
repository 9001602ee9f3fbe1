//! Confluent's REST errors (rest/exceptions/Errors.java): an HTTP status, an `error_code`
//! and the same message texts, since clients match on codes and people on messages.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// The `error_code` of an incompatible schema: Confluent 7.x sends 409 (master sends 40901).
pub const INCOMPATIBLE_SCHEMA: i32 = 409;

/// An error answered as `{"error_code": N, "message": "..."}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ApiError {
    /// The HTTP status.
    #[serde(skip)]
    pub status: u16,
    /// Confluent's error code.
    pub error_code: i32,
    /// Confluent's message.
    pub message: String,
}

impl ApiError {
    fn new(status: u16, error_code: i32, message: impl Into<String>) -> Self {
        Self {
            status,
            error_code,
            message: message.into(),
        }
    }

    /// 40401.
    pub fn subject_not_found(subject: &str) -> Self {
        Self::new(404, 40401, format!("Subject '{subject}' not found."))
    }
    /// 40402.
    pub fn version_not_found(version: i32) -> Self {
        Self::new(404, 40402, format!("Version {version} not found."))
    }
    /// 40403 without an id (lookups).
    pub fn schema_not_found() -> Self {
        Self::new(404, 40403, "Schema not found")
    }
    /// 40403 for an id.
    pub fn schema_id_not_found(id: i32) -> Self {
        Self::new(404, 40403, format!("Schema {id} not found"))
    }
    /// 40404.
    pub fn subject_soft_deleted(subject: &str) -> Self {
        // Confluent's text lacks the space after the full stop; kept as it is.
        Self::new(
            404,
            40404,
            format!(
                "Subject '{subject}' was soft deleted.Set permanent=true to delete permanently"
            ),
        )
    }
    /// 40405.
    pub fn subject_not_soft_deleted(subject: &str) -> Self {
        Self::new(
            404,
            40405,
            format!("Subject '{subject}' was not deleted first before being permanently deleted"),
        )
    }
    /// 40406.
    pub fn version_soft_deleted(subject: &str, version: i32) -> Self {
        Self::new(
            404,
            40406,
            format!(
                "Subject '{subject}' Version {version} was soft deleted.Set permanent=true to delete permanently"
            ),
        )
    }
    /// 40407.
    pub fn version_not_soft_deleted(subject: &str, version: i32) -> Self {
        Self::new(
            404,
            40407,
            format!(
                "Subject '{subject}' Version {version} was not deleted first before being permanently deleted"
            ),
        )
    }
    /// 40408.
    pub fn compatibility_not_configured(subject: &str) -> Self {
        Self::new(
            404,
            40408,
            format!("Subject '{subject}' does not have subject-level compatibility configured"),
        )
    }
    /// 40409.
    pub fn mode_not_configured(subject: &str) -> Self {
        Self::new(
            404,
            40409,
            format!("Subject '{subject}' does not have subject-level mode configured"),
        )
    }
    /// 409: the registration's compatibility messages.
    pub fn incompatible(subject: &str, messages: &[String]) -> Self {
        Self::new(
            409,
            INCOMPATIBLE_SCHEMA,
            format!(
                "Schema being registered is incompatible with an earlier schema for subject \"{subject}\", details: [{}]",
                messages.join(", ")
            ),
        )
    }
    /// 42201.
    pub fn invalid_schema(message: impl Into<String>) -> Self {
        Self::new(422, 42201, message)
    }
    /// 42202.
    pub fn invalid_version(version: &str) -> Self {
        Self::new(
            422,
            42202,
            format!(
                "The specified version '{version}' is not a valid version id. Allowed values are between [1, 2^31-1] and the string \"latest\""
            ),
        )
    }
    /// 42203.
    pub fn invalid_compatibility() -> Self {
        Self::new(
            422,
            42203,
            "Invalid compatibility level. Valid values are none, backward, forward, full, backward_transitive, forward_transitive, and full_transitive",
        )
    }
    /// 42204.
    pub fn invalid_mode() -> Self {
        Self::new(
            422,
            42204,
            "Invalid mode. Valid values are READWRITE, READONLY, IMPORT and FORWARD.",
        )
    }
    /// 42204 with a message of its own.
    pub fn bad_mode(message: impl Into<String>) -> Self {
        Self::new(422, 42204, message)
    }
    /// 42205.
    pub fn not_permitted(message: impl Into<String>) -> Self {
        Self::new(422, 42205, message)
    }
    /// 42206: `key` in SchemaKey.toString's form.
    pub fn reference_exists(subject: &str, version: i32) -> Self {
        Self::new(
            422,
            42206,
            format!(
                "One or more references exist to the schema {{magic=1,keytype=SCHEMA,subject={subject},version={version}}}."
            ),
        )
    }
    /// 42207: an IMPORT with an id already used by another schema.
    pub fn id_does_not_match(message: impl Into<String>) -> Self {
        Self::new(422, 42207, message)
    }
    /// 50001: the log failed.
    pub fn store(message: impl Into<String>) -> Self {
        Self::new(500, 50001, message)
    }
    /// A request body that is not the JSON expected (Jackson's 400/422 of rest-utils).
    pub fn bad_request(status: u16, message: impl Into<String>) -> Self {
        Self::new(status, i32::from(status), message)
    }
    /// An unknown path, as Jersey answers it.
    pub fn not_found_path() -> Self {
        Self::new(404, 404, "HTTP 404 Not Found")
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        crate::api::json_response(status, &self)
    }
}
