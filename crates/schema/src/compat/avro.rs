//! Avro: parsing with references, and Avro's reader/writer resolution check with the
//! registry's messages. The rules are Avro (Java) `SchemaCompatibility`'s, which the
//! registry calls; apache-avro's own checker is not used because it treats a missing enum
//! symbol or union branch as "partially" compatible, stops at the first problem and gives
//! no location (see `compat_avro` tests).

use std::collections::{HashMap, HashSet};

use apache_avro::schema::{DecimalSchema, InnerDecimalSchema, RecordField, Schema, UuidSchema};

use super::{Kind, SchemaText, READER, WRITER};

/// An Avro schema with every named type it can reach, by full name and alias.
pub(super) struct Parsed {
    root: Schema,
    named: HashMap<String, Schema>,
}

/// Parses `schema` after its references, as the registry's Avro provider does.
pub(super) fn parse(schema: &SchemaText) -> Result<Parsed, String> {
    let references: Vec<&str> = schema
        .flat_references()
        .into_iter()
        .filter(|(_, r)| r.kind == Kind::Avro)
        .map(|(_, r)| r.text.as_str())
        .collect();
    let (root, referenced) = Schema::parse_str_with_list(&schema.text, references)
        .map_err(|e| format!("Invalid schema of type AVRO, details: {e}"))?;
    let mut named = HashMap::new();
    for s in referenced.iter().chain(std::iter::once(&root)) {
        index_named(s, &mut named);
    }
    Ok(Parsed { root, named })
}

/// Records each named definition under its full name and aliases, so `Ref`s resolve.
fn index_named(schema: &Schema, named: &mut HashMap<String, Schema>) {
    if let (Some(name), false) = (schema.name(), matches!(schema, Schema::Ref { .. })) {
        named.insert(name.fullname(None), schema.clone());
        for alias in schema.aliases().into_iter().flatten() {
            named
                .entry(alias.fullname(None))
                .or_insert_with(|| schema.clone());
        }
    }
    match schema {
        Schema::Array(a) => index_named(&a.items, named),
        Schema::Map(m) => index_named(&m.types, named),
        Schema::Union(u) => u.variants().iter().for_each(|v| index_named(v, named)),
        Schema::Record(r) => r.fields.iter().for_each(|f| index_named(&f.schema, named)),
        _ => {}
    }
}

/// Incompatibility messages for `reader` reading data written with `writer`.
pub(super) fn reader_issues(reader: &Parsed, writer: &Parsed) -> Vec<String> {
    let mut checker = Checker {
        reader,
        writer,
        path: Vec::new(),
        in_progress: HashSet::new(),
    };
    checker
        .check(&reader.root, &writer.root)
        .iter()
        .map(Incompatibility::message)
        .collect()
}

/// Avro's schema types once logical types are set aside (they resolve by their base type).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Type {
    Null,
    Boolean,
    Int,
    Long,
    Float,
    Double,
    Bytes,
    String,
    Array,
    Map,
    Union,
    Record,
    Enum,
    Fixed,
}

impl Type {
    /// The base type; a `Ref` must be resolved first.
    fn of(schema: &Schema) -> Type {
        match schema {
            Schema::Null => Type::Null,
            Schema::Boolean => Type::Boolean,
            Schema::Int | Schema::Date | Schema::TimeMillis => Type::Int,
            Schema::Long
            | Schema::TimeMicros
            | Schema::TimestampMillis
            | Schema::TimestampMicros
            | Schema::TimestampNanos
            | Schema::LocalTimestampMillis
            | Schema::LocalTimestampMicros
            | Schema::LocalTimestampNanos => Type::Long,
            Schema::Float => Type::Float,
            Schema::Double => Type::Double,
            Schema::Bytes
            | Schema::BigDecimal
            | Schema::Uuid(UuidSchema::Bytes)
            | Schema::Decimal(DecimalSchema {
                inner: InnerDecimalSchema::Bytes,
                ..
            }) => Type::Bytes,
            Schema::String | Schema::Uuid(UuidSchema::String) => Type::String,
            Schema::Array(_) => Type::Array,
            Schema::Map(_) => Type::Map,
            Schema::Union(_) => Type::Union,
            Schema::Record(_) | Schema::Ref { .. } => Type::Record,
            Schema::Enum(_) => Type::Enum,
            Schema::Fixed(_) | Schema::Duration(_) | Schema::Uuid(UuidSchema::Fixed(_)) => {
                Type::Fixed
            }
            Schema::Decimal(DecimalSchema {
                inner: InnerDecimalSchema::Fixed(_),
                ..
            }) => Type::Fixed,
        }
    }

