//! Natural JSON (what decode produces, plus Avro's `{"type": value}` union form) to Avro
//! binary, with the field path of whatever does not fit.

use apache_avro::schema::{
    DecimalSchema, InnerDecimalSchema, RecordSchema, Schema, UnionSchema, UuidSchema,
};
use serde_json::Value;

use super::binary::{write_bytes, write_long};
use super::{logical, AvroSchema};
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
type Fail = String;

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
    fn write(
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
            Schema::Bytes | Schema::BigDecimal => write_bytes(&latin1_value(value)?, out),
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
            other => write_logical(other, value, mode, out)?,
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

    /// Writes the first candidate branch that takes the value (see [`Self::candidates`]).
    /// Each try writes into its own buffer, which is kept on success: re-writing after a
    /// trial would double the work at every level of nested unions.
    fn write_union(
        &self,
        union: &UnionSchema,
        value: &Value,
        mode: Mode,
        out: &mut Vec<u8>,
        path: &mut FieldPath,
    ) -> Result<(), Fail> {
        for (index, inner, inner_mode) in self.candidates(union, value, mode) {
            let mut buffer = Vec::new();
            let branch = &union.variants()[index];
            if self
                .write(
                    branch,
                    inner,
                    inner_mode,
                    &mut buffer,
                    &mut FieldPath::default(),
                )
                .is_ok()
            {
                write_long(i64::try_from(index).unwrap_or(i64::MAX), out);
                out.extend_from_slice(&buffer);
                return Ok(());
            }
        }
        // With one non-null branch its own error says most; otherwise list the branches.
        let non_null: Vec<&Schema> = union
            .variants()
            .iter()
            .filter(|s| !matches!(s, Schema::Null))
            .collect();
        if let [only] = non_null[..] {
            if !value.is_null() {
                self.write(only, value, mode, &mut Vec::new(), path)?;
            }
        }
        let names: Vec<String> = union
            .variants()
            .iter()
            .map(|s| super::branch_name(self.resolve(s)))
            .collect();
        Err(format!(
            "{} fits no branch of the union [{}]",
            describe(value),
            names.join(", ")
        ))
    }

    /// The inner value when `value` is `{"<name of branch>": inner}`.
    fn unwrap_for<'v>(&self, branch: &Schema, value: &'v Value) -> Option<&'v Value> {
        let object = value.as_object()?;
        if object.len() != 1 {
            return None;
        }
        let (key, inner) = object.iter().next()?;
        super::names_branch(self.resolve(branch), key).then_some(inner)
    }

    /// The branches to try for `value`, in order, with the value to write into each: for
    /// a field default its first branch; then the wrapped form `{"string": "x"}` for a
    /// branch its key names; then every branch with the value as it is.
    fn candidates<'v>(
        &self,
        union: &UnionSchema,
        value: &'v Value,
        mode: Mode,
    ) -> Vec<(usize, &'v Value, Mode)> {
        let variants = union.variants();
        let mut candidates = Vec::with_capacity(variants.len() + 2);
        if mode == Mode::Default && !variants.is_empty() {
            candidates.push((0, value, mode));
        }
        for (index, branch) in variants.iter().enumerate() {
            if let Some(inner) = self.unwrap_for(branch, value) {
                candidates.push((index, inner, Mode::Natural));
            }
        }
        candidates.extend((0..variants.len()).map(|index| (index, value, mode)));
        candidates
    }

    /// Whether encoding the natural `value` would pick branch `chosen` (the one it was
    /// decoded from), so the decoder can leave it unwrapped.
    pub(crate) fn encodes_as(&self, union: &UnionSchema, value: &Value, chosen: usize) -> bool {
        for (index, inner, mode) in self.candidates(union, value, Mode::Natural) {
            if index == chosen && std::ptr::eq(inner, value) {
                return true;
            }
            let branch = &union.variants()[index];
            let mut sink = Vec::new();
            if self
                .write(branch, inner, mode, &mut sink, &mut FieldPath::default())
                .is_ok()
            {
                return false;
            }
        }
        false
    }
}

/// The logical types, from their text forms or (as in defaults) their underlying numbers.
fn write_logical(
    schema: &Schema,
    value: &Value,
    mode: Mode,
    out: &mut Vec<u8>,
) -> Result<(), Fail> {
    let text_or_number = |parse: &dyn Fn(&str) -> Option<i64>, what: &str| match value {
        Value::String(text) => parse(text).ok_or_else(|| format!("expected {what}, found {value}")),
        Value::Number(_) => value.as_i64().ok_or_else(|| expected(what, value)),
        _ => Err(expected(what, value)),
    };
    match schema {
        Schema::Null => return Err(expected("null", value)),
        Schema::Decimal(decimal) => write_decimal(decimal, value, mode, out)?,
        Schema::Uuid(inner) => {
            let text = value
                .as_str()
                .ok_or_else(|| expected("uuid string", value))?;
            let bytes = logical::parse_uuid(text)
                .ok_or_else(|| format!("expected a uuid, found {value}"))?;
            match inner {
                UuidSchema::String => write_bytes(text.as_bytes(), out),
                UuidSchema::Bytes => write_bytes(&bytes, out),
                UuidSchema::Fixed(_) => out.extend_from_slice(&bytes),
            }
        }
        Schema::Date => {
            let days = text_or_number(&logical::parse_date, "date YYYY-MM-DD")?;
            write_long(
                i64::from(i32::try_from(days).map_err(|_| format!("date out of range: {value}"))?),
                out,
            );
        }
        Schema::TimeMillis => {
            let millis = text_or_number(&|t| logical::parse_time(t, 3), "time HH:MM:SS.sss")?;
            write_long(
                i64::from(
                    i32::try_from(millis).map_err(|_| format!("time out of range: {value}"))?,
                ),
                out,
            );
        }
        Schema::TimeMicros => write_long(
            text_or_number(&|t| logical::parse_time(t, 6), "time HH:MM:SS.ssssss")?,
            out,
        ),
        Schema::TimestampMillis | Schema::LocalTimestampMillis => {
            write_long(
                text_or_number(
                    &|t| logical::parse_timestamp(t, 3),
                    "timestamp YYYY-MM-DDTHH:MM:SS.sssZ",
                )?,
                out,
            );
        }
        Schema::TimestampMicros | Schema::LocalTimestampMicros => {
            write_long(
                text_or_number(
                    &|t| logical::parse_timestamp(t, 6),
                    "timestamp YYYY-MM-DDTHH:MM:SS.ssssssZ",
                )?,
                out,
            );
        }
        Schema::TimestampNanos | Schema::LocalTimestampNanos => {
            write_long(
                text_or_number(
                    &|t| logical::parse_timestamp(t, 9),
                    "timestamp YYYY-MM-DDTHH:MM:SS.sssssssssZ",
                )?,
                out,
            );
        }
        Schema::Duration(_) => write_duration(value, out)?,
        other => return Err(format!("unsupported schema {other:?}")),
    }
    Ok(())
}

