//! Avro: the schema with its named types, and the natural JSON codec over it.

mod binary;
mod decode;
mod encode;
mod encode_logical;
mod logical_text;
mod template;
mod union;

use std::collections::HashMap;

use apache_avro::schema::{InnerDecimalSchema, Schema, UuidSchema};

use serde_json::Value;

use crate::error::{CompileError, EncodeError};

/// A compiled Avro schema and every named type it or its references define.
#[derive(Debug, Clone)]
pub(crate) struct AvroSchema {
    root: Schema,
    /// Full name to definition, so `Schema::Ref` resolves.
    names: HashMap<String, Schema>,
}

impl AvroSchema {
    /// Parses `text`, with the named types of `references` (in any order) in scope.
    pub(crate) fn compile(text: &str, references: &[&str]) -> Result<Self, CompileError> {
        let (root, schemata) = Schema::parse_str_with_list(text, references.iter().copied())
            .map_err(|e| CompileError::Avro(e.to_string()))?;
        let mut names = HashMap::new();
        for schema in schemata.iter().chain(std::iter::once(&root)) {
            collect_names(schema, &mut names);
        }
        Ok(Self { root, names })
    }

    /// The parsed top-level schema.
    pub(crate) fn root(&self) -> &Schema {
        &self.root
    }

    /// The schema's Parsing Canonical Form.
    pub(crate) fn canonical(&self) -> String {
        self.root.canonical_form()
    }

    /// The schema as pretty JSON with docs, defaults and logical types kept.
    pub(crate) fn pretty(&self) -> String {
        serde_json::to_string_pretty(&self.root).unwrap_or_else(|_| self.canonical())
    }

    /// The top-level type's name: a record's full name, else the type's own name; for
    /// a top-level union, the name of the branch the payload holds.
    pub(crate) fn type_name(&self, payload: &[u8]) -> String {
        let root = self.resolve(&self.root);
        if let Schema::Union(union) = root {
            let index = binary::Reader::new(payload).long().ok();
            let branch = index
                .and_then(|i| usize::try_from(i).ok())
                .and_then(|i| union.variants().get(i));
            if let Some(branch) = branch {
                return branch_name(self.resolve(branch));
            }
        }
        branch_name(root)
    }

    /// The type a `type_name` asks for: the top-level type itself (`None`, or its own
    /// name), or the named branch of a top-level union, with the name to wrap it in.
    fn top_level_type(
        &self,
        type_name: Option<&str>,
    ) -> Result<(&Schema, Option<String>), EncodeError> {
        let root = self.resolve(&self.root);
        let Some(name) = type_name else {
            return Ok((root, None));
        };
        if names_branch(root, name) {
            return Ok((root, None));
        }
        if let Schema::Union(union) = root {
            if let Some(branch) = union
                .variants()
                .iter()
                .find(|b| names_branch(self.resolve(b), name))
            {
                return Ok((branch, Some(name.to_string())));
            }
        }
        Err(EncodeError::UnknownType(name.to_string()))
    }

    /// Encodes JSON text; `type_name` may name the top-level type or pick a branch of a
    /// top-level union (the value is then written as that branch).
    pub(crate) fn encode_text(
        &self,
        json_text: &str,
        type_name: Option<&str>,
    ) -> Result<Vec<u8>, EncodeError> {
        let value = crate::schema::parse_json(json_text)?;
        match self.top_level_type(type_name)? {
            (_, Some(name)) => {
                self.encode(&Value::Object(serde_json::Map::from_iter([(name, value)])))
            }
            (_, None) => self.encode(&value),
        }
    }

    /// Follows a `Ref` to its definition.
    fn resolve<'a>(&'a self, schema: &'a Schema) -> &'a Schema {
        match schema {
            Schema::Ref { name } => self.names.get(&name.fullname(None)).unwrap_or(schema),
            other => other,
        }
    }
}

/// Records every named type (record, enum, fixed) under its full name.
fn collect_names(schema: &Schema, names: &mut HashMap<String, Schema>) {
    match schema {
        Schema::Record(record) => {
            names.insert(record.name.fullname(None), schema.clone());
            for field in &record.fields {
                collect_names(&field.schema, names);
            }
        }
        Schema::Enum(e) => {
            names.insert(e.name.fullname(None), schema.clone());
        }
        Schema::Fixed(fixed) | Schema::Duration(fixed) | Schema::Uuid(UuidSchema::Fixed(fixed)) => {
            names.insert(fixed.name.fullname(None), schema.clone());
        }
        Schema::Decimal(decimal) => {
            if let InnerDecimalSchema::Fixed(fixed) = &decimal.inner {
                names.insert(fixed.name.fullname(None), schema.clone());
            }
        }
        Schema::Array(array) => collect_names(&array.items, names),
        Schema::Map(map) => collect_names(&map.types, names),
        Schema::Union(union) => {
            for variant in union.variants() {
                collect_names(variant, names);
            }
        }
        _ => {}
    }
}

/// The name of a union branch in Avro's JSON encoding: a named type's full name, else
/// the (underlying) type name.
fn branch_name(schema: &Schema) -> String {
    match schema {
        Schema::Record(r) => r.name.fullname(None),
        Schema::Enum(e) => e.name.fullname(None),
        Schema::Fixed(f) | Schema::Duration(f) | Schema::Uuid(UuidSchema::Fixed(f)) => {
            f.name.fullname(None)
        }
        Schema::Decimal(d) => match &d.inner {
            InnerDecimalSchema::Fixed(f) => f.name.fullname(None),
            InnerDecimalSchema::Bytes => "bytes".into(),
        },
        Schema::Ref { name } => name.fullname(None),
        Schema::Null => "null".into(),
        Schema::Boolean => "boolean".into(),
        Schema::Int | Schema::Date | Schema::TimeMillis => "int".into(),
        Schema::Long
        | Schema::TimeMicros
        | Schema::TimestampMillis
        | Schema::TimestampMicros
        | Schema::TimestampNanos
        | Schema::LocalTimestampMillis
        | Schema::LocalTimestampMicros
        | Schema::LocalTimestampNanos => "long".into(),
        Schema::Float => "float".into(),
        Schema::Double => "double".into(),
        Schema::Bytes | Schema::BigDecimal | Schema::Uuid(UuidSchema::Bytes) => "bytes".into(),
        Schema::String | Schema::Uuid(UuidSchema::String) => "string".into(),
        Schema::Array(_) => "array".into(),
        Schema::Map(_) => "map".into(),
        Schema::Union(_) => "union".into(),
    }
}

/// Whether `key` names this branch: its full name, its short name, or for a logical
/// type also the logical type's name (`timestamp-millis`).
fn names_branch(schema: &Schema, key: &str) -> bool {
    let full = branch_name(schema);
    if full == key || full.rsplit('.').next() == Some(key) {
        return true;
    }
    let logical = match schema {
        Schema::Date => "date",
        Schema::TimeMillis => "time-millis",
        Schema::TimeMicros => "time-micros",
        Schema::TimestampMillis => "timestamp-millis",
        Schema::TimestampMicros => "timestamp-micros",
        Schema::TimestampNanos => "timestamp-nanos",
        Schema::LocalTimestampMillis => "local-timestamp-millis",
        Schema::LocalTimestampMicros => "local-timestamp-micros",
        Schema::LocalTimestampNanos => "local-timestamp-nanos",
        Schema::Uuid(_) => "uuid",
        Schema::Decimal(_) => "decimal",
        Schema::BigDecimal => "big-decimal",
        Schema::Duration(_) => "duration",
        _ => return false,
    };
    logical == key
}