    /// Avro Java's upper-case type name, as messages print it.
    fn name(self) -> &'static str {
        match self {
            Type::Null => "NULL",
            Type::Boolean => "BOOLEAN",
            Type::Int => "INT",
            Type::Long => "LONG",
            Type::Float => "FLOAT",
            Type::Double => "DOUBLE",
            Type::Bytes => "BYTES",
            Type::String => "STRING",
            Type::Array => "ARRAY",
            Type::Map => "MAP",
            Type::Union => "UNION",
            Type::Record => "RECORD",
            Type::Enum => "ENUM",
            Type::Fixed => "FIXED",
        }
    }

    /// Whether a reader of type `self` accepts a different writer type (Avro's promotions).
    fn promotes_from(self, writer: Type) -> bool {
        match self {
            Type::Long => writer == Type::Int,
            Type::Float => matches!(writer, Type::Int | Type::Long),
            Type::Double => matches!(writer, Type::Int | Type::Long | Type::Float),
            Type::Bytes => writer == Type::String,
            Type::String => writer == Type::Bytes,
            _ => false,
        }
    }
}

/// One of Avro's `SchemaIncompatibilityType`s at a JSON-pointer-like location.
struct Incompatibility {
    kind: &'static str,
    location: String,
    info: String,
}

impl Incompatibility {
    /// The registry's `{errorType:..., description:..., additionalInfo:...}` text.
    fn message(&self) -> String {
        let path = &self.location;
        let info = &self.info;
        let description = match self.kind {
            "FIXED_SIZE_MISMATCH" => format!(
                "The size of FIXED type field at path '{path}' in the {READER} schema does not match with the {WRITER} schema"
            ),
            "TYPE_MISMATCH" => format!(
                "The type (path '{path}') of a field in the {READER} schema does not match with the {WRITER} schema"
            ),
            "NAME_MISMATCH" => format!("The name of the schema has changed (path '{path}')"),
            "MISSING_ENUM_SYMBOLS" => format!(
                "The {READER} schema is missing enum symbols '{info}' at path '{path}' in the {WRITER} schema"
            ),
            "MISSING_UNION_BRANCH" => format!(
                "The {READER} schema is missing a type inside a union field at path '{path}' in the {WRITER} schema"
            ),
            "READER_FIELD_MISSING_DEFAULT_VALUE" => format!(
                "The field '{info}' at path '{path}' in the {READER} schema has no default value and is missing in the {WRITER} schema"
            ),
            _ => String::new(),
        };
        format!(
            "{{errorType:'{}', description:'{description}', additionalInfo:'{info}'}}",
            self.kind
        )
    }
}

/// Walks reader and writer together, keeping the location the way Avro Java reports it.
struct Checker<'a> {
    reader: &'a Parsed,
    writer: &'a Parsed,
    path: Vec<String>,
    /// Pairs being checked further up: a recursive type meets itself and counts as compatible.
    in_progress: HashSet<(String, String)>,
}

