//! Messages as JSON lines, one message a line, in kcat's `-J` envelope: `topic`,
//! `partition`, `offset`, `ts`, `headers` (a flat list of name, value, name, value… in
//! order, duplicates kept), `key`, `payload`. Bytes that are not UTF-8 are written as
//! `{"base64": "..."}`, so a file carries any message losslessly; null stays null.
//! Reading also takes kcat's own output and `timestamp` / `value` for `ts` / `payload`.
//! A schema'd key or value also gets `key_schema` / `payload_schema` (`{"id", "type",
//! "decoded"}`) beside its bytes: for people and tools reading the file; replay sends the
//! bytes, so it stays byte-exact.

use base64::prelude::{Engine, BASE64_STANDARD};
use serde_json::{json, Map, Value};

use crate::kafka::model::Record;

/// One message read from a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Saved {
    /// Topic it was saved from.
    pub topic: Option<String>,
    /// Partition it was in.
    pub partition: Option<i32>,
    /// Offset it had.
    pub offset: Option<i64>,
    /// Timestamp (ms since the epoch).
    pub timestamp: Option<i64>,
    /// Key.
    pub key: Option<Vec<u8>>,
    /// Value.
    pub value: Option<Vec<u8>>,
    /// Headers in order.
    pub headers: Vec<(String, Option<Vec<u8>>)>,
}

fn bytes_value(b: Option<&[u8]>) -> Value {
    match b {
        None => Value::Null,
        Some(b) => match std::str::from_utf8(b) {
            Ok(s) => Value::String(s.to_string()),
            Err(_) => json!({ "base64": BASE64_STANDARD.encode(b) }),
        },
    }
}

fn value_bytes(v: &Value, what: &str) -> Result<Option<Vec<u8>>, String> {
    match v {
        Value::Null => Ok(None),
        Value::String(s) => Ok(Some(s.clone().into_bytes())),
        Value::Object(o) => match o.get("base64") {
            Some(Value::String(b)) => BASE64_STANDARD
                .decode(b)
                .map(Some)
                .map_err(|e| format!("{what}: bad base64: {e}")),
            _ => Err(format!("{what}: an object needs a \"base64\" string")),
        },
        // kcat -J with a deserializer writes numbers and JSON as they are: keep their text.
        other => Ok(Some(other.to_string().into_bytes())),
    }
}

/// A record as one JSON line (without the newline).
pub fn to_line(topic: &str, r: &Record) -> String {
    let mut headers = Vec::with_capacity(r.headers.len() * 2);
    for (k, v) in &r.headers {
        headers.push(Value::String(k.clone()));
        headers.push(bytes_value(v.as_deref()));
    }
    let mut o = Map::new();
    o.insert("topic".into(), Value::String(topic.to_string()));
    o.insert("partition".into(), json!(r.partition));
    o.insert("offset".into(), json!(r.offset));
    o.insert("ts".into(), r.timestamp.map_or(Value::Null, |t| json!(t)));
    o.insert("headers".into(), Value::Array(headers));
    o.insert("key".into(), bytes_value(r.key.as_deref()));
    o.insert("payload".into(), bytes_value(r.value.as_deref()));
    if let Some(shown) = r.shown.get() {
        for (name, s) in [("key_schema", &shown.0), ("payload_schema", &shown.1)] {
            if let crate::schemas::shown::Shown::Decoded(d) = s {
                let decoded = serde_json::from_str(&d.json).unwrap_or(Value::Null);
                o.insert(
                    name.into(),
                    json!({ "id": d.id, "type": d.kind, "name": d.type_name, "decoded": decoded }),
                );
            }
        }
    }
    Value::Object(o).to_string()
}

