//! The composer's JSON → framed bytes through a chosen schema, and its errors told where
//! the user looks: `line 3: price: expected decimal string, found number`.

use schema::EncodeError;

/// Encodes JSON `text` with `schema` (as `type_name`, if given) and frames it with `id`;
/// an error names the line and the field.
pub fn encode_framed(
    schema: &schema::Schema,
    id: u32,
    text: &str,
    type_name: Option<&str>,
) -> Result<Vec<u8>, String> {
    let payload = schema
        .encode(text, type_name)
        .map_err(|e| describe(&e, text))?;
    Ok(schema::frame::write(id, &payload))
}

/// An encode error in words, with the line it is on when that can be found.
pub fn describe(e: &EncodeError, text: &str) -> String {
    match e {
        EncodeError::Json {
            line,
            column,
            message,
        } => format!("line {line}, column {column}: not JSON: {message}"),
        EncodeError::Mismatch { path, message } if path.is_empty() => message.clone(),
        EncodeError::Mismatch { path, message } => match line_of(text, path) {
            Some(line) => format!("line {line}: {path}: {message}"),
            None => format!("{path}: {message}"),
        },
        other => other.to_string(),
    }
}

/// The 1-based line where the value at `path` (`a.b`, `items[2].id`) starts in JSON
/// `text`, or `None` when the text does not hold it (the schema filled it in).
pub fn line_of(text: &str, path: &str) -> Option<usize> {
    let value: serde_json::Value = serde_json::from_str(text).ok()?;
    let mut offset_walk = Walk {
        bytes: text.as_bytes(),
        pos: 0,
    };
    let steps = steps_of(path);
    offset_walk.find(&value, &steps)?;
    Some(text[..offset_walk.pos].matches('\n').count() + 1)
}

/// A path's steps: field names and array indexes.
#[derive(Debug, PartialEq, Eq)]
enum Step {
    Field(String),
    Index(usize),
}

fn steps_of(path: &str) -> Vec<Step> {
    let mut steps = Vec::new();
    for part in path.split('.') {
        let (name, mut rest) = part.split_once('[').map_or((part, ""), |(n, r)| (n, r));
        if !name.is_empty() {
            steps.push(Step::Field(name.to_string()));
        }
        while let Some((index, after)) = rest.split_once(']') {
            if let Ok(i) = index.parse() {
                steps.push(Step::Index(i));
            }
            rest = after.strip_prefix('[').unwrap_or(after);
        }
    }
    steps
}

/// A cursor over JSON text already known to parse, moved to a value by its path.
struct Walk<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl Walk<'_> {
    fn skip_ws(&mut self) {
        while self
            .bytes
            .get(self.pos)
            .is_some_and(|b| b.is_ascii_whitespace())
        {
            self.pos += 1;
        }
    }

    /// Moves past one JSON value starting at `pos` (after white space).
    fn skip_value(&mut self) {
        self.skip_ws();
        let mut depth = 0usize;
        let mut in_string = false;
        while let Some(&b) = self.bytes.get(self.pos) {
            self.pos += 1;
            if in_string {
                match b {
                    b'\\' => self.pos += 1,
                    b'"' => {
                        in_string = false;
                        if depth == 0 {
                            return;
                        }
                    }
                    _ => {}
                }
                continue;
            }
            match b {
                b'"' => in_string = true,
                b'{' | b'[' => depth += 1,
                b'}' | b']' => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        return;
                    }
                }
                b',' | b':' if depth == 0 => {
                    self.pos -= 1;
                    return;
                }
                _ if depth == 0
                    && self
                        .bytes
                        .get(self.pos)
                        .is_none_or(|n| b",}] \t\r\n".contains(n)) =>
                {
                    return
                }
                _ => {}
            }
        }
    }

    /// Reads the string at `pos` (its opening quote), returning its decoded text.
    fn read_string(&mut self) -> Option<String> {
        let start = self.pos;
        self.skip_value();
        serde_json::from_slice(self.bytes.get(start..self.pos)?).ok()
    }

    /// Moves to the value at `steps` inside the value at `pos`.
    fn find(&mut self, value: &serde_json::Value, steps: &[Step]) -> Option<()> {
        self.skip_ws();
        let Some((step, rest)) = steps.split_first() else {
            return Some(());
        };
        match (step, value) {
            (Step::Field(name), serde_json::Value::Object(map)) => {
                self.pos += 1; // `{`
                loop {
                    self.skip_ws();
                    let key = self.read_string()?;
                    self.skip_ws();
                    self.pos += 1; // `:`
                    self.skip_ws();
                    if key == *name {
                        return self.find(map.get(name)?, rest);
                    }
                    self.skip_value();
                    self.skip_ws();
                    if self.bytes.get(self.pos) != Some(&b',') {
                        return None;
                    }
                    self.pos += 1;
                }
            }
            (Step::Index(i), serde_json::Value::Array(items)) => {
                let item = items.get(*i)?;
                self.pos += 1; // `[`
                for _ in 0..*i {
                    self.skip_value();
                    self.skip_ws();
                    self.pos += 1; // `,`
                }
                self.find(item, rest)
            }
            // A path may name a union's branch (`field.long`): stop at the field.
            _ => Some(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ORDER: &str = "{\n  \"id\": \"a\",\n  \"price\": 3.5,\n  \"lines\": [\n    {\"sku\": \"x\"},\n    {\"sku\": 7}\n  ]\n}";

    #[test]
    fn a_field_is_found_on_its_line() {
        assert_eq!(line_of(ORDER, "id"), Some(2));
        assert_eq!(line_of(ORDER, "price"), Some(3));
        assert_eq!(line_of(ORDER, "lines[1].sku"), Some(6));
        assert_eq!(line_of(ORDER, "missing"), None);
        assert_eq!(line_of("not json", "a"), None);
    }

    #[test]
    fn paths_split_into_fields_and_indexes() {
        assert_eq!(
            steps_of("a.b[2][0].c"),
            vec![
                Step::Field("a".into()),
                Step::Field("b".into()),
                Step::Index(2),
                Step::Index(0),
                Step::Field("c".into())
            ]
        );
    }

    #[test]
    fn encode_errors_name_line_and_field() {
        let mismatch = EncodeError::Mismatch {
            path: "price".into(),
            message: "expected decimal string, found number".into(),
        };
        assert_eq!(
            describe(&mismatch, ORDER),
            "line 3: price: expected decimal string, found number"
        );
        let json = EncodeError::Json {
            line: 2,
            column: 5,
            message: "expected value".into(),
        };
        assert_eq!(
            describe(&json, ""),
            "line 2, column 5: not JSON: expected value"
        );
        let top = EncodeError::Mismatch {
            path: String::new(),
            message: "expected record".into(),
        };
        assert_eq!(describe(&top, "1"), "expected record");
    }

    #[test]
    fn a_value_is_encoded_and_framed_with_the_id() {
        let s = schema::Schema::compile(
            schema::SchemaKind::Avro,
            r#"{"type":"record","name":"R","fields":[{"name":"n","type":"long"}]}"#,
            &[],
        )
        .unwrap();
        let framed = encode_framed(&s, 7, r#"{"n": 1}"#, None).unwrap();
        assert_eq!(framed, vec![0, 0, 0, 0, 7, 2]);
        let e = encode_framed(&s, 7, "{\n\"n\": \"x\"\n}", None).unwrap_err();
        assert!(e.starts_with("line 2: n: "), "{e}");
    }
}
