//! Protobuf (not yet).

use super::SchemaText;

/// A compiled Protobuf schema.
pub(super) enum Parsed {}

/// Compiles `schema` with its imports.
pub(super) fn parse(_schema: &SchemaText) -> Result<Parsed, String> {
    Err(
        "Invalid schema: compatibility checks for this schema type are not implemented yet"
            .to_owned(),
    )
}

/// Incompatibility messages for `reader` reading data written with `writer`.
pub(super) fn reader_issues(reader: &Parsed, _writer: &Parsed) -> Vec<String> {
    match *reader {}
}
