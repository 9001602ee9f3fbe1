//! The dashboard's one door to the `schema` crate: compile a fetched schema, find the
//! schema id of framed bytes, and decode them to the JSON the rows show.

use super::fetched::Fetched;
use super::shown::Decoded;

/// A compiled schema with what the detail view tells about it.
#[derive(Debug)]
pub struct Loaded {
    /// Global id.
    pub id: u32,
    /// `AVRO`, `PROTOBUF` or `JSON`.
    pub kind: String,
    /// The schema's text as registered (the detail's `v` shows it).
    pub text: String,
    /// Subjects and versions it is registered under.
    pub versions: Vec<(String, i32)>,
    /// The compiled schema.
    schema: schema::Schema,
}

impl Loaded {
    /// The compiled schema (the composer encodes with it).
    pub fn schema(&self) -> &schema::Schema {
        &self.schema
    }
}

/// The kind a registry's `schemaType` names.
fn kind_of(schema_type: &str) -> Result<schema::SchemaKind, String> {
    schema::SchemaKind::from_schema_type(Some(schema_type))
        .ok_or_else(|| format!("unknown schema type {schema_type:?}"))
}

/// Compiles a fetched schema with its references.
pub fn load(f: Fetched) -> Result<Loaded, String> {
    let kind = kind_of(&f.kind)?;
    let references = f
        .references
        .iter()
        .map(|r| {
            Ok(schema::Reference {
                name: r.name.clone(),
                kind: kind_of(&r.kind)?,
                text: r.text.clone(),
            })
        })
        .collect::<Result<Vec<_>, String>>()?;
    let schema = schema::Schema::compile(kind, &f.text, &references)
        .map_err(|e| format!("cannot read schema {}: {e}", f.id))?;
    Ok(Loaded {
        id: f.id,
        kind: f.kind,
        text: f.text,
        versions: f.versions,
        schema,
    })
}

/// The schema id of Confluent-framed bytes (magic byte 0, a 4-byte id, a payload).
pub fn schema_id(bytes: &[u8]) -> Option<u32> {
    schema::frame::parse(bytes).ok().map(|f| f.schema_id)
}

/// Decodes framed bytes through `l`.
pub fn decode(l: &Loaded, bytes: &[u8]) -> Result<Decoded, String> {
    let frame = schema::frame::parse(bytes).map_err(|e| e.to_string())?;
    let (indexes, payload) = match l.schema.kind() {
        schema::SchemaKind::Protobuf => {
            schema::frame::split_message_indexes(frame.payload).map_err(|e| e.to_string())?
        }
        _ => (Vec::new(), frame.payload),
    };
    let d = l
        .schema
        .decode(payload, &indexes)
        .map_err(|e| e.to_string())?;
    Ok(Decoded {
        id: l.id,
        kind: l.kind.clone(),
        type_name: d.type_name,
        json: d.json.to_string(),
    })
}
