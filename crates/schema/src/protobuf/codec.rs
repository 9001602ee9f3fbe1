//! Protobuf bytes to proto3 JSON and back, with prost-reflect's serde mapping.

use prost_reflect::{
    DeserializeOptions, DynamicMessage, Kind, MessageDescriptor, SerializeOptions,
};
use serde_json::Value;

use super::{index_path, ProtoSchema};
use crate::error::{DecodeError, EncodeError};
use crate::frame::write_message_indexes;
use crate::schema::Decoded;

/// The proto3 JSON mapping, but with every field shown: proto3 leaves zero values off the
/// wire, and a reader who sees `{}` cannot tell a zero from a field the schema lacks.
/// Field names as written in the `.proto` (not lowerCamelCase), as the user wrote them.
pub(crate) fn serialize_options() -> SerializeOptions {
    SerializeOptions::new()
        .skip_default_fields(false)
        .use_proto_field_name(true)
}

impl ProtoSchema {
    /// Decodes the message the index path names.
    pub(crate) fn decode(&self, payload: &[u8], indexes: &[i32]) -> Result<Decoded, DecodeError> {
        let desc = self
            .message_at(indexes)
            .ok_or_else(|| DecodeError::NoSuchMessage(indexes.to_vec()))?;
        let message =
            DynamicMessage::decode(desc.clone(), payload).map_err(|e| DecodeError::Malformed {
                path: String::new(),
                message: e.to_string(),
            })?;
        let mut json = message
            .serialize_with_options(serde_json::value::Serializer, &serialize_options())
            .map_err(|e| DecodeError::Malformed {
                path: String::new(),
                message: e.to_string(),
            })?;
        super::map_order::sort_maps(&mut json, &desc);
        Ok(Decoded {
            json,
            type_name: desc.full_name().to_string(),
        })
    }

    /// Encodes JSON as the named message, behind its message-index array.
    pub(crate) fn encode(
        &self,
        json_text: &str,
        type_name: Option<&str>,
    ) -> Result<Vec<u8>, EncodeError> {
        let desc = self.message_named(type_name)?;
        let message = parse_message(&desc, json_text)?;
        let mut out = write_message_indexes(&index_path(&desc));
        out.extend_from_slice(&super::sorted_encode::encode_sorted(&message));
        Ok(out)
    }
}

/// Deserializes proto3 JSON (either field-name spelling), tracking the field path.
pub(crate) fn parse_message(
    desc: &MessageDescriptor,
    json_text: &str,
) -> Result<DynamicMessage, EncodeError> {
    let mut deserializer = serde_json::Deserializer::from_str(json_text);
    let mut track = serde_path_to_error::Track::new();
    let result = DynamicMessage::deserialize_with_options(
        desc.clone(),
        serde_path_to_error::Deserializer::new(&mut deserializer, &mut track),
        &DeserializeOptions::new(),
    )
    .and_then(|message| deserializer.end().map(|()| message));
    result.map_err(|e| {
        if e.is_syntax() || e.is_eof() {
            let (line, column, message) = crate::error::json_position(&e);
            return EncodeError::Json {
                line,
                column,
                message,
            };
        }
        let (_, _, message) = crate::error::json_position(&e);
        let path = track
            .path()
            .to_string()
            .trim_start_matches('.')
            .replace('?', "");
        // prost-reflect's messages name no type ("invalid digit found in string").
        let message = match field_type_at(desc, &path) {
            Some((name, kind)) => format!("{message} (`{name}` is {kind})"),
            None => message,
        };
        EncodeError::Mismatch { path, message }
    })
}

/// The name and type of the field a JSON path (`lines[1].count`, `tags.k`) ends at.
fn field_type_at(desc: &MessageDescriptor, path: &str) -> Option<(String, String)> {
    let mut message = desc.clone();
    let mut found = None;
    let mut segments = path.split('.').filter(|s| !s.is_empty());
    while let Some(segment) = segments.next() {
        let name = segment.split('[').next()?;
        let mut field = message
            .get_field_by_name(name)
            .or_else(|| message.get_field_by_json_name(name))?;
        // The segment after a map field is a key; what follows it is the entry's value.
        if field.is_map() && segments.next().is_some() {
            field = field.kind().as_message()?.map_entry_value_field();
        }
        if let Kind::Message(inner) = field.kind() {
            message = inner;
        }
        found = Some((name.to_string(), format!("{:?}", field.kind())));
    }
    found
}

/// Serializes a message to JSON with [`serialize_options`].
pub(crate) fn to_json(message: &DynamicMessage) -> Option<Value> {
    message
        .serialize_with_options(serde_json::value::Serializer, &serialize_options())
        .ok()
}
