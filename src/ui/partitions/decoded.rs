//! The open message's schema'd parts: the lines that say which schema decoded its key
//! and value, the decoded value pretty-printed, and the schema itself.

use crate::escape::{escape_lines, escape_typed};
use crate::schemas::cache::Schemas;
use crate::schemas::shown::Shown;

use super::ValueView;

/// One line per framed part: kind, schema id, subjects and versions, type name — or why
/// it was not decoded.
pub fn summary(shown: &(Shown, Shown), schemas: &Schemas) -> Vec<String> {
    let mut out = Vec::new();
    for (what, s) in [("key", &shown.0), ("value", &shown.1)] {
        match s {
            Shown::Plain => {}
            Shown::Pending(id) => out.push(format!("{what} schema: id {id}, being fetched…")),
            Shown::Failed { id, reason } | Shown::Unavailable { id, reason } => out.push(format!(
                "{what} schema: id {id}, not decoded: {}",
                escape_typed(reason)
            )),
            Shown::Decoded(d) => {
                let registered = schemas
                    .get(d.id)
                    .and_then(|a| a.as_ref().as_ref().ok())
                    .map(|l| {
                        l.versions
                            .iter()
                            .map(|(s, v)| format!("{} v{v}", escape_typed(s)))
                            .collect::<Vec<_>>()
                            .join(", ")
                    })
                    .unwrap_or_default();
                let mut line = format!("{what} schema: {} id {}", d.kind, d.id);
                if !registered.is_empty() {
                    line.push_str(&format!(" · {registered}"));
                }
                if !d.type_name.is_empty() {
                    line.push_str(&format!(" · {}", escape_typed(&d.type_name)));
                }
                out.push(line);
            }
        }
    }
    if let Shown::Decoded(d) = &shown.0 {
        out.push(format!("key decoded: {}", escape_typed(&d.json)));
    }
    out
}

/// The value's lines in the decoded or the schema view.
pub fn lines(shown: &Shown, view: ValueView, schemas: &Schemas, raw: &[u8]) -> Vec<String> {
    match (shown, view) {
        (Shown::Decoded(d), ValueView::Decoded) => pretty(&d.json),
        (Shown::Decoded(d), _) => match schemas.get(d.id).map(|a| a.as_ref()) {
            Some(Ok(l)) => pretty(&l.text),
            _ => vec!["(the schema is no longer kept; reopen the message)".into()],
        },
        (Shown::Failed { id, reason } | Shown::Unavailable { id, reason }, _) => {
            let mut l = vec![format!("(schema {id}: {reason}; shown as text)")];
            l.extend(escape_lines(raw));
            l
        }
        (Shown::Pending(id), _) => vec![format!("(schema {id} is being fetched…)")],
        (Shown::Plain, _) => escape_lines(raw),
    }
}

/// JSON text pretty-printed (as it is when it is not JSON, e.g. a .proto schema).
fn pretty(text: &str) -> Vec<String> {
    let pretty = serde_json::from_str::<serde_json::Value>(text)
        .ok()
        .and_then(|v| serde_json::to_string_pretty(&v).ok())
        .unwrap_or_else(|| text.to_string());
    pretty.lines().map(escape_typed).collect()
}
