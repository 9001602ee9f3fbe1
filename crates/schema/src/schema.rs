//! One compiled schema of any kind, and the codec calls on it.

use serde_json::Value;

use crate::avro::AvroSchema;
use crate::error::{CompileError, DecodeError, EncodeError};
use crate::json_schema::JsonSchema;
use crate::protobuf::ProtoSchema;
use crate::SchemaKind;

/// A schema a compiled schema refers to, as the registry resolves it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    /// Avro: the named type's full name; Protobuf: the import path; JSON Schema: the
    /// `$ref` URL or name.
    pub name: String,
    /// The referenced schema's kind (the same as the referring schema's).
    pub kind: SchemaKind,
    /// The referenced schema's text.
    pub text: String,
}

/// A decoded payload.
#[derive(Debug, Clone, PartialEq)]
pub struct Decoded {
    /// The value as JSON a person reads.
    pub json: Value,
    /// The Avro type's full name (for a top-level union, the branch the value took), the
    /// Protobuf message's full name, or the JSON Schema's `title` (empty when it has none).
    pub type_name: String,
}

/// A Protobuf message and where it sits: the index path the wire framing names it by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageName {
    /// Full name, e.g. `shop.Order.Line`.
    pub full_name: String,
    /// Index path: `[1, 0]` is the first nested message of the second top-level one.
    pub indexes: Vec<i32>,
}

/// A compiled schema, ready to decode payloads and encode JSON.
///
/// ```
/// use schema::{frame, Schema, SchemaKind};
///
/// let schema = Schema::compile(SchemaKind::Avro, r#""string""#, &[]).unwrap();
/// let framed = [0, 0, 0, 0, 7, 0x04, b'h', b'i'];
/// let parsed = frame::parse(&framed).unwrap();
/// assert_eq!(parsed.schema_id, 7);
/// // Protobuf: `frame::split_message_indexes(parsed.payload)` first, then decode the
/// // rest with those indexes.
/// let decoded = schema.decode(parsed.payload, &[]).unwrap();
/// assert_eq!(decoded.json, "hi");
/// let payload = schema.encode(r#""hi""#, None).unwrap();
/// assert_eq!(frame::write(7, &payload), framed);
/// ```
#[derive(Debug, Clone)]
pub struct Schema {
    inner: Inner,
}

#[derive(Debug, Clone)]
enum Inner {
    Avro(AvroSchema),
    Protobuf(ProtoSchema),
    Json(JsonSchema),
}

impl Schema {
    /// Compiles `text` with its references: a flat list of every schema it refers to,
    /// directly or not.
    ///
    /// # Errors
    /// [`CompileError`] naming the language's complaint.
    pub fn compile(
        kind: SchemaKind,
        text: &str,
        references: &[Reference],
    ) -> Result<Self, CompileError> {
        if let Some(other) = references.iter().find(|r| r.kind != kind) {
            return Err(CompileError::MixedReference {
                name: other.name.clone(),
                expected: kind,
                found: other.kind,
            });
        }
        let inner = match kind {
            SchemaKind::Avro => {
                let texts: Vec<&str> = references.iter().map(|r| r.text.as_str()).collect();
                Inner::Avro(AvroSchema::compile(text, &texts)?)
            }
            SchemaKind::Protobuf => Inner::Protobuf(ProtoSchema::compile(text, references)?),
            SchemaKind::Json => Inner::Json(JsonSchema::compile(text, references)?),
        };
        Ok(Self { inner })
    }

    /// The schema's language.
    #[must_use]
    pub fn kind(&self) -> SchemaKind {
        match self.inner {
            Inner::Avro(_) => SchemaKind::Avro,
            Inner::Protobuf(_) => SchemaKind::Protobuf,
            Inner::Json(_) => SchemaKind::Json,
        }
    }

    /// Decodes a payload (after the 5-byte frame and, for Protobuf, after the message-index
    /// array, whose indexes are passed as `message_indexes`; the others ignore them).
    ///
    /// # Errors
    /// [`DecodeError`] saying where the bytes stopped fitting the schema.
    pub fn decode(&self, payload: &[u8], message_indexes: &[i32]) -> Result<Decoded, DecodeError> {
        match &self.inner {
            Inner::Avro(avro) => {
                let (json, type_name) = avro.decode(payload)?;
                Ok(Decoded { json, type_name })
            }
            Inner::Protobuf(proto) => proto.decode(payload, message_indexes),
            Inner::Json(json) => json.decode(payload),
        }
    }

