//! Avro binary to natural JSON: unions unwrapped, logical types as readable text.

use apache_avro::schema::{DecimalSchema, InnerDecimalSchema, Schema, UnionSchema, UuidSchema};
use serde_json::{Map, Number, Value};

use super::binary::Reader;
use super::{logical_text, AvroSchema};
use crate::error::DecodeError;
use crate::path::FieldPath;

/// The deepest nesting decoded; serde_json's own limit for parsing text is 128.
const MAX_DEPTH: usize = 100;

impl AvroSchema {
    /// Decodes one whole datum, with its type's name; bytes left over are an error.
    pub(crate) fn decode(&self, payload: &[u8]) -> Result<(Value, String), DecodeError> {
        let mut reader = Reader::new(payload);
        let mut path = FieldPath::default();
        let value = self
            .read(&self.root, &mut reader, &mut path)
            .map_err(|message| DecodeError::Malformed {
                path: path.to_string(),
                message,
            })?;
        match reader.remaining() {
            0 => Ok((value, self.type_name(payload))),
            left => Err(DecodeError::TrailingBytes(left)),
        }
    }

    /// Reads one value of `schema`; on error `path` is left where it happened.
    fn read(&self, schema: &Schema, r: &mut Reader, path: &mut FieldPath) -> Result<Value, String> {
        // A recursive schema lets a small payload nest deep enough to overflow the stack;
        // serde_json could not read deeper text back either.
        if path.depth() > MAX_DEPTH {
            return Err(format!("nested deeper than {MAX_DEPTH} levels"));
        }
        Ok(match self.resolve(schema) {
            Schema::Null => Value::Null,
            Schema::Boolean => Value::Bool(r.boolean()?),
            Schema::Int => Value::from(r.int()?),
            Schema::Long => Value::from(r.long()?),
            // Through the f32's shortest text, so 0.1f32 shows as 0.1, not 0.10000000149011612
            // (it converts back to the same f32).
            Schema::Float => float_value(r.float()?.to_string().parse().unwrap_or(f64::NAN)),
            Schema::Double => float_value(r.double()?),
            Schema::Bytes => Value::String(logical_text::bytes_to_latin1(r.bytes()?)),
            Schema::String => Value::String(
                std::str::from_utf8(r.bytes()?)
                    .map_err(|e| format!("string is not UTF-8: {e}"))?
                    .to_string(),
            ),
            Schema::Fixed(fixed) => {
                Value::String(logical_text::bytes_to_latin1(r.fixed(fixed.size)?))
            }
            Schema::Enum(e) => {
                let index = r.int()?;
                let symbol = usize::try_from(index).ok().and_then(|i| e.symbols.get(i));
                Value::String(
                    symbol
                        .ok_or(format!("enum index {index} out of range"))?
                        .clone(),
                )
            }
            Schema::Array(array) => {
                let mut items = Vec::new();
                loop {
                    let count = r.block_count()?;
                    if count == 0 {
                        break;
                    }
                    for _ in 0..count {
                        path.push_index(items.len());
                        items.push(self.read(&array.items, r, path)?);
                        path.pop();
                    }
                }
                Value::Array(items)
            }
            Schema::Map(map) => {
                let mut entries = Map::new();
                loop {
                    let count = r.block_count()?;
                    if count == 0 {
                        break;
                    }
                    for _ in 0..count {
                        let key = std::str::from_utf8(r.bytes()?)
                            .map_err(|e| format!("map key is not UTF-8: {e}"))?
                            .to_string();
                        path.push_field(&key);
                        let value = self.read(&map.types, r, path)?;
                        path.pop();
                        entries.insert(key, value);
                    }
                }
                Value::Object(entries)
            }
            Schema::Union(union) => self.read_union(union, r, path)?,
            Schema::Record(record) => {
                let mut fields = Map::new();
                for field in &record.fields {
                    path.push_field(&field.name);
                    let value = self.read(&field.schema, r, path)?;
                    path.pop();
                    fields.insert(field.name.clone(), value);
                }
                Value::Object(fields)
            }
            other => read_logical(other, r)?,
        })
    }

    /// A union's value unwrapped, unless the unwrapped value would encode as an earlier
    /// branch: then `{"branch": value}` keeps the round trip exact.
    fn read_union(
        &self,
        union: &UnionSchema,
        r: &mut Reader,
        path: &mut FieldPath,
    ) -> Result<Value, String> {
        let index = r.long()?;
        let branch = usize::try_from(index)
            .ok()
            .and_then(|i| union.variants().get(i))
            .ok_or(format!("union branch {index} out of range"))?;
        let value = self.read(branch, r, path)?;
        let chosen = usize::try_from(index).unwrap_or(usize::MAX);
        if self.encodes_as(union, &value, chosen) {
            return Ok(value);
        }
        let mut wrapped = Map::new();
        wrapped.insert(super::branch_name(self.resolve(branch)), value);
        Ok(Value::Object(wrapped))
    }
}

