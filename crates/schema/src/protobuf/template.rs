//! A starting message for the composer: scalars at zero, nested messages filled in.

use prost_reflect::{DynamicMessage, Kind, MessageDescriptor, Value};

use super::codec::to_json;
use super::ProtoSchema;
use crate::error::EncodeError;

impl ProtoSchema {
    /// Pretty proto3 JSON of the message with every field present.
    pub(crate) fn template(&self, type_name: Option<&str>) -> Result<String, EncodeError> {
        let desc = self.message_named(type_name)?;
        let message = filled(&desc, &mut Vec::new());
        let json = to_json(&message).unwrap_or_default();
        Ok(serde_json::to_string_pretty(&json).unwrap_or_default())
    }
}

/// A message whose singular message fields, optional scalars and the first field of each
/// oneof are set to their zeros, so all of them show; `seen` stops recursive types.
fn filled(desc: &MessageDescriptor, seen: &mut Vec<String>) -> DynamicMessage {
    let mut message = DynamicMessage::new(desc.clone());
    // Well-known types are leaves in JSON (a timestamp string, a wrapped scalar…).
    if desc.full_name().starts_with("google.protobuf.") {
        return message;
    }
    seen.push(desc.full_name().to_string());
    let mut oneofs_done: Vec<String> = Vec::new();
    for field in desc.fields() {
        if field.is_list() || field.is_map() || !field.supports_presence() {
            continue;
        }
        if let Some(oneof) = field.containing_oneof().filter(|o| !o.is_synthetic()) {
            if oneofs_done.contains(&oneof.name().to_string()) {
                continue;
            }
            oneofs_done.push(oneof.name().to_string());
        }
        let value = match field.kind() {
            Kind::Message(inner) if seen.contains(&inner.full_name().to_string()) => continue,
            // An empty Any has no type to print by, an empty Value no kind.
            Kind::Message(inner)
                if matches!(
                    inner.full_name(),
                    "google.protobuf.Any" | "google.protobuf.Value"
                ) =>
            {
                continue
            }
            Kind::Message(inner) => Value::Message(filled(&inner, seen)),
            _ => field.default_value(),
        };
        message.set_field(&field, value);
    }
    seen.pop();
    message
}
