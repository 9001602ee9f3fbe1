//! Schema compatibility checks as Confluent Schema Registry does them: Avro by Avro's
//! schema-resolution rules, Protobuf and JSON Schema by the registry's own schema diffs.
//! Messages follow the registry's verbose answer, so clients that parse them keep working.

mod avro;
mod json;
mod json_diff;
mod json_kinds;
mod json_node;
mod json_object;
mod level;
mod protobuf;
mod protobuf_diff;
mod schema_text;

pub use level::{Level, ParseLevelError};
pub use schema_text::{Kind, SchemaText};

/// Stands for "new" or "old" (whichever schema reads) in a message template.
pub(crate) const READER: &str = "\u{E000}";
/// Stands for "new" or "old" (whichever schema wrote) in a message template.
pub(crate) const WRITER: &str = "\u{E001}";

/// The registry's answer when the two schemas are of different languages.
const DIFFERENT_SCHEMA_TYPE: &str = "Incompatible because of different schema type";
/// The registry truncates the old schema it quotes beyond this many characters.
const MAX_QUOTED_SCHEMA: usize = 10 * 1024;

/// A schema parsed (and its references resolved) for checking.
enum Parsed {
    Avro(Box<avro::Parsed>),
    Protobuf(protobuf::Parsed),
    Json(json::Parsed),
}

impl Parsed {
    /// Parses `schema` with its references, or says why it is invalid.
    fn new(schema: &SchemaText) -> Result<Parsed, String> {
        match schema.kind {
            Kind::Avro => avro::parse(schema).map(|p| Parsed::Avro(Box::new(p))),
            Kind::Protobuf => protobuf::parse(schema).map(Parsed::Protobuf),
            Kind::Json => json::parse(schema).map(Parsed::Json),
        }
    }

    /// The language it was written in.
    fn kind(&self) -> Kind {
        match self {
            Parsed::Avro(_) => Kind::Avro,
            Parsed::Protobuf(_) => Kind::Protobuf,
            Parsed::Json(_) => Kind::Json,
        }
    }
}

/// A Protobuf schema as the registry's `?format=serialized` returns it (base64 of its
/// `FileDescriptorProto`, what confluent-kafka-python reads back); `None` for other kinds,
/// whose text is returned as registered.
///
/// # Errors
/// The compile error, as [`validate`] words it.
pub fn serialized(schema: &SchemaText) -> Result<Option<String>, String> {
    match schema.kind {
        Kind::Protobuf => protobuf::serialized(schema).map(Some),
        Kind::Avro | Kind::Json => Ok(None),
    }
}

/// The `.proto` source Confluent's registry stores for a Protobuf schema registered as a
/// base64 `FileDescriptorProto`; `None` for other schemas, and for descriptors that do not
/// print to an equivalent source (extensions, custom options), which stay as registered.
///
/// # Errors
/// The compile error, as [`validate`] words it.
pub fn proto_source(schema: &SchemaText) -> Result<Option<String>, String> {
    match schema.kind {
        Kind::Protobuf => protobuf::source(schema),
        Kind::Avro | Kind::Json => Ok(None),
    }
}

/// Parses (compiles) a schema with its references; the error reads like the registry's.
pub fn validate(schema: &SchemaText) -> Result<(), String> {
    Parsed::new(schema).map(|_| ())
}

/// Checks `new` against `existing` (oldest first) at `level`; empty means compatible.
///
/// Non-transitive levels look at the latest existing schema only; transitive ones at each,
/// newest first, stopping at the first that fails (as the registry does). An invalid
/// schema yields its validation error as the only message.
pub fn check(level: Level, new: &SchemaText, existing: &[SchemaText]) -> Vec<String> {
    if level == Level::None || existing.is_empty() {
        return Vec::new();
    }
    let parsed_new = match Parsed::new(new) {
        Ok(parsed) => parsed,
        Err(error) => return vec![error],
    };
    let against: Vec<&SchemaText> = if level.transitive() {
        existing.iter().rev().collect()
    } else {
        existing.last().into_iter().collect()
    };
    for old in against {
        let messages = check_one(level, &parsed_new, old);
        if !messages.is_empty() {
            return messages;
        }
    }
    Vec::new()
}

/// One pair, in the registry's order: the forward half (unquoted) before the backward half.
fn check_one(level: Level, new: &Parsed, old_text: &SchemaText) -> Vec<String> {
    if new.kind() != old_text.kind {
        return vec![DIFFERENT_SCHEMA_TYPE.to_owned()];
    }
    let old = match Parsed::new(old_text) {
        Ok(parsed) => parsed,
        Err(error) => return vec![format!("Existing schema is invalid: {error}")],
    };
    let mut messages = Vec::new();
    if level.forward() {
        let found = reader_issues(&old, new);
        // FULL quotes the old schema once, after its backward half.
        let quote = !level.backward();
        messages.extend(render(found, "old", "new", quote.then_some(old_text)));
    }
    if level.backward() {
        let found = reader_issues(new, &old);
        messages.extend(render(found, "new", "old", Some(old_text)));
    }
    messages
}

/// What stops `reader` from reading data written with `writer`, as message templates.
fn reader_issues(reader: &Parsed, writer: &Parsed) -> Vec<String> {
    match (reader, writer) {
        (Parsed::Avro(r), Parsed::Avro(w)) => avro::reader_issues(r, w),
        (Parsed::Protobuf(r), Parsed::Protobuf(w)) => protobuf::reader_issues(r, w),
        (Parsed::Json(r), Parsed::Json(w)) => json::reader_issues(r, w),
        _ => vec![DIFFERENT_SCHEMA_TYPE.to_owned()],
    }
}

/// Fills in who reads and who wrote, then quotes the old schema as the registry does.
fn render(
    templates: Vec<String>,
    reader: &str,
    writer: &str,
    quote: Option<&SchemaText>,
) -> Vec<String> {
    if templates.is_empty() {
        return templates;
    }
    let mut messages: Vec<String> = templates
        .into_iter()
        .map(|t| t.replace(READER, reader).replace(WRITER, writer))
        .collect();
    if let Some(old) = quote {
        if let Some(version) = old.version {
            messages.push(format!("{{oldSchemaVersion: {version}}}"));
        }
        messages.push(quote_schema(&old.text));
    }
    messages
}

/// `{oldSchema: '...'}`, truncated like the registry's.
fn quote_schema(text: &str) -> String {
    if text.len() <= MAX_QUOTED_SCHEMA {
        return format!("{{oldSchema: '{text}'}}");
    }
    let mut end = MAX_QUOTED_SCHEMA;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{{oldSchema: <truncated> '{}...'}}", &text[..end])
}
