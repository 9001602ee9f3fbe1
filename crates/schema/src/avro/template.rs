//! A starting value for the composer: defaults where the schema has them, zeros elsewhere.

use apache_avro::schema::Schema;
use serde_json::{Map, Value};

use super::AvroSchema;
use crate::error::EncodeError;

impl AvroSchema {
    /// Pretty natural JSON of the schema's defaults and zeros; encodes without error.
    /// `type_name` picks a branch of a top-level union.
    pub(crate) fn template(&self, type_name: Option<&str>) -> Result<String, EncodeError> {
        let (chosen, branch) = self.top_level_type(type_name)?;
        let zero = self.zero(chosen, &mut Vec::new());
        let raw = match branch {
            // The wrapped form makes the union take the chosen branch.
            Some(name) => Value::Object(Map::from_iter([(name, zero)])),
            None => zero,
        };
        // Through the codec and back, so defaults fill in and logical types show as the
        // decoder shows them.
        let bytes = self.encode(&raw)?;
        let natural = self.decode(&bytes).map_or(raw, |decoded| decoded.0);
        Ok(serde_json::to_string_pretty(&natural).unwrap_or_default())
    }

    /// The zero of a schema as natural JSON. Record fields with a default are left out,
    /// so the encoder writes their defaults; `seen` stops recursive records.
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
                let fields = record
                    .fields
                    .iter()
                    .filter(|field| field.default.is_none())
                    .map(|field| (field.name.clone(), self.zero(&field.schema, seen)));
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