/// A decimal from text or a JSON number (or, in a default, its Latin-1 bytes).
fn write_decimal(
    decimal: &DecimalSchema,
    value: &Value,
    mode: Mode,
    out: &mut Vec<u8>,
) -> Result<(), Fail> {
    let width = match &decimal.inner {
        InnerDecimalSchema::Bytes => None,
        InnerDecimalSchema::Fixed(fixed) => Some(fixed.size),
    };
    let bytes = match value {
        Value::String(text) if mode == Mode::Default => {
            latin1_value(value).map_err(|_| format!("bad decimal default {text:?}"))?
        }
        Value::String(text) => encode_unscaled(
            logical::parse_decimal(text, decimal.scale, decimal.precision)?,
            width,
        )?,
        Value::Number(number) => encode_unscaled(
            logical::parse_decimal(&number.to_string(), decimal.scale, decimal.precision)?,
            width,
        )?,
        _ => return Err(expected("decimal string", value)),
    };
    match width {
        None => write_bytes(&bytes, out),
        Some(size) if bytes.len() == size => out.extend_from_slice(&bytes),
        Some(size) => {
            return Err(format!(
                "expected {size} bytes for a fixed decimal, found {}",
                bytes.len()
            ))
        }
    }
    Ok(())
}

fn encode_unscaled(unscaled: i128, width: Option<usize>) -> Result<Vec<u8>, Fail> {
    logical::unscaled_to_bytes(unscaled, width)
        .ok_or_else(|| format!("decimal does not fit {} bytes", width.unwrap_or(16)))
}

/// `{"months", "days", "millis"}` (or, as in a default, 12 Latin-1 bytes).
fn write_duration(value: &Value, out: &mut Vec<u8>) -> Result<(), Fail> {
    if value.is_string() {
        let bytes = latin1_value(value)?;
        if bytes.len() != 12 {
            return Err(format!(
                "expected 12 bytes for a duration, found {}",
                bytes.len()
            ));
        }
        out.extend_from_slice(&bytes);
        return Ok(());
    }
    let object = value
        .as_object()
        .ok_or_else(|| expected("object {months, days, millis}", value))?;
    if let Some(unknown) = object
        .keys()
        .find(|k| !["months", "days", "millis"].contains(&k.as_str()))
    {
        return Err(format!("unknown duration part `{unknown}`"));
    }
    for part in ["months", "days", "millis"] {
        let number = object
            .get(part)
            .map_or(Some(0), Value::as_u64)
            .and_then(|n| u32::try_from(n).ok());
        let number = number.ok_or_else(|| format!("duration `{part}` must be 0 to 4294967295"))?;
        out.extend_from_slice(&number.to_le_bytes());
    }
    Ok(())
}

fn int_value(value: &Value) -> Result<i32, Fail> {
    let wide = value.as_i64().ok_or_else(|| expected("int", value))?;
    i32::try_from(wide).map_err(|_| format!("int out of range: {wide}"))
}

/// A JSON number, or one of the strings for values JSON has no number for.
fn float_value(value: &Value, what: &str) -> Result<f64, Fail> {
    match value {
        Value::Number(n) => n.as_f64().ok_or_else(|| expected(what, value)),
        Value::String(s) if s == "NaN" => Ok(f64::NAN),
        Value::String(s) if s == "Infinity" => Ok(f64::INFINITY),
        Value::String(s) if s == "-Infinity" => Ok(f64::NEG_INFINITY),
        _ => Err(expected(what, value)),
    }
}

fn latin1_value(value: &Value) -> Result<Vec<u8>, Fail> {
    let text = value
        .as_str()
        .ok_or_else(|| expected("bytes as a string", value))?;
    logical::latin1_to_bytes(text).ok_or_else(|| {
        format!("bytes must be characters U+0000 to U+00FF (one per byte), found {value}")
    })
}

/// "expected int, found string \"abc\"".
fn expected(what: &str, value: &Value) -> String {
    format!("expected {what}, found {}", describe(value))
}

/// A JSON value's type and (if short) the value itself.
fn describe(value: &Value) -> String {
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
