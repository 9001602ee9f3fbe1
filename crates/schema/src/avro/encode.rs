//! Natural JSON (what decode produces, plus Avro's `{"type": value}` union form) to Avro
//! binary, with the field path of whatever does not fit.

use apache_avro::schema::{RecordSchema, Schema};
use serde_json::Value;

use super::binary::{write_bytes, write_long};
use super::{logical_text, AvroSchema};
use crate::error::EncodeError;
use crate::path::FieldPath;

/// How to read the JSON: as a user writes it, or as a schema's field default is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// Decode's output: logical types as text, unions unwrapped or wrapped.
    Natural,
    /// Avro JSON as in field defaults: decimals as Latin-1 bytes, a union's value is
    /// its first branch's.
    Default,
}

/// A mismatch: the message, with the path filled in at the top.
pub(super) type Fail = String;

impl AvroSchema {
    /// Encodes one JSON value as a whole datum.
    pub(crate) fn encode(&self, value: &Value) -> Result<Vec<u8>, EncodeError> {
        self.encode_as(value, Mode::Natural)
    }

    /// Encodes in the given mode; the template uses [`Mode::Default`].
    pub(crate) fn encode_as(&self, value: &Value, mode: Mode) -> Result<Vec<u8>, EncodeError> {
        let mut out = Vec::new();
        let mut path = FieldPath::default();
        self.write(&self.root, value, mode, &mut out, &mut path)
            .map_err(|message| EncodeError::Mismatch {
                path: path.to_string(),
                message,
            })?;
        Ok(out)
    }

    /// Writes `value` as `schema`; on error `path` is left where it happened.
    pub(super) fn write(
        &self,
        schema: &Schema,
        value: &Value,
        mode: Mode,
        out: &mut Vec<u8>,
        path: &mut FieldPath,
    ) -> Result<(), Fail> {
        match self.resolve(schema) {
            Schema::Null if value.is_null() => {}
            Schema::Boolean => out.push(u8::from(
                value.as_bool().ok_or_else(|| expected("boolean", value))?,
            )),
            Schema::Int => write_long(i64::from(int_value(value)?), out),
            Schema::Long => write_long(value.as_i64().ok_or_else(|| expected("long", value))?, out),
            #[allow(clippy::cast_possible_truncation)] // a float field holds a 32-bit float
            Schema::Float => {
                out.extend_from_slice(&(float_value(value, "float")? as f32).to_le_bytes())
            }
            Schema::Double => out.extend_from_slice(&float_value(value, "double")?.to_le_bytes()),
            Schema::Bytes => write_bytes(&latin1_value(value)?, out),
            Schema::String => write_bytes(
                value
                    .as_str()
                    .ok_or_else(|| expected("string", value))?
                    .as_bytes(),
                out,
            ),
            Schema::Fixed(fixed) => {
                let bytes = latin1_value(value)?;
                if bytes.len() != fixed.size {
                    return Err(format!(
                        "expected {} bytes for fixed `{}`, found {}",
                        fixed.size,
                        fixed.name.fullname(None),
                        bytes.len()
                    ));
                }
                out.extend_from_slice(&bytes);
            }
            Schema::Enum(e) => {
                let symbol = value
                    .as_str()
                    .ok_or_else(|| expected("enum symbol", value))?;
                let index = e.symbols.iter().position(|s| s == symbol).ok_or_else(|| {
                    format!("expected one of {}, found {value}", e.symbols.join(", "))
                })?;
                write_long(i64::try_from(index).unwrap_or(i64::MAX), out);
            }
            Schema::Array(array) => {
                let items = value.as_array().ok_or_else(|| expected("array", value))?;
                if !items.is_empty() {
                    write_long(i64::try_from(items.len()).unwrap_or(i64::MAX), out);
                    for (i, item) in items.iter().enumerate() {
                        path.push_index(i);
                        self.write(&array.items, item, mode, out, path)?;
                        path.pop();
                    }
                }
                out.push(0);
            }
            Schema::Map(map) => {
                let entries = value
                    .as_object()
                    .ok_or_else(|| expected("object (map)", value))?;
                if !entries.is_empty() {
                    write_long(i64::try_from(entries.len()).unwrap_or(i64::MAX), out);
                    for (key, item) in entries {
                        write_bytes(key.as_bytes(), out);
                        path.push_field(key);
                        self.write(&map.types, item, mode, out, path)?;
                        path.pop();
                    }
                }
                out.push(0);
            }
            Schema::Union(union) => self.write_union(union, value, mode, out, path)?,
            Schema::Record(record) => self.write_record(record, value, mode, out, path)?,
            other => super::encode_logical::write_logical(other, value, mode, out)?,
        }
        Ok(())
    }

    fn write_record(
        &self,
        record: &RecordSchema,
        value: &Value,
        mode: Mode,
        out: &mut Vec<u8>,
        path: &mut FieldPath,
    ) -> Result<(), Fail> {
        let object = value.as_object().ok_or_else(|| {
            format!(
                "expected object (record `{}`), found {}",
                record.name.fullname(None),
                describe(value)
            )
        })?;
        if let Some(unknown) = object.keys().find(|k| !record.lookup.contains_key(*k)) {
            return Err(format!(
                "unknown field `{unknown}` in record `{}`",
                record.name.fullname(None)
            ));
        }
        for field in &record.fields {
            path.push_field(&field.name);
            match (object.get(&field.name), &field.default) {
                (Some(item), _) => self.write(&field.schema, item, mode, out, path)?,
                (None, Some(default)) => {
                    self.write(&field.schema, default, Mode::Default, out, path)?
                }
                (None, None) => {
                    path.pop();
                    return Err(format!("missing field `{}` (no default)", field.name));
                }
            }
            path.pop();
        }
        Ok(())
    }
}

pub(super) fn int_value(value: &Value) -> Result<i32, Fail> {
    let wide = value.as_i64().ok_or_else(|| expected("int", value))?;
    i32::try_from(wide).map_err(|_| format!("int out of range: {wide}"))
}

/// A JSON number, or one of the strings for values JSON has no number for.
pub(super) fn float_value(value: &Value, what: &str) -> Result<f64, Fail> {
    match value {
        Value::Number(n) => n.as_f64().ok_or_else(|| expected(what, value)),
        Value::String(s) if s == "NaN" => Ok(f64::NAN),
        Value::String(s) if s == "Infinity" => Ok(f64::INFINITY),
        Value::String(s) if s == "-Infinity" => Ok(f64::NEG_INFINITY),
        _ => Err(expected(what, value)),
    }
}

pub(super) fn latin1_value(value: &Value) -> Result<Vec<u8>, Fail> {
    let text = value
        .as_str()
        .ok_or_else(|| expected("bytes as a string", value))?;
    logical_text::latin1_to_bytes(text).ok_or_else(|| {
        format!("bytes must be characters U+0000 to U+00FF (one per byte), found {value}")
    })
}

/// "expected int, found string \"abc\"".
pub(super) fn expected(what: &str, value: &Value) -> String {
    format!("expected {what}, found {}", describe(value))
}

/// A JSON value's type and (if short) the value itself.
pub(super) fn describe(value: &Value) -> String {
    let kind = match value {
        Value::Null => return "null".into(),
        Value::Bool(b) => return format!("boolean {b}"),
        Value::Number(n) => return format!("number {n}"),
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    };
    let text = value.to_string();
    if text.len() <= 40 {
        format!("{kind} {text}")
    } else {
        kind.to_string()
    }
}
