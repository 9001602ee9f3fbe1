//! Deterministic Protobuf encoding: fields in number order and map entries in key order,
//! as protoc's deterministic mode writes them. prost-reflect alone writes map entries in
//! its hash map's order, so the same JSON encoded twice could give different bytes.

use prost_reflect::prost::encoding::{encode_key, encode_varint, WireType};
use prost_reflect::prost::Message;
use prost_reflect::{DynamicMessage, FieldDescriptor, Kind, MapKey, ReflectMessage, Value};

/// The message's bytes with every map, at any depth, in key order.
pub(crate) fn encode_sorted(message: &DynamicMessage) -> Vec<u8> {
    let mut out = Vec::new();
    let mut fields: Vec<FieldDescriptor> = message.descriptor().fields().collect();
    fields.sort_by_key(FieldDescriptor::number);
    for field in fields {
        if !message.has_field(&field) {
            continue;
        }
        let value = message.get_field(&field);
        match (field.kind(), value.as_ref()) {
            // Groups have their own framing; prost-reflect writes them (rare, proto2 only).
            _ if field.is_group() => single_field(message, &field, &value, &mut out),
            (Kind::Message(entry), Value::Map(map)) => {
                let mut entries: Vec<(&MapKey, &Value)> = map.iter().collect();
                entries.sort_by(|a, b| a.0.cmp(b.0));
                for (key, value) in entries {
                    let mut bytes = Vec::new();
                    let key_field = entry.map_entry_key_field();
                    single_field_value(&key_field, &key.clone().into(), &mut bytes);
                    let value_field = entry.map_entry_value_field();
                    single_field_value(&value_field, value, &mut bytes);
                    length_delimited(field.number(), &bytes, &mut out);
                }
            }
            (Kind::Message(_), Value::List(items)) => {
                for item in items {
                    if let Value::Message(inner) = item {
                        length_delimited(field.number(), &encode_sorted(inner), &mut out);
                    }
                }
            }
            (Kind::Message(_), Value::Message(inner)) => {
                length_delimited(field.number(), &encode_sorted(inner), &mut out);
            }
            _ => single_field(message, &field, &value, &mut out),
        }
    }
    out
}

/// A map entry's key or value: a message recursively, anything else by prost-reflect.
fn single_field_value(field: &FieldDescriptor, value: &Value, out: &mut Vec<u8>) {
    match value {
        Value::Message(inner) => length_delimited(field.number(), &encode_sorted(inner), out),
        _ => {
            let mut one = DynamicMessage::new(field.parent_message().clone());
            one.set_field(field, value.clone());
            out.extend_from_slice(&one.encode_to_vec());
        }
    }
}

/// A scalar or repeated-scalar field as prost-reflect writes it (packing included), by
/// encoding a copy of the message holding that field alone.
fn single_field(
    message: &DynamicMessage,
    field: &FieldDescriptor,
    value: &Value,
    out: &mut Vec<u8>,
) {
    let mut one = DynamicMessage::new(message.descriptor());
    one.set_field(field, value.clone());
    out.extend_from_slice(&one.encode_to_vec());
}

/// Tag, length, bytes.
fn length_delimited(number: u32, bytes: &[u8], out: &mut Vec<u8>) {
    encode_key(number, WireType::LengthDelimited, out);
    encode_varint(bytes.len() as u64, out);
    out.extend_from_slice(bytes);
}
