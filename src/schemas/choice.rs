//! What the composer asks of the registry and gets back: a schema chosen by subject and
//! version for the key or the value, and a schema file to register (plain data: the
//! composer fills it, the workers carry it, the answer comes back owned).

use std::path::PathBuf;
use std::sync::Arc;

use super::codec::Loaded;

/// Which part of the message a schema is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// The record's key.
    Key,
    /// The record's value.
    Value,
}

impl Target {
    /// `key` or `value`, as the composer names it.
    pub fn name(self) -> &'static str {
        match self {
            Target::Key => "key",
            Target::Value => "value",
        }
    }
}

/// A schema asked for by subject and version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaChoice {
    /// Key or value.
    pub target: Target,
    /// The subject, e.g. `orders-value`.
    pub subject: String,
    /// A version number; `None` for the latest.
    pub version: Option<i32>,
    /// Protobuf: the message's full name (the first when `None`); Avro: a top-level
    /// union's branch.
    pub message: Option<String>,
}

impl SchemaChoice {
    /// The version as the registry's URL names it.
    pub fn version_text(&self) -> String {
        self.version
            .map_or_else(|| "latest".to_string(), |v| v.to_string())
    }
}

/// A schema the registry gave for a choice, compiled.
#[derive(Debug)]
pub struct Chosen {
    /// Its subject.
    pub subject: String,
    /// Its version under that subject.
    pub version: i32,
    /// Its global id (what the framing carries).
    pub id: u32,
    /// The compiled schema.
    pub loaded: Loaded,
}

/// The registry's answer to a choice.
pub type ChosenAnswer = Result<Arc<Chosen>, String>;

/// A schema file to register under a subject.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegisterSpec {
    /// The subject.
    pub subject: String,
    /// The schema file.
    pub path: PathBuf,
    /// `AVRO`, `PROTOBUF` or `JSON`.
    pub kind: schema::SchemaKind,
}
