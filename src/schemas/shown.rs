//! What a record's key or value is shown as: its bytes (not framed, or no registry), a
//! decoded value, a schema still being fetched, or why it could not be decoded — and the
//! per-record cache that keeps a final answer so filtering does not decode again.

use std::cell::OnceCell;
use std::sync::Arc;

/// A value decoded through its schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    /// Schema id.
    pub id: u32,
    /// `AVRO`, `PROTOBUF` or `JSON`.
    pub kind: String,
    /// Record or message full name (empty when the schema names none).
    pub type_name: String,
    /// The value as one line of JSON.
    pub json: String,
}

/// How bytes are shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Shown {
    /// As bytes (not Confluent-framed, or no registry configured).
    Plain,
    /// Framed with this schema id, whose schema is being fetched.
    Pending(u32),
    /// Decoded.
    Decoded(Arc<Decoded>),
    /// Framed, but its schema could not be had (registry down, unknown id, a schema that
    /// does not compile): why. Asked for again now and then, so it is not kept.
    Unavailable {
        /// Schema id.
        id: u32,
        /// The reason, for the row.
        reason: String,
    },
    /// Framed, but the bytes do not fit their schema: why (kept: the bytes never change).
    Failed {
        /// Schema id.
        id: u32,
        /// The reason, for the row.
        reason: String,
    },
}

impl Shown {
    /// Whether this answer can change (the schema is still coming).
    pub fn is_final(&self) -> bool {
        !matches!(self, Shown::Pending(_) | Shown::Unavailable { .. })
    }

    /// The row's text for it, or None to show the bytes as today.
    pub fn preview(&self) -> Option<String> {
        match self {
            Shown::Plain => None,
            Shown::Pending(id) => Some(format!("schema {id} being fetched…")),
            Shown::Decoded(d) => Some(d.json.clone()),
            Shown::Failed { id, reason } | Shown::Unavailable { id, reason } => {
                Some(format!("schema {id}: {reason}"))
            }
        }
    }
}

/// A record's key and value as shown, kept once final (a record's bytes never change).
#[derive(Debug, Clone, Default)]
pub struct ShownCache(OnceCell<Arc<(Shown, Shown)>>);

impl ShownCache {
    /// The kept answer.
    pub fn get(&self) -> Option<&Arc<(Shown, Shown)>> {
        self.0.get()
    }

    /// Keeps `pair` if both halves are final; returns it either way.
    pub fn keep(&self, pair: (Shown, Shown)) -> Arc<(Shown, Shown)> {
        let pair = Arc::new(pair);
        if pair.0.is_final() && pair.1.is_final() {
            let _ = self.0.set(pair.clone());
        }
        pair
    }
}

/// The cache says nothing about the record it is in: records are equal by their data.
impl PartialEq for ShownCache {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Eq for ShownCache {}
