//! The errors of compiling a schema, decoding a payload and encoding JSON.

/// Why a schema text (or one of its references) did not compile.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CompileError {
    /// The Avro parser refused the schema or a reference.
    #[error("Avro schema: {0}")]
    Avro(String),
    /// protox refused the main file or an import.
    #[error("Protobuf schema: {0}")]
    Protobuf(String),
    /// The JSON Schema is not JSON or not a valid schema, or a `$ref` did not resolve.
    #[error("JSON Schema: {0}")]
    Json(String),
    /// A reference of another kind than the main schema (the registry never mixes them).
    #[error("reference `{name}` is {found:?}, the schema is {expected:?}")]
    MixedReference {
        /// The reference's name.
        name: String,
        /// The main schema's kind.
        expected: crate::SchemaKind,
        /// The reference's kind.
        found: crate::SchemaKind,
    },
}

/// Why a payload did not decode with its schema.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// The bytes do not follow the schema; `path` says where (empty at the top).
    #[error("{}{message}", path_prefix(path))]
    Malformed {
        /// Dotted field path, e.g. `address.zip`.
        path: String,
        /// What was wrong.
        message: String,
    },
    /// Bytes were left after the value ended.
    #[error("{0} bytes left after the value")]
    TrailingBytes(usize),
    /// The message-index path names no message of the Protobuf schema.
    #[error("no message at index path {0:?}")]
    NoSuchMessage(Vec<i32>),
    /// A JSON Schema payload is not JSON.
    #[error("payload is not JSON (line {line}, column {column}): {message}")]
    NotJson {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// serde_json's description.
        message: String,
    },
    /// A JSON Schema payload is JSON but breaks the schema: the first problems, each
    /// with its JSON pointer.
    #[error("payload breaks the schema: {}", .0.join("; "))]
    Invalid(Vec<String>),
}

/// Why JSON text could not be encoded with a schema.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EncodeError {
    /// The text is not JSON.
    #[error("not JSON (line {line}, column {column}): {message}")]
    Json {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// serde_json's description.
        message: String,
    },
    /// A value does not fit the schema; `path` says where (empty at the top).
    #[error("{}{message}", path_prefix(path))]
    Mismatch {
        /// Dotted field path, e.g. `address.zip` or `items[2]`.
        path: String,
        /// What was expected and what was found.
        message: String,
    },
    /// The requested type name is not in the schema.
    #[error("no type `{0}` in the schema")]
    UnknownType(String),
    /// JSON Schema validation failed: the first problems with their JSON pointers.
    #[error("value breaks the schema: {}", .0.join("; "))]
    Invalid(Vec<String>),
}

/// "`path`: " before a message, or nothing at the top level.
fn path_prefix(path: &str) -> String {
    if path.is_empty() {
        String::new()
    } else {
        format!("{path}: ")
    }
}

/// The error of a serde_json parse, with its position.
pub(crate) fn json_position(error: &serde_json::Error) -> (usize, usize, String) {
    // serde_json's Display appends " at line L column C"; the message alone reads better.
    let full = error.to_string();
    let message = match full.rfind(" at line ") {
        Some(cut) => full[..cut].to_string(),
        None => full,
    };
    (error.line(), error.column(), message)
}
