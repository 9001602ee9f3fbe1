//! Schema'd Kafka values: the Confluent wire framing, Avro, Protobuf and JSON Schema
//! codecs (bytes to JSON for display, JSON to bytes for the composer) and the registry's
//! compatibility checks. No I/O: the dashboard and the embedded registry both use it.

pub mod compat;
