//! JSON text for showing decoded values, with non-ASCII written as `\uXXXX`.
//!
//! Avro bytes and fixed decode to strings of code points U+0000–U+00FF, one per byte (the
//! Avro JSON convention). Printed raw, byte 0xE9 would look like the letter `é`; escaped it
//! reads `\u00e9`, as Avro's own tools print it. Escaping is a choice of the caller, as it
//! also escapes non-ASCII text in string fields.

use serde_json::Value;

/// `value` as JSON text (pretty or compact) with every non-ASCII character escaped.
#[must_use]
pub fn to_ascii_json(value: &Value, pretty: bool) -> String {
    let text = if pretty {
        serde_json::to_string_pretty(value)
    } else {
        serde_json::to_string(value)
    }
    .unwrap_or_default();
    // serde_json writes nothing but ASCII outside string literals, so any non-ASCII
    // character is inside one, where its escape means the same.
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                out.push_str(&format!("\\u{unit:04x}"));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::to_ascii_json;
    use serde_json::json;

    #[test]
    fn escapes_non_ascii_only() {
        let value = json!({"by": "\u{0}\u{e9}A", "emoji": "\u{1f600}"});
        let text = to_ascii_json(&value, false);
        assert_eq!(text, r#"{"by":"\u0000\u00e9A","emoji":"\ud83d\ude00"}"#);
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&text).unwrap(),
            value
        );
        assert!(to_ascii_json(&value, true).contains("\n  \"by\""));
    }
}
