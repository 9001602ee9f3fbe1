//! Puts map entries in key order: prost-reflect keeps a message's map in a hash map, so
//! without this the same bytes would show their map (and Struct) keys in a different
//! order on every run.

use prost_reflect::{Kind, MessageDescriptor};
use serde_json::{Map, Value};

/// Sorts, in place, the objects that stand for map fields of `desc` and of every message
/// inside it.
pub(crate) fn sort_maps(json: &mut Value, desc: &MessageDescriptor) {
    match desc.full_name() {
        // A Struct is a map all the way down.
        "google.protobuf.Struct" | "google.protobuf.Value" | "google.protobuf.ListValue" => {
            json.sort_all_objects();
            return;
        }
        name if name.starts_with("google.protobuf.") => return,
        _ => {}
    }
    let Some(object) = json.as_object_mut() else {
        return;
    };
    for field in desc.fields() {
        let Some(value) = object.get_mut(field.name()) else {
            continue;
        };
        match field.kind() {
            Kind::Message(entry) if field.is_map() => {
                if let Some(entries) = value.as_object_mut() {
                    sort_by_key(entries);
                    if let Kind::Message(inner) = entry.map_entry_value_field().kind() {
                        entries.values_mut().for_each(|v| sort_maps(v, &inner));
                    }
                }
            }
            Kind::Message(inner) if field.is_list() => {
                if let Some(items) = value.as_array_mut() {
                    items.iter_mut().for_each(|v| sort_maps(v, &inner));
                }
            }
            Kind::Message(inner) => sort_maps(value, &inner),
            _ => {}
        }
    }
}

/// Integer keys in numeric order, others in string order.
fn sort_by_key(entries: &mut Map<String, Value>) {
    let mut pairs: Vec<(String, Value)> = std::mem::take(entries).into_iter().collect();
    if pairs.iter().all(|(k, _)| k.parse::<i128>().is_ok()) {
        pairs.sort_by_key(|(k, _)| k.parse::<i128>().unwrap_or_default());
    } else {
        pairs.sort_by(|a, b| a.0.cmp(&b.0));
    }
    entries.extend(pairs);
}
