//! The registry's operations, Confluent's rules (KafkaSchemaRegistry.java) apart from HTTP.

pub mod compat;
pub mod delete;
pub mod read;
pub mod register;
pub mod settings;

use serde::Deserialize;

use crate::checker::Reference;
use crate::errors::ApiError;

/// The body of register, lookup and compatibility requests (RegisterSchemaRequest).
#[derive(Clone, Debug, Default, Deserialize)]
pub struct SchemaRequest {
    /// The schema text.
    #[serde(default)]
    pub schema: Option<String>,
    /// AVRO (the default), PROTOBUF or JSON.
    #[serde(rename = "schemaType", default)]
    pub schema_type: Option<String>,
    /// The schemas it imports.
    #[serde(default)]
    pub references: Option<Vec<Reference>>,
    /// The version to register at (IMPORT mode).
    #[serde(default)]
    pub version: Option<i32>,
    /// The id to register with (IMPORT mode).
    #[serde(default)]
    pub id: Option<i32>,
}

/// A parsed version path segment: a number, or -1 for `latest`/-1 (rest/VersionId.java).
pub fn parse_version(text: &str) -> Result<i32, ApiError> {
    let t = text.trim();
    if t.eq_ignore_ascii_case("latest") {
        return Ok(-1);
    }
    match t.parse::<i32>() {
        Ok(v) if v >= 1 || v == -1 => Ok(v),
        _ => Err(ApiError::invalid_version(text)),
    }
}
