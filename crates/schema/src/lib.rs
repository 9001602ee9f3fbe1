//! Schema'd Kafka values: the Confluent wire framing, Avro, Protobuf and JSON Schema
//! codecs (bytes to JSON for display, JSON to bytes for the composer) and the registry's
//! compatibility checks. No I/O: the dashboard and the embedded registry both use it.

mod avro;
pub mod compat;
pub mod display;
pub mod error;
pub mod frame;
mod json_schema;
mod kind;
mod path;
mod proto_files;
pub mod proto_print;
mod protobuf;
mod schema;

pub use error::{CompileError, DecodeError, EncodeError};
pub use kind::SchemaKind;
pub use schema::{Decoded, MessageName, Reference, Schema};
