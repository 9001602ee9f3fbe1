//! Logical types from JSON: their text forms, or (as in defaults) the underlying values.

use apache_avro::schema::{DecimalSchema, InnerDecimalSchema, Schema, UuidSchema};
use serde_json::Value;

use super::binary::{write_bytes, write_long};
use super::encode::{expected, latin1_value, Fail, Mode};
use super::logical_text;

/// The logical types, from their text forms or (as in defaults) their underlying numbers.
pub(super) fn write_logical(
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
        Schema::BigDecimal => write_big_decimal(value, mode, out)?,
        Schema::Uuid(inner) => {
            let text = value
                .as_str()
                .ok_or_else(|| expected("uuid string", value))?;
            let bytes = logical_text::parse_uuid(text)
                .ok_or_else(|| format!("expected a uuid, found {value}"))?;
            match inner {
                UuidSchema::String => write_bytes(text.as_bytes(), out),
                UuidSchema::Bytes => write_bytes(&bytes, out),
                UuidSchema::Fixed(_) => out.extend_from_slice(&bytes),
            }
        }
        Schema::Date => {
            let days = text_or_number(&logical_text::parse_date, "date YYYY-MM-DD")?;
            write_long(
                i64::from(i32::try_from(days).map_err(|_| format!("date out of range: {value}"))?),
                out,
            );
        }
        Schema::TimeMillis => {
            let millis = text_or_number(&|t| logical_text::parse_time(t, 3), "time HH:MM:SS.sss")?;
            write_long(
                i64::from(
                    i32::try_from(millis).map_err(|_| format!("time out of range: {value}"))?,
                ),
                out,
            );
        }
        Schema::TimeMicros => write_long(
            text_or_number(&|t| logical_text::parse_time(t, 6), "time HH:MM:SS.ssssss")?,
            out,
        ),
        Schema::TimestampMillis | Schema::LocalTimestampMillis => {
            write_long(
                text_or_number(
                    &|t| logical_text::parse_timestamp(t, 3),
                    "timestamp YYYY-MM-DDTHH:MM:SS.sssZ",
                )?,
                out,
            );
        }
        Schema::TimestampMicros | Schema::LocalTimestampMicros => {
            write_long(
                text_or_number(
                    &|t| logical_text::parse_timestamp(t, 6),
                    "timestamp YYYY-MM-DDTHH:MM:SS.ssssssZ",
                )?,
                out,
            );
        }
        Schema::TimestampNanos | Schema::LocalTimestampNanos => {
            write_long(
                text_or_number(
                    &|t| logical_text::parse_timestamp(t, 9),
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

/// A `big-decimal` from text or a JSON number, its scale the digits after the point (or,
/// in a default, its Latin-1 bytes).
fn write_big_decimal(value: &Value, mode: Mode, out: &mut Vec<u8>) -> Result<(), Fail> {
    let text = match value {
        Value::String(_) if mode == Mode::Default => {
            write_bytes(&latin1_value(value)?, out);
            return Ok(());
        }
        Value::String(text) => text.clone(),
        Value::Number(number) => number.to_string(),
        _ => return Err(expected("decimal string", value)),
    };
    let scale = text
        .split_once('.')
        .map_or(0, |(_, fraction)| fraction.len());
    // 38 digits: what an i128 holds.
    let unscaled = logical_text::parse_decimal(&text, scale, 38)?;
    let mut inner = Vec::new();
    write_bytes(&encode_unscaled(unscaled, None)?, &mut inner);
    write_long(i64::try_from(scale).unwrap_or(i64::MAX), &mut inner);
    write_bytes(&inner, out);
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
            logical_text::parse_decimal(text, decimal.scale, decimal.precision)?,
            width,
        )?,
        Value::Number(number) => encode_unscaled(
            logical_text::parse_decimal(&number.to_string(), decimal.scale, decimal.precision)?,
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
    logical_text::unscaled_to_bytes(unscaled, width)
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