/// Parses one line: ours, or kcat -J's (whose non-UTF-8 bytes are raw, so read lossily).
pub fn parse_line(line: &[u8]) -> Result<Saved, String> {
    let v: Value = match serde_json::from_slice(line) {
        Ok(v) => v,
        Err(_) => serde_json::from_str(&String::from_utf8_lossy(line))
            .map_err(|e| format!("not a JSON message: {e}"))?,
    };
    let o = v.as_object().ok_or("not a JSON object")?;
    let int = |name: &str| o.get(name).and_then(Value::as_i64);
    let field = |a: &str, b: &str| o.get(a).or_else(|| o.get(b)).unwrap_or(&Value::Null);
    let mut headers = Vec::new();
    match o.get("headers") {
        None | Some(Value::Null) => {}
        Some(Value::Array(items)) => {
            // kcat's flat [name, value, name, value, ...]; also [[name, value], ...].
            if items.iter().all(Value::is_array) {
                for pair in items {
                    let pair = pair.as_array().ok_or("header")?;
                    let name = pair.first().and_then(Value::as_str).ok_or("header name")?;
                    let value = value_bytes(pair.get(1).unwrap_or(&Value::Null), "header")?;
                    headers.push((name.to_string(), value));
                }
            } else {
                if items.len() % 2 != 0 {
                    return Err("headers: a name without a value".into());
                }
                for pair in items.chunks(2) {
                    let name = pair[0].as_str().ok_or("headers: a name that is not text")?;
                    headers.push((name.to_string(), value_bytes(&pair[1], "header")?));
                }
            }
        }
        // kcat's documented form: {"name": "value", ...}.
        Some(Value::Object(map)) => {
            for (k, v) in map {
                headers.push((k.clone(), value_bytes(v, "header")?));
            }
        }
        Some(_) => return Err("headers: not a list".into()),
    }
    Ok(Saved {
        topic: o.get("topic").and_then(Value::as_str).map(str::to_string),
        partition: int("partition").and_then(|p| i32::try_from(p).ok()),
        offset: int("offset"),
        timestamp: int("ts").or_else(|| int("timestamp")),
        key: value_bytes(field("key", "key"), "key")?,
        value: value_bytes(field("payload", "value"), "payload")?,
        headers,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record() -> Record {
        Record {
            partition: 1,
            offset: 42,
            timestamp: Some(1_700_000_000_123),
            key: Some(vec![0, 159, 146, 150]),
            value: Some(b"Hello Go!".to_vec()),
            value_size: None,
            shown: Default::default(),
            headers: vec![
                ("h".into(), Some(b"a".to_vec())),
                ("h".into(), Some(vec![0xff, 0x00])),
                ("nothing".into(), None),
                ("empty".into(), Some(vec![])),
            ],
        }
    }

    #[test]
    fn binary_null_and_duplicate_headers_survive_a_round_trip() {
        let line = to_line("strconv", &record());
        assert!(line.contains(r#""payload":"Hello Go!""#), "{line}");
        assert!(line.contains(r#""key":{"base64":"AJ+Slg=="}"#), "{line}");
        let back = parse_line(line.as_bytes()).unwrap();
        let r = record();
        assert_eq!(back.topic.as_deref(), Some("strconv"));
        assert_eq!((back.partition, back.offset), (Some(1), Some(42)));
        assert_eq!(back.timestamp, r.timestamp);
        assert_eq!(back.key, r.key);
        assert_eq!(back.value, r.value);
        assert_eq!(back.headers, r.headers);
        let null = Record {
            key: None,
            value: None,
            ..record()
        };
        let back = parse_line(to_line("t", &null).as_bytes()).unwrap();
        assert_eq!((back.key, back.value), (None, None), "null is not empty");
    }

    #[test]
    fn kcat_json_is_read() {
        // As kcat 1.7 -J prints it, including raw non-UTF-8 bytes.
        let mut line = br#"{"topic":"j","partition":0,"offset":0,"tstype":"create","ts":1795681264413,"broker":0,"headers":["h1","a","h1","b","h2","x"],"key":"k1","payload":"v1"}"#.to_vec();
        let s = parse_line(&line).unwrap();
        assert_eq!(s.key.as_deref(), Some(&b"k1"[..]));
        assert_eq!(s.value.as_deref(), Some(&b"v1"[..]));
        assert_eq!(s.timestamp, Some(1_795_681_264_413));
        assert_eq!(
            s.headers
                .iter()
                .map(|(k, _)| k.as_str())
                .collect::<Vec<_>>(),
            ["h1", "h1", "h2"]
        );
        line = b"{\"topic\":\"j\",\"partition\":0,\"offset\":1,\"key\":null,\"payload\":\"v\xff\"}"
            .to_vec();
        let s = parse_line(&line).unwrap();
        assert_eq!(s.key, None);
        assert!(s.value.unwrap().starts_with(b"v"));
        assert!(parse_line(b"[1,2]").is_err());
        assert!(parse_line(br#"{"headers":["a"]}"#).is_err());
    }
}
