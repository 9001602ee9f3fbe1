//! Which of the registry's three schema languages a schema is written in.

use std::fmt;

/// The registry's `schemaType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum SchemaKind {
    /// Apache Avro (the registry's default).
    #[default]
    Avro,
    /// Protocol Buffers (proto2 or proto3 source).
    Protobuf,
    /// JSON Schema.
    Json,
}

impl SchemaKind {
    /// Reads the registry's `schemaType`; absent means Avro. Case-insensitive, as the
    /// registry itself accepts lower case.
    #[must_use]
    pub fn from_schema_type(schema_type: Option<&str>) -> Option<Self> {
        match schema_type {
            None => Some(Self::Avro),
            Some(text) if text.eq_ignore_ascii_case("AVRO") => Some(Self::Avro),
            Some(text) if text.eq_ignore_ascii_case("PROTOBUF") => Some(Self::Protobuf),
            Some(text) if text.eq_ignore_ascii_case("JSON") => Some(Self::Json),
            Some(_) => None,
        }
    }

    /// The registry's spelling (`AVRO`, `PROTOBUF`, `JSON`).
    #[must_use]
    pub fn as_schema_type(self) -> &'static str {
        match self {
            Self::Avro => "AVRO",
            Self::Protobuf => "PROTOBUF",
            Self::Json => "JSON",
        }
    }
}

impl fmt::Display for SchemaKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_schema_type())
    }
}

impl std::str::FromStr for SchemaKind {
    type Err = String;

    /// A `schemaType` as given (case-insensitive), or the registry's complaint.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::from_schema_type(Some(s)).ok_or_else(|| format!("Invalid schema type {s}"))
    }
}

#[cfg(test)]
mod tests {
    use super::SchemaKind;

    #[test]
    fn parses_schema_type() {
        assert_eq!(SchemaKind::from_schema_type(None), Some(SchemaKind::Avro));
        assert_eq!(
            SchemaKind::from_schema_type(Some("AVRO")),
            Some(SchemaKind::Avro)
        );
        assert_eq!(
            SchemaKind::from_schema_type(Some("PROTOBUF")),
            Some(SchemaKind::Protobuf)
        );
        assert_eq!(
            SchemaKind::from_schema_type(Some("json")),
            Some(SchemaKind::Json)
        );
        assert_eq!(SchemaKind::from_schema_type(Some("XML")), None);
        assert_eq!(SchemaKind::Protobuf.to_string(), "PROTOBUF");
    }
}
