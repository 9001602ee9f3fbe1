//! The `_schemas` topic's keys and values in Confluent's JSON formats (storage/*Key.java,
//! *Value.java), so a Confluent registry could read what this one wrote and vice versa.

use serde::{Deserialize, Serialize};

use crate::checker::Reference;

/// A record's key; its JSON carries `keytype` and `magic` as Confluent's do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Key {
    /// One version of a subject.
    Schema {
        /// The subject.
        subject: String,
        /// The version within the subject.
        version: i32,
    },
    /// A compatibility setting; `None` is the global one.
    Config(Option<String>),
    /// A mode setting; `None` is the global one.
    Mode(Option<String>),
    /// Soft deletion of a subject's versions up to the value's version.
    DeleteSubject(String),
    /// Drops a subject's soft-deleted versions from the cache.
    ClearSubject(String),
    /// A key type this registry does not use (NOOP, CONTEXT, ASSOC, ...): skipped on replay.
    Other(String),
}

#[derive(Serialize)]
struct SchemaKeyJson<'a> {
    keytype: &'a str,
    subject: &'a str,
    version: i32,
    magic: i32,
}

#[derive(Serialize)]
struct SubjectKeyJson<'a> {
    keytype: &'a str,
    // Absent for the global config and mode: Confluent's keys are NON_EMPTY (older
    // registries wrote null; both decode).
    #[serde(skip_serializing_if = "Option::is_none")]
    subject: Option<&'a str>,
    magic: i32,
}

#[derive(Deserialize)]
struct AnyKeyJson {
    keytype: String,
    #[serde(default)]
    subject: Option<String>,
    #[serde(default)]
    version: Option<i32>,
}

impl Key {
    /// The key's JSON bytes.
    pub fn encode(&self) -> Vec<u8> {
        let subject_key = |keytype: &str, subject: Option<&str>| {
            serde_json::to_vec(&SubjectKeyJson {
                keytype,
                subject,
                magic: 0,
            })
        };
        let bytes = match self {
            Key::Schema { subject, version } => serde_json::to_vec(&SchemaKeyJson {
                keytype: "SCHEMA",
                subject,
                version: *version,
                // SchemaKey's magic byte is 1; every other key's is 0.
                magic: 1,
            }),
            Key::Config(s) => subject_key("CONFIG", s.as_deref()),
            Key::Mode(s) => subject_key("MODE", s.as_deref()),
            Key::DeleteSubject(s) => subject_key("DELETE_SUBJECT", Some(s)),
            Key::ClearSubject(s) => subject_key("CLEAR_SUBJECT", Some(s)),
            Key::Other(t) => subject_key(t, None),
        };
        bytes.unwrap_or_default()
    }

    /// Parses a key's JSON bytes.
    pub fn decode(bytes: &[u8]) -> Result<Key, String> {
        let k: AnyKeyJson =
            serde_json::from_slice(bytes).map_err(|e| format!("bad _schemas key: {e}"))?;
        let need_subject =
            |s: Option<String>| s.ok_or_else(|| format!("{} key without subject", k.keytype));
        Ok(match k.keytype.as_str() {
            "SCHEMA" => Key::Schema {
                subject: need_subject(k.subject.clone())?,
                version: k.version.ok_or("SCHEMA key without version")?,
            },
            "CONFIG" => Key::Config(k.subject),
            "MODE" => Key::Mode(k.subject),
            "DELETE_SUBJECT" => Key::DeleteSubject(need_subject(k.subject.clone())?),
            "CLEAR_SUBJECT" => Key::ClearSubject(need_subject(k.subject.clone())?),
            other => Key::Other(other.to_string()),
        })
    }
}

/// A SCHEMA record's value (storage/SchemaValue.java).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SchemaValue {
    /// The subject.
    pub subject: String,
    /// The version within the subject.
    pub version: i32,
    /// The global schema id.
    pub id: i32,
    /// PROTOBUF or JSON; absent for AVRO, as Confluent writes it.
    #[serde(
        rename = "schemaType",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub schema_type: Option<String>,
    /// The schemas this one imports, by subject and version.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub references: Vec<Reference>,
    /// The schema text as registered.
    pub schema: String,
    /// Soft-deleted.
    #[serde(default)]
    pub deleted: bool,
}

impl SchemaValue {
    /// The schema type, AVRO when absent.
    pub fn kind(&self) -> &str {
        self.schema_type.as_deref().unwrap_or("AVRO")
    }
}

/// A CONFIG record's value (storage/ConfigValue.java, the compatibility part).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConfigValue {
    /// The subject; absent for the global config.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    /// NONE, BACKWARD, ...
    #[serde(rename = "compatibilityLevel", default)]
    pub compatibility_level: Option<String>,
}

/// A MODE record's value (storage/ModeValue.java).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModeValue {
    /// The subject; absent for the global mode.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    /// READWRITE, READONLY, IMPORT, ...
    pub mode: String,
}

/// A DELETE_SUBJECT record's value: versions up to `version` are soft-deleted.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeleteSubjectValue {
    /// The subject.
    pub subject: String,
    /// The highest version deleted.
    pub version: i32,
}

/// A CLEAR_SUBJECT record's value.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClearSubjectValue {
    /// The subject.
    pub subject: String,
}
