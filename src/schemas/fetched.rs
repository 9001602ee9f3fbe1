//! A schema as the registry gives it: its text, what it references, and where it is
//! registered (plain data: the registry client fills it, the codec compiles it).

/// A schema as registered, with what it references.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fetched {
    /// Its global id.
    pub id: u32,
    /// `AVRO`, `PROTOBUF` or `JSON` (the registry leaves `schemaType` out for Avro).
    pub kind: String,
    /// The schema's text as registered.
    pub text: String,
    /// Every schema it references, directly or not, each once, referenced ones first.
    pub references: Vec<FetchedRef>,
    /// Subjects and versions it is registered under.
    pub versions: Vec<(String, i32)>,
}

/// A referenced schema: the name the referencing schema uses for it, and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchedRef {
    /// The name in the referencing schema (Avro full name, `.proto` import path, `$ref`).
    pub name: String,
    /// Its subject.
    pub subject: String,
    /// Its version.
    pub version: i32,
    /// `AVRO`, `PROTOBUF` or `JSON`.
    pub kind: String,
    /// Its text.
    pub text: String,
}