/// A float as a JSON number, or as the strings proto3 JSON also uses for the values
/// JSON has no numbers for.
fn float_value(value: f64) -> Value {
    match Number::from_f64(value) {
        Some(number) => Value::Number(number),
        None if value.is_nan() => Value::String("NaN".into()),
        None if value > 0.0 => Value::String("Infinity".into()),
        None => Value::String("-Infinity".into()),
    }
}

/// The logical types, as text (or an object for `duration`).
fn read_logical(schema: &Schema, r: &mut Reader) -> Result<Value, String> {
    let text = match schema {
        Schema::Decimal(decimal) => read_decimal(decimal, r)?,
        Schema::BigDecimal => read_big_decimal(r)?,
        Schema::Uuid(UuidSchema::String) => std::str::from_utf8(r.bytes()?)
            .map_err(|e| format!("uuid is not UTF-8: {e}"))?
            .to_string(),
        Schema::Uuid(UuidSchema::Fixed(_)) => logical_text::format_uuid(r.fixed(16)?),
        Schema::Uuid(UuidSchema::Bytes) => {
            let bytes = r.bytes()?;
            if bytes.len() != 16 {
                return Err(format!("uuid of {} bytes, expected 16", bytes.len()));
            }
            logical_text::format_uuid(bytes)
        }
        Schema::Date => logical_text::format_date(i64::from(r.int()?)),
        Schema::TimeMillis => logical_text::format_time(i64::from(r.int()?), 3),
        Schema::TimeMicros => logical_text::format_time(r.long()?, 6),
        Schema::TimestampMillis => logical_text::format_timestamp(r.long()?, 3, true),
        Schema::TimestampMicros => logical_text::format_timestamp(r.long()?, 6, true),
        Schema::TimestampNanos => logical_text::format_timestamp(r.long()?, 9, true),
        Schema::LocalTimestampMillis => logical_text::format_timestamp(r.long()?, 3, false),
        Schema::LocalTimestampMicros => logical_text::format_timestamp(r.long()?, 6, false),
        Schema::LocalTimestampNanos => logical_text::format_timestamp(r.long()?, 9, false),
        Schema::Duration(_) => {
            let b = r.fixed(12)?;
            let part = |i: usize| u32::from_le_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]]);
            return Ok(serde_json::json!({"months": part(0), "days": part(4), "millis": part(8)}));
        }
        other => return Err(format!("unsupported schema {other:?}")),
    };
    Ok(Value::String(text))
}

/// A decimal's unscaled two's complement as text with its scale.
fn read_decimal(decimal: &DecimalSchema, r: &mut Reader) -> Result<String, String> {
    let bytes = match &decimal.inner {
        InnerDecimalSchema::Bytes => r.bytes()?,
        InnerDecimalSchema::Fixed(fixed) => r.fixed(fixed.size)?,
    };
    let unscaled = logical_text::unscaled_from_bytes(bytes)
        .ok_or_else(|| format!("decimal of {} bytes is wider than 128 bits", bytes.len()))?;
    Ok(logical_text::format_decimal(unscaled, decimal.scale))
}

/// A `big-decimal`: bytes holding the unscaled value (length-prefixed two's complement)
/// and then its scale (a long), so each value carries its own scale.
fn read_big_decimal(r: &mut Reader) -> Result<String, String> {
    let mut inner = Reader::new(r.bytes()?);
    let bytes = inner.bytes()?;
    let unscaled = logical_text::unscaled_from_bytes(bytes).ok_or_else(|| {
        format!(
            "big-decimal of {} bytes is wider than 128 bits",
            bytes.len()
        )
    })?;
    let scale = inner.long()?;
    if inner.remaining() != 0 {
        return Err("bytes left inside a big-decimal".into());
    }
    match usize::try_from(scale) {
        Ok(scale) => Ok(logical_text::format_decimal(unscaled, scale)),
        // A negative scale multiplies by a power of ten.
        Err(_) => u32::try_from(scale.unsigned_abs())
            .ok()
            .and_then(|exp| 10_i128.checked_pow(exp))
            .and_then(|factor| unscaled.checked_mul(factor))
            .map(|value| logical_text::format_decimal(value, 0))
            .ok_or_else(|| format!("big-decimal with scale {scale} is too large")),
    }
}