    /// Encodes JSON text (the form [`Schema::decode`] produces) to a payload without the
    /// 5-byte frame. For Protobuf the payload begins with the message-index array of the
    /// chosen message (`type_name`, a full name; the first message when `None`), so
    /// [`crate::frame::write`] completes it. For Avro `type_name` may pick a branch of a
    /// top-level union (several event types on one topic); JSON Schema ignores it.
    ///
    /// # Errors
    /// [`EncodeError`]: unparsable JSON with its line and column, or the field path and
    /// reason of a value that does not fit.
    pub fn encode(&self, json_text: &str, type_name: Option<&str>) -> Result<Vec<u8>, EncodeError> {
        match &self.inner {
            Inner::Avro(avro) => avro.encode_text(json_text, type_name),
            Inner::Protobuf(proto) => proto.encode(json_text, type_name),
            Inner::Json(json) => json.encode(json_text),
        }
    }

    /// Pretty JSON of a value with every field at its default or zero, for a person to
    /// edit and send; it encodes without error.
    ///
    /// # Errors
    /// [`EncodeError::UnknownType`] when `type_name` names no Protobuf message or Avro
    /// top-level type or union branch.
    pub fn template(&self, type_name: Option<&str>) -> Result<String, EncodeError> {
        match &self.inner {
            Inner::Avro(avro) => avro.template(type_name),
            Inner::Protobuf(proto) => proto.template(type_name),
            Inner::Json(json) => Ok(json.template()),
        }
    }

    /// Every Protobuf message (nested ones too, map entries left out) in file order with
    /// its index path; empty for the other kinds.
    #[must_use]
    pub fn message_names(&self) -> Vec<MessageName> {
        match &self.inner {
            Inner::Protobuf(proto) => proto.message_names(),
            Inner::Avro(_) | Inner::Json(_) => Vec::new(),
        }
    }

    /// The parsed Avro schema (named types from references appear as `Ref`s), for
    /// checks beyond the codec such as compatibility.
    #[must_use]
    pub fn as_avro(&self) -> Option<&apache_avro::Schema> {
        match &self.inner {
            Inner::Avro(avro) => Some(avro.root()),
            Inner::Protobuf(_) | Inner::Json(_) => None,
        }
    }

    /// The compiled Protobuf file (its pool holds the imports too).
    #[must_use]
    pub fn as_protobuf(&self) -> Option<&prost_reflect::FileDescriptor> {
        match &self.inner {
            Inner::Protobuf(proto) => Some(proto.file()),
            Inner::Avro(_) | Inner::Json(_) => None,
        }
    }

    /// The JSON Schema document.
    #[must_use]
    pub fn as_json_schema(&self) -> Option<&Value> {
        match &self.inner {
            Inner::Json(json) => Some(json.document()),
            Inner::Avro(_) | Inner::Protobuf(_) => None,
        }
    }

    /// The schema in a normal form, for comparing and fingerprints: Avro's Parsing
    /// Canonical Form (which drops docs, defaults and logical types), the Protobuf source
    /// as given, the JSON Schema compact with its keys in order.
    #[must_use]
    pub fn canonical(&self) -> String {
        match &self.inner {
            Inner::Avro(avro) => avro.canonical(),
            Inner::Protobuf(proto) => proto.source(),
            Inner::Json(json) => json.compact(),
        }
    }

    /// The schema as text for a person: Avro and JSON Schema pretty-printed with
    /// everything kept (docs, defaults, logical types), the Protobuf source as given.
    #[must_use]
    pub fn pretty(&self) -> String {
        match &self.inner {
            Inner::Avro(avro) => avro.pretty(),
            Inner::Protobuf(proto) => proto.source(),
            Inner::Json(json) => json.pretty(),
        }
    }
}

/// Parses JSON text, with the position of a syntax error.
pub(crate) fn parse_json(text: &str) -> Result<Value, EncodeError> {
    serde_json::from_str(text).map_err(|e| {
        let (line, column, message) = crate::error::json_position(&e);
        EncodeError::Json {
            line,
            column,
            message,
        }
    })
}