impl<'a> Checker<'a> {
    /// A `Ref` replaced by its definition (falls back to the `Ref` if unknown).
    fn resolve(parsed: &'a Parsed, schema: &'a Schema) -> &'a Schema {
        match schema {
            Schema::Ref { name } => parsed.named.get(&name.fullname(None)).unwrap_or(schema),
            _ => schema,
        }
    }

    /// Avro's `getCompatibility(token, ...)`: checks one step further down the location.
    fn check_at(
        &mut self,
        token: &str,
        reader: &'a Schema,
        writer: &'a Schema,
    ) -> Vec<Incompatibility> {
        self.path.push(token.to_owned());
        let found = self.check(reader, writer);
        self.path.pop();
        found
    }

    /// Everything that stops `reader` from resolving data written with `writer`.
    fn check(&mut self, reader: &'a Schema, writer: &'a Schema) -> Vec<Incompatibility> {
        let reader = Self::resolve(self.reader, reader);
        let writer = Self::resolve(self.writer, writer);
        let key = (identity(reader), identity(writer));
        if !self.in_progress.insert(key.clone()) {
            return Vec::new();
        }
        let (reader_type, writer_type) = (Type::of(reader), Type::of(writer));
        let found = if reader_type == writer_type {
            self.same_type(reader, writer)
        } else {
            self.different_types(reader, writer)
        };
        self.in_progress.remove(&key);
        found
    }

    /// Both sides of one type: names, sizes, symbols, fields, items, branches.
    fn same_type(&mut self, reader: &'a Schema, writer: &'a Schema) -> Vec<Incompatibility> {
        match (reader, writer) {
            (Schema::Array(r), Schema::Array(w)) => self.check_at("items", &r.items, &w.items),
            (Schema::Map(r), Schema::Map(w)) => self.check_at("values", &r.types, &w.types),
            (Schema::Union(_), Schema::Union(w)) => self.writer_union(reader, w.variants()),
            (Schema::Enum(r), Schema::Enum(w)) => {
                let mut found = self.names(reader, writer);
                let mut missing: Vec<&String> = w
                    .symbols
                    .iter()
                    .filter(|s| !r.symbols.contains(s))
                    .collect();
                missing.sort();
                let has_default = r.default.as_ref().is_some_and(|d| r.symbols.contains(d));
                if !missing.is_empty() && !has_default {
                    let list: Vec<&str> = missing.iter().map(|s| s.as_str()).collect();
                    let info = format!("[{}]", list.join(", "));
                    found.push(self.found_at("symbols", "MISSING_ENUM_SYMBOLS", info));
                }
                found
            }
            (Schema::Record(r), Schema::Record(w)) => {
                let mut found = self.names(reader, writer);
                found.extend(self.fields(&r.fields, &w.fields, writer));
                found
            }
            _ if Type::of(reader) == Type::Fixed => {
                let mut found = self.names(reader, writer);
                let (r, w) = (fixed_size(reader), fixed_size(writer));
                if r != w {
                    let info = format!("expected: {w}, found: {r}");
                    found.push(self.found_at("size", "FIXED_SIZE_MISMATCH", info));
                }
                found
            }
            // Primitives of one type (logical types included) always resolve.
            _ => Vec::new(),
        }
    }

    /// Reader fields matched to writer fields by name, then by the reader field's aliases.
    fn fields(
        &mut self,
        reader_fields: &'a [RecordField],
        writer_fields: &'a [RecordField],
        writer: &'a Schema,
    ) -> Vec<Incompatibility> {
        let mut found = Vec::new();
        self.path.push("fields".to_owned());
        for (position, field) in reader_fields.iter().enumerate() {
            self.path.push(position.to_string());
            let matched = std::iter::once(&field.name)
                .chain(field.aliases.iter())
                .find_map(|name| writer_fields.iter().find(|w| &w.name == name));
            match matched {
                Some(w) => found.extend(self.check_at("type", &field.schema, &w.schema)),
                None if field.default.is_some() => {}
                // Avro Java's quirk: an enum with a default is then checked against the
                // writer record itself, which fails as a TYPE_MISMATCH.
                None if matches!(&field.schema, Schema::Enum(e) if e.default.is_some()) => {
                    found.extend(self.check_at("type", &field.schema, writer));
                }
                None => found.push(
                    self.found_here("READER_FIELD_MISSING_DEFAULT_VALUE", field.name.clone()),
                ),
            }
            self.path.pop();
        }
        self.path.pop();
        found
    }

    /// Each writer branch must be readable by the reader (itself a union or not).
    fn writer_union(&mut self, reader: &'a Schema, branches: &'a [Schema]) -> Vec<Incompatibility> {
        let mut found = Vec::new();
        for (i, branch) in branches.iter().enumerate() {
            self.path.push(i.to_string());
            if !self.check(reader, branch).is_empty() {
                let branch = Self::resolve(self.writer, branch);
                let info = format!(
                    "reader union lacking writer type: {}",
                    Type::of(branch).name()
                );
                found.push(self.found_here("MISSING_UNION_BRANCH", info));
            }
            self.path.pop();
        }
        found
    }

    /// Different types: a writer union branch by branch, promotions, or a reader union.
    fn different_types(&mut self, reader: &'a Schema, writer: &'a Schema) -> Vec<Incompatibility> {
        let (reader_type, writer_type) = (Type::of(reader), Type::of(writer));
        if let Schema::Union(w) = writer {
            let mut found = Vec::new();
            for (i, branch) in w.variants().iter().enumerate() {
                found.extend(self.check_at(&i.to_string(), reader, branch));
            }
            return found;
        }
        if let Schema::Union(r) = reader {
            if r.variants()
                .iter()
                .any(|branch| self.check(branch, writer).is_empty())
            {
                return Vec::new();
            }
            let info = format!("reader union lacking writer type: {}", writer_type.name());
            return vec![self.found_here("MISSING_UNION_BRANCH", info)];
        }
        if reader_type.promotes_from(writer_type) {
            return Vec::new();
        }
        let info = format!(
            "reader type: {} not compatible with writer type: {}",
            reader_type.name(),
            writer_type.name()
        );
        vec![self.found_here("TYPE_MISMATCH", info)]
    }

    /// Unqualified names equal, or the reader has the writer's full name as an alias.
    fn names(&mut self, reader: &Schema, writer: &Schema) -> Vec<Incompatibility> {
        let (Some(r), Some(w)) = (reader.name(), writer.name()) else {
            return Vec::new();
        };
        let writer_full = w.fullname(None);
        let aliased = reader
            .aliases()
            .into_iter()
            .flatten()
            .any(|a| a.fullname(None) == writer_full);
        if r.name() == w.name() || aliased {
            return Vec::new();
        }
        vec![self.found_at("name", "NAME_MISMATCH", format!("expected: {writer_full}"))]
    }

    /// An incompatibility at the current location.
    fn found_here(&self, kind: &'static str, info: String) -> Incompatibility {
        let location = format!("/{}", self.path.join("/"));
        Incompatibility {
            kind,
            location,
            info,
        }
    }

    /// An incompatibility one step below the current location.
    fn found_at(&mut self, token: &str, kind: &'static str, info: String) -> Incompatibility {
        self.path.push(token.to_owned());
        let found = self.found_here(kind, info);
        self.path.pop();
        found
    }
}

/// Named types by full name (a `Ref` resolves to a copy), others by address.
fn identity(schema: &Schema) -> String {
    match schema.name() {
        Some(name) => name.fullname(None),
        None => format!("@{:p}", std::ptr::from_ref(schema)),
    }
}

/// The size of any fixed-based schema (plain, decimal, uuid, duration).
fn fixed_size(schema: &Schema) -> usize {
    match schema {
        Schema::Fixed(f)
        | Schema::Duration(f)
        | Schema::Uuid(UuidSchema::Fixed(f))
        | Schema::Decimal(DecimalSchema {
            inner: InnerDecimalSchema::Fixed(f),
            ..
        }) => f.size,
        _ => 0,
    }
}
