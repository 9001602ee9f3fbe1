//! A starting value for the composer: defaults where the schema has them, zeros elsewhere.

use apache_avro::schema::Schema;
use serde_json::{Map, Value};

use super::encode::Mode;
use super::AvroSchema;

impl AvroSchema {
    /// Pretty natural JSON of the schema's defaults and zeros; encodes without error.
    pub(crate) fn template(&self) -> String {
        let raw = self.zero(&self.root, &mut Vec::new());
        // Through the codec and back, so logical types show as the decoder shows them.
        let natural = self
            .encode_as(&raw, Mode::Default)
            .ok()
            .and_then(|bytes| self.decode(&bytes).ok())
            .unwrap_or(raw);
        serde_json::to_string_pretty(&natural).unwrap_or_default()
    }

    /// The zero of a schema in default (Avro JSON) form; `seen` stops recursive records.
    fn zero(&self, schema: &Schema, seen: &mut Vec<String>) -> Value {
        match self.resolve(schema) {
            Schema::Null => Value::Null,
            Schema::Boolean => Value::Bool(false),
            Schema::Bytes | Schema::String => Value::String(String::new()),
            Schema::Array(_) => Value::Array(Vec::new()),
            Schema::Map(_) => Value::Object(Map::new()),
            Schema::Fixed(fixed) => Value::String("\0".repeat(fixed.size)),
            Schema::Enum(e) => Value::String(e.symbols.first().cloned().unwrap_or_default()),
            Schema::Union(union) => {
                let variants = union.variants();
                match variants.iter().find(|s| matches!(s, Schema::Null)) {
                    Some(_) => Value::Null,
                    None => variants
                        .first()
                        .map_or(Value::Null, |first| self.zero(first, seen)),
                }
            }
            Schema::Record(record) => {
                let name = record.name.fullname(None);
                if seen.contains(&name) {
                    return Value::Object(Map::new());
                }
                seen.push(name);
                let fields = record.fields.iter().map(|field| {
                    let value = field
                        .default
                        .clone()
                        .unwrap_or_else(|| self.zero(&field.schema, seen));
                    (field.name.clone(), value)
                });
                let object = Value::Object(fields.collect());
                seen.pop();
                object
            }
            Schema::Uuid(_) => Value::String("00000000-0000-0000-0000-000000000000".into()),
            Schema::Duration(_) => serde_json::json!({"months": 0, "days": 0, "millis": 0}),
            // Numbers, and the logical types over numbers or decimals (which take 0).
            _ => Value::from(0),
        }
    }
}
